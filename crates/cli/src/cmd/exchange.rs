//! `schakel exchange status | export | import | share | coordinator | events`: referrals
//! between partners in different stores by bundle files (docs/exchange.md), and
//! `schakel hub connect | status | sync | forget`: the same through the hub.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;
use schakel_core::exchange::hub::Hub;
use schakel_core::exchange::{HubSettings, Shared, bundle_file_name, read_bundle, write_bundle};
use serde_json::json;

use crate::exit::{CliError, CliResult};
use crate::out::Out;

pub const ENV_HUB_PASSWORD: &str = "SCHAKEL_HUB_PASSWORD";

#[derive(Debug, Subcommand)]
pub enum ExchangeCmd {
    /// Partners this store exchanges with (a pinned key), and what waits for each.
    Status,
    /// Seal what waits for a partner into a bundle file (or, with --dir, one file for every
    /// partner something waits for). Send the file by e-mail, a shared folder or a USB stick.
    Export {
        /// The partner (id or name).
        #[arg(long, conflicts_with = "dir")]
        to: Option<String>,
        /// The bundle file to write (with --to).
        #[arg(long, requires = "to")]
        out: Option<PathBuf>,
        /// A folder: one bundle per partner, named after the partners and the time.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Open and apply partners' bundle files, each in one transaction (again: no change).
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Choose what goes with a draft referral to the receiving partner: nothing unless named.
    Share {
        referral: String,
        #[arg(long)]
        age_band: Option<String>,
        #[arg(long)]
        household_type: Option<String>,
        /// NIS code.
        #[arg(long)]
        municipality: Option<String>,
        #[arg(long)]
        contact_language: Option<String>,
        /// not_needed, needed or used.
        #[arg(long)]
        interpreter: Option<String>,
        /// A short handover note (checked for identifiers like every text).
        #[arg(long)]
        note: Option<String>,
        /// Keep a note the identifier check warns about, for this reason (see followups add).
        #[arg(long = "keep-because")]
        keep_because: Option<String>,
    },
    /// The network's coordinator (id or name), which gets the anonymised stream; `--none`
    /// stops it. Without arguments: show it.
    Coordinator {
        partner: Option<String>,
        #[arg(long, conflicts_with = "partner")]
        none: bool,
    },
    /// A referral's events with the partner and clock that recorded each, and their flags.
    Events { referral: String },
}

#[derive(Debug, Subcommand)]
pub enum HubStoreCmd {
    /// Set this store's hub: its URL (postgres://ROLE@HOST:PORT/DB, no password) and CA;
    /// the partner role's password from SCHAKEL_HUB_PASSWORD or asked for.
    Connect {
        #[arg(long)]
        url: String,
        #[arg(long)]
        ca_cert: Option<PathBuf>,
    },
    /// Forget this store's hub.
    Forget,
    /// The hub's status: last round, last error, what waits.
    Status,
    /// One round with the hub (post, fetch, apply, acknowledge); with --watch, keep going,
    /// waking on the hub's signal or every SECONDS.
    Sync {
        #[arg(long)]
        watch: Option<u64>,
    },
}

pub fn run(path: &Path, c: ExchangeCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    match c {
        ExchangeCmd::Status => {
            let partners = store.exchange_partners()?;
            o.emit(&partners, |ps| {
                if ps.is_empty() {
                    println!(
                        "No partner to exchange with: pin a partner's card first (schakel partners pin)."
                    );
                }
                for p in ps {
                    let role = if p.coordinator { " (coordinator)" } else { "" };
                    println!(
                        "{}{role}: {} waiting, {} sent without receipt; last sent {}, last received {}",
                        p.name,
                        p.pending,
                        p.unconfirmed,
                        when(p.last_sent_at),
                        when(p.last_received_at)
                    );
                }
            });
        }
        ExchangeCmd::Export { to, out, dir } => {
            let targets: Vec<(uuid::Uuid, String)> = match (&to, &dir) {
                (Some(t), _) => {
                    let p = store.find_partner(t)?;
                    vec![(p.id, p.name)]
                }
                (None, Some(_)) => store
                    .exchange_partners()?
                    .into_iter()
                    .filter(|p| p.pending + p.unconfirmed > 0)
                    .map(|p| (p.partner_id, p.name))
                    .collect(),
                (None, None) => {
                    return Err(CliError::Input("give --to PARTNER --out FILE, or --dir FOLDER".into()));
                }
            };
            let me = store.partner(store.self_partner_id()?)?.name;
            let mut written = Vec::new();
            for (id, name) in targets {
                let Some((bundle, summary)) = store.export_bundle(id)? else { continue };
                let file = match (&out, &dir) {
                    (Some(f), _) => f.clone(),
                    (None, Some(d)) => d.join(bundle_file_name(&me, &name, bundle.created_at)),
                    (None, None) => return Err(CliError::Input("give --out FILE or --dir FOLDER".into())),
                };
                write_bundle(&bundle, &file)?;
                written.push(json!({"file": file, "summary": summary}));
            }
            o.emit(&json!({"written": written}), |_| {
                if written.is_empty() {
                    println!("Nothing waits to be sent.");
                }
                for w in &written {
                    let s = &w["summary"];
                    println!(
                        "{}: {} referral(s), {} event(s), {} receipt(s) in {}",
                        s["recipient_name"].as_str().unwrap_or_default(),
                        s["referrals"],
                        s["events"],
                        s["receipts"],
                        w["file"].as_str().unwrap_or_default()
                    );
                }
            });
        }
        ExchangeCmd::Import { files } => {
            let mut results = Vec::new();
            for f in &files {
                let bundle = read_bundle(f)?;
                let s = store.import_bundle(&bundle)?;
                results.push(json!({"file": f, "summary": s}));
            }
            o.emit(&json!({"imported": results}), |_| {
                for r in &results {
                    let s = &r["summary"];
                    println!(
                        "{} from {}: {} new referral(s), {} new event(s), {} confirmed, {} already seen, {} flagged",
                        r["file"].as_str().unwrap_or_default(),
                        s["sender_name"].as_str().unwrap_or_default(),
                        s["referrals"],
                        s["events"],
                        s["confirmed"],
                        s["already_seen"],
                        s["flagged"]
                    );
                }
            });
        }
        ExchangeCmd::Share {
            referral,
            age_band,
            household_type,
            municipality,
            contact_language,
            interpreter,
            note,
            keep_because,
        } => {
            let id = super::uuid_arg("referral", &referral)?;
            let reason = super::keep_because(keep_because.as_deref())?;
            let shared = Shared {
                age_band,
                household_type,
                municipality,
                contact_language,
                interpreter,
                handover_note: note,
            };
            store.write(|w| {
                w.keep_warned_text(reason);
                w.share_with_referral(id, &shared)
            })?;
            o.emit(&json!({"referral": id, "shared": shared}), |_| {
                println!("Chosen: this goes with the referral when it is sent.");
            });
        }
        ExchangeCmd::Coordinator { partner, none } => {
            if none {
                store.set_exchange_coordinator(None)?;
            } else if let Some(p) = partner {
                let p = store.find_partner(&p)?;
                store.set_exchange_coordinator(Some(p.id))?;
            }
            let current = store.exchange_coordinator()?;
            let name = current.map(|id| store.partner(id).map(|p| p.name)).transpose()?;
            o.emit(&json!({"coordinator": current, "name": name}), |_| match &name {
                Some(n) => println!("Coordinator: {n} (gets partners, life domain, warm or cold, dates)."),
                None => println!("No coordinator: nothing is reported."),
            });
        }
        ExchangeCmd::Events { referral } => {
            let id = super::uuid_arg("referral", &referral)?;
            let events = store.referral_events(id)?;
            o.emit(&events, |es| {
                for e in es {
                    let flags: Vec<&str> = e
                        .flags
                        .iter()
                        .map(|f| match f {
                            schakel_core::exchange::flags::EventFlag::DatedAfterRecording => {
                                "dated after recording"
                            }
                            schakel_core::exchange::flags::EventFlag::ClockAhead => "clock ahead",
                            schakel_core::exchange::flags::EventFlag::Conflict => "conflict: left out",
                        })
                        .collect();
                    let from = if e.received_at.is_some() { "received" } else { "here" };
                    println!(
                        "{}  {:<20} {from:<8} {}",
                        schakel_core::dates::format_be(e.occurred_on),
                        e.kind.as_str(),
                        flags.join(", ")
                    );
                }
            });
        }
    }
    Ok(())
}

pub fn hub(path: &Path, c: HubStoreCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    match c {
        HubStoreCmd::Connect { url, ca_cert } => {
            let ca = match &ca_cert {
                Some(p) => Some(std::fs::read_to_string(p).map_err(schakel_core::Error::from)?),
                None => None,
            };
            let settings = HubSettings { url, ca_cert_pem: ca };
            // Checked before the password is asked for.
            schakel_core::exchange::hub::HubConfig::from_url(&settings.url, Default::default(), None)?;
            let password = crate::secret::hub_password()?;
            store.set_hub(Some((&settings, &password)))?;
            let status = store.hub_status()?;
            o.emit(&status, |s| println!("Hub set: {}.", s.describe.as_deref().unwrap_or_default()));
        }
        HubStoreCmd::Forget => {
            store.set_hub(None)?;
            o.emit(&json!({"configured": false}), |_| println!("Hub forgotten."));
        }
        HubStoreCmd::Status => {
            let s = store.hub_status()?;
            o.emit(&s, |s| {
                if !s.configured {
                    println!("No hub set (schakel hub connect).");
                    return;
                }
                println!("Hub: {}", s.describe.as_deref().unwrap_or_default());
                println!(
                    "Last round: {}; items waiting: {}; cursor {}",
                    when(s.last_sync_at),
                    s.pending,
                    s.cursor
                );
                if let Some(e) = &s.last_error {
                    println!("Last error: {e}");
                }
            });
        }
        HubStoreCmd::Sync { watch } => {
            let cfg = store
                .hub_config()?
                .ok_or_else(|| CliError::Input("no hub set: schakel hub connect".into()))?;
            let mut hub = Some(Hub::connect(&cfg)?);
            loop {
                // With --watch, a passing failure (the hub away, a partner it refuses, the
                // store busy) is reported and the next round tried; once, it ends the command.
                let round = match hub.as_mut() {
                    Some(h) => store.sync_hub(h),
                    None => Hub::connect(&cfg).and_then(|mut h| {
                        let r = store.sync_hub(&mut h);
                        hub = Some(h);
                        r
                    }),
                };
                let s = match round {
                    Ok(s) => s,
                    Err(e) if watch.is_some() && passing(&e) => {
                        eprintln!("{}: {e}", e.kind().as_str());
                        if e.kind() == schakel_core::ErrorKind::HubUnavailable {
                            hub = None;
                        }
                        std::thread::sleep(Duration::from_secs(watch.unwrap_or(60).clamp(1, 300)));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                o.emit(&s, |s| {
                    let posted: u32 = s.posted.iter().map(|(_, n)| n).sum();
                    println!(
                        "Posted {posted} envelope(s); received {} ({} referral(s), {} event(s), {} confirmed); refused {}",
                        s.received,
                        s.referrals,
                        s.events,
                        s.confirmed,
                        s.refused.len()
                    );
                    for r in &s.refused {
                        println!("  refused #{} from {}: {}", r.seq, r.sender, r.message);
                    }
                    if let Some(g) = s.gap_at {
                        println!("  envelope #{g} is missing from the hub");
                    }
                });
                let Some(secs) = watch else { break };
                if let Some(h) = hub.as_mut()
                    && h.wait_for_wakeup(Duration::from_secs(secs.max(1))).is_err()
                {
                    hub = None;
                }
            }
        }
    }
    Ok(())
}

/// A failure the next round may not meet.
fn passing(e: &schakel_core::Error) -> bool {
    use schakel_core::ErrorKind as K;
    matches!(e.kind(), K::HubUnavailable | K::HubRefused | K::StoreLocked)
}

fn when(ms: Option<i64>) -> String {
    match ms.and_then(chrono::DateTime::from_timestamp_millis) {
        Some(t) => {
            let local = t.with_timezone(&chrono::Local);
            format!("{} {}", schakel_core::dates::format_be(local.date_naive()), local.format("%H:%M"))
        }
        None => "never".into(),
    }
}

/// A flag in words, for the text output (`exchange events`, `kpi referrals`).
pub fn flag_words(f: schakel_core::exchange::flags::EventFlag) -> &'static str {
    use schakel_core::exchange::flags::EventFlag;
    match f {
        EventFlag::DatedAfterRecording => "dated after recording",
        EventFlag::ClockAhead => "clock ahead",
        EventFlag::Conflict => "crossing answers: left out of the state",
    }
}
