// The typed interface between the UI and the Rust core. Components talk to a `Backend`
// (from `./index`), never to Tauri directly.
import type { Applied } from '../bindings/Applied';
import type { BundleExport } from '../bindings/BundleExport';
import type { BundleImport } from '../bindings/BundleImport';
import type { Dropped } from '../bindings/Dropped';
import type { ExchangePartner } from '../bindings/ExchangePartner';
import type { HubSettings } from '../bindings/HubSettings';
import type { HubStatus } from '../bindings/HubStatus';
import type { HubSyncStatus } from '../bindings/HubSyncStatus';
import type { OwnCard } from '../bindings/OwnCard';
import type { PickedCa } from '../bindings/PickedCa';
import type { PinResult } from '../bindings/PinResult';
import type { PinnedKeyView } from '../bindings/PinnedKeyView';
import type { ReferralView } from '../bindings/ReferralView';
import type { Shared } from '../bindings/Shared';
import type { AppErrorKind } from '../bindings/AppErrorKind';
import type { AutoLocked } from '../bindings/AutoLocked';
import type { AuditPage } from '../bindings/AuditPage';
import type { AuditQuery } from '../bindings/AuditQuery';
import type { AuditReport } from '../bindings/AuditReport';
import type { NewUser } from '../bindings/NewUser';
import type { RestoredBackup } from '../bindings/RestoredBackup';
import type { Role } from '../bindings/Role';
import type { User } from '../bindings/User';
import type { BackupStatus } from '../bindings/BackupStatus';
import type { Case } from '../bindings/Case';
import type { CaseDetail } from '../bindings/CaseDetail';
import type { WarningOverride } from '../bindings/WarningOverride';
import type { CaseFilter } from '../bindings/CaseFilter';
import type { CasePage } from '../bindings/CasePage';
import type { CaseProfile } from '../bindings/CaseProfile';
import type { CreatedStore } from '../bindings/CreatedStore';
import type { CreateStoreInput } from '../bindings/CreateStoreInput';
import type { AppErrorReport } from '../bindings/AppErrorReport';
import type { ErrorReport } from '../bindings/ErrorReport';
import type { ExportOptions } from '../bindings/ExportOptions';
import type { Finding } from '../bindings/Finding';
import type { ImportProblem } from '../bindings/ImportProblem';
import type { KpiFilter } from '../bindings/KpiFilter';
import type { MonthlyRequest } from '../bindings/MonthlyRequest';
import type { MonthlyStats } from '../bindings/MonthlyStats';
import type { NewCase } from '../bindings/NewCase';
import type { NewEvent } from '../bindings/NewEvent';
import type { NewFollowUp } from '../bindings/NewFollowUp';
import type { NewPartner } from '../bindings/NewPartner';
import type { NewReferral } from '../bindings/NewReferral';
import type { NewRightsCheck } from '../bindings/NewRightsCheck';
import type { NewSignal } from '../bindings/NewSignal';
import type { Partner } from '../bindings/Partner';
import type { PassphraseStrength } from '../bindings/PassphraseStrength';
import type { ReferralKpis } from '../bindings/ReferralKpis';
import type { Reminder } from '../bindings/Reminder';
import type { RetentionPreview } from '../bindings/RetentionPreview';
import type { RetentionReport } from '../bindings/RetentionReport';
import type { RetentionSetting } from '../bindings/RetentionSetting';
import type { RightStep } from '../bindings/RightStep';
import type { SessionInfo } from '../bindings/SessionInfo';
import type { Settings } from '../bindings/Settings';
import type { StoreStatus } from '../bindings/StoreStatus';
import type { Term } from '../bindings/Term';
import type { Today } from '../bindings/Today';

export type { CreateStoreInput, StoreStatus, Today };

export type Unlisten = () => void;

/**
 * One method per command of src-tauri (same name in camelCase), plus the app's events.
 * Every call may reject with a BackendError.
 */
export interface Backend {
  // The store and the session
  storeStatus(): Promise<StoreStatus>;
  createStore(input: CreateStoreInput): Promise<CreatedStore>;
  unlock(passphrase: string): Promise<void>;
  lock(): Promise<void>;
  session(): Promise<SessionInfo>;
  saveSettings(settings: Settings): Promise<Settings>;
  /** The user did something without calling a command (keeps auto-lock away). */
  activity(): Promise<void>;
  passphraseStrength(passphrase: string): Promise<PassphraseStrength>;
  /** Changes the unlocked worker's own passphrase (any role). The core judges the new one's
   * strength (`validation` on `passphrase`) and refuses a current one that is not this
   * worker's (`wrong_passphrase`); only this worker's key slot is rewrapped. */
  changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void>;

  // Cases
  listCases(filter: CaseFilter): Promise<CasePage>;
  caseDetail(id: string): Promise<CaseDetail>;
  openCase(input: NewCase): Promise<Case>;
  updateCase(id: string, profile: CaseProfile): Promise<void>;
  closeCase(id: string, on: string): Promise<void>;
  reopenCase(id: string): Promise<void>;
  /** `keepBecause`: the worker's reason to keep text the identifier check warns about
   * (recorded in the audit log); without it, warned text is refused (`identifier_warning`). */
  addNote(caseId: string, body: string, keepBecause?: WarningOverride | null): Promise<string>;

  // Referrals, rights, follow-ups, signals
  createReferral(input: NewReferral): Promise<string>;
  recordEvent(input: NewEvent): Promise<Applied>;
  addRightsCheck(input: NewRightsCheck): Promise<string>;
  setRightStep(id: string, step: RightStep, on: string): Promise<void>;
  setNonTakeUp(id: string, reason: string | null, barrier: string | null): Promise<void>;
  addFollowUp(input: NewFollowUp, keepBecause?: WarningOverride | null): Promise<string>;
  completeFollowUp(id: string, on: string): Promise<void>;
  rescheduleFollowUp(id: string, dueOn: string): Promise<void>;
  addSignal(input: NewSignal, keepBecause?: WarningOverride | null): Promise<string>;

  /** Identifiers of a person in a text, found while typing (saving checks again). */
  checkText(text: string): Promise<Finding[]>;

  // Reference data and the today view
  vocabularies(): Promise<Record<string, Term[]>>;
  partners(): Promise<Partner[]>;
  addPartner(input: NewPartner): Promise<string>;
  today(): Promise<Today>;

  // Coordinators
  referralKpis(filter: KpiFilter): Promise<ReferralKpis>;

  // Exporters
  /** One month's statistics, protected by the core (hidden figures carry no value). */
  monthlyStatistics(request: MonthlyRequest): Promise<MonthlyStats>;
  /**
   * Computes the month's statistics again and writes them as a file where the person
   * chooses in the shell's save dialog. The saved file's name, or null when cancelled.
   */
  exportMonthlyStatistics(request: MonthlyRequest, options: ExportOptions): Promise<string | null>;

  // Backups
  /** When the last backup was made and whether the reminder is due. */
  backupStatus(): Promise<BackupStatus>;
  /**
   * Writes an encrypted backup where the person chooses in the shell's save dialog. The
   * saved file's name, or null when cancelled.
   */
  createBackup(): Promise<string | null>;
  /**
   * Restores a backup the person chooses in the shell's open dialog, with a passphrase
   * that opened the store when the backup was made. Null when cancelled. A refused backup
   * leaves the session open; after a restore (or a failed one) the store is locked.
   */
  restoreBackup(passphrase: string): Promise<RestoredBackup | null>;

  // Retention of closed cases (administrators)
  /** The period (null: none), its bounds and today's cut-off. */
  retentionSetting(): Promise<RetentionSetting>;
  /** Sets the period in months, or switches it off with null. */
  setRetentionMonths(months: number | null): Promise<RetentionSetting>;
  /** What a purge today would remove, with the token that purges exactly that. */
  retentionPreview(): Promise<RetentionPreview>;
  /** Purges what the preview with `token` showed, or nothing (`preview_changed`). */
  retentionPurge(token: string): Promise<RetentionReport>;

  // The recovery key (on the unlock screen)
  /** Sets a new passphrase for the worker who created the store and unlocks as them. */
  recoverStore(recoveryKey: string, newPassphrase: string): Promise<void>;

  // Administrators: users and the audit log
  listUsers(): Promise<User[]>;
  /** The new user's id. */
  addUser(input: NewUser): Promise<string>;
  setUserRoles(worker: string, roles: Role[]): Promise<void>;
  /** Deletes the user's key slot (their passphrase opens nothing) and rotates the data key. */
  removeUser(worker: string): Promise<void>;
  verifyAudit(): Promise<AuditReport>;
  auditEntries(query: AuditQuery): Promise<AuditPage>;

  // The exchange with partners in other stores (roles with the `exchange` permission)
  /** The partners this store exchanges with (a pinned key) and what waits for each. */
  exchangePartners(): Promise<ExchangePartner[]>;
  /** Seals what waits for a partner into a bundle, saved where the person chooses in the
   * shell's save dialog (nothing waits: no dialog; cancelled: nothing sealed). */
  exportBundle(partner: string): Promise<BundleExport>;
  /** Imports bundle files the person picks in the shell's open dialog (several at once),
   * each in its own transaction; null when cancelled. */
  importBundles(): Promise<BundleImport[] | null>;
  /** Imports the files last dropped onto the window (the shell keeps their paths). */
  importDroppedBundles(): Promise<BundleImport[]>;
  /** What goes with a draft referral to the receiving partner (nothing unless chosen); a
   * warned handover note needs `keepBecause`. */
  shareWithReferral(referral: string, shared: Shared, keepBecause?: WarningOverride | null): Promise<void>;
  referralShared(referral: string): Promise<Shared | null>;
  /** One referral (e.g. received, without a case here) with its events, what may be
   * recorded today and what was shared. */
  referralView(referral: string): Promise<ReferralView>;
  /** The sync loop's status (also sent as an event whenever it changes). */
  hubSyncStatus(): Promise<HubSyncStatus>;
  /** "Nu synchroniseren": a round with the hub as soon as the loop can. */
  syncHubNow(): Promise<void>;

  // Administrators: this store's identity, partners' keys, coordinator, hub
  /** This store's card with its fingerprint (words, hex, QR modules); made the first time. */
  ownCard(): Promise<OwnCard>;
  /** Saves the card where the person chooses; the file's name, or null when cancelled. */
  exportOwnCard(): Promise<string | null>;
  /** Pins a partner's card picked in the open dialog, with the words the partner read
   * out (`fingerprint_mismatch` when they differ); null when cancelled. */
  pinPartnerCard(words: string): Promise<PinResult | null>;
  pinnedKeys(): Promise<PinnedKeyView[]>;
  /** Revokes every key pinned for a partner; how many. */
  revokePartnerKeys(partner: string): Promise<number>;
  exchangeCoordinator(): Promise<string | null>;
  setExchangeCoordinator(partner: string | null): Promise<void>;
  hubStatus(): Promise<HubStatus>;
  setHub(settings: HubSettings, password: string): Promise<HubStatus>;
  forgetHub(): Promise<void>;
  /** Picks the hub's CA certificate in the open dialog: its name and text; null when cancelled. */
  pickHubCa(): Promise<PickedCa | null>;

  // Events from the shell, and desktop notifications
  onAutoLocked(handler: (event: AutoLocked) => void): Promise<Unlisten>;
  onReminder(handler: (event: Reminder) => void): Promise<Unlisten>;
  /** The hub sync loop's status changed. */
  onHubSync(handler: (event: HubSyncStatus) => void): Promise<Unlisten>;
  /** Files were dropped onto the window (names only); import them with importDroppedBundles. */
  onBundlesDropped(handler: (event: Dropped) => void): Promise<Unlisten>;
  notify(title: string, body: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

// A Record so that the compiler complains when ErrorKind (generated) gains a kind.
const ERROR_KIND_SET: Record<AppErrorKind, true> = {
  wrong_passphrase: true,
  unlock_delayed: true,
  forbidden: true,
  store_not_found: true,
  store_exists: true,
  store_locked: true,
  store_corrupt: true,
  newer_version: true,
  validation: true,
  identifier_warning: true,
  not_found: true,
  conflict: true,
  preview_changed: true,
  invalid_signature: true,
  fingerprint_mismatch: true,
  key_conflict: true,
  partner_revoked: true,
  unknown_sender: true,
  wrong_recipient: true,
  hub_unavailable: true,
  hub_refused: true,
  import: true,
  cipher_missing: true,
  io: true,
  database: true,
  locked: true,
  internal: true,
};
export const ERROR_KINDS = Object.keys(ERROR_KIND_SET) as readonly AppErrorKind[];

/** `unexpected` is UI-only: a rejection that was not an ErrorReport (e.g. unknown command). */
export type BackendErrorKind = AppErrorKind | 'unexpected';

export function isErrorReport(value: unknown): value is AppErrorReport {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.kind === 'string' &&
    (ERROR_KINDS as readonly string[]).includes(v.kind) &&
    typeof v.message === 'string'
  );
}

/**
 * An error from the core. The UI shows `$_('errors.' + kind)`; `message` is the core's
 * English text, for logs and "technical details" only.
 */
export class BackendError extends Error {
  readonly kind: BackendErrorKind;
  readonly field?: string;
  readonly problems: ImportProblem[];
  /** For `unlock_delayed`: seconds to wait before trying again. */
  readonly waitSeconds?: number;

  constructor(
    kind: BackendErrorKind,
    message: string,
    field?: string | null,
    problems: ImportProblem[] = [],
    waitSeconds?: number | null,
  ) {
    super(message);
    this.name = 'BackendError';
    this.kind = kind;
    if (field) this.field = field;
    this.problems = problems;
    if (waitSeconds != null) this.waitSeconds = waitSeconds;
  }

  static fromReport(report: AppErrorReport | ErrorReport): BackendError {
    return new BackendError(report.kind, report.message, report.field, report.problems ?? [], report.wait_seconds);
  }

  /** Whatever a command rejected with → a BackendError. */
  static from(err: unknown): BackendError {
    if (err instanceof BackendError) return err;
    if (isErrorReport(err)) return BackendError.fromReport(err);
    // Tauri may reject with the report serialised as a JSON string.
    if (typeof err === 'string') {
      try {
        const parsed: unknown = JSON.parse(err);
        if (isErrorReport(parsed)) return BackendError.fromReport(parsed);
      } catch {
        // not JSON
      }
      return new BackendError('unexpected', err);
    }
    if (err instanceof Error) return new BackendError('unexpected', err.message);
    return new BackendError('unexpected', String(err));
  }
}

/** The i18n key for an error's kind. */
export function errorKey(err: unknown): string {
  return `errors.${BackendError.from(err).kind}`;
}

/** A CaseFilter with defaults for every field. */
export function caseFilter(partial: Partial<CaseFilter> = {}): CaseFilter {
  return {
    search: null,
    status: null,
    municipality: null,
    life_domain: null,
    partner_id: null,
    entry_route: null,
    sort: 'opened_desc',
    limit: 50,
    offset: 0,
    ...partial,
  };
}
