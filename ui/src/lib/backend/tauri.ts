// The only file that knows Tauri. Each Backend method is one command of src-tauri, in
// snake_case; arguments are passed as objects whose camelCase keys Tauri maps onto the
// Rust parameter names (`caseId` → `case_id`). Rejections carry the shell's error report
// and become BackendError.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import {
  isPermissionGranted,
  requestPermission,
  sendNotification,
} from '@tauri-apps/plugin-notification';
import type { Backend } from './backend';
import { BackendError } from './backend';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw BackendError.from(err);
  }
}

type Commands = Exclude<keyof Backend, 'onAutoLocked' | 'onReminder' | 'notify'>;

export const COMMANDS = {
  storeStatus: 'store_status',
  createStore: 'create_store',
  unlock: 'unlock',
  lock: 'lock',
  session: 'session',
  saveSettings: 'save_settings',
  activity: 'activity',
  passphraseStrength: 'passphrase_strength_of',
  changePassphrase: 'change_passphrase',
  listCases: 'list_cases',
  caseDetail: 'case_detail',
  openCase: 'open_case',
  updateCase: 'update_case',
  closeCase: 'close_case',
  reopenCase: 'reopen_case',
  addNote: 'add_note',
  createReferral: 'create_referral',
  recordEvent: 'record_event',
  addRightsCheck: 'add_rights_check',
  setRightStep: 'set_right_step',
  setNonTakeUp: 'set_non_take_up',
  addFollowUp: 'add_follow_up',
  completeFollowUp: 'complete_follow_up',
  rescheduleFollowUp: 'reschedule_follow_up',
  addSignal: 'add_signal',
  checkText: 'check_text',
  vocabularies: 'vocabularies',
  partners: 'partners',
  addPartner: 'add_partner',
  today: 'today',
  referralKpis: 'referral_kpis',
  monthlyStatistics: 'monthly_statistics',
  exportMonthlyStatistics: 'export_monthly_statistics',
  backupStatus: 'backup_status',
  createBackup: 'create_backup',
  restoreBackup: 'restore_backup',
  retentionSetting: 'retention_setting',
  setRetentionMonths: 'set_retention_months',
  retentionPreview: 'retention_preview',
  retentionPurge: 'retention_purge',
  recoverStore: 'recover_store',
  listUsers: 'list_users',
  addUser: 'add_user',
  setUserRoles: 'set_user_roles',
  removeUser: 'remove_user',
  verifyAudit: 'verify_audit',
  auditEntries: 'audit_entries',
} as const satisfies Record<Commands, string>;

/** Event names emitted by src-tauri/src/ticker.rs. */
export const EVENTS = { autoLocked: 'auto-locked', reminder: 'reminder' } as const;

export function createTauriBackend(): Backend {
  return {
    storeStatus: () => call(COMMANDS.storeStatus),
    createStore: (input) => call(COMMANDS.createStore, { input }),
    unlock: (passphrase) => call(COMMANDS.unlock, { passphrase }),
    lock: () => call(COMMANDS.lock),
    session: () => call(COMMANDS.session),
    saveSettings: (settings) => call(COMMANDS.saveSettings, { settings }),
    activity: () => call(COMMANDS.activity),
    passphraseStrength: (passphrase) => call(COMMANDS.passphraseStrength, { passphrase }),
    changePassphrase: (oldPassphrase, newPassphrase) =>
      call(COMMANDS.changePassphrase, { oldPassphrase, newPassphrase }),
    listCases: (filter) => call(COMMANDS.listCases, { filter }),
    caseDetail: (id) => call(COMMANDS.caseDetail, { id }),
    openCase: (input) => call(COMMANDS.openCase, { input }),
    updateCase: (id, profile) => call(COMMANDS.updateCase, { id, profile }),
    closeCase: (id, on) => call(COMMANDS.closeCase, { id, on }),
    reopenCase: (id) => call(COMMANDS.reopenCase, { id }),
    addNote: (caseId, body, keepBecause) =>
      call(COMMANDS.addNote, { caseId, body, keepBecause: keepBecause ?? null }),
    createReferral: (input) => call(COMMANDS.createReferral, { input }),
    recordEvent: (input) => call(COMMANDS.recordEvent, { input }),
    addRightsCheck: (input) => call(COMMANDS.addRightsCheck, { input }),
    setRightStep: (id, step, on) => call(COMMANDS.setRightStep, { id, step, on }),
    setNonTakeUp: (id, reason, barrier) => call(COMMANDS.setNonTakeUp, { id, reason, barrier }),
    addFollowUp: (input, keepBecause) =>
      call(COMMANDS.addFollowUp, { input, keepBecause: keepBecause ?? null }),
    completeFollowUp: (id, on) => call(COMMANDS.completeFollowUp, { id, on }),
    rescheduleFollowUp: (id, dueOn) => call(COMMANDS.rescheduleFollowUp, { id, dueOn }),
    addSignal: (input, keepBecause) => call(COMMANDS.addSignal, { input, keepBecause: keepBecause ?? null }),
    checkText: (text) => call(COMMANDS.checkText, { text }),
    vocabularies: () => call(COMMANDS.vocabularies),
    partners: () => call(COMMANDS.partners),
    addPartner: (input) => call(COMMANDS.addPartner, { input }),
    today: () => call(COMMANDS.today),
    referralKpis: (filter) => call(COMMANDS.referralKpis, { filter }),
    monthlyStatistics: (request) => call(COMMANDS.monthlyStatistics, { request }),
    exportMonthlyStatistics: (request, options) => call(COMMANDS.exportMonthlyStatistics, { request, options }),
    backupStatus: () => call(COMMANDS.backupStatus),
    createBackup: () => call(COMMANDS.createBackup),
    restoreBackup: (passphrase) => call(COMMANDS.restoreBackup, { passphrase }),
    retentionSetting: () => call(COMMANDS.retentionSetting),
    setRetentionMonths: (months) => call(COMMANDS.setRetentionMonths, { months }),
    retentionPreview: () => call(COMMANDS.retentionPreview),
    retentionPurge: (token) => call(COMMANDS.retentionPurge, { token }),
    recoverStore: (recoveryKey, newPassphrase) => call(COMMANDS.recoverStore, { recoveryKey, newPassphrase }),
    listUsers: () => call(COMMANDS.listUsers),
    addUser: (input) => call(COMMANDS.addUser, { input }),
    setUserRoles: (worker, roles) => call(COMMANDS.setUserRoles, { worker, roles }),
    removeUser: (worker) => call(COMMANDS.removeUser, { worker }),
    verifyAudit: () => call(COMMANDS.verifyAudit),
    auditEntries: (query) => call(COMMANDS.auditEntries, { query }),
    onAutoLocked: (handler) => listen(EVENTS.autoLocked, (e) => handler(e.payload as never)),
    onReminder: (handler) => listen(EVENTS.reminder, (e) => handler(e.payload as never)),
    async notify(title, body) {
      let granted = await isPermissionGranted();
      if (!granted) granted = (await requestPermission()) === 'granted';
      if (granted) sendNotification({ title, body });
    },
  };
}
