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

type Commands = Exclude<keyof Backend, 'onAutoLocked' | 'onReminder' | 'onHubSync' | 'onBundlesDropped' | 'notify'>;

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
  exchangePartners: 'exchange_partners',
  exportBundle: 'export_bundle',
  importBundles: 'import_bundles',
  importDroppedBundles: 'import_dropped_bundles',
  shareWithReferral: 'share_with_referral',
  referralShared: 'referral_shared',
  referralView: 'referral_view',
  ownCard: 'own_card',
  exportOwnCard: 'export_own_card',
  pinPartnerCard: 'pin_partner_card',
  pinnedKeys: 'pinned_keys',
  revokePartnerKeys: 'revoke_partner_keys',
  exchangeCoordinator: 'exchange_coordinator',
  setExchangeCoordinator: 'set_exchange_coordinator',
  hubStatus: 'hub_status',
  setHub: 'set_hub',
  forgetHub: 'forget_hub',
  pickHubCa: 'pick_hub_ca',
  hubSyncStatus: 'hub_sync_status',
  syncHubNow: 'sync_hub_now',
} as const satisfies Record<Commands, string>;

/** Event names emitted by src-tauri (ticker.rs, hub_sync.rs, commands/exchange.rs). */
export const EVENTS = {
  autoLocked: 'auto-locked',
  reminder: 'reminder',
  hubSync: 'hub-sync',
  bundlesDropped: 'bundles-dropped',
} as const;

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
    exchangePartners: () => call(COMMANDS.exchangePartners),
    exportBundle: (partner) => call(COMMANDS.exportBundle, { partner }),
    importBundles: () => call(COMMANDS.importBundles),
    importDroppedBundles: () => call(COMMANDS.importDroppedBundles),
    shareWithReferral: (referral, shared, keepBecause) =>
      call(COMMANDS.shareWithReferral, { referral, shared, keepBecause: keepBecause ?? null }),
    referralShared: (referral) => call(COMMANDS.referralShared, { referral }),
    referralView: (referral) => call(COMMANDS.referralView, { referral }),
    ownCard: () => call(COMMANDS.ownCard),
    exportOwnCard: () => call(COMMANDS.exportOwnCard),
    pinPartnerCard: (words) => call(COMMANDS.pinPartnerCard, { words }),
    pinnedKeys: () => call(COMMANDS.pinnedKeys),
    revokePartnerKeys: (partner) => call(COMMANDS.revokePartnerKeys, { partner }),
    exchangeCoordinator: () => call(COMMANDS.exchangeCoordinator),
    setExchangeCoordinator: (partner) => call(COMMANDS.setExchangeCoordinator, { partner }),
    hubStatus: () => call(COMMANDS.hubStatus),
    setHub: (settings, password) => call(COMMANDS.setHub, { settings, password }),
    forgetHub: () => call(COMMANDS.forgetHub),
    pickHubCa: () => call(COMMANDS.pickHubCa),
    hubSyncStatus: () => call(COMMANDS.hubSyncStatus),
    syncHubNow: () => call(COMMANDS.syncHubNow),
    onHubSync: (handler) => listen(EVENTS.hubSync, (e) => handler(e.payload as never)),
    onBundlesDropped: (handler) => listen(EVENTS.bundlesDropped, (e) => handler(e.payload as never)),
    onAutoLocked: (handler) => listen(EVENTS.autoLocked, (e) => handler(e.payload as never)),
    onReminder: (handler) => listen(EVENTS.reminder, (e) => handler(e.payload as never)),
    async notify(title, body) {
      let granted = await isPermissionGranted();
      if (!granted) granted = (await requestPermission()) === 'granted';
      if (granted) sendNotification({ title, body });
    },
  };
}
