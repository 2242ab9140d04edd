// An in-memory Backend for tests and for running the UI in a plain browser. It mimics the
// core's observable behaviour (statuses, error kinds) with made-up, anonymous data; it is
// not a second implementation of the business rules.
import type { Permission } from '../bindings/Permission';
import type { Role } from '../bindings/Role';
import type { Case } from '../bindings/Case';
import type { CaseDetail } from '../bindings/CaseDetail';
import type { CaseFilter } from '../bindings/CaseFilter';
import type { CasePage } from '../bindings/CasePage';
import type { CaseSummary } from '../bindings/CaseSummary';
import type { AppErrorKind } from '../bindings/AppErrorKind';
import type { FollowUp } from '../bindings/FollowUp';
import type { NewCase } from '../bindings/NewCase';
import type { Partner } from '../bindings/Partner';
import type { Referral } from '../bindings/Referral';
import type { Term } from '../bindings/Term';
import type { Applied } from '../bindings/Applied';
import type { AuditLine } from '../bindings/AuditLine';
import type { AuditProblem } from '../bindings/AuditProblem';
import type { User } from '../bindings/User';
import type { AutoLocked } from '../bindings/AutoLocked';
import type { LockReason } from '../bindings/LockReason';
import type { Figures } from '../bindings/Figures';
import type { Finding } from '../bindings/Finding';
import type { ExportOptions } from '../bindings/ExportOptions';
import type { Hidden } from '../bindings/Hidden';
import type { KpiFilter } from '../bindings/KpiFilter';
import type { Label } from '../bindings/Label';
import type { MonthlyRequest } from '../bindings/MonthlyRequest';
import type { MonthlyStats } from '../bindings/MonthlyStats';
import type { StatCell } from '../bindings/StatCell';
import type { StatTable } from '../bindings/StatTable';
import type { ReferralKpis } from '../bindings/ReferralKpis';
import type { Timing } from '../bindings/Timing';
import type { NextEvent } from '../bindings/NextEvent';
import type { Note } from '../bindings/Note';
import type { ReferralEvent } from '../bindings/ReferralEvent';
import type { ReferralState } from '../bindings/ReferralState';
import type { RightsCheck } from '../bindings/RightsCheck';
import type { RetentionPreview } from '../bindings/RetentionPreview';
import type { RetentionSetting } from '../bindings/RetentionSetting';
import type { Settings } from '../bindings/Settings';
import type { Signal } from '../bindings/Signal';
import type { TimelineEntry } from '../bindings/TimelineEntry';
import type { BundleImport } from '../bindings/BundleImport';
import type { Dropped } from '../bindings/Dropped';
import type { ExchangePartner } from '../bindings/ExchangePartner';
import type { HubSettings } from '../bindings/HubSettings';
import type { HubSyncStatus } from '../bindings/HubSyncStatus';
import type { PinnedKeyView } from '../bindings/PinnedKeyView';
import type { QrModules } from '../bindings/QrModules';
import type { Shared } from '../bindings/Shared';
import type { Backend, CreateStoreInput, StoreStatus, Today } from './backend';
import { BackendError } from './backend';

const DAY_MS = 24 * 60 * 60 * 1000;
const BACKUP_REMINDER_DAYS = 7;

/** The name the shell suggests: `schakel-backup-2026-11-25-1030.schakelbackup`. */
export function fakeBackupName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}`;
  return `schakel-backup-${stamp}.schakelbackup`;
}

export const FAKE_PASSPHRASE = 'demo schakel brussel 2026';
export const FAKE_TODAY = '2026-11-25';
export const FAKE_RECOVERY_KEY = 'R7QX-M4K9-2HTV-PL8C-W3ZD-9FBN-6YJE-A5GS';

export interface FakeOptions {
  status?: StoreStatus;
  passphrase?: string;
  /** Simulated latency per call, in ms (0 in tests). */
  delayMs?: number;
  /** Whether the store says it holds demo data. */
  demo?: boolean;
  /** When the last backup was made (Unix ms; null: never). Default: two days ago. */
  lastBackupAt?: number | null;
  /** The roles of the worker who unlocks with `passphrase` (default: every role). */
  roles?: Role[];
  /** What verifying the audit log finds (default: nothing, the chain is intact). */
  auditProblems?: AuditProblem[];
  /** The store's retention period in months (default: none set). */
  retentionMonths?: number | null;
  /** Add cases closed years ago (2019, 2020 and 2024), which a retention period would purge. */
  oldClosedCases?: boolean;
  /** Every bundle import is refused with this kind (nothing imported). */
  bundleError?: AppErrorKind;
}

// ---------------------------------------------------------------------------------------
// The exchange: made-up fingerprints, a canned bundle from CAW Brussel.

/** This store's fingerprint in the fake. */
export const FAKE_OWN_WORDS = ['otter', 'lemon', 'anvil', 'harbor', 'violin', 'maple', 'comet', 'saddle', 'pepper', 'island'];
/** What the DMW's administrator reads out for the card the fake pins. */
export const FAKE_DMW_WORDS = ['tiger', 'candle', 'ribbon', 'meadow', 'wagon', 'falcon', 'cactus', 'quartz', 'basket', 'lantern'];
const CAW_WORDS = ['copper', 'walrus', 'tulip', 'kettle', 'zebra', 'garden', 'bishop', 'cobalt', 'parrot', 'anchor'];
/** The file the fake's open dialog "picks" for an import. */
export const FAKE_BUNDLE_FILE = 'schakel-CAW-Brussel-naar-OCMW-Jette-20261124-093000.json';
/** The referral the canned bundle brings: received from CAW Brussel, no case here. */
export const FAKE_RECEIVED_ID = 'r-received-1';
export const FAKE_HANDOVER_NOTE = 'Wil graag een afspraak in de voormiddag; spreekt vooral Frans.';

/** A QR-like pattern of `size` modules with the three finder squares (the real one comes from the shell). */
export function fakeQr(size = 25): QrModules {
  const finder = (x: number, y: number) => {
    const m = Math.max(Math.abs(x - 3), Math.abs(y - 3));
    return m !== 2 && m <= 3;
  };
  const rows = Array.from({ length: size }, (_, y) =>
    Array.from({ length: size }, (_, x) => {
      if (x < 7 && y < 7) return finder(x, y);
      if (x >= size - 7 && y < 7) return finder(x - (size - 7), y);
      if (x < 7 && y >= size - 7) return finder(x, y - (size - 7));
      if (x < 8 && y < 8) return false;
      return (x * 7 + y * 13 + x * y) % 5 < 2;
    })
      .map((b) => (b ? '1' : '0'))
      .join(''),
  );
  return { size, rows };
}

const hexOf = (words: string[]) =>
  words
    .map((w) => (w.charCodeAt(0) * 7 + w.length).toString(16).padStart(2, '0').slice(-2))
    .join('')
    .match(/.{4}/g)!
    .join(' ');

/** Words as a person typed them → the comparable form (any case, commas, dashes, spaces). */
function wordsOf(text: string): string {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join(' ');
}

/** Closed long ago, for the retention preview: [code, opened_on, closed_on, partner index]. */
export const FAKE_OLD_CLOSED_CASES: [string, string, string, number][] = [
  ['D4RT-9KXM', '2018-02-12', '2019-03-04', 0],
  ['F7QW-2LNB', '2019-05-20', '2020-01-17', 1],
  ['T3HV-8MZC', '2022-09-01', '2024-02-29', 0],
];

/** `months` calendar months before an ISO date (the 31st becomes the month's last day), as core computes it. */
export function fakeCutOff(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** What each role may (a copy of core's access.rs for the fake's sessions; core decides). */
export const FAKE_ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  caseworker: ['case_work', 'case_lists', 'exchange'],
  coordinator: ['case_lists', 'referral_figures', 'exchange'],
  exporter: ['statistics'],
  admin: ['manage_users', 'manage_settings', 'audit', 'maintenance', 'exchange'],
};

const AUDIT_SEED_ACTIONS = ['session.unlock', 'case.view', 'record.change', 'session.end'] as const;

/** A log of `n` entries (oldest first), in the shape of the core's. */
function seedAudit(n: number): AuditLine[] {
  const start = Date.parse('2026-11-20T08:00:00');
  return Array.from({ length: n }, (_, i) => {
    const action = AUDIT_SEED_ACTIONS[i % AUDIT_SEED_ACTIONS.length];
    return {
      seq: i + 1,
      at: start + i * 15 * 60 * 1000,
      partner_id: ME.partner_id,
      worker_id: ME.worker_id,
      worker_name: 'An Peeters',
      action,
      entity: action === 'case.view' || action === 'record.change' ? 'case' : null,
      entity_id: action === 'case.view' || action === 'record.change' ? 'c-1' : null,
      detail: action === 'session.unlock' ? '{"method":"passphrase"}' : action === 'session.end' ? '{"reason":"locked"}' : action === 'record.change' ? '{"action":"update","fields":["municipality"]}' : '{}',
    };
  });
}

type Row = [code: string, nl: string, fr: string, en: string];

function vocab(rows: Row[]): Term[] {
  return rows.map(([code, name_nl, name_fr, name_en], i) => ({
    code,
    name_nl,
    name_fr,
    name_en,
    sort_order: (i + 1) * 10,
    active: true,
    level: null,
  }));
}

export const FAKE_VOCABULARIES: Record<string, Term[]> = {
  municipality: vocab([
    ['21001', 'Anderlecht', 'Anderlecht', 'Anderlecht'],
    ['21004', 'Brussel', 'Bruxelles', 'Brussels (City)'],
    ['21010', 'Jette', 'Jette', 'Jette'],
    ['21012', 'Sint-Jans-Molenbeek', 'Molenbeek-Saint-Jean', 'Molenbeek-Saint-Jean'],
    ['21015', 'Schaarbeek', 'Schaerbeek', 'Schaerbeek'],
  ]),
  life_domain: vocab([
    ['income', 'Inkomen', 'Revenus', 'Income'],
    ['debts', 'Schulden', 'Dettes', 'Debts'],
    ['housing', 'Wonen', 'Logement', 'Housing'],
    ['health', 'Gezondheid', 'Santé', 'Health'],
    ['work', 'Werk', 'Emploi', 'Work'],
  ]),
  entry_route: vocab([
    ['own_initiative', 'Eigen initiatief', 'Initiative propre', 'Own initiative'],
    ['proactive', 'Proactief contact', 'Contact proactif', 'Proactive contact'],
    ['partner_referral', 'Doorverwijzing door een partner', 'Orientation par un partenaire', 'Referral by a partner'],
  ]),
  age_band: vocab([
    ['18_24', '18–24 jaar', '18–24 ans', '18–24 years'],
    ['25_34', '25–34 jaar', '25–34 ans', '25–34 years'],
    ['35_44', '35–44 jaar', '35–44 ans', '35–44 years'],
    ['65_74', '65–74 jaar', '65–74 ans', '65–74 years'],
  ]),
  household_type: vocab([
    ['single', 'Alleenstaande', 'Personne isolée', 'Single person'],
    ['single_parent', 'Eenoudergezin', 'Famille monoparentale', 'Single-parent family'],
    ['couple_children', 'Koppel met kinderen', 'Couple avec enfants', 'Couple with children'],
  ]),
  follow_up_purpose: vocab([
    ['call_back', 'Terugbellen', 'Rappeler', 'Call back'],
    ['check_referral', 'Doorverwijzing nagaan', "Vérifier l'orientation", 'Check the referral'],
    ['rights_recheck', 'Rechten opnieuw nagaan', 'Revérifier les droits', 'Re-check rights'],
  ]),
  decline_reason: vocab([
    ['outside_mission', 'Valt buiten onze opdracht', 'Hors de notre mission', 'Outside our mission'],
    ['capacity', 'Geen capaciteit (wachtlijst)', "Pas de capacité (liste d'attente)", 'No capacity (waiting list)'],
    ['person_refused', 'Persoon weigert', 'La personne refuse', 'Person refused'],
  ]),
  non_take_up_reason: vocab([
    ['unknown_to_person', 'Recht onbekend bij de persoon', 'Droit inconnu de la personne', 'Right unknown to the person'],
    ['not_requested', 'Niet aangevraagd (stigma, schaamte)', 'Non demandé (stigmatisation, honte)', 'Not requested (stigma, shame)'],
    ['lost_after_change', 'Verloren na een wijziging van situatie (bv. verhuis)', 'Perdu après un changement de situation (p.ex. déménagement)', 'Lost after a change of situation (e.g. a move)'],
  ]),
  barrier_type: vocab([
    ['knowledge', 'Kenniskloof', 'Fossé de connaissance', 'Knowledge gap'],
    ['digital', 'Digitale kloof', 'Fracture numérique', 'Digital gap'],
    ['language', 'Taalbarrière', 'Barrière linguistique', 'Language barrier'],
  ]),
  // The rights taxonomy: a few real Belgian rights (migrations/0002) with their granting level.
  right_kind: vocab([
    ['leefloon', 'Leefloon', "Revenu d'intégration", 'Social integration income (leefloon)'],
    ['increased_reimbursement', 'Verhoogde tegemoetkoming', 'Intervention majorée', 'Increased reimbursement of health care costs'],
    ['urgent_medical_aid', 'Dringende medische hulp', 'Aide médicale urgente', 'Urgent medical aid'],
    ['groeipakket_school', 'Groeipakket: schooltoeslag', 'Groeipakket : allocation scolaire', 'Growth package (Groeipakket): school allowance'],
    ['study_grant', 'Studietoelage', "Allocation d'études", 'Study grant'],
    ['family_allowance_brussels_social', 'Sociale toeslag kinderbijslag (Brussel)', 'Supplément social allocations familiales (Bruxelles)', 'Family allowance social supplement (Brussels)'],
    ['rent_allowance_brussels', 'Brusselse huurtoelage', 'Allocation loyer bruxelloise', 'Brussels rent allowance'],
  ]).map((t) => ({
    ...t,
    level: ({ leefloon: 'federal', increased_reimbursement: 'federal', urgent_medical_aid: 'local', groeipakket_school: 'flemish', study_grant: 'flemish', family_allowance_brussels_social: 'brussels', rent_allowance_brussels: 'brussels' } as Record<string, string>)[t.code],
  })),
};

export const FAKE_PARTNERS: Partner[] = [
  { id: 'p-ocmw-jette', owner_partner_id: 'p-ocmw-jette', kind: 'ocmw', name: 'OCMW Jette', municipality: '21010' },
  { id: 'p-caw-brussel', owner_partner_id: 'p-ocmw-jette', kind: 'caw', name: 'CAW Brussel', municipality: '21004' },
  { id: 'p-dmw-cm', owner_partner_id: 'p-ocmw-jette', kind: 'dmw', name: 'DMW CM Brussel', municipality: null },
];

const ALL_PERMISSIONS: Permission[] = [
  'case_work',
  'case_lists',
  'referral_figures',
  'statistics',
  'manage_users',
  'manage_settings',
  'audit',
  'maintenance',
  'exchange',
];

const ME = {
  partner_id: 'p-ocmw-jette',
  worker_id: 'w-1',
  roles: ['caseworker', 'coordinator', 'exporter', 'admin'] as Role[],
};

function makeCase(
  n: number,
  code: string,
  opened_on: string,
  municipality: string,
  life_domains: string[],
  status: 'open' | 'closed' = 'open',
  partner = FAKE_PARTNERS[0],
): Case {
  const profile = {
    entry_route: n % 2 ? 'own_initiative' : 'proactive',
    municipality,
    age_band: ['25_34', '35_44', '18_24', '65_74'][n % 4],
    household_type: ['single', 'single_parent', 'couple_children'][n % 3],
    gender: null,
    contact_language: null,
    interpreter: null,
    residence_status: null,
    life_domains,
    project: null,
  };
  return {
    id: `c-${n}`,
    code,
    status,
    opened_on,
    closed_on: status === 'closed' ? '2026-11-20' : null,
    owner_partner_id: partner.id,
    owner_worker_id: ME.worker_id,
    partner_name: partner.name,
    created_at: Date.parse(opened_on),
    updated_at: Date.parse(opened_on),
    ...profile,
    profile,
  };
}

function seedCases(): Case[] {
  return [
    makeCase(1, 'K7M4-QX9K', '2026-11-24', '21010', ['housing', 'income']),
    makeCase(2, 'K7P2-AB3D', '2026-11-20', '21004', ['debts']),
    makeCase(3, 'M3TR-8WZE', '2026-11-18', '21001', ['health', 'work']),
    makeCase(4, 'B9XL-4NQF', '2026-10-30', '21015', ['income'], 'closed'),
    makeCase(5, 'H2VC-7PKM', '2026-10-12', '21012', ['housing'], 'open', FAKE_PARTNERS[1]),
  ];
}

function seedReferrals(): Referral[] {
  const base = {
    origin: 'own' as const,
    mode: 'warm' as const,
    outside_service: null,
    consent_on: '2026-11-19',
    accepted_on: null,
    first_contact_on: null,
    ended_on: null,
    decline_reason: null,
    created_at: Date.parse('2026-11-19'),
  };
  return [
    {
      ...base,
      id: 'r-1',
      case_id: 'c-1',
      case_code: 'K7M4-QX9K',
      from_partner_id: ME.partner_id,
      to_partner_id: 'p-caw-brussel',
      life_domain: 'housing',
      state: 'sent',
      sent_on: '2026-11-19',
    },
    {
      ...base,
      id: 'r-2',
      case_id: 'c-5',
      case_code: 'H2VC-7PKM',
      from_partner_id: 'p-caw-brussel',
      to_partner_id: ME.partner_id,
      life_domain: 'income',
      state: 'sent',
      sent_on: '2026-11-21',
    },
  ];
}

function seedFollowUps(): FollowUp[] {
  return [
    {
      id: 'f-1',
      case_id: 'c-1',
      case_code: 'K7M4-QX9K',
      referral_id: 'r-1',
      rights_check_id: null,
      due_on: '2026-11-25',
      purpose: 'check_referral',
      purpose_text: null,
      assignee_id: ME.worker_id,
      done_on: null,
      reschedules: 0,
    },
    {
      id: 'f-2',
      case_id: 'c-3',
      case_code: 'M3TR-8WZE',
      referral_id: null,
      rights_check_id: null,
      due_on: '2026-11-23',
      purpose: 'rights_recheck',
      purpose_text: null,
      assignee_id: ME.worker_id,
      done_on: null,
      reschedules: 1,
    },
  ];
}

function fail(kind: AppErrorKind, message: string, field?: string): never {
  throw new BackendError(kind, message, field);
}

function summary(c: Case): CaseSummary {
  const { id, code, status, opened_on, closed_on, owner_partner_id, partner_name } = c;
  const { entry_route, municipality, age_band, household_type, life_domains } = c;
  return {
    id,
    code,
    status,
    opened_on,
    closed_on,
    owner_partner_id,
    partner_name,
    entry_route,
    municipality,
    age_band,
    household_type,
    life_domains: [...life_domains],
  };
}

function hasCode(vocabName: string, code: string): boolean {
  return FAKE_VOCABULARIES[vocabName]?.some((t) => t.code === code) ?? false;
}

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A crude stand-in for the core's identifier check (e-mail addresses and long digit runs,
 * which block; a date after "°", which warns): enough to show the inline messages in the
 * browser and in unit tests.
 */
export function findIdentifiers(text: string): Finding[] {
  const found: Finding[] = [];
  for (const m of text.matchAll(/[\w.+-]+@[\w-]+\.[\w.]+/g))
    found.push({ kind: 'email', severity: 'block', start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  for (const m of text.matchAll(/\d[\d ./-]{8,}\d/g))
    found.push({ kind: 'national_number', severity: 'block', start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  for (const m of text.matchAll(/°\s?\d[\d/.-]*\d/g))
    found.push({ kind: 'date_of_birth', severity: 'warn', start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  return found;
}

/** A rough picture of what may come next (the real answer comes from the core's state machine). */
function fakeNext(r: Referral, events: ReferralEvent[]): NextEvent[] {
  const to = r.to_partner_id ?? r.from_partner_id;
  const sender = (kind: NextEvent['kind']): NextEvent => ({ kind, side: 'sender', partner_id: r.from_partner_id });
  const receiver = (kind: NextEvent['kind']): NextEvent => ({ kind, side: 'receiver', partner_id: to });
  const warm = (done: NextEvent['kind'][]): NextEvent[] =>
    r.mode === 'warm' && r.consent_on
      ? (['receiver_contacted', 'appointment_made', 'accompanied'] as const)
          .filter((k) => !done.includes(k))
          .map(sender)
      : [];
  const done = events.filter((e) => e.referral_id === r.id).map((e) => e.kind);
  switch (r.state) {
    case 'draft':
      return r.consent_on
        ? [...warm(done), sender('sent'), sender('withdrawn')]
        : [sender('consent'), sender('withdrawn')];
    case 'sent':
      return [...warm(done), receiver('accepted'), receiver('declined'), sender('expired'), sender('withdrawn')];
    case 'accepted':
      return [receiver('first_contact'), receiver('no_show'), sender('withdrawn')];
    case 'first_contact':
      return [receiver('completed')];
    default:
      return [];
  }
}

function fakeTiming(median: number, within: number, known: number, waiting: number): Timing {
  return {
    observed: known - waiting,
    calendar_days: { median: median + 2, p75: median + 4, p90: median + 7 },
    working_days: { median, p75: median + 2, p90: median + 5 },
    within_target: within,
    known,
    share_within_target: known ? within / known : null,
    waiting,
    waiting_beyond_target: waiting,
    waiting_median_working_days: waiting ? 8 : null,
    waiting_max_working_days: waiting ? 12 : null,
    histogram: [3, 5, 4, 2, 1, 1, 2, 1, 0],
  };
}

function fakeFigures(sent: number): Figures {
  return {
    sent,
    outcomes: { accepted: sent - 4, declined: 1, no_show: 1, withdrawn: 1, expired: 0, open: 1 },
    to_acceptance: fakeTiming(2, sent - 6, sent - 3, 1),
    to_first_contact: fakeTiming(6, sent - 10, sent - 4, 2),
  };
}

/** A fixed report in the shape of the core's (the arithmetic is the core's, tested there). */
export function fakeKpis(filter: KpiFilter): ReferralKpis {
  const [me, caw, dmw] = FAKE_PARTNERS;
  return {
    from: filter.from,
    to: filter.to,
    as_of: FAKE_TODAY,
    target_working_days: filter.target_working_days ?? 5,
    stalled_after_working_days: 10,
    overall: fakeFigures(40),
    pairs: [
      { from: me.id, to: caw.id, ...fakeFigures(22) },
      { from: caw.id, to: me.id, ...fakeFigures(12) },
      { from: me.id, to: dmw.id, ...fakeFigures(6) },
    ],
    monthly: [
      { month: '2026-10', ...fakeFigures(18) },
      { month: '2026-11', ...fakeFigures(22) },
    ],
    warm_cold: {
      warm: fakeFigures(25),
      cold: fakeFigures(15),
      warm_steps: [
        { kind: 'receiver_contacted', referrals: 20, share: 0.8 },
        { kind: 'appointment_made', referrals: 15, share: 0.6 },
        { kind: 'accompanied', referrals: 5, share: 0.2 },
        { kind: 'feedback_given', referrals: 10, share: 0.4 },
      ],
    },
    stalled: [
      {
        referral_id: 'r-2',
        case_id: 'c-5',
        case_code: 'H2VC-7PKM',
        from: caw.id,
        to: me.id,
        life_domain: 'income',
        mode: 'warm',
        state: 'sent',
        sent_on: '2026-11-05',
        waiting_working_days: 14,
        waiting_calendar_days: 20,
      },
    ],
    stalled_total: 1,
    flagged: [],
    flagged_total: 0,
    partners: FAKE_PARTNERS.map(({ id, name }) => ({ id, name })),
  };
}

// A shown figure, a hidden one (why), or one that does not apply.
type FakeCell = number | Hidden | null;

function statCell(v: FakeCell): StatCell {
  if (v === null) return { value: null, hidden: null };
  if (typeof v === 'number') return { value: v, hidden: null };
  return { value: null, hidden: v };
}

function labels(rows: string[], total?: string): Label[] {
  const out = rows.map((label) => ({ code: label.toLowerCase().replace(/[^a-z0-9]+/g, '_'), label, total: false }));
  if (total) out.push({ code: 'total', label: total, total: true });
  return out;
}

function statTable(
  id: string,
  threshold: number,
  title: string,
  rowHeader: string,
  rows: Label[],
  columns: Label[],
  cells: FakeCell[][],
  extra: Partial<StatTable> = {},
): StatTable {
  return { id, title, note: null, row_header: rowHeader, unit: 'count', threshold, rows, columns, cells: cells.map((r) => r.map(statCell)), ...extra };
}

/**
 * A fixed month in the shape of the core's report, with a hidden figure of every kind
 * (a small count, one hidden to protect it, a median over too few referrals) and one that
 * does not apply. The protection is the core's (tested there); these figures only add up.
 */
export function fakeMonthlyStats(request: MonthlyRequest): MonthlyStats {
  const m = /^(\d{4})-(\d{2})$/.exec(request.month.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) fail('validation', `'${request.month}' is not a month (use YYYY-MM)`, 'month');
  const threshold = request.threshold ?? 5;
  if (threshold < 2 || threshold > 100) fail('validation', 'a threshold is between 2 and 100', 'threshold');
  const sensitive = request.sensitiveThreshold ?? Math.max(10, threshold);
  const [y, mo] = [Number(m[1]), Number(m[2])];
  const lastDay = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const P = 'primary' as const;
  const S = 'secondary' as const;
  const total = 'Totaal';
  const tables: StatTable[] = [
    statTable(
      'cases_by_municipality',
      threshold,
      'Dossiers naar gemeente',
      'Gemeente',
      labels(['Anderlecht', 'Brussel', 'Jette', 'Sint-Jans-Molenbeek', 'Schaarbeek'], total),
      [...labels(['Nieuw', 'Lopend van eerder']), { code: 'total', label: 'Actief (totaal)', total: true }],
      [
        [14, 31, 45],
        [22, 40, 62],
        [P, S, 15],
        [S, S, 36],
        [11, 19, 30],
        [59, 129, 188],
      ],
    ),
    statTable(
      'referrals_outcome',
      threshold,
      'Doorverwijzingen: warm/koud × uitkomst',
      'Warm of koud',
      labels(['Warm', 'Koud'], total),
      labels(['Aanvaard', 'Geweigerd', 'Niet opgedaagd', 'Ingetrokken', 'Verlopen', 'Wacht op antwoord'], total),
      [
        [38, P, 0, S, 0, 9, 55],
        [25, S, 0, P, 0, 6, 39],
        [63, 9, 0, 7, 0, 15, 94],
      ],
    ),
    statTable(
      'referral_times',
      threshold,
      'Doorverwijstijden (werkdagen)',
      'Warm of koud',
      [...labels(['Warm', 'Koud']), { code: 'all', label: 'Alle', total: true }],
      [
        { code: 'median_to_acceptance', label: 'Mediaan tot aanvaarding', total: false },
        { code: 'p90_to_acceptance', label: 'P90 tot aanvaarding', total: false },
        { code: 'median_to_first_contact', label: 'Mediaan tot eerste contact', total: false },
        { code: 'share_within_target', label: '% aanvaard binnen doel', total: false },
      ],
      [
        [3, 9, 6, 81.6],
        [4, null, 'small_base', 76],
        [3, 10, 7, 79.3],
      ],
      { unit: 'working_days', note: 'Doel (werkdagen): 5' },
    ),
    statTable(
      'rights',
      // As if urgent medical aid were a row: a sensitive row gives the table the higher threshold.
      sensitive,
      'Rechtenonderzoek per recht',
      'Recht',
      labels(['Leefloon', 'Verhoogde tegemoetkoming', 'Groeipakket: schooltoeslag'], total),
      labels(['Onderzocht', 'Aangevraagd', 'Toegekend']),
      [
        [12, 8, P],
        [19, 14, 11],
        [6, P, P],
        [37, S, S],
      ],
    ),
    statTable(
      'signals',
      threshold,
      'Signalen naar thema',
      'Thema',
      labels(['Wonen', 'Digitale kloof'], total),
      labels(['Signalen']),
      [[7], [0], [7]],
    ),
  ];
  const hidden = (why: Hidden) => tables.flatMap((t) => t.cells.flat()).filter((c) => c.hidden === why).length;
  return {
    month: `${m[1]}-${m[2]}`,
    first_day: `${m[1]}-${m[2]}-01`,
    last_day: `${m[1]}-${m[2]}-${lastDay}`,
    scope: request.scope,
    scope_label: request.scope === 'network' ? 'Heel het netwerk in deze databank' : 'Eigen organisatie',
    partner_name: FAKE_PARTNERS[0].name,
    threshold,
    sensitive_threshold: sensitive,
    target_working_days: 5,
    as_of: FAKE_TODAY,
    generated_at: `${FAKE_TODAY} 10:30`,
    app_version: '0.1.0',
    lang: request.lang,
    tables,
    legend: 'x = vertrouwelijk: een klein aantal (onder de drempel) of een cijfer waarmee een klein aantal te berekenen zou zijn. – = niet van toepassing.',
    definitions: [{ topic: 'Dossiers', text: 'Nieuw: dossier geopend in de maand.' }],
    hidden_primary: hidden('primary'),
    hidden_secondary: hidden('secondary'),
    hidden_small_base: hidden('small_base'),
  };
}

/** The name the core offers in the save dialog (`stats::export::file_name`). */
export function fakeExportName(stats: MonthlyStats, options: ExportOptions): string {
  const [stem, partner, network] = {
    nl: ['schakel-statistieken', 'partner', 'netwerk'],
    fr: ['schakel-statistiques', 'partenaire', 'reseau'],
    en: ['schakel-statistics', 'partner', 'network'],
  }[stats.lang];
  return `${stem}-${stats.month}-${stats.scope === 'network' ? network : partner}.${options.format}`;
}

/** A fake with hooks for tests: fire the shell's events, see the notifications sent. */
export interface FakeBackend extends Backend {
  /** The shell locked the store by itself: idle time (the default), screen lock or sleep. */
  fireAutoLock(reason?: LockReason): void;
  fireReminder(dueToday: number): void;
  /** Files were dropped onto the window. */
  dropFiles(names: string[]): void;
  notifications: { title: string; body: string }[];
}

export function createFakeBackend(options: FakeOptions = {}): FakeBackend {
  const notifications: { title: string; body: string }[] = [];
  let status: StoreStatus = options.status ?? 'locked';
  let passphrase = options.passphrase ?? FAKE_PASSPHRASE;
  const cases = seedCases();
  const referrals = seedReferrals();
  const followUps = seedFollowUps();
  if (options.oldClosedCases) {
    FAKE_OLD_CLOSED_CASES.forEach(([code, opened, closed, partner], i) => {
      const c = makeCase(90 + i, code, opened, '21001', ['income'], 'closed', FAKE_PARTNERS[partner]);
      cases.push({ ...c, closed_on: closed });
    });
  }
  let retentionMonths: number | null = options.retentionMonths ?? null;
  const partners = structuredClone(FAKE_PARTNERS);
  const notes: Note[] = [];
  const rights: RightsCheck[] = [];
  const signals: Signal[] = [];
  const events: ReferralEvent[] = [];
  let settings: Settings = { auto_lock_minutes: 10 };
  let lastBackupAt: number | null =
    options.lastBackupAt === undefined ? Date.now() - 2 * DAY_MS : options.lastBackupAt;
  const autoLockHandlers: ((e: AutoLocked) => void)[] = [];
  const hubHandlers: ((e: HubSyncStatus) => void)[] = [];
  const dropHandlers: ((e: Dropped) => void)[] = [];
  // The exchange.
  const exchange: ExchangePartner[] = [
    {
      partner_id: 'p-caw-brussel',
      name: 'CAW Brussel',
      coordinator: false,
      pending: 1,
      unconfirmed: 0,
      last_sent_at: Date.parse('2026-11-20T14:05:00'),
      last_received_at: Date.parse('2026-11-21T09:30:00'),
    },
  ];
  const pinned: PinnedKeyView[] = [
    {
      partner_id: 'p-caw-brussel',
      partner_name: 'CAW Brussel',
      generation: 1,
      how: 'fingerprint',
      pinned_at: Date.parse('2026-11-02T10:00:00'),
      superseded_at: null,
      revoked_at: null,
      fingerprint: { words: CAW_WORDS, hex: hexOf(CAW_WORDS) },
    },
  ];
  let coordinator: string | null = null;
  const shares = new Map<string, Shared>();
  let bundleImported = false;
  let dropped: string[] = [];
  let hub: HubSettings | null = null;
  const hubDescribe = (h: HubSettings) => {
    const m = /^postgres(?:ql)?:\/\/([^@/]+)@([^/]+)\/(.+)$/.exec(h.url);
    return m ? `${m[2]}/${m[3]} as ${m[1]}` : h.url;
  };
  let hubSync: HubSyncStatus = { state: 'off', describe: null, last_sync_at: null, pending: 0, last_error: null, refused: [], last_round: null };
  function setHubSync(next: Partial<HubSyncStatus>) {
    hubSync = { ...hubSync, ...next };
    for (const h of [...hubHandlers]) h(hubSync);
  }
  const exchangePending = () => exchange.reduce((n, p) => n + p.pending + p.unconfirmed, 0);
  async function mayExchange(): Promise<void> {
    await mayAdmin('exchange');
  }

  /** The canned bundle from CAW Brussel: a warm referral with its warm steps and what was
   * shared, and CAW's acceptance of our r-1 (recorded by a clock ahead of ours: flagged). */
  function applyBundle(file: string): BundleImport {
    const base = { sender: 'p-caw-brussel', sender_name: 'CAW Brussel', unchanged: 0 };
    if (options.bundleError) {
      return { file, summary: null, error: { kind: options.bundleError, message: `refused: ${options.bundleError}`, problems: [] } };
    }
    if (bundleImported) {
      return { file, summary: { ...base, envelopes: 0, already_seen: 2, referrals: 0, events: 0, confirmed: 0, flagged: 0 }, error: null };
    }
    bundleImported = true;
    const now = Date.now();
    referrals.push({
      id: FAKE_RECEIVED_ID,
      origin: 'received',
      case_id: null,
      case_code: 'W4ZN-7HQC',
      from_partner_id: 'p-caw-brussel',
      to_partner_id: ME.partner_id,
      outside_service: null,
      life_domain: 'debts',
      mode: 'warm',
      state: 'sent',
      consent_on: '2026-11-23',
      sent_on: '2026-11-24',
      accepted_on: null,
      first_contact_on: null,
      ended_on: null,
      decline_reason: null,
      created_at: Date.parse('2026-11-23T10:00:00'),
    });
    const theirs = (id: string, referral_id: string, kind: ReferralEvent['kind'], on: string, recorded: string, flags: ReferralEvent['flags'] = []): ReferralEvent => ({
      id, referral_id, kind, occurred_on: on, recorded_at: Date.parse(recorded), partner_id: 'p-caw-brussel', worker_id: null, reason: null, received_at: now, flags,
    });
    events.push(
      theirs('e-rx-1', FAKE_RECEIVED_ID, 'consent', '2026-11-23', '2026-11-23T10:05:00'),
      theirs('e-rx-2', FAKE_RECEIVED_ID, 'receiver_contacted', '2026-11-24', '2026-11-24T09:10:00'),
      theirs('e-rx-3', FAKE_RECEIVED_ID, 'sent', '2026-11-24', '2026-11-24T09:20:00'),
      theirs('e-rx-4', 'r-1', 'accepted', '2026-11-24', new Date(now + 3_600_000).toISOString(), ['clock_ahead']),
    );
    const r1 = referrals.find((r) => r.id === 'r-1');
    if (r1 && r1.state === 'sent') Object.assign(r1, { state: 'accepted', accepted_on: '2026-11-24' });
    shares.set(FAKE_RECEIVED_ID, {
      age_band: '25_34',
      household_type: 'single_parent',
      municipality: '21004',
      contact_language: null,
      interpreter: 'needed',
      handover_note: FAKE_HANDOVER_NOTE,
    });
    const caw = exchange.find((p) => p.partner_id === 'p-caw-brussel');
    if (caw) {
      caw.last_received_at = now;
      caw.unconfirmed = 0;
      caw.pending += 1; // the receipt goes back
    }
    return { file, summary: { ...base, envelopes: 2, already_seen: 0, referrals: 1, events: 4, confirmed: 1, flagged: 1 }, error: null };
  }
  const reminderHandlers: ((e: { due_today: number; new: number }) => void)[] = [];
  let seq = cases.length;
  let ids = 0;
  const nextId = (prefix: string) => `${prefix}-${++ids}-${Date.now()}`;
  // Users and the audit log (admin screens). Each user has their own passphrase; the
  // store's `passphrase` opens as the first user, who created the store.
  type FakeUser = User & { passphrase: string | null };
  const users: FakeUser[] = [
    { id: ME.worker_id, display_name: 'An Peeters', roles: options.roles ?? [...ME.roles], active: true, can_unlock: true, is_me: true, passphrase: null },
  ];
  let currentUser = ME.worker_id;
  const audit: AuditLine[] = seedAudit(60);
  const me = () => users.find((u) => u.id === currentUser) ?? users[0];
  function record(action: string, entity: string | null, entityId: string | null, detail: object) {
    const last = audit[audit.length - 1];
    audit.push({ seq: (last?.seq ?? 0) + 1, at: Date.now(), partner_id: ME.partner_id, worker_id: currentUser, worker_name: me().display_name, action, entity, entity_id: entityId, detail: JSON.stringify(detail) });
  }
  async function mayAdmin(permission: Permission): Promise<void> {
    await unlocked();
    if (!me().roles.some((r) => FAKE_ROLE_PERMISSIONS[r].includes(permission))) fail('forbidden', `needs ${permission}`);
  }
  function weak(p: string): boolean {
    // Stand-in for the core's rule, which is the one that counts.
    return p.trim().split(/\s+/).length < 4 && p.length < 20;
  }
  function otherAdmins(id: string): number {
    return users.filter((u) => u.active && u.id !== id && u.roles.includes('admin')).length;
  }

  function caseOf(id: string): Case {
    const c = cases.find((x) => x.id === id);
    if (!c) fail('not_found', `case ${id} not found`);
    return c;
  }

  // Like core: identifiers refuse; warnings refuse unless the worker gave a reason.
  function checkText(field: string, text: string, keepBecause?: string | null): void {
    const found = findIdentifiers(text);
    if (found.some((f) => f.severity === 'block'))
      fail('validation', 'contains an identifier of a person, which may not be stored', field);
    if (found.some((f) => f.severity === 'warn') && !keepBecause)
      fail('identifier_warning', 'probably identifies a person; rewrite it, or give a reason to keep it', field);
    const kinds = [...new Set(found.filter((f) => f.severity === 'warn').map((f) => f.kind))];
    if (kinds.length > 0) record('privacy.warning_override', null, null, { field, kinds, reason: keepBecause });
  }

  const wait = () =>
    options.delayMs ? new Promise<void>((r) => setTimeout(r, options.delayMs)) : Promise.resolve();

  async function unlocked(): Promise<void> {
    await wait();
    if (status !== 'unlocked') fail('locked', 'the store is locked: unlock it first');
  }

  function retentionSettingNow(): RetentionSetting {
    const cut_off = retentionMonths === null ? null : fakeCutOff(FAKE_TODAY, retentionMonths);
    return { months: retentionMonths, min_months: 12, max_months: 240, cut_off };
  }

  /** The cases closed before the cut-off, with what hangs off them; the token names them all. */
  function retentionPreviewOf(months: number): RetentionPreview {
    const cutOff = fakeCutOff(FAKE_TODAY, months);
    const doomed = cases
      .filter((c) => c.status === 'closed' && c.closed_on !== null && c.closed_on < cutOff)
      .sort((a, b) => (a.closed_on ?? '').localeCompare(b.closed_on ?? '') || a.code.localeCompare(b.code));
    const ids = new Set(doomed.map((c) => c.id));
    const of = <T extends { case_id: string | null }>(list: T[]) => list.filter((x) => x.case_id !== null && ids.has(x.case_id));
    const counts = {
      cases: doomed.length,
      life_domains: doomed.reduce((n, c) => n + c.life_domains.length, 0),
      notes: of(notes).length,
      signals: of(signals).length,
      referrals: of(referrals).length,
      referral_events: 0,
      referrals_to_other_partners: of(referrals).filter((r) => r.to_partner_id !== null).length,
      rights_checks: of(rights).length,
      rights_check_steps: 0,
      follow_ups: of(followUps).length,
      change_log: doomed.length * 2,
      follow_ups_unlinked: 0,
      exchanged_referrals: 0,
      shared: 0,
      outbox: 0,
    };
    const rows = [...of(notes), ...of(signals), ...of(referrals), ...of(rights), ...of(followUps)] as { id: string }[];
    return {
      months,
      as_of: FAKE_TODAY,
      cut_off: cutOff,
      cases: doomed.map((c) => ({ code: c.code, opened_on: c.opened_on, closed_on: c.closed_on ?? '', owner_partner_id: c.owner_partner_id, owner_partner_name: c.partner_name })),
      counts,
      statistics_from: doomed.length ? doomed.map((c) => c.opened_on).sort()[0] : null,
      statistics_until: doomed.length ? (doomed[doomed.length - 1].closed_on ?? null) : null,
      token: `r1.${cutOff}.${[...ids, ...rows.map((r) => r.id)].join(',')}`,
    };
  }

  function newCode(): string {
    seq += 1;
    let x = seq * 2654435761;
    let s = '';
    for (let i = 0; i < 8; i++) {
      s += CODE_ALPHABET[x % 32];
      x = Math.floor(x / 32) + i * 7;
    }
    return `${s.slice(0, 4)}-${s.slice(4)}`;
  }

  return {
    notifications,
    fireAutoLock(reason: LockReason = 'idle') {
      status = 'locked';
      for (const h of [...autoLockHandlers]) h({ reason, idle_seconds: settings.auto_lock_minutes * 60 });
    },
    fireReminder(dueToday: number) {
      for (const h of [...reminderHandlers]) h({ due_today: dueToday, new: dueToday });
    },
    dropFiles(names: string[]) {
      dropped = [...names];
      for (const h of [...dropHandlers]) h({ files: [...names] });
    },

    async exchangePartners() {
      await mayExchange();
      return exchange.map((p) => ({ ...p, coordinator: p.partner_id === coordinator }));
    },
    async exportBundle(partner) {
      await mayExchange();
      const p = exchange.find((x) => x.partner_id === partner);
      if (!p) fail('not_found', `partner ${partner} has no pinned key`);
      if (p.pending + p.unconfirmed === 0) return { outcome: 'nothing_waits' };
      const summary = { recipient: p.partner_id, recipient_name: p.name, envelopes: 1, referrals: p.pending > 1 ? 1 : 0, events: p.pending + p.unconfirmed, receipts: 1 };
      p.unconfirmed += p.pending;
      p.pending = 0;
      p.last_sent_at = Date.now();
      const slug = (x: string) => x.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
      return { outcome: 'written', file: `schakel-OCMW-Jette-naar-${slug(p.name)}-20261125-103000.json`, summary };
    },
    async importBundles() {
      await mayExchange();
      return [applyBundle(FAKE_BUNDLE_FILE)];
    },
    async importDroppedBundles() {
      await mayExchange();
      const files = dropped;
      dropped = [];
      return files.map((f) =>
        f.endsWith('.json')
          ? applyBundle(f)
          : { file: f, summary: null, error: { kind: 'validation' as const, message: 'not a Schakel bundle', field: 'bundle', problems: [] } },
      );
    },
    async shareWithReferral(referral, shared, keepBecause) {
      await unlocked();
      const r = referrals.find((x) => x.id === referral);
      if (!r) fail('not_found', `referral ${referral} not found`);
      if (r.origin !== 'own' || !r.case_id) fail('validation', 'only a referral made here can share', 'referral');
      if (!r.to_partner_id) fail('validation', 'a service outside the network receives nothing from Schakel', 'referral');
      if (r.state !== 'draft') fail('validation', 'what is shared is chosen before the referral is sent', 'referral');
      const note = shared.handover_note?.trim() || null;
      if (note) checkText('handover_note', note, keepBecause);
      shares.set(referral, { ...shared, handover_note: note });
    },
    async referralShared(referral) {
      await unlocked();
      return shares.get(referral) ?? null;
    },
    async referralView(id) {
      await unlocked();
      const r = referrals.find((x) => x.id === id);
      if (!r) fail('not_found', `referral ${id} not found`);
      const own = events.filter((e) => e.referral_id === r.id);
      return { referral: { ...r, events: own, next: fakeNext(r, events) }, shared: shares.get(id) ?? null };
    },
    async hubSyncStatus() {
      return hubSync;
    },
    async syncHubNow() {
      if (!hub) return;
      for (const p of exchange) {
        p.unconfirmed += p.pending;
        p.pending = 0;
      }
      setHubSync({ state: 'waiting', last_sync_at: Date.now(), pending: exchangePending(), last_error: null });
    },
    async ownCard() {
      await mayAdmin('manage_settings');
      return { partner_id: ME.partner_id, partner_name: FAKE_PARTNERS[0].name, generation: 1, fingerprint: { words: FAKE_OWN_WORDS, hex: hexOf(FAKE_OWN_WORDS) }, qr: fakeQr() };
    },
    async exportOwnCard() {
      await mayAdmin('manage_settings');
      return 'schakel-kaart-OCMW-Jette.json';
    },
    async pinPartnerCard(words) {
      await mayAdmin('manage_settings');
      const given = wordsOf(words);
      if (!given) fail('validation', 'compare the fingerprint with the partner (by phone) and give its words', 'words');
      if (given !== FAKE_DMW_WORDS.join(' ')) fail('fingerprint_mismatch', 'the fingerprint does not match');
      const dmw = FAKE_PARTNERS[2];
      const already = pinned.some((k) => k.partner_id === dmw.id && !k.revoked_at);
      if (!already) {
        pinned.push({ partner_id: dmw.id, partner_name: dmw.name, generation: 1, how: 'fingerprint', pinned_at: Date.now(), superseded_at: null, revoked_at: null, fingerprint: { words: FAKE_DMW_WORDS, hex: hexOf(FAKE_DMW_WORDS) } });
        exchange.push({ partner_id: dmw.id, name: dmw.name, coordinator: false, pending: 0, unconfirmed: 0, last_sent_at: null, last_received_at: null });
      }
      return { file: 'dmw-kaart.json', partner_id: dmw.id, partner_name: dmw.name, card_name: dmw.name, generation: 1, how: already ? 'unchanged' : 'fingerprint', fingerprint: { words: FAKE_DMW_WORDS, hex: hexOf(FAKE_DMW_WORDS) } };
    },
    async pinnedKeys() {
      await mayAdmin('manage_settings');
      return pinned.map((k) => ({ ...k }));
    },
    async revokePartnerKeys(partner) {
      await mayAdmin('manage_settings');
      const keys = pinned.filter((k) => k.partner_id === partner && !k.revoked_at);
      if (keys.length === 0) fail('not_found', 'no pinned key to revoke');
      for (const k of keys) k.revoked_at = Date.now();
      exchange.splice(0, exchange.length, ...exchange.filter((p) => p.partner_id !== partner));
      record('partner.revoke', 'partner', partner, { keys: keys.length });
      return keys.length;
    },
    async exchangeCoordinator() {
      await mayExchange();
      return coordinator;
    },
    async setExchangeCoordinator(partner) {
      await mayAdmin('manage_settings');
      if (partner === ME.partner_id) fail('validation', "this store's own partner", 'coordinator');
      if (partner && !partners.some((p) => p.id === partner)) fail('validation', 'unknown partner', 'coordinator');
      coordinator = partner;
    },
    async hubStatus() {
      await mayExchange();
      return { configured: hub !== null, describe: hub ? hubDescribe(hub) : null, cursor: 0, last_sync_at: hubSync.last_sync_at, last_error: null, pending: exchangePending() };
    },
    async setHub(settings, password) {
      await mayAdmin('manage_settings');
      if (!/^postgres(ql)?:\/\/[^@/]+@[^/]+\/.+$/.test(settings.url)) fail('validation', 'postgres://ROLE@HOST:PORT/DB', 'url');
      if (/^postgres(ql)?:\/\/[^@/]*:[^@/]*@/.test(settings.url)) fail('validation', 'the URL must not hold a password', 'url');
      if (!password) fail('validation', 'required', 'password');
      hub = { ...settings };
      setHubSync({ state: 'waiting', describe: hubDescribe(hub), last_sync_at: Date.now(), pending: exchangePending(), last_error: null });
      return this.hubStatus();
    },
    async forgetHub() {
      await mayAdmin('manage_settings');
      hub = null;
      setHubSync({ state: 'not_configured', describe: null, last_error: null });
    },
    async pickHubCa() {
      await mayAdmin('manage_settings');
      return { file: 'hub-ca.pem', pem: '-----BEGIN CERTIFICATE-----\nMIIBfakefakefake\n-----END CERTIFICATE-----\n' };
    },
    async onHubSync(handler) {
      hubHandlers.push(handler);
      return () => hubHandlers.splice(hubHandlers.indexOf(handler), 1);
    },
    async onBundlesDropped(handler) {
      dropHandlers.push(handler);
      return () => dropHandlers.splice(dropHandlers.indexOf(handler), 1);
    },

    async storeStatus() {
      await wait();
      return status;
    },

    async createStore(input: CreateStoreInput) {
      await wait();
      if (status !== 'missing') fail('store_exists', 'a store already exists');
      if (!input.partnerName.trim()) fail('validation', 'partner name is required', 'partner_name');
      if (!input.workerName.trim()) fail('validation', 'worker name is required', 'worker_name');
      if (input.municipality && !hasCode('municipality', input.municipality))
        fail('validation', 'unknown municipality', 'municipality');
      // Stand-in for the core's rule, which is the one that counts.
      if (input.passphrase.trim().split(/\s+/).length < 4 && input.passphrase.length < 20)
        fail('validation', 'passphrase too weak', 'passphrase');
      passphrase = input.passphrase;
      status = 'unlocked';
      return { recoveryKey: FAKE_RECOVERY_KEY };
    },

    async unlock(given: string) {
      await wait();
      if (status === 'missing') fail('store_not_found', 'no store');
      const user = users.find((u) => u.active && u.passphrase !== null && u.passphrase === given);
      if (given !== passphrase && !user) fail('wrong_passphrase', 'wrong passphrase');
      currentUser = user?.id ?? ME.worker_id;
      status = 'unlocked';
    },

    async lock() {
      await wait();
      if (status === 'unlocked') status = 'locked';
    },

    async listCases(filter: CaseFilter): Promise<CasePage> {
      await unlocked();
      const search = filter.search?.trim().toUpperCase().replace(/[\s-]/g, '') ?? '';
      let rows = cases.filter(
        (c) =>
          (!search || c.code.replace('-', '').startsWith(search)) &&
          (!filter.status || c.status === filter.status) &&
          (!filter.municipality || c.municipality === filter.municipality) &&
          (!filter.life_domain || c.life_domains.includes(filter.life_domain)) &&
          (!filter.partner_id || c.owner_partner_id === filter.partner_id) &&
          (!filter.entry_route || c.entry_route === filter.entry_route),
      );
      const by: Record<string, (a: Case, b: Case) => number> = {
        opened_desc: (a, b) => b.opened_on.localeCompare(a.opened_on),
        opened_asc: (a, b) => a.opened_on.localeCompare(b.opened_on),
        code: (a, b) => a.code.localeCompare(b.code),
        municipality: (a, b) => a.municipality.localeCompare(b.municipality),
      };
      rows = [...rows].sort(by[filter.sort] ?? by.opened_desc);
      const total = rows.length;
      const end = filter.limit == null ? undefined : filter.offset + filter.limit;
      return {
        total,
        total_capped: false,
        offset: filter.offset,
        rows: rows.slice(filter.offset, end).map(summary),
      };
    },

    async caseDetail(id: string): Promise<CaseDetail> {
      await unlocked();
      const c = caseOf(id);
      const refs = referrals
        .filter((r) => r.case_id === id)
        .map((r) => ({ ...r, events: events.filter((e) => e.referral_id === r.id), next: fakeNext(r, events) }));
      const timeline: TimelineEntry[] = [
        { on: c.opened_on, at: c.created_at, kind: 'case_opened' as const, code: null, subject: c.id },
        ...notes.filter((n) => n.case_id === id).map((n) => ({ on: FAKE_TODAY, at: n.created_at, kind: 'note' as const, code: null, subject: n.id })),
        ...refs.flatMap((r) => r.events.map((e) => ({ on: e.occurred_on, at: e.recorded_at, kind: 'referral_event' as const, code: e.kind, subject: r.id }))),
      ].sort((a, b) => b.on.localeCompare(a.on) || b.at - a.at);
      return structuredClone({
        case: c,
        notes: notes.filter((n) => n.case_id === id).reverse(),
        referrals: refs,
        rights: rights.filter((r) => r.case_id === id),
        follow_ups: followUps.filter((f) => f.case_id === id),
        signals: signals.filter((x) => x.case_id === id),
        timeline,
      });
    },

    async updateCase(id, profile) {
      await unlocked();
      const c = caseOf(id);
      Object.assign(c, profile, { profile: { ...profile }, updated_at: Date.now() });
    },

    async closeCase(id, on) {
      await unlocked();
      const c = caseOf(id);
      if (c.status === 'closed') fail('conflict', 'the case is already closed');
      c.status = 'closed';
      c.closed_on = on;
    },

    async reopenCase(id) {
      await unlocked();
      const c = caseOf(id);
      c.status = 'open';
      c.closed_on = null;
    },

    async addNote(caseId, body, keepBecause) {
      await unlocked();
      caseOf(caseId);
      if (!body.trim()) fail('validation', 'a note cannot be empty', 'body');
      checkText('body', body, keepBecause);
      const n: Note = { id: nextId('n'), case_id: caseId, body: body.trim(), created_at: Date.now(), created_by: ME.worker_id };
      notes.push(n);
      return n.id;
    },

    async createReferral(input) {
      await unlocked();
      const c = caseOf(input.case_id);
      if (input.to_partner_id === ME.partner_id) fail('validation', 'a referral cannot go to its own partner', 'to_partner_id');
      if (!input.to_partner_id && !input.outside_service?.trim()) fail('validation', 'choose a partner or a service', 'to_partner_id');
      const r: Referral = {
        id: input.id ?? nextId('r'),
        origin: 'own',
        case_id: c.id,
        case_code: c.code,
        from_partner_id: ME.partner_id,
        to_partner_id: input.to_partner_id,
        outside_service: input.outside_service,
        life_domain: input.life_domain,
        mode: input.mode,
        state: 'draft',
        consent_on: null,
        sent_on: null,
        accepted_on: null,
        first_contact_on: null,
        ended_on: null,
        decline_reason: null,
        created_at: Date.now(),
      };
      referrals.push(r);
      return r.id;
    },

    async recordEvent(input): Promise<Applied> {
      await unlocked();
      const r = referrals.find((x) => x.id === input.referral_id);
      if (!r) fail('not_found', 'referral not found');
      if (input.kind === 'sent' && !r.consent_on) fail('validation', 'consent is required before sending', 'kind');
      if (input.kind === 'declined' && !input.reason) fail('validation', 'a declined referral needs a reason', 'reason');
      const next: Partial<Record<typeof input.kind, ReferralState>> = {
        sent: 'sent', accepted: 'accepted', declined: 'declined', first_contact: 'first_contact',
        completed: 'completed', no_show: 'no_show', withdrawn: 'withdrawn', expired: 'expired',
      };
      const to = next[input.kind];
      if (to) r.state = to;
      if (input.kind === 'consent') r.consent_on = input.occurred_on;
      if (input.kind === 'sent') r.sent_on = input.occurred_on;
      if (input.kind === 'accepted') r.accepted_on = input.occurred_on;
      if (input.kind === 'first_contact') r.first_contact_on = input.occurred_on;
      if (input.kind === 'declined') r.decline_reason = input.reason;
      events.push({ id: input.id ?? nextId('e'), referral_id: r.id, kind: input.kind, occurred_on: input.occurred_on, recorded_at: Date.now(), partner_id: input.partner_id ?? ME.partner_id, worker_id: ME.worker_id, reason: input.reason, received_at: null, flags: [] });
      // Like core's outbox: the other side of a referral with an exchange partner gets it.
      const other = r.from_partner_id === ME.partner_id ? r.to_partner_id : r.from_partner_id;
      const partnerOut = exchange.find((p) => p.partner_id === other);
      if (partnerOut && (r.state !== 'draft' || input.kind === 'sent')) partnerOut.pending += 1;
      return 'recorded';
    },

    async addRightsCheck(input) {
      await unlocked();
      caseOf(input.case_id);
      if (rights.some((r) => r.case_id === input.case_id && r.right === input.right)) fail('conflict', 'this right is already on the checklist');
      const step = input.step ?? 'not_checked';
      const on = input.on ?? FAKE_TODAY;
      const r: RightsCheck = { id: input.id ?? nextId('rc'), case_id: input.case_id, right: input.right, step, step_on: on, non_take_up_reason: null, barrier_type: null, history: [[step, on]] };
      rights.push(r);
      return r.id;
    },

    async setRightStep(id, step, on) {
      await unlocked();
      const r = rights.find((x) => x.id === id);
      if (!r) fail('not_found', 'rights check not found');
      r.step = step;
      r.step_on = on;
      r.history.push([step, on]);
    },

    async setNonTakeUp(id, reason, barrier) {
      await unlocked();
      const r = rights.find((x) => x.id === id);
      if (!r) fail('not_found', 'rights check not found');
      r.non_take_up_reason = reason;
      r.barrier_type = barrier;
    },

    async addFollowUp(input, keepBecause) {
      await unlocked();
      const c = caseOf(input.case_id);
      if (input.purpose_text) checkText('purpose_text', input.purpose_text, keepBecause);
      const f: FollowUp = { id: input.id ?? nextId('f'), case_id: c.id, case_code: c.code, referral_id: input.referral_id, rights_check_id: input.rights_check_id, due_on: input.due_on, purpose: input.purpose, purpose_text: input.purpose_text, assignee_id: input.assignee_id ?? ME.worker_id, done_on: null, reschedules: 0 };
      followUps.push(f);
      return f.id;
    },

    async completeFollowUp(id, on) {
      await unlocked();
      const f = followUps.find((x) => x.id === id);
      if (!f) fail('not_found', 'follow-up not found');
      if (f.done_on) fail('conflict', 'already done');
      f.done_on = on;
    },

    async rescheduleFollowUp(id, dueOn) {
      await unlocked();
      const f = followUps.find((x) => x.id === id);
      if (!f) fail('not_found', 'follow-up not found');
      f.due_on = dueOn;
      f.reschedules += 1;
    },

    async addSignal(input, keepBecause) {
      await unlocked();
      caseOf(input.case_id);
      checkText('text', input.text, keepBecause);
      const x: Signal = { id: input.id ?? nextId('s'), case_id: input.case_id, theme: input.theme, text: input.text, created_at: Date.now() };
      signals.push(x);
      return x.id;
    },

    async checkText(text) {
      return findIdentifiers(text);
    },

    async partners() {
      await unlocked();
      return structuredClone(partners);
    },

    async addPartner(input) {
      await unlocked();
      const name = input.name.trim();
      if (!name) fail('validation', 'required', 'name');
      if (!input.kind) fail('validation', 'required', 'kind');
      if (partners.some((p) => p.name.toLowerCase() === name.toLowerCase()))
        fail('conflict', `a partner named '${name}' already exists`);
      const id = input.id ?? nextId('p');
      partners.push({ id, owner_partner_id: ME.partner_id, kind: input.kind, name, municipality: input.municipality });
      return id;
    },

    async session() {
      await unlocked();
      return { actor: { ...ME }, partner_name: FAKE_PARTNERS[0].name, worker_name: me().display_name, today: FAKE_TODAY, demo: options.demo ?? false, settings: { ...settings }, permissions: ALL_PERMISSIONS.filter((p) => me().roles.some((r) => FAKE_ROLE_PERMISSIONS[r].includes(p))) };
    },

    async saveSettings(next) {
      await unlocked();
      if (next.auto_lock_minutes < 1 || next.auto_lock_minutes > 240) fail('validation', 'must be 1 to 240 minutes', 'auto_lock_minutes');
      settings = { ...next };
      return { ...settings };
    },

    async activity() {},

    async changePassphrase(oldPassphrase, newPassphrase) {
      // Like core: any role, the new one's strength first, then the current one must be this worker's.
      await unlocked();
      if (weak(newPassphrase)) fail('validation', 'passphrase too weak', 'passphrase');
      const u = me();
      const current = u.id === ME.worker_id ? passphrase : u.passphrase;
      if (oldPassphrase !== current) fail('wrong_passphrase', 'wrong passphrase');
      if (u.id === ME.worker_id) passphrase = newPassphrase;
      else u.passphrase = newPassphrase;
      record('passphrase.change', null, null, { by: 'passphrase' });
    },

    async passphraseStrength(p) {
      const words = p.trim().split(/\s+/).filter(Boolean).length;
      const score = Math.min(4, words >= 4 ? 4 : words >= 3 ? 3 : p.length >= 14 ? 2 : p ? 1 : 0);
      return { score, acceptable: p.length >= 10 && score >= 3, too_short: p.length < 10 };
    },

    async onAutoLocked(handler) {
      autoLockHandlers.push(handler);
      return () => autoLockHandlers.splice(autoLockHandlers.indexOf(handler), 1);
    },

    async onReminder(handler) {
      reminderHandlers.push(handler);
      return () => reminderHandlers.splice(reminderHandlers.indexOf(handler), 1);
    },

    async notify(title, body) {
      notifications.push({ title, body });
    },

    async openCase(input: NewCase): Promise<Case> {
      await unlocked();
      const required: [keyof NewCase & string, string][] = [
        ['entry_route', 'entry_route'],
        ['municipality', 'municipality'],
        ['age_band', 'age_band'],
        ['household_type', 'household_type'],
      ];
      for (const [field, vocabName] of required) {
        const value = input[field];
        if (typeof value !== 'string' || !value) fail('validation', `${field} is required`, field);
        if (!hasCode(vocabName, value)) fail('validation', `unknown ${field} code`, field);
      }
      for (const d of input.life_domains) {
        if (!hasCode('life_domain', d)) fail('validation', 'unknown life domain code', 'life_domains');
      }
      const profile = {
        entry_route: input.entry_route,
        municipality: input.municipality,
        age_band: input.age_band,
        household_type: input.household_type,
        gender: input.gender,
        contact_language: input.contact_language,
        interpreter: input.interpreter,
        residence_status: input.residence_status,
        life_domains: [...input.life_domains],
        project: input.project,
      };
      const now = Date.now();
      const c: Case = {
        id: input.id ?? `c-${seq + 1}`,
        code: input.code ?? newCode(),
        status: 'open',
        opened_on: input.opened_on ?? FAKE_TODAY,
        closed_on: null,
        owner_partner_id: input.owner_partner_id ?? ME.partner_id,
        owner_worker_id: input.owner_worker_id ?? ME.worker_id,
        partner_name: FAKE_PARTNERS.find((p) => p.id === (input.owner_partner_id ?? ME.partner_id))?.name ?? '',
        created_at: now,
        updated_at: now,
        ...profile,
        profile,
      };
      cases.push(c);
      return structuredClone(c);
    },

    async vocabularies() {
      await unlocked();
      return structuredClone(FAKE_VOCABULARIES);
    },

    async referralKpis(filter) {
      await unlocked();
      if (filter.to < filter.from) fail('validation', 'the period ends before it starts', 'to');
      return fakeKpis(filter);
    },

    async monthlyStatistics(request) {
      await unlocked();
      return fakeMonthlyStats(request);
    },

    async exportMonthlyStatistics(request, options) {
      await unlocked();
      // No dialog here: "saved" at once under the name the shell would offer.
      return fakeExportName(fakeMonthlyStats(request), options);
    },

    async retentionSetting() {
      await unlocked();
      return retentionSettingNow();
    },

    async setRetentionMonths(months) {
      await mayAdmin('manage_settings');
      if (months !== null && (!Number.isInteger(months) || months < 12 || months > 240))
        fail('validation', 'must be 12 to 240 months', 'retention_months');
      retentionMonths = months;
      record('record.change', 'settings', null, { action: 'update', fields: ['retention_months'] });
      return retentionSettingNow();
    },

    async retentionPreview(): Promise<RetentionPreview> {
      await mayAdmin('maintenance');
      if (retentionMonths === null) fail('validation', 'no retention period is set', 'retention_months');
      return retentionPreviewOf(retentionMonths);
    },

    async retentionPurge(token) {
      await mayAdmin('maintenance');
      if (retentionMonths === null) fail('validation', 'no retention period is set', 'retention_months');
      const p = retentionPreviewOf(retentionMonths);
      if (p.token !== token) fail('preview_changed', 'the cases to purge changed since the preview');
      const gone = new Set(cases.filter((c) => p.cases.some((x) => x.code === c.code)).map((c) => c.id));
      const keep = <T extends { case_id: string | null }>(list: T[]) => {
        const kept = list.filter((x) => x.case_id === null || !gone.has(x.case_id));
        list.splice(0, list.length, ...kept);
      };
      keep(notes);
      keep(referrals);
      keep(followUps);
      keep(rights);
      keep(signals);
      const kept = cases.filter((c) => !gone.has(c.id));
      cases.splice(0, cases.length, ...kept);
      record('retention.purge', null, null, { cut_off: p.cut_off, months: p.months, counts: p.counts });
      return { cut_off: p.cut_off, counts: p.counts, checkpointed: true };
    },

    async backupStatus() {
      await unlocked();
      const due = lastBackupAt === null || Date.now() - lastBackupAt > BACKUP_REMINDER_DAYS * DAY_MS;
      return { last_backup_at: lastBackupAt, due, reminder_days: BACKUP_REMINDER_DAYS };
    },

    async createBackup() {
      await unlocked();
      // No dialog here: "saved" at once under the name the shell would offer.
      lastBackupAt = Date.now();
      return fakeBackupName(new Date(lastBackupAt));
    },

    async restoreBackup(given) {
      await mayAdmin('maintenance');
      // No dialog here: the backup made last is "chosen".
      if (lastBackupAt === null) fail('validation', 'no backup to restore', 'backup');
      if (given !== passphrase) fail('wrong_passphrase', 'wrong passphrase');
      status = 'locked';
      return { file: fakeBackupName(new Date(lastBackupAt)), createdAt: lastBackupAt };
    },

    async recoverStore(recoveryKey, newPassphrase) {
      await wait();
      if (status === 'missing') fail('store_not_found', 'no store');
      if (weak(newPassphrase)) fail('validation', 'passphrase too weak', 'passphrase');
      if (recoveryKey.replace(/[\s-]/g, '').toUpperCase() !== FAKE_RECOVERY_KEY.replace(/-/g, ''))
        fail('wrong_passphrase', 'wrong recovery key');
      passphrase = newPassphrase;
      currentUser = ME.worker_id;
      status = 'unlocked';
      record('session.unlock', null, null, { method: 'recovery_key' });
      record('passphrase.change', null, null, { by: 'recovery_key' });
    },

    async listUsers() {
      await mayAdmin('manage_users');
      return users
        .map(({ passphrase: _p, ...u }) => ({ ...u, roles: [...u.roles], can_unlock: u.active, is_me: u.id === currentUser }))
        .sort((a, b) => a.display_name.localeCompare(b.display_name));
    },

    async addUser(input) {
      await mayAdmin('manage_users');
      const name = input.displayName.trim();
      if (!name) fail('validation', 'required', 'display_name');
      if (input.roles.length === 0) fail('validation', 'a user needs at least one role', 'roles');
      if (weak(input.passphrase)) fail('validation', 'passphrase too weak', 'passphrase');
      const id = nextId('w');
      users.push({ id, display_name: name, roles: [...input.roles], active: true, can_unlock: true, is_me: false, passphrase: input.passphrase });
      record('user.add', 'worker', id, { roles: input.roles });
      return id;
    },

    async setUserRoles(worker, roles) {
      await mayAdmin('manage_users');
      const u = users.find((x) => x.id === worker && x.active);
      if (!u) fail('not_found', 'user not found');
      if (roles.length === 0) fail('validation', 'a user needs at least one role', 'roles');
      if (u.roles.includes('admin') && !roles.includes('admin') && otherAdmins(worker) === 0)
        fail('conflict', 'the store needs at least one admin');
      record('role.change', 'worker', worker, { from: u.roles, to: roles });
      u.roles = [...roles];
    },

    async removeUser(worker) {
      await mayAdmin('manage_users');
      if (worker === currentUser) fail('conflict', 'you cannot remove yourself');
      const u = users.find((x) => x.id === worker && x.active);
      if (!u) fail('not_found', 'user not found');
      if (u.roles.includes('admin') && otherAdmins(worker) === 0) fail('conflict', 'the store needs at least one admin');
      u.active = false;
      u.passphrase = null;
      record('user.remove', 'worker', worker, { roles: u.roles });
    },

    async verifyAudit() {
      await mayAdmin('audit');
      const problems = options.auditProblems ?? [];
      return { ok: problems.length === 0, entries: audit.length, anchored: audit.length, problems, messages: [] };
    },

    async auditEntries(query) {
      await mayAdmin('audit');
      if (query.limit < 1 || query.limit > 500) fail('validation', 'a page holds 1 to 500 entries', 'limit');
      const rows = [...audit].reverse().filter((e) => !query.action || e.action === query.action);
      return { total: rows.length, offset: query.offset, entries: structuredClone(rows.slice(query.offset, query.offset + query.limit)) };
    },

    async today(): Promise<Today> {
      await unlocked();
      const waiting = referrals.filter((r) => r.state === 'sent');
      return {
        today: FAKE_TODAY,
        follow_ups_due: followUps.filter((f) => !f.done_on && f.due_on <= FAKE_TODAY),
        incoming_waiting: waiting.filter((r) => r.to_partner_id === ME.partner_id),
        sent_waiting: waiting.filter((r) => r.from_partner_id === ME.partner_id),
        received_accepted: referrals.filter((r) => r.origin === 'received' && r.state === 'accepted'),
      };
    },
  };
}
