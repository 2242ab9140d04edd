//! Synthetic network data for demos and benchmarks.
//!
//! [`generate`] simulates about two years of a Brussels GBO network up to a given day:
//! partners (OCMW, CAW, DMW, a Huis van het Kind) with a few workers each, two projects,
//! and cases with their referrals (full event histories), rights checks, follow-ups,
//! signals and notes. The distributions follow the domain brief: poverty concentrated in
//! the "poor crescent", many singles and single-parent families, housing the most
//! frequent life domain, about three referrals per case of which a little over half warm,
//! skewed answer times, and recent work still open so that "today" has content.
//!
//! Everything goes through [`Writer`], so every record passes the same validation as one
//! typed by a worker (vocabularies, the referral state machine, identifier checks). The
//! output is deterministic for a seed and `until` in a fresh store: the same case codes,
//! ids and dates. Writes are committed in chunks of [`CHUNK`] cases.

mod network;
mod random;
mod sim;
mod tables;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use uuid::Uuid;

use crate::cases::CaseFilter;
use crate::error::Result;
use crate::store::{Actor, Store, Writer};

use network::setup_network;
use random::add_days;
use sim::Sim;

/// Cases per transaction.
pub const CHUNK: u32 = 2_000;

/// Days of simulated history before `until`.
const SPAN_DAYS: i64 = 730;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub cases: u32,
    pub seed: u64,
    /// Last day of simulated activity; the data spans about two years before it.
    pub until: NaiveDate,
}

/// What one call of [`generate`] wrote (partners, workers and projects that already
/// existed are reused and not counted).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoSummary {
    pub partners: u32,
    pub workers: u32,
    pub projects: u32,
    pub cases: u32,
    pub referrals: u32,
    pub referral_events: u32,
    pub rights_checks: u32,
    pub follow_ups: u32,
    pub signals: u32,
    pub notes: u32,
}

/// Fills `store` with a simulated network and `opts.cases` cases. Sets the store's
/// "today" to `opts.until`. Calls `progress(done, total)` after each committed chunk.
pub fn generate(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<DemoSummary> {
    store.require(crate::access::Permission::Maintenance)?;
    store.set_today(opts.until);
    let until = opts.until;
    let start = add_days(until, -SPAN_DAYS);
    // A second run into the same store must not repeat the first one's ids and codes.
    let existing = store.count_cases(&CaseFilter::default())?;
    let salt = u64::try_from(existing).unwrap_or(0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed ^ salt);
    let mut summary = DemoSummary::default();
    store.write(|w| w.mark_demo())?;
    let net = setup_network(store, &mut rng, start, &mut summary)?;
    let mut sim = Sim { net: &net, until, start, rng, sum: summary, last_event_ms: 0 };
    let total = u64::from(opts.cases);
    // A chunk touches more pages and statements than everyday use: keep them in memory
    // instead of spilling half-written pages (encrypted) into the WAL and re-preparing
    // statements. The page cache goes back to what it was afterwards.
    let conn = store.conn();
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let cache_pages: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", CHUNK_CACHE_KIB)?;
    // Cases are simulated in the order they opened, as a real store fills up: ids (UUID
    // v7 at the simulated moment) then land near each other in the indexes instead of
    // all over a large file.
    let mut opening: Vec<NaiveDate> = (0..opts.cases).map(|_| sim.opening_day()).collect();
    opening.sort_unstable();
    let mut done = 0u32;
    let mut result = Ok(());
    for days in opening.chunks(CHUNK as usize) {
        result = store.write(|w| {
            w.audit_summary(
                crate::audit::AuditAction::Import,
                serde_json::json!({"source": "demo", "cases": days.len()}),
            )?;
            for &opened in days {
                sim.case(w, opened)?;
            }
            Ok(())
        });
        if result.is_err() {
            break;
        }
        done += u32::try_from(days.len()).unwrap_or(CHUNK);
        progress(u64::from(done), total);
    }
    store.conn().pragma_update(None, "cache_size", cache_pages)?;
    result.map(|()| sim.sum)
}

/// Prepared statements kept per connection while generating.
const STATEMENT_CACHE: usize = 64;
/// Page cache while generating, in KiB (negative: SQLite's unit for "KiB").
const CHUNK_CACHE_KIB: i64 = -131_072;

impl Writer<'_> {
    /// Demo data only: the following writes are recorded as done by `worker_id` of
    /// `partner_id` at the simulated moment `at_ms`, so that `created_at`, event
    /// `recorded_at` and the change log match the history being simulated.
    pub(crate) fn demo_act_as(&mut self, partner_id: Uuid, worker_id: Uuid, at_ms: i64) {
        self.actor = Actor { partner_id, worker_id, roles: self.actor.roles };
        self.now = at_ms;
        // Generated text; its occasional false alarm needs no reason.
        self.warnings = crate::privacy::WarningPolicy::Accept;
    }
}
