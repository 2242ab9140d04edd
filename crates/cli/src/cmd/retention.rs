//! `schakel retention`: the retention period of closed cases, and the purge past it.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use schakel_core::dates::format_be;
use schakel_core::retention::{PurgeCounts, RetentionPreview};
use schakel_core::settings::RETENTION_MONTHS_RANGE;
use serde_json::json;

use crate::args::RetentionCmd;
use crate::exit::{CliError, CliResult};
use crate::out::Out;

pub fn run(path: &Path, c: RetentionCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    match c {
        RetentionCmd::Show => {
            let months = store.retention_months()?;
            let today = store.today();
            let cut_off = months.map(|m| schakel_core::retention::cut_off(today, m)).transpose()?;
            let range = [RETENTION_MONTHS_RANGE.start(), RETENTION_MONTHS_RANGE.end()];
            o.emit(&json!({"months": months, "cut_off": cut_off, "range": range}), |_| match (months, cut_off) {
                (Some(m), Some(c)) => {
                    println!("Retention period: {m} months after a case was closed.");
                    println!("Today's cut-off: {}; cases closed before it can be purged.", format_be(c));
                }
                _ => println!(
                    "Retention period: off; nothing is purged. Set one with `schakel retention set --months N` ({} to {}).",
                    range[0], range[1]
                ),
            });
        }
        RetentionCmd::Set { months, off } => {
            let months = if off { None } else { months };
            store.write(|w| w.set_retention_months(months))?;
            o.emit(&json!({"months": months}), |_| match months {
                Some(m) => println!("Retention period set: {m} months."),
                None => println!("Retention period off: nothing will be purged."),
            });
        }
        RetentionCmd::Preview => {
            let p = store.retention_preview(store.today())?;
            o.emit(&p, |p| {
                describe(p);
                if !p.cases.is_empty() {
                    println!("Purge them with `schakel retention purge`.");
                }
            });
        }
        RetentionCmd::Purge { yes, token } => {
            let p = store.retention_preview(store.today())?;
            let token = token.unwrap_or_else(|| p.token.clone());
            if token == p.token {
                if p.cases.is_empty() {
                    o.emit(&json!({"counts": PurgeCounts::default(), "cut_off": p.cut_off}), |_| {
                        println!("Nothing to purge: no case was closed before {}.", format_be(p.cut_off))
                    });
                    return Ok(());
                }
                if !yes {
                    describe(&p);
                    confirm(p.cases.len())?;
                }
            }
            let r = store.retention_purge(&token)?;
            o.emit(&r, |r| {
                println!(
                    "Purged {} closed case(s) closed before {}, with {}.",
                    r.counts.cases,
                    format_be(r.cut_off),
                    with(&r.counts)
                );
                println!("One entry in the audit log records it (counts and cut-off only).");
            });
        }
    }
    Ok(())
}

fn with(c: &PurgeCounts) -> String {
    format!(
        "{} note(s), {} signal(s), {} referral(s) ({} event(s); {} to another partner), {} rights check(s) ({} step(s)), {} follow-up(s), {} life-domain row(s), {} change-log row(s)",
        c.notes,
        c.signals,
        c.referrals,
        c.referral_events,
        c.referrals_to_other_partners,
        c.rights_checks,
        c.rights_check_steps,
        c.follow_ups,
        c.life_domains,
        c.change_log
    )
}

fn describe(p: &RetentionPreview) {
    println!(
        "Cut-off {} ({} months before {}): {} closed case(s) would be purged.",
        format_be(p.cut_off),
        p.months,
        format_be(p.as_of),
        p.cases.len()
    );
    for c in &p.cases {
        println!("  {:<12} closed {}  {}", c.code, format_be(c.closed_on), c.owner_partner_name);
    }
    if p.cases.is_empty() {
        return;
    }
    println!("With them: {}.", with(&p.counts));
    if p.counts.follow_ups_unlinked > 0 {
        println!(
            "{} follow-up(s) of kept cases lose their link to a purged referral or rights check.",
            p.counts.follow_ups_unlinked
        );
    }
    if let (Some(from), Some(until)) = (p.statistics_from, p.statistics_until) {
        println!(
            "Statistics and referral figures of {} to {} will count fewer cases afterwards.",
            from.format("%m/%Y"),
            until.format("%m/%Y")
        );
    }
}

fn confirm(n: usize) -> CliResult {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input("not a terminal: add --yes to purge without asking".into()));
    }
    eprint!("Purge these {n} case(s) for good? This cannot be undone. Type 'yes': ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::Input(format!("cannot read the answer: {e}")))?;
    if line.trim() != "yes" {
        return Err(CliError::Input("not purged: the answer was not 'yes'".into()));
    }
    Ok(())
}
