use chrono::NaiveDate;
use uuid::Uuid;

use super::csv::detect_separator;
use super::jsonl::JSONL_TYPES;
use super::*;
use crate::cases::{CaseFilter, Gender, Interpreter};
use crate::referrals::ReferralState;
use crate::rights::RightStep;

fn store(dir: &tempfile::TempDir) -> Store {
    let mut s = crate::test_util::store_at(&dir.path().join("s.db"), "OCMW Test", None);
    s.set_today(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    s
}

fn case_count(s: &Store) -> i64 {
    s.count_cases(&CaseFilter::default()).unwrap()
}

fn no_progress() -> impl FnMut(u64, u64) {
    |_, _| {}
}

fn problems(e: Error) -> Vec<ImportProblem> {
    match e {
        Error::Import(p) => p,
        other => panic!("expected an import error, got {other:?}"),
    }
}

fn lines_of(p: &[ImportProblem]) -> Vec<usize> {
    p.iter().map(|p| p.line).collect()
}

#[test]
fn csv_sheets_import_and_bad_rows_leave_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);

    // Semicolons, a byte order mark, Dutch headers in any case, names instead of
    // codes, Belgian dates, CRLF, a blank line and a trailing empty column.
    let sheet = "\u{feff}Geopend op;Instroom;Gemeente;Leeftijd;Gezinsvorm;Levensdomeinen;Geslacht;Contacttaal;Tolk;Status;Afgesloten_op;Notitie;\r\n\
        09/03/2026;Eigen initiatief;Jette;25–34 jaar;Eenoudergezin;Wonen|Schulden;v;Frans;nodig;;;Vraag rond huur;\r\n\
        \r\n\
        10/03/2026;proactive;Koekelberg;18-24 jaar;Alleenstaande;Inkomen + Gezondheid;;Arabisch;gebruikt;afgesloten;20/03/2026;;\r\n\
        2026-03-11;Outreach;Anderlecht;Unknown;single;;;;;;;;\r\n";
    let mut calls = Vec::new();
    let sum = import_csv(&mut s, sheet.as_bytes(), &mut |d, t| calls.push((d, t))).unwrap();
    assert_eq!(sum.format, "csv");
    assert_eq!(sum.rows, 3);
    assert_eq!(sum.created.get("case"), Some(&3));
    assert_eq!(sum.created.get("note"), Some(&1));
    assert_eq!(case_count(&s), 3);
    let total = sheet.len() as u64;
    assert_eq!(calls.last(), Some(&(total, total)));
    let page = s.list_cases(&CaseFilter::default()).unwrap();
    let jette = page.rows.iter().find(|c| c.municipality == "21010").unwrap();
    assert_eq!(jette.entry_route, "own_initiative");
    assert_eq!(jette.age_band, "25_34");
    assert_eq!(jette.household_type, "single_parent");
    assert_eq!(jette.life_domains, vec!["debts", "housing"]);
    assert_eq!(jette.opened_on, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
    let full = s.case(jette.id).unwrap();
    assert_eq!(full.profile.gender, Some(Gender::F));
    assert_eq!(full.profile.contact_language.as_deref(), Some("fr"));
    assert_eq!(full.profile.interpreter, Some(Interpreter::Needed));
    assert_eq!(s.notes(jette.id).unwrap().len(), 1);
    let koek = page.rows.iter().find(|c| c.municipality == "21011").unwrap();
    assert_eq!(koek.age_band, "18_24");
    assert_eq!(koek.closed_on, NaiveDate::from_ymd_opt(2026, 3, 20));
    assert_eq!(koek.life_domains, vec!["health", "income"]);

    // Commas, English headers, codes, a quoted cell with commas inside, a given code.
    let code = {
        let mut rng = rand::rng();
        crate::ids::new_case_code(&mut rng)
    };
    let sheet = format!(
        "opened_on,entry_route,municipality,age_band,household_type,life_domains,code\n\
         01/04/2026,own_initiative,21015,35_44,couple_children,\"income,work\",{code}\n\
         02/04/2026,vindplaats,Schaerbeek,45_54,Couple without children,Mental health,\n"
    );
    let sum = import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(sum.created.get("case"), Some(&2));
    assert_eq!(case_count(&s), 5);
    let c = s.case_by_code(&code).unwrap();
    assert_eq!(c.summary.life_domains, vec!["income", "work"]);

    // Three bad rows among good ones: nothing is written, exactly those lines named.
    let before = case_count(&s);
    let sheet = "geopend_op;instroom;gemeente;leeftijd;gezinsvorm;notitie\n\
        01/05/2026;own_initiative;Jette;25_34;single;\n\
        31/02/2026;own_initiative;Jette;25_34;single;\n\
        02/05/2026;own_initiative;Jette;25_34;single;ok\n\
        03/05/2026;own_initiative;Atlantis;25_34;single;\n\
        04/05/2026;own_initiative;Jette;25_34;single;mail jan.peeters@example.com terug\n\
        05/05/2026;own_initiative;Evere;55_64;couple;\n";
    let p = problems(import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap_err());
    assert_eq!(lines_of(&p), vec![3, 5, 6], "{p:?}");
    assert!(p[0].reason.contains("geopend_op") && p[0].reason.contains("31/02/2026"), "{p:?}");
    assert!(p[1].reason.contains("gemeente") && p[1].reason.contains("Atlantis"), "{p:?}");
    assert!(p[2].reason.starts_with("notitie:") && p[2].reason.contains("identifier"), "{p:?}");
    assert!(!p[2].reason.contains("jan.peeters"), "the reason must not echo the identifier");
    assert_eq!(case_count(&s), before);

    // Header problems are reported on line 1; row-level rules too.
    let p = problems(
        import_csv(
            &mut s,
            b"geopend_op;instroom;gemeente;leeftijd;gezinsvorm;shoe_size\n01/05/2026;x;y;z;w;42\n",
            &mut no_progress(),
        )
        .unwrap_err(),
    );
    assert_eq!(lines_of(&p), vec![1]);
    assert!(p[0].reason.contains("shoe_size"), "{p:?}");
    let p = problems(
        import_csv(&mut s, b"opened_on;municipality\n01/05/2026;Jette\n", &mut no_progress()).unwrap_err(),
    );
    assert_eq!(lines_of(&p), vec![1]);
    assert!(p[0].reason.contains("instroom (entry_route)"), "{p:?}");
    let sheet = "opened_on;entry_route;municipality;age_band;household_type;status;closed_on;project\n\
        01/05/2026;own_initiative;Jette;25_34;single;closed;;\n\
        01/05/2026;own_initiative;Jette;25_34;single;;;NOPE\n\
        01/07/2026;own_initiative;Jette;25_34;single;;;\n";
    let p = problems(import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap_err());
    assert_eq!(lines_of(&p), vec![2, 3, 4], "{p:?}");
    assert!(p[0].reason.contains("closed_on"), "{p:?}");
    assert!(p[1].reason.contains("NOPE"), "{p:?}");
    assert!(p[2].reason.contains("future"), "{p:?}");
    assert_eq!(case_count(&s), before);

    // File-level errors are validation errors on "file", never panics.
    let file_err = |r: Result<ImportSummary>| match r {
        Err(Error::Validation { field, .. }) => assert_eq!(field, "file"),
        other => panic!("{other:?}"),
    };
    file_err(import_csv(&mut s, b"", &mut no_progress()));
    file_err(import_csv(&mut s, b"\xEF\xBB\xBF \n\n", &mut no_progress()));
    file_err(import_csv(&mut s, b"gemeente\n\xff\xfe\n", &mut no_progress()));
    file_err(import_csv(&mut s, b"geopend_op;instroom;gemeente;leeftijd;gezinsvorm\n", &mut no_progress()));
    let xlsx = dir.path().join("sheet.xlsx");
    std::fs::write(&xlsx, b"PK").unwrap();
    file_err(import_file(&mut s, &xlsx, &mut no_progress()));
    file_err(import_file(&mut s, &dir.path().join("missing.csv"), &mut no_progress()));
    let path = dir.path().join("sheet.CSV");
    std::fs::write(&path, "sep=,\ngeopend_op,instroom,gemeente,leeftijd,gezinsvorm\n01/05/2026,own_initiative,Jette,25_34,single\n").unwrap();
    assert_eq!(import_file(&mut s, &path, &mut no_progress()).unwrap().rows, 1);
    assert_eq!(case_count(&s), before + 1);
}

#[test]
fn jsonl_with_every_type_imports_and_events_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let id = crate::ids::new_id;
    let (caw, project, case, referral, rc, fu) = (id(), id(), id(), id(), id(), id());
    let events: Vec<String> = [
        ("consent", "2026-03-02", None),
        ("receiver_contacted", "2026-03-02", None),
        ("sent", "2026-03-03", None),
        ("accepted", "2026-03-05", Some(caw)),
        ("first_contact", "2026-03-10", Some(caw)),
    ]
    .iter()
    .map(|(kind, on, partner)| {
        let partner = partner.map_or(String::new(), |p| format!(r#","partner_id":"{p}""#));
        format!(
            r#"{{"type":"referral_event","id":"{}","referral_id":"{referral}","kind":"{kind}","occurred_on":"{on}"{partner}}}"#,
            id()
        )
    })
    .collect();
    let header = r#"{"schakel":"records","version":1}"#;
    let file = format!(
        "{header}\n\
         {{\"type\":\"partner\",\"id\":\"{caw}\",\"kind\":\"caw\",\"name\":\"CAW Brussel\",\"municipality\":\"21004\"}}\n\
         {{\"type\":\"project\",\"id\":\"{project}\",\"code\":\"SCHOOL\",\"name\":\"Welzijnsvragen op School\",\"starts_on\":\"2026-01-01\",\"ends_on\":null}}\n\
         {{\"type\":\"case\",\"id\":\"{case}\",\"code\":null,\"opened_on\":\"2026-03-01\",\"entry_route\":\"vindplaats\",\"municipality\":\"21010\",\"age_band\":\"35_44\",\"household_type\":\"single_parent\",\"gender\":\"f\",\"contact_language\":\"fr\",\"interpreter\":\"not_needed\",\"residence_status\":\"belgian_eu\",\"life_domains\":[\"housing\",\"income\"],\"project\":\"SCHOOL\"}}\n\
         {{\"type\":\"case\",\"opened_on\":\"2026-02-01\",\"entry_route\":\"own_initiative\",\"municipality\":\"21001\",\"age_band\":\"65_74\",\"household_type\":\"single\",\"closed_on\":\"2026-02-20\"}}\n\
         {{\"type\":\"note\",\"case_id\":\"{case}\",\"body\":\"Huurachterstal, wil hulp bij premie.\"}}\n\
         \n\
         {{\"type\":\"referral\",\"id\":\"{referral}\",\"case_id\":\"{case}\",\"to_partner_id\":\"{caw}\",\"life_domain\":\"housing\",\"mode\":\"warm\",\"project\":\"SCHOOL\"}}\n\
         {}\n\
         {{\"type\":\"rights_check\",\"id\":\"{rc}\",\"case_id\":\"{case}\",\"right\":\"rent_allowance_brussels\",\"step\":\"possibly_entitled\",\"on\":\"2026-03-02\",\"non_take_up_reason\":\"unknown_to_person\",\"barrier_type\":\"knowledge\"}}\n\
         {{\"type\":\"rights_step\",\"rights_check_id\":\"{rc}\",\"step\":\"applied\",\"on\":\"2026-03-12\"}}\n\
         {{\"type\":\"follow_up\",\"id\":\"{fu}\",\"case_id\":\"{case}\",\"referral_id\":\"{referral}\",\"due_on\":\"2026-03-09\",\"purpose\":\"check_referral\",\"purpose_text\":\"even nabellen\"}}\n\
         {{\"type\":\"follow_up_done\",\"follow_up_id\":\"{fu}\",\"on\":\"2026-03-10\"}}\n\
         {{\"type\":\"signal\",\"case_id\":\"{case}\",\"theme\":\"waiting_lists\",\"text\":\"Wachtlijst sociale woning meer dan tien jaar\"}}\n",
        events.join("\n")
    );
    let sum = import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(sum.format, "jsonl");
    assert_eq!(sum.rows, 16);
    assert_eq!(sum.already_present, 0);
    let created: Vec<(&str, usize)> = sum.created.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        created,
        vec![
            ("case", 2),
            ("follow_up", 1),
            ("follow_up_done", 1),
            ("note", 1),
            ("partner", 1),
            ("project", 1),
            ("referral", 1),
            ("referral_event", 5),
            ("rights_check", 1),
            ("rights_step", 1),
            ("signal", 1),
        ]
    );
    let r = s.referral(referral).unwrap();
    assert_eq!(r.state, ReferralState::FirstContact);
    assert_eq!(r.sent_on, NaiveDate::from_ymd_opt(2026, 3, 3));
    assert_eq!(r.accepted_on, NaiveDate::from_ymd_opt(2026, 3, 5));
    assert_eq!(r.first_contact_on, NaiveDate::from_ymd_opt(2026, 3, 10));
    let checks = s.rights_checks(case).unwrap();
    assert_eq!(checks[0].step, RightStep::Applied);
    assert_eq!(checks[0].history.len(), 2);
    assert_eq!(checks[0].barrier_type.as_deref(), Some("knowledge"));
    assert_eq!(s.follow_ups_of_case(case).unwrap()[0].done_on, NaiveDate::from_ymd_opt(2026, 3, 10));
    assert_eq!(s.signals_of_case(case).unwrap().len(), 1);
    assert_eq!(s.notes(case).unwrap().len(), 1);
    assert_eq!(case_count(&s), 2);
    let code = s.case(case).unwrap().summary.code;

    // The same events again: already present, nothing duplicated.
    let again = format!("{header}\n{}\n", events.join("\n"));
    let sum = import_jsonl(&mut s, again.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(sum.already_present, 5);
    assert!(sum.created.is_empty(), "{:?}", sum.created);
    assert_eq!(s.referral_events(referral).unwrap().len(), 5);

    // Re-importing a case is a conflict; a case can be referred to by its code.
    let file = format!(
        "{header}\n\
         {{\"type\":\"note\",\"case_code\":\"{}\",\"body\":\"Tweede gesprek gepland.\"}}\n\
         {{\"type\":\"case\",\"id\":\"{case}\",\"opened_on\":\"2026-03-01\",\"entry_route\":\"vindplaats\",\"municipality\":\"21010\",\"age_band\":\"35_44\",\"household_type\":\"single_parent\"}}\n",
        code.to_lowercase().replace('-', "")
    );
    let p = problems(import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap_err());
    assert_eq!(lines_of(&p), vec![3]);
    assert!(p[0].reason.contains("conflict"), "{p:?}");
    assert_eq!(s.notes(case).unwrap().len(), 1);
    let file = format!(
        "{header}\n{{\"type\":\"note\",\"case_code\":\"{code}\",\"body\":\"Tweede gesprek gepland.\"}}\n"
    );
    let sum = import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(sum.created.get("note"), Some(&1));
    assert_eq!(s.notes(case).unwrap().len(), 2);

    // Bad lines: JSON, type, fields, ids, references, domain rules; nothing written.
    let partners = s.partners().unwrap().len();
    let file = format!(
        "{header}\n\
         {{\"type\":\"partner\",\"kind\":\"dmw\",\"name\":\"DMW Test\"}}\n\
         {{\"type\":\"partner\",\"kind\":\"dmw\",\n\
         {{\"type\":\"dossier\",\"name\":\"x\"}}\n\
         \n\
         {{\"type\":\"partner\",\"kind\":\"dmw\",\"name\":\"DMW Twee\",\"phone\":\"x\"}}\n\
         {{\"type\":\"note\",\"case_id\":\"67e55044-10b1-426f-9247-bb680e5fe0c8\",\"body\":\"x\"}}\n\
         {{\"type\":\"note\",\"case_id\":\"{}\",\"body\":\"x\"}}\n\
         {{\"type\":\"referral_event\",\"referral_id\":\"{referral}\",\"kind\":\"completed\",\"occurred_on\":\"2026-03-01\",\"partner_id\":\"{caw}\"}}\n\
         [1,2]\n\
         {{\"type\":\"follow_up\",\"case_id\":\"{case}\",\"due_on\":\"2026-07-01\",\"purpose\":\"call_back\",\"assignee_id\":\"{}\"}}\n",
        id(),
        id()
    );
    let p = problems(import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap_err());
    assert_eq!(lines_of(&p), vec![3, 4, 6, 7, 8, 9, 10, 11], "{p:?}");
    assert!(p[0].reason.starts_with("not valid JSON"), "{p:?}");
    assert!(p[1].reason.contains("unknown type 'dossier'"), "{p:?}");
    assert!(p[2].reason.contains("unknown field(s) phone"), "{p:?}");
    assert!(p[3].reason.contains("version 7"), "{p:?}");
    assert!(p[4].reason.contains("not found"), "{p:?}");
    assert!(p[5].reason.contains("before the referral was sent"), "{p:?}");
    assert!(p[6].reason.contains("JSON object"), "{p:?}");
    assert!(p[7].reason.contains("not in the store"), "{p:?}");
    assert_eq!(s.partners().unwrap().len(), partners);

    // Header: missing, newer version.
    let p = problems(
        import_jsonl(
            &mut s,
            b"{\"type\":\"partner\",\"kind\":\"dmw\",\"name\":\"DMW\"}\n",
            &mut no_progress(),
        )
        .unwrap_err(),
    );
    assert_eq!(lines_of(&p), vec![1]);
    assert!(p[0].reason.contains("no header"), "{p:?}");
    let p = problems(
        import_jsonl(
            &mut s,
            b"{\"schakel\":\"records\",\"version\":2}\n{\"type\":\"future\"}\n",
            &mut no_progress(),
        )
        .unwrap_err(),
    );
    assert_eq!(lines_of(&p), vec![1]);
    assert!(p[0].reason.contains("version 2") && p[0].reason.contains("update Schakel"), "{p:?}");
    assert_eq!(s.partners().unwrap().len(), partners);
}

/// The fenced block after "```{tag}" in docs/import.md.
fn doc_block(tag: &str) -> String {
    let doc = include_str!("../../../../docs/import.md");
    let start = doc.find(&format!("```{tag}\n")).unwrap() + tag.len() + 4;
    let len = doc[start..].find("```").unwrap();
    doc[start..start + len].to_owned()
}

#[test]
fn the_examples_in_the_documentation_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let sum = import_csv(&mut s, doc_block("csv").as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(sum.created.get("case"), Some(&3));
    let sum = import_jsonl(&mut s, doc_block("jsonl").as_bytes(), &mut no_progress()).unwrap();
    assert_eq!(sum.rows, 14);
    let mut types: Vec<&str> = sum.created.keys().map(String::as_str).collect();
    let mut all: Vec<&str> = JSONL_TYPES.iter().map(|t| t.0).collect();
    types.sort_unstable();
    all.sort_unstable();
    assert_eq!(types, all, "the example has one record of every type");
    let referral = Uuid::parse_str("01960000-0000-7000-8000-000000000004").unwrap();
    assert_eq!(s.referral(referral).unwrap().state, ReferralState::Accepted);
    // The error sample in the documentation is what Schakel says.
    let doc = include_str!("../../../../docs/import.md");
    let sheet = "geopend_op;instroom;gemeente;leeftijd;gezinsvorm;notitie\n\
        01/05/2026;own_initiative;Jette;25_34;single;\n\
        31/02/2026;own_initiative;Jette;25_34;single;\n\
        02/05/2026;own_initiative;Jette;25_34;single;\n\
        03/05/2026;own_initiative;Atlantis;25_34;single;\n\
        04/05/2026;own_initiative;Jette;25_34;single;mail jan.peeters@example.com terug\n";
    let e = import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap_err();
    assert!(doc.contains(&e.to_string()), "{e}");
    for p in problems(e) {
        let shown = format!("line {}: {}", p.line, p.reason);
        assert!(doc.contains(&shown), "{shown}");
    }
}

#[test]
fn problem_list_is_capped() {
    let mut p = Problems::default();
    for line in 2..(MAX_PROBLEMS + 52) {
        p.push(line, "bad".into());
    }
    let list = p.finish();
    assert_eq!(list.len(), MAX_PROBLEMS + 1);
    let last = &list[MAX_PROBLEMS];
    assert_eq!(last.line, MAX_PROBLEMS + 2);
    assert!(last.reason.contains("50 more"), "{last:?}");
}

#[test]
fn separator_detection() {
    assert_eq!(detect_separator("a;b;c\n1,2;3").0, b';');
    assert_eq!(detect_separator("a,b,c\n").0, b',');
    assert_eq!(detect_separator("\"a;x\",b,c\n").0, b',');
    assert_eq!(detect_separator("a\tb\tc\n").0, b'\t');
    let (sep, text) = detect_separator("sep=;\r\na;b\n");
    assert_eq!(sep, b';');
    assert_eq!(text, "\r\na;b\n");
}

/// Run with `cargo test -p schakel-core import::tests::speed -- --nocapture`.
#[test]
fn speed_of_a_20000_row_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let munis = ["Jette", "Koekelberg", "Anderlecht", "Schaarbeek", "21013", "Elders"];
    let domains = ["Wonen|Schulden", "Inkomen", "", "Gezondheid+Werk", "digital"];
    let mut sheet = String::from(
        "geopend_op;instroom;gemeente;leeftijd;gezinsvorm;levensdomeinen;geslacht;contacttaal\n",
    );
    const N: usize = 20_000;
    for i in 0..N {
        sheet.push_str(&format!(
            "{:02}/{:02}/2026;Eigen initiatief;{};25_34;Alleenstaande;{};{};nl\n",
            i % 28 + 1,
            i % 6 + 1,
            munis[i % munis.len()],
            domains[i % domains.len()],
            ["v", "m", ""][i % 3],
        ));
    }
    let mut calls = 0;
    let start = std::time::Instant::now();
    let sum = import_csv(&mut s, sheet.as_bytes(), &mut |_, _| calls += 1).unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(sum.created.get("case"), Some(&N));
    assert_eq!(case_count(&s), i64::try_from(N).unwrap());
    assert!(calls >= N / PROGRESS_EVERY, "{calls}");
    println!("CSV import: {N} rows in {secs:.2} s = {:.0} rows/s", N as f64 / secs);
}
