//! `schakel cases …`

use std::path::Path;

use schakel_core::cases::{CaseFilter, CaseProfile, CaseSort, CaseStatus, Gender, Interpreter, NewCase};
use schakel_core::rights::{NewRightsCheck, RightStep};
use schakel_core::signals::NewSignal;
use serde_json::json;

use crate::args::{CasesCmd, ListArgs, OpenArgs};
use crate::exit::{CliError, CliResult};
use crate::out::{Out, date};

pub fn run(path: &Path, c: CasesCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    let today = store.today();
    match c {
        CasesCmd::List(a) => list(&store, &a, o),
        CasesCmd::Count(a) => {
            let n = store.count_cases(&filter(&store, &a)?)?;
            o.emit(&json!({ "count": n }), |_| println!("{n}"));
            Ok(())
        }
        CasesCmd::Show { code } => {
            let case = store.case_by_code(&code)?;
            let d = store.case_detail(case.summary.id)?;
            o.emit(&d, |d| {
                let s = &d.case.summary;
                println!("Case {}  ({})  {}", s.code, s.status.as_str(), s.partner_name);
                println!("  opened {}  closed {}", date(Some(s.opened_on)), date(s.closed_on));
                println!("  {} · {} · {} · {}", s.entry_route, s.municipality, s.age_band, s.household_type);
                println!("  life domains: {}", s.life_domains.join(", "));
                println!("Referrals: {}", d.referrals.len());
                for r in &d.referrals {
                    let r = &r.referral;
                    println!(
                        "  {}  {} {}  {}  sent {}",
                        r.id,
                        r.mode.as_str(),
                        r.life_domain,
                        r.state.as_str(),
                        date(r.sent_on)
                    );
                }
                println!("Rights checks: {}", d.rights.len());
                for r in &d.rights {
                    println!("  {}  {}  {}", r.right, r.step.as_str(), date(Some(r.step_on)));
                }
                println!("Follow-ups: {}", d.follow_ups.len());
                for f in &d.follow_ups {
                    println!(
                        "  {}  due {}  {}  done {}",
                        f.id,
                        date(Some(f.due_on)),
                        f.purpose,
                        date(f.done_on)
                    );
                }
                println!("Notes: {}", d.notes.len());
                for n in &d.notes {
                    println!("  {}", n.body);
                }
                println!("Timeline:");
                for t in &d.timeline {
                    println!(
                        "  {}  {} {}",
                        date(Some(t.on)),
                        t.kind.as_str(),
                        t.code.as_deref().unwrap_or("")
                    );
                }
            });
            Ok(())
        }
        CasesCmd::Open(a) => {
            let new = new_case(&a, today)?;
            let case = store.write(|w| w.open_case(&new))?;
            o.emit(&json!({"id": case.summary.id, "code": case.summary.code}), |_| {
                println!("Case {} opened.", case.summary.code);
            });
            Ok(())
        }
        CasesCmd::Close { code, on } => {
            let case = store.case_by_code(&code)?;
            let on = super::date_arg("on", on.as_deref(), today)?;
            store.write(|w| w.close_case(case.summary.id, on))?;
            o.emit(&json!({"code": case.summary.code, "closed_on": on}), |_| {
                println!("Case {} closed.", case.summary.code)
            });
            Ok(())
        }
        CasesCmd::Note { code, text, keep_because } => {
            let keep = super::keep_because(keep_because.as_deref())?;
            let case = store.case_by_code(&code)?;
            let id = store.write(|w| {
                w.keep_warned_text(keep);
                w.add_note(case.summary.id, &text, None)
            })?;
            o.emit(&json!({"id": id}), |_| println!("Note added to {}.", case.summary.code));
            Ok(())
        }
        CasesCmd::Right { code, right, step, on } => {
            let case = store.case_by_code(&code)?;
            let step = step.map(|s| RightStep::parse("step", &s)).transpose()?;
            let on = super::date_arg("on", on.as_deref(), today)?;
            let id = store.write(|w| {
                w.add_rights_check(&NewRightsCheck {
                    id: None,
                    case_id: case.summary.id,
                    right: right.clone(),
                    step,
                    on: Some(on),
                })
            })?;
            o.emit(&json!({"id": id}), |_| println!("Rights check {right} added to {}.", case.summary.code));
            Ok(())
        }
        CasesCmd::Signal { code, theme, text, keep_because } => {
            let keep = super::keep_because(keep_because.as_deref())?;
            let case = store.case_by_code(&code)?;
            let id = store.write(|w| {
                w.keep_warned_text(keep);
                w.add_signal(&NewSignal { id: None, case_id: case.summary.id, theme, text })
            })?;
            o.emit(&json!({"id": id}), |_| println!("Signal added to {}.", case.summary.code));
            Ok(())
        }
    }
}

fn new_case(a: &OpenArgs, today: chrono::NaiveDate) -> CliResult<NewCase> {
    Ok(NewCase {
        id: None,
        code: None,
        opened_on: Some(super::date_arg("opened_on", a.opened_on.as_deref(), today)?),
        owner_partner_id: None,
        owner_worker_id: None,
        profile: CaseProfile {
            entry_route: a.entry_route.clone(),
            municipality: a.municipality.clone(),
            age_band: a.age_band.clone(),
            household_type: a.household.clone(),
            gender: a.gender.as_deref().map(|g| Gender::parse("gender", g)).transpose()?,
            contact_language: a.language.clone(),
            interpreter: a
                .interpreter
                .as_deref()
                .map(|i| Interpreter::parse("interpreter", i))
                .transpose()?,
            residence_status: None,
            life_domains: a.domains.clone(),
            project: a.project.clone(),
        },
    })
}

fn filter(store: &schakel_core::Store, a: &ListArgs) -> CliResult<CaseFilter> {
    let status = match a.status.as_deref() {
        None => None,
        Some("open") => Some(CaseStatus::Open),
        Some("closed") => Some(CaseStatus::Closed),
        Some(other) => return Err(CliError::Input(format!("status: '{other}' is not open or closed"))),
    };
    let sort = match a.sort.as_str() {
        "opened-desc" => CaseSort::OpenedDesc,
        "opened-asc" => CaseSort::OpenedAsc,
        "code" => CaseSort::Code,
        "municipality" => CaseSort::Municipality,
        other => {
            return Err(CliError::Input(format!(
                "sort: '{other}' is not opened-desc, opened-asc, code or municipality"
            )));
        }
    };
    let partner_id = match &a.partner {
        None => None,
        Some(p) => Some(store.find_partner(p)?.id),
    };
    Ok(CaseFilter {
        search: a.search.clone(),
        status,
        municipality: a.municipality.clone(),
        life_domain: a.domain.clone(),
        partner_id,
        entry_route: a.entry_route.clone(),
        sort,
        limit: Some(a.limit),
        offset: a.offset,
    })
}

fn list(store: &schakel_core::Store, a: &ListArgs, o: Out) -> CliResult {
    let page = store.list_cases(&filter(store, a)?)?;
    o.emit(&page, |p| {
        println!(
            "{:<10} {:<7} {:<10} {:<10} {:<17} {:<10} PARTNER",
            "CODE", "STATUS", "OPENED", "MUNICIP.", "HOUSEHOLD", "AGE"
        );
        for c in &p.rows {
            println!(
                "{:<10} {:<7} {:<10} {:<10} {:<17} {:<10} {}",
                c.code,
                c.status.as_str(),
                date(Some(c.opened_on)),
                c.municipality,
                c.household_type,
                c.age_band,
                c.partner_name
            );
        }
        println!(
            "{}–{} of {}",
            if p.rows.is_empty() { 0 } else { p.offset + 1 },
            p.offset as usize + p.rows.len(),
            if p.total_capped { format!("{}+", p.total) } else { p.total.to_string() }
        );
    });
    Ok(())
}
