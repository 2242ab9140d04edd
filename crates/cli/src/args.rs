//! The command-line contract. Keep it stable: scripts and acceptance checks use it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "schakel",
    version,
    about = "Schakel: case coordination for Integrated Broad Reception (GBO)"
)]
#[command(after_help = "The passphrase is read from SCHAKEL_PASSPHRASE or asked for.\n\
Exit codes: 0 ok, 1 other error, 2 usage, 3 wrong passphrase, 4 no store, 5 store locked,\n\
6 store damaged, 7 store from a newer version, 8 invalid input, 9 not found, 10 conflict,\n\
11 import refused, 12 store already exists, 13 encryption unavailable, 14 too many wrong\n\
attempts (wait and try again), 15 audit log damaged, 16 not allowed for your role,\n\
17 the cases to purge changed since the preview (preview again), 18 text probably\n\
identifies a person, 19 signature does not verify, 20 fingerprint words do not match,\n\
21 partner has another pinned key, 22 partner's keys revoked, 23 hub unreachable,\n\
24 hub refused, 25 unknown sender (pin its card first), 26 not addressed to this store.")]
pub struct Cli {
    /// The store (database file). Default: schakel.db in the user's data directory.
    #[arg(long, global = true, env = "SCHAKEL_STORE")]
    pub store: Option<PathBuf>,
    /// Machine-readable JSON on standard output (errors as JSON on standard error).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new encrypted store and print its recovery key (once).
    Init(InitArgs),
    /// Fill the store with realistic synthetic network data (deterministic for a seed).
    Demo(DemoArgs),
    /// Import a registration sheet (.csv) or a record file (.jsonl); all or nothing.
    Import { file: PathBuf },
    /// Check encryption, structure and references of the store.
    Check,
    /// What needs attention today: follow-ups due, referrals waiting.
    Today {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Cases: list, show, open, close, notes.
    #[command(subcommand)]
    Cases(CasesCmd),
    /// Referrals: create one, record a transition or warm step.
    #[command(subcommand)]
    Referrals(ReferralsCmd),
    /// Follow-ups: due, add, done, reschedule.
    #[command(subcommand, name = "followups")]
    FollowUps(FollowUpsCmd),
    /// Partner organisations.
    #[command(subcommand)]
    Partners(PartnersCmd),
    /// Projects (tags with start and end dates).
    #[command(subcommand)]
    Projects(ProjectsCmd),
    /// Key figures for coordinators.
    #[command(subcommand)]
    Kpi(KpiCmd),
    /// Users of this store and their roles (admins only).
    #[command(subcommand)]
    Users(UsersCmd),
    /// The audit log: who unlocked, viewed, changed and exported what.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Anonymised statistics with small counts protected.
    #[command(subcommand)]
    Stats(StatsCmd),
    /// Encrypted backups of the store: make one, check one, restore one.
    #[command(subcommand)]
    Backup(BackupCmd),
    /// Retention: closed cases past the store's period are purged (admins only).
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// Reference lists (codes and names); without a name, the list of lists.
    Vocab { name: Option<String> },
    /// Change your passphrase (new one from SCHAKEL_NEW_PASSPHRASE or asked for).
    Passphrase,
    /// Set a new passphrase with the recovery key (from SCHAKEL_RECOVERY_KEY or asked for;
    /// the new passphrase from SCHAKEL_NEW_PASSPHRASE or asked for).
    Recover,
    /// Build (once, cached) a large demo store and time the hot queries.
    Bench(BenchArgs),
    /// The exchange hub (PostgreSQL): its administration (init, add-partner; no store), and
    /// this store's connection to it (connect, status, sync, forget).
    #[command(subcommand)]
    Hub(crate::cmd::hub::HubCmd),
    /// Referrals between partners in different stores: bundles out and in, what is shared,
    /// the coordinator.
    #[command(subcommand)]
    Exchange(crate::cmd::exchange::ExchangeCmd),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Ocmw,
    Caw,
    Dmw,
    Other,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(long, value_enum)]
    pub partner_kind: KindArg,
    #[arg(long)]
    pub partner_name: String,
    /// NIS code of the partner's municipality (see `schakel vocab municipality`).
    #[arg(long)]
    pub municipality: Option<String>,
    /// Your name as a worker (not a client's: clients have no names here).
    #[arg(long)]
    pub worker: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 2000)]
    pub cases: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Last day of simulated activity (default: today).
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, default_value_t = 100_000)]
    pub cases: u32,
    /// Repetitions per query.
    #[arg(long, default_value_t = 50)]
    pub runs: u32,
    /// Repetitions of the unlock (Argon2id included).
    #[arg(long, default_value_t = 5)]
    pub unlock_runs: u32,
    /// Cases in the record file of the import measurement (38 records each; 0: skip).
    #[arg(long, default_value_t = 5_000)]
    pub import_cases: u32,
    /// Measure the import only (no large store needed; for profiling it).
    #[arg(long)]
    pub import_only: bool,
    /// Warm referrals sent to a partner in another store, for the exchange measurement.
    #[arg(long, default_value_t = 10_000)]
    pub exchange_referrals: u32,
    /// Measure the exchange by bundle only (two new stores; no large store needed).
    #[arg(long)]
    pub exchange_only: bool,
    /// Write the figures as JSON to this file too.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CasesCmd {
    /// A page of cases, filtered and sorted.
    List(ListArgs),
    /// The exact number of cases matching the filters of `list`.
    Count(ListArgs),
    /// One case with its referrals, rights checks, follow-ups, signals and timeline.
    Show { code: String },
    /// Open a case (walk-in intake).
    Open(OpenArgs),
    /// Close a case.
    Close {
        code: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Add a note (checked for identifiers before it is stored).
    Note {
        code: String,
        text: String,
        /// Keep text the identifier check warns about (a likely date of birth, address or
        /// name), for this reason: not_a_person, organisation_or_service, not_a_birth_date,
        /// professional_contact. Recorded in the audit log.
        #[arg(long = "keep-because")]
        keep_because: Option<String>,
    },
    /// Add a rights check from the taxonomy.
    Right {
        code: String,
        /// Right code (see `schakel vocab right_kind`).
        right: String,
        #[arg(long)]
        step: Option<String>,
        #[arg(long)]
        on: Option<String>,
    },
    /// Tag the case as an example of a structural barrier.
    Signal {
        code: String,
        #[arg(long)]
        theme: String,
        text: String,
        /// Keep text the identifier check warns about (a likely date of birth, address or
        /// name), for this reason: not_a_person, organisation_or_service, not_a_birth_date,
        /// professional_contact. Recorded in the audit log.
        #[arg(long = "keep-because")]
        keep_because: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Start of a case code.
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub municipality: Option<String>,
    #[arg(long)]
    pub domain: Option<String>,
    /// Partner id or name.
    #[arg(long)]
    pub partner: Option<String>,
    #[arg(long)]
    pub entry_route: Option<String>,
    /// opened-desc (default), opened-asc, code, municipality.
    #[arg(long, default_value = "opened-desc")]
    pub sort: String,
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    #[arg(long)]
    pub entry_route: String,
    #[arg(long)]
    pub municipality: String,
    #[arg(long)]
    pub age_band: String,
    #[arg(long)]
    pub household: String,
    /// Life domain; repeat for several.
    #[arg(long = "domain")]
    pub domains: Vec<String>,
    #[arg(long)]
    pub project: Option<String>,
    #[arg(long)]
    pub opened_on: Option<String>,
    #[arg(long)]
    pub gender: Option<String>,
    #[arg(long)]
    pub language: Option<String>,
    #[arg(long)]
    pub interpreter: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReferralsCmd {
    /// Create a referral (draft) for a case.
    Add {
        code: String,
        /// Receiving partner (id or name)…
        #[arg(long, conflicts_with = "outside")]
        to: Option<String>,
        /// …or a service outside the network.
        #[arg(long)]
        outside: Option<String>,
        #[arg(long)]
        domain: String,
        #[arg(long, default_value = "warm")]
        mode: String,
    },
    /// Record a transition or warm step: consent, sent, accepted, declined, first_contact,
    /// completed, no_show, withdrawn, expired, receiver_contacted, appointment_made,
    /// accompanied, feedback_given.
    Event {
        referral: String,
        kind: String,
        #[arg(long)]
        on: Option<String>,
        /// Decline reason code.
        #[arg(long)]
        reason: Option<String>,
    },
    /// A referral with its events.
    Show { referral: String },
}

#[derive(Debug, Subcommand)]
pub enum FollowUpsCmd {
    /// Open follow-ups due on or before a date (default today).
    Due {
        #[arg(long)]
        until: Option<String>,
        /// Only mine.
        #[arg(long)]
        mine: bool,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    Add {
        code: String,
        #[arg(long)]
        due: String,
        #[arg(long)]
        purpose: String,
        #[arg(long)]
        text: Option<String>,
        /// Keep text the identifier check warns about (a likely date of birth, address or
        /// name), for this reason: not_a_person, organisation_or_service, not_a_birth_date,
        /// professional_contact. Recorded in the audit log.
        #[arg(long = "keep-because")]
        keep_because: Option<String>,
    },
    Done {
        id: String,
        #[arg(long)]
        on: Option<String>,
    },
    Reschedule {
        id: String,
        #[arg(long)]
        due: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartnersCmd {
    List,
    Add {
        #[arg(long, value_enum)]
        kind: KindArg,
        #[arg(long)]
        name: String,
        #[arg(long)]
        municipality: Option<String>,
        /// The partner's own id (the `partner_id` of its identity card), so that its card
        /// and its records name the same partner here (default: a new id).
        #[arg(long)]
        id: Option<String>,
    },
    /// This store's identity card for partners (made the first time): JSON on standard
    /// output or in FILE, and the fingerprint words to read out to the partner by phone.
    Card {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Pin a partner's identity card, after comparing its fingerprint by phone. A new card
    /// of a partner already pinned, signed by its pinned key (a rotation), needs no words.
    Pin {
        file: PathBuf,
        /// The fingerprint words (or hex) the partner read out.
        #[arg(long)]
        words: Option<String>,
    },
    /// New keys for this store's identity, signed by the old ones; send the new card.
    RotateKey,
    /// Revoke the keys pinned for a partner (id or name): nothing of theirs is accepted.
    Revoke {
        partner: String,
    },
    /// The keys pinned for partners, with their fingerprints.
    Keys,
}

#[derive(Debug, Subcommand)]
pub enum ProjectsCmd {
    List,
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KpiCmd {
    /// Referral times for a period: outcomes, time to acceptance and first contact,
    /// share within target, per partner pair and month, warm vs cold, stalled referrals.
    /// The JSON shape and every definition: docs/kpi.md.
    Referrals(KpiArgs),
}

#[derive(Debug, Args)]
pub struct KpiArgs {
    /// First sending date of the period (dd/mm/yyyy or YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last sending date of the period.
    #[arg(long)]
    pub to: String,
    /// Referrals this partner sent or received (id or name).
    #[arg(long)]
    pub partner: Option<String>,
    /// Sending partner (id or name).
    #[arg(long)]
    pub sender: Option<String>,
    /// Receiving partner (id or name).
    #[arg(long)]
    pub receiver: Option<String>,
    /// Life domain code.
    #[arg(long)]
    pub domain: Option<String>,
    /// cold or warm.
    #[arg(long)]
    pub mode: Option<String>,
    /// Project code.
    #[arg(long)]
    pub project: Option<String>,
    /// Target in working days (default 5).
    #[arg(long)]
    pub target: Option<u32>,
    /// Working days after which an unanswered or unmet referral counts as stalled (default 10).
    #[arg(long)]
    pub stalled_after: Option<u32>,
    /// Extra closing day besides weekends and public holidays (repeatable).
    #[arg(long = "closed")]
    pub closed: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum StatsCmd {
    /// One month's tables (cases, referrals and referral times, rights, non-take-up,
    /// follow-ups, signals) with small counts and what would give them away hidden.
    /// Method and definitions: docs/statistics.md.
    Monthly(MonthlyArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    /// This store's own organisation.
    Partner,
    /// Every partner's records in this store.
    Network,
}

#[derive(Debug, Args)]
pub struct MonthlyArgs {
    /// The month, YYYY-MM.
    #[arg(long)]
    pub month: String,
    #[arg(long, value_enum, default_value = "partner")]
    pub scope: ScopeArg,
    /// Counts from 1 to below this are hidden (default 5).
    #[arg(long)]
    pub threshold: Option<u32>,
    /// The threshold of sensitive tables and rows (default 10).
    #[arg(long)]
    pub sensitive_threshold: Option<u32>,
    /// csv, xlsx, json or html (a print-ready report; print it to PDF from a browser).
    #[arg(long)]
    pub format: String,
    /// Where to write the file (default: a name like schakel-statistieken-2026-10-partner.xlsx
    /// in the current directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of titles and labels: nl, fr or en.
    #[arg(long, default_value = "nl")]
    pub lang: String,
    /// CSV with commas and decimal points instead of Belgian Excel's ; and decimal comma.
    #[arg(long)]
    pub plain_csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum BackupCmd {
    /// Write one file with the encrypted database and its key slots (it opens with the
    /// same passphrases or the recovery key). Keep it on another disk.
    Create {
        /// Where to write it (default: schakel-backup-YYYY-MM-DD-HHMM.schakelbackup in the
        /// current directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a backup completely (checksums, key, every page, structure, version)
    /// without touching the store.
    Verify {
        file: PathBuf,
        /// Open it with the recovery key (SCHAKEL_RECOVERY_KEY or asked) instead of the
        /// passphrase.
        #[arg(long)]
        recovery_key: bool,
    },
    /// Replace the store with a backup, after checking it. The store must not be open
    /// elsewhere; its files are kept beside it as <name>.before-restore-<time>.
    Restore { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCmd {
    /// The retention period of closed cases, and today's cut-off.
    Show,
    /// Sets the period in months (12 to 240), or switches it off.
    Set {
        #[arg(long, conflicts_with = "off", required_unless_present = "off")]
        months: Option<u32>,
        /// No period: nothing is purged.
        #[arg(long)]
        off: bool,
    },
    /// Which cases a purge would remove today, with everything that goes with them.
    Preview,
    /// Purges the closed cases past the period, after showing them and asking.
    Purge {
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        /// Purge exactly the set of an earlier `preview --json` (its token); refused
        /// (exit code 17) when the set changed since.
        #[arg(long)]
        token: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum AuditCmd {
    /// Checks the hash chain of the audit log; names every edited, deleted or reordered
    /// entry (exit code 15 when there is one).
    Verify,
    /// The newest entries.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// Every user of your organisation with their roles.
    List,
    /// Adds a user; their first passphrase is read from SCHAKEL_NEW_PASSPHRASE or asked for.
    Add {
        #[arg(long)]
        name: String,
        /// caseworker, coordinator, exporter, admin (repeat for several).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Replaces a user's roles.
    Roles {
        /// The user's id (see `schakel users list`).
        user: String,
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Removes a user: their passphrase no longer opens the store, and the data key is
    /// rotated so the key they held opens nothing written from now on.
    Remove { user: String },
    /// Re-encrypts the store with a new data key (e.g. when a copy of a key may have
    /// leaked); every remaining passphrase and the recovery key keep working.
    RotateKey,
}
