//! `schakel kpi referrals`: referral times for coordinators.

use std::collections::HashMap;
use std::path::Path;

use schakel_core::dates::parse_date;
use schakel_core::kpi::{Figures, KpiFilter, Timing};
use schakel_core::referrals::ReferralMode;
use uuid::Uuid;

use crate::args::KpiCmd;
use crate::exit::CliResult;
use crate::out::{Out, date};

pub fn run(path: &Path, c: KpiCmd, o: Out) -> CliResult {
    let KpiCmd::Referrals(a) = c;
    let store = super::open(path)?;
    let partner = |p: &Option<String>| -> CliResult<Option<Uuid>> {
        Ok(match p {
            Some(p) => Some(store.find_partner(p)?.id),
            None => None,
        })
    };
    let filter = KpiFilter {
        from: parse_date("from", &a.from)?,
        to: parse_date("to", &a.to)?,
        partner_id: partner(&a.partner)?,
        from_partner_id: partner(&a.sender)?,
        to_partner_id: partner(&a.receiver)?,
        life_domain: a.domain,
        mode: a.mode.map(|m| ReferralMode::parse("mode", &m)).transpose()?,
        project: a.project,
        target_working_days: a.target,
        stalled_after_working_days: a.stalled_after,
        closing_days: a.closed.iter().map(|d| parse_date("closed", d)).collect::<Result<_, _>>()?,
    };
    let r = store.referral_kpis(&filter)?;
    o.emit(&r, |r| {
        let names: HashMap<Uuid, &str> = r.partners.iter().map(|p| (p.id, p.name.as_str())).collect();
        let name =
            |id: Option<Uuid>| id.and_then(|i| names.get(&i).copied()).unwrap_or("(outside the network)");
        println!(
            "Referrals sent {} – {} (as of {}; target {} working days)",
            date(Some(r.from)),
            date(Some(r.to)),
            date(Some(r.as_of)),
            r.target_working_days
        );
        print_figures("All", &r.overall);
        println!("\nBy sender → receiver:");
        for p in &r.pairs {
            print_figures(&format!("{} → {}", name(Some(p.from)), name(p.to)), &p.figures);
        }
        println!("\nBy month of sending:");
        for m in &r.monthly {
            println!(
                "  {}  sent {:>5}  accepted {:>5}  median to acceptance {} wd  within target {}",
                m.month,
                m.figures.sent,
                m.figures.outcomes.accepted,
                opt(m.figures.to_acceptance.working_days.median),
                share(&m.figures.to_acceptance)
            );
        }
        let (w, c) = (&r.warm_cold.warm, &r.warm_cold.cold);
        println!(
            "\nWarm: {} sent, median to first contact {} wd ({} within target); cold: {} sent, {} wd ({})",
            w.sent,
            opt(w.to_first_contact.working_days.median),
            share(&w.to_first_contact),
            c.sent,
            opt(c.to_first_contact.working_days.median),
            share(&c.to_first_contact)
        );
        for s in &r.warm_cold.warm_steps {
            println!("  {:<20} {:>5} warm referrals ({})", s.kind.as_str(), s.referrals, pct(s.share));
        }
        println!("\nStalled beyond {} working days: {}", r.stalled_after_working_days, r.stalled_total);
        for s in r.stalled.iter().take(20) {
            println!(
                "  {}  {:<13} {:>3} wd ({:>3} days)  {} → {}  {}",
                s.case_code,
                s.state.as_str(),
                s.waiting_working_days,
                s.waiting_calendar_days,
                name(Some(s.from)),
                name(s.to),
                s.life_domain
            );
        }
        if r.flagged_total > 0 {
            println!("\nDates or clocks that do not add up (counted as recorded): {}", r.flagged_total);
            for f in r.flagged.iter().take(20) {
                let flags: Vec<&str> = f.flags.iter().map(|f| super::exchange::flag_words(*f)).collect();
                println!(
                    "  {}  {:<13} {}  {} → {}  {}",
                    if f.case_code.is_empty() { "(reported)" } else { f.case_code.as_str() },
                    f.state.as_str(),
                    schakel_core::dates::format_be(f.sent_on),
                    name(Some(f.from)),
                    name(f.to),
                    flags.join(", ")
                );
            }
        }
    });
    Ok(())
}

fn opt(v: Option<u32>) -> String {
    v.map_or_else(|| "–".into(), |v| v.to_string())
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{:.0}%", v * 100.0))
}

fn share(t: &Timing) -> String {
    format!("{} of {}", pct(t.share_within_target), t.known)
}

fn print_figures(label: &str, f: &Figures) {
    let o = &f.outcomes;
    println!(
        "  {label}: sent {}, accepted {}, declined {}, no-show {}, withdrawn {}, expired {}, open {}",
        f.sent, o.accepted, o.declined, o.no_show, o.withdrawn, o.expired, o.open
    );
    for (what, t) in [("acceptance", &f.to_acceptance), ("first contact", &f.to_first_contact)] {
        println!(
            "    to {what:<13} median {} / p75 {} / p90 {} working days ({} / {} / {} days), within target {}, still waiting {}",
            opt(t.working_days.median),
            opt(t.working_days.p75),
            opt(t.working_days.p90),
            opt(t.calendar_days.median),
            opt(t.calendar_days.p75),
            opt(t.calendar_days.p90),
            share(t),
            t.waiting
        );
    }
}
