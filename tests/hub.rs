//! The hub transport against a real PostgreSQL server on loopback (support/pg.rs): the
//! schema, row-level security, gap-free sequences under concurrent posters, the empty
//! wake-up, receipts, TLS, the errors, and the CLI's `hub init` and `hub add-partner`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use schakel_core::ErrorKind;
use schakel_core::exchange::hub::{Hub, PartnerAdded, add_partner, first_gap, init_hub};
use schakel_tests::pg::{ADMIN_PASSWORD, ADMIN_USER, PgServer};
use schakel_tests::{assert_exit, bin};
use uuid::Uuid;

/// A partner of the test hub.
#[derive(Clone)]
struct Partner {
    id: Uuid,
    role: String,
    password: String,
}

impl Partner {
    fn connect(&self, pg: &PgServer) -> Hub {
        Hub::connect(&pg.config(&self.role, &self.password)).unwrap_or_else(|e| panic!("{e}\n{}", pg.log()))
    }
    fn raw(&self, pg: &PgServer) -> postgres::Client {
        pg.raw(&self.role, &self.password)
    }
}

/// A started hub with its schema and the partners named.
fn hub_with(roles: &[&str]) -> (PgServer, Vec<Partner>) {
    let pg = PgServer::start();
    init_hub(&pg.admin()).unwrap_or_else(|e| panic!("{e}\n{}", pg.log()));
    let partners = roles
        .iter()
        .map(|role| {
            let p = Partner {
                id: Uuid::now_v7(),
                role: (*role).to_owned(),
                password: format!("{role} password for the test hub"),
            };
            assert_eq!(add_partner(&pg.admin(), p.id, &p.role, &p.password).unwrap(), PartnerAdded::Created);
            p
        })
        .collect();
    (pg, partners)
}

fn sql_state(e: &postgres::Error) -> String {
    e.code().map(|c| c.code().to_owned()).unwrap_or_else(|| format!("no code: {e}"))
}

#[test]
fn post_fetch_ack_and_idempotent_repost() {
    let (pg, p) = hub_with(&["ocmw", "caw"]);
    let (ocmw, caw) = (&p[0], &p[1]);
    let mut a = ocmw.connect(&pg);
    let mut b = caw.connect(&pg);
    assert_eq!(a.partner_id(), ocmw.id);
    assert_eq!(b.partner_id(), caw.id);

    let before = chrono::Utc::now().timestamp_millis();
    let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    let bodies: Vec<Vec<u8>> = (0..3u8).map(|i| vec![i; 100 + usize::from(i)]).collect();
    for (i, (id, body)) in ids.iter().zip(&bodies).enumerate() {
        assert_eq!(a.post(caw.id, *id, body).unwrap(), i as i64 + 1);
    }
    assert_eq!(b.pending().unwrap(), 3);
    assert_eq!(a.pending().unwrap(), 0);

    let items = b.fetch(0, 100).unwrap();
    assert_eq!(items.iter().map(|i| i.seq).collect::<Vec<_>>(), vec![1, 2, 3]);
    for (item, (id, body)) in items.iter().zip(ids.iter().zip(&bodies)) {
        assert_eq!(item.sender, ocmw.id);
        assert_eq!(item.envelope_id, *id);
        assert_eq!(item.size as usize, body.len());
        assert_eq!(&item.body, body);
        assert!(
            (before - 5_000..=chrono::Utc::now().timestamp_millis() + 5_000).contains(&item.posted_at_ms)
        );
    }
    assert_eq!(b.fetch(1, 1).unwrap().iter().map(|i| i.seq).collect::<Vec<_>>(), vec![2]);
    assert!(a.fetch(0, 100).unwrap().is_empty(), "the sender does not see what it sent");

    // The same envelope again: the same number, nothing added.
    assert_eq!(a.post(caw.id, ids[2], &bodies[2]).unwrap(), 3);
    assert_eq!(b.pending().unwrap(), 3);
    // Other bytes under the same id are refused.
    let e = a.post(caw.id, ids[2], b"other bytes").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    assert_eq!(b.pending().unwrap(), 3);

    // The receipt deletes exactly the acknowledged envelopes.
    assert_eq!(b.ack(2).unwrap(), 2);
    assert_eq!(b.pending().unwrap(), 1);
    assert_eq!(b.fetch(0, 100).unwrap().iter().map(|i| i.seq).collect::<Vec<_>>(), vec![3]);
    assert_eq!(b.ack(2).unwrap(), 0, "nothing left to acknowledge up to 2");
    let mut su = pg.superuser();
    let left: Vec<i64> = su
        .query("SELECT seq FROM schakel_hub.envelope WHERE recipient = $1 ORDER BY seq", &[&caw.id])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(left, vec![3]);

    // Numbers go on after a receipt, never reused; a posting of an acknowledged envelope
    // is a new delivery (the recipient's inbox knows it already).
    assert_eq!(a.post(caw.id, Uuid::now_v7(), b"four").unwrap(), 4);
    assert_eq!(a.post(caw.id, ids[0], &bodies[0]).unwrap(), 5);
    assert_eq!(b.ack(i64::MAX).unwrap(), 3);
    assert_eq!(b.pending().unwrap(), 0);

    // Each recipient counts from 1; unknown recipients and bad bodies are refused.
    assert_eq!(b.post(ocmw.id, Uuid::now_v7(), b"answer").unwrap(), 1);
    let e = a.post(Uuid::now_v7(), Uuid::now_v7(), b"x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    assert!(e.to_string().contains("not a partner"), "{e}");
    assert_eq!(a.post(caw.id, Uuid::now_v7(), b"").unwrap_err().kind(), ErrorKind::Validation);
    // A refused post used no number.
    assert_eq!(a.post(caw.id, Uuid::now_v7(), b"six").unwrap(), 6);

    // An envelope removed behind the recipient's back (by the hub's operator) shows as a gap
    // after the recipient's cursor.
    assert_eq!(a.post(caw.id, Uuid::now_v7(), b"seven").unwrap(), 7);
    su.execute("DELETE FROM schakel_hub.envelope WHERE recipient = $1 AND seq = 6", &[&caw.id]).unwrap();
    let items = b.fetch(5, 10).unwrap();
    assert_eq!(first_gap(5, &items), Some(6));
    assert_eq!(first_gap(6, &items), None);
}

#[test]
fn sequences_are_gap_free_in_commit_order_with_concurrent_posters() {
    let (pg, p) = hub_with(&["ocmw", "caw", "dmw"]);
    let recipient = p[1].clone();
    const POSTERS: usize = 4;
    const EACH: usize = 25;
    let total = (POSTERS * EACH) as i64;
    let start = Arc::new(Barrier::new(POSTERS + 1));

    let posters: Vec<_> = (0..POSTERS)
        .map(|i| {
            let sender = if i % 2 == 0 { p[0].clone() } else { p[2].clone() };
            let mut hub = sender.connect(&pg);
            let start = Arc::clone(&start);
            let to = recipient.id;
            thread::spawn(move || {
                start.wait();
                let mut mine = Vec::new();
                for n in 0..EACH {
                    let id = Uuid::now_v7();
                    let seq = hub.post(to, id, format!("poster {i} envelope {n}").as_bytes()).unwrap();
                    mine.push((seq, id));
                }
                (sender.id, mine)
            })
        })
        .collect();

    // The recipient reads while they post: whatever it sees is always 1..=k, no gap.
    let mut reader = recipient.connect(&pg);
    start.wait();
    let mut seen: Vec<i64> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while (seen.len() as i64) < total {
        assert!(Instant::now() < deadline, "only {} of {total} arrived", seen.len());
        let last = seen.last().copied().unwrap_or(0);
        for item in reader.fetch(last, 7).unwrap() {
            let expected = seen.last().copied().unwrap_or(0) + 1;
            assert_eq!(item.seq, expected, "a gap or a number out of order after {seen:?}");
            seen.push(item.seq);
        }
    }
    assert_eq!(seen, (1..=total).collect::<Vec<_>>());

    let mut numbers = BTreeSet::new();
    for h in posters {
        let (sender, mine) = h.join().unwrap();
        // Each poster's envelopes got increasing numbers, in the order it posted them.
        assert!(mine.windows(2).all(|w| w[0].0 < w[1].0), "{mine:?}");
        let items = reader.fetch(0, 1000).unwrap();
        for (seq, id) in &mine {
            assert!(numbers.insert(*seq), "number {seq} handed out twice");
            let item = items.iter().find(|i| i.seq == *seq).unwrap();
            assert_eq!((item.envelope_id, item.sender), (*id, sender));
        }
    }
    assert_eq!(numbers.into_iter().collect::<Vec<_>>(), (1..=total).collect::<Vec<_>>());
    // No SEQUENCE object (they leave gaps): the counter row is the only source.
    let mut su = pg.superuser();
    let sequences: i64 = su
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'schakel_hub' AND c.relkind = 'S'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(sequences, 0);
}

#[test]
fn a_partner_reads_and_deletes_only_its_own_mailbox() {
    let (pg, p) = hub_with(&["ocmw", "caw", "dmw"]);
    let (ocmw, caw, dmw) = (&p[0], &p[1], &p[2]);
    let mut a = ocmw.connect(&pg);
    for _ in 0..3 {
        a.post(caw.id, Uuid::now_v7(), b"for the CAW").unwrap();
    }
    a.post(dmw.id, Uuid::now_v7(), b"for the DMW").unwrap();

    // The DMW (through the client and in raw SQL) sees only its own envelope.
    let mut d = dmw.connect(&pg);
    let items = d.fetch(0, 100).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].body, b"for the DMW");
    let mut raw = dmw.raw(&pg);
    let all: Vec<Uuid> = raw
        .query("SELECT recipient FROM schakel_hub.envelope", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(all, vec![dmw.id]);
    let theirs: i64 = raw
        .query_one("SELECT count(*) FROM schakel_hub.envelope WHERE recipient = $1", &[&caw.id])
        .unwrap()
        .get(0);
    assert_eq!(theirs, 0);

    // Deleting another's envelopes deletes nothing; acknowledging does not reach them either.
    let n = raw.execute("DELETE FROM schakel_hub.envelope WHERE recipient = $1", &[&caw.id]).unwrap();
    assert_eq!(n, 0);
    let n = raw.execute("DELETE FROM schakel_hub.envelope", &[]).unwrap();
    assert_eq!(n, 1, "only its own");
    assert_eq!(d.ack(i64::MAX).unwrap(), 0);
    let mut c = caw.connect(&pg);
    assert_eq!(c.pending().unwrap(), 3);

    // No direct writes, no other table, no admin function, and SET ROLE changes nothing.
    let forged = Uuid::now_v7();
    for stmt in [
        format!(
            "INSERT INTO schakel_hub.envelope VALUES ('{}', 99, '{}', '{forged}', 1, now(), '\\x01')",
            caw.id, ocmw.id
        ),
        "UPDATE schakel_hub.envelope SET body = '\\x00'".to_owned(),
        "TRUNCATE schakel_hub.envelope".to_owned(),
        "SELECT * FROM schakel_hub.partner".to_owned(),
        "SELECT * FROM schakel_hub.mailbox".to_owned(),
        "SELECT * FROM schakel_hub.meta".to_owned(),
        "UPDATE schakel_hub.mailbox SET last_seq = 0".to_owned(),
        format!("SELECT schakel_hub.add_partner('{forged}', 'intruder', 'x')"),
        "CREATE TABLE schakel_hub.mine (x int)".to_owned(),
        "CREATE TABLE public.mine (x int)".to_owned(),
        "ALTER TABLE schakel_hub.envelope NO FORCE ROW LEVEL SECURITY".to_owned(),
    ] {
        let e = raw.batch_execute(&stmt).unwrap_err();
        assert_eq!(sql_state(&e), "42501", "{stmt}: {e}");
    }
    // The sender is the session's login role, whatever role the session sets.
    raw.batch_execute("SET ROLE schakel_hub_partner").unwrap();
    let seq: i64 = raw
        .query_one(
            "SELECT schakel_hub.post_envelope($1, $2, $3)",
            &[&caw.id, &forged, &b"from the DMW".to_vec()],
        )
        .unwrap()
        .get(0);
    assert_eq!(seq, 4);
    let items = c.fetch(3, 10).unwrap();
    assert_eq!((items[0].sender, items[0].envelope_id), (dmw.id, forged));
    // Nor can a partner learn another's wake-up channel.
    let own: String = raw.query_one("SELECT schakel_hub.my_channel()", &[]).unwrap().get(0);
    let mut su = pg.superuser();
    let caws: String = su
        .query_one("SELECT channel FROM schakel_hub.mailbox WHERE recipient = $1", &[&caw.id])
        .unwrap()
        .get(0);
    assert_ne!(own, caws);

    // A role that is not a partner can do nothing, even with CONNECT.
    su.batch_execute("CREATE ROLE stranger LOGIN PASSWORD 'stranger password 123'; GRANT CONNECT ON DATABASE hub TO stranger")
        .unwrap();
    let mut stranger = pg.raw("stranger", "stranger password 123");
    for stmt in ["SELECT count(*) FROM schakel_hub.envelope", "SELECT schakel_hub.pending()"] {
        let e = stranger.batch_execute(stmt).unwrap_err();
        assert_eq!(sql_state(&e), "42501", "{stmt}: {e}");
    }
    let e = Hub::connect(&pg.config("stranger", "stranger password 123")).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    let e = Hub::connect(&pg.admin()).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    assert!(e.to_string().contains("not a partner"), "{e}");

    // Row-level security is enabled and forced: even the tables' owner (which the posting
    // function runs as) cannot change or delete an envelope.
    let (rls, forced): (bool, bool) = {
        let r = su
            .query_one(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'schakel_hub.envelope'::regclass",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert!(rls && forced);
    su.batch_execute("SET ROLE schakel_hub_owner").unwrap();
    assert_eq!(su.execute("UPDATE schakel_hub.envelope SET body = '\\x00'", &[]).unwrap(), 0);
    assert_eq!(su.execute("DELETE FROM schakel_hub.envelope", &[]).unwrap(), 0);
    su.batch_execute("RESET ROLE").unwrap();
    assert_eq!(c.pending().unwrap(), 4);
}

#[test]
fn a_post_wakes_the_recipient_with_an_empty_notification() {
    let (pg, p) = hub_with(&["ocmw", "caw"]);
    let (ocmw, caw) = (p[0].clone(), p[1].clone());
    let mut b = caw.connect(&pg);
    assert!(!b.wait_for_wakeup(Duration::from_millis(200)).unwrap(), "nothing posted yet");

    // Raw listener on the CAW's own channel, to see the notification itself.
    let mut raw = caw.raw(&pg);
    let channel: String = raw.query_one("SELECT schakel_hub.my_channel()", &[]).unwrap().get(0);
    raw.batch_execute(&format!("LISTEN \"{channel}\"")).unwrap();

    let poster = {
        let pg_port = pg.port;
        let mut a = ocmw.connect(&pg);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(300));
            let _ = pg_port;
            a.post(caw.id, Uuid::now_v7(), b"sealed").unwrap()
        })
    };
    let t = Instant::now();
    assert!(b.wait_for_wakeup(Duration::from_secs(20)).unwrap(), "no wake-up");
    assert!(t.elapsed() < Duration::from_secs(20));
    assert_eq!(poster.join().unwrap(), 1);
    assert_eq!(b.fetch(0, 10).unwrap().len(), 1);

    let n =
        raw.notifications().timeout_iter(Duration::from_secs(10)).next().unwrap().expect("a notification");
    assert_eq!(n.channel(), channel);
    assert_eq!(n.payload(), "", "the wake-up carries nothing");

    // A wake-up that came between calls is kept for the next wait; several posts, one wake-up.
    let mut a = ocmw.connect(&pg);
    a.post(caw.id, Uuid::now_v7(), b"two").unwrap();
    a.post(caw.id, Uuid::now_v7(), b"three").unwrap();
    thread::sleep(Duration::from_millis(300));
    assert!(b.wait_for_wakeup(Duration::from_millis(10)).unwrap());
    assert!(!b.wait_for_wakeup(Duration::from_millis(200)).unwrap());
    // The sender is not woken by its own posts.
    assert!(!a.wait_for_wakeup(Duration::from_millis(200)).unwrap());
}

#[test]
fn every_connection_is_tls_and_a_wrong_ca_is_refused() {
    let (pg, p) = hub_with(&["ocmw"]);
    let _hub = p[0].connect(&pg);
    let mut su = pg.superuser();
    let rows = su
        .query(
            "SELECT a.usename::text, s.ssl, s.version FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
             WHERE a.datname = 'hub' AND a.backend_type = 'client backend'",
            &[],
        )
        .unwrap();
    assert!(rows.iter().any(|r| r.get::<_, String>(0) == "ocmw"), "the partner's session is listed");
    for r in &rows {
        let (user, ssl, version): (String, bool, Option<String>) = (r.get(0), r.get(1), r.get(2));
        assert!(ssl, "{user} without TLS");
        assert!(matches!(version.as_deref(), Some("TLSv1.2" | "TLSv1.3")), "{user}: {version:?}");
    }
    // SCRAM bound to the TLS channel.
    let own: bool =
        su.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(own);

    // A CA that did not sign the server's certificate: no connection, hub_unavailable.
    let other = schakel_tests::pg::Ca::new("Another CA");
    let mut cfg = pg.config(&p[0].role, &p[0].password);
    cfg.ca_cert_pem = Some(other.pem());
    let e = Hub::connect(&cfg).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubUnavailable, "{e}");
    assert!(e.to_string().contains("certificate verify failed"), "{e}");
    // Without a CA, the system's roots do not know the test CA either.
    cfg.ca_cert_pem = None;
    assert_eq!(Hub::connect(&cfg).err().unwrap().kind(), ErrorKind::HubUnavailable);
    // A name the certificate does not carry.
    let mut cfg = pg.config(&p[0].role, &p[0].password);
    cfg.host = "localhost".into();
    assert!(Hub::connect(&cfg).is_ok(), "localhost is in the certificate");
    // Not PEM at all.
    cfg.ca_cert_pem = Some(b"not a certificate".to_vec());
    assert_eq!(Hub::connect(&cfg).err().unwrap().kind(), ErrorKind::Validation);
}

#[test]
fn wrong_password_is_refused_and_a_stopped_server_is_unavailable() {
    let (mut pg, p) = hub_with(&["ocmw"]);
    let wrong = pg.config(&p[0].role, "not the password at all");
    let e = Hub::connect(&wrong).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    assert!(!e.to_string().contains("not the password at all"));
    let e = init_hub(&pg.config(ADMIN_USER, "wrong admin password")).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    let e = add_partner(&pg.admin(), Uuid::now_v7(), "newcomer", "short").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");

    let mut live = p[0].connect(&pg);
    assert_eq!(live.pending().unwrap(), 0);
    pg.stop();
    let e = Hub::connect(&pg.config(&p[0].role, &p[0].password)).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubUnavailable, "{e}");
    assert!(!e.to_string().contains(&p[0].password));
    assert_eq!(live.pending().unwrap_err().kind(), ErrorKind::HubUnavailable);
    assert_eq!(live.wait_for_wakeup(Duration::from_secs(5)).unwrap_err().kind(), ErrorKind::HubUnavailable);

    // An address where nothing answers at all (a black hole) times out.
    let mut cfg = pg.config(&p[0].role, &p[0].password);
    cfg.connect_timeout = Duration::from_millis(500);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    cfg.port = listener.local_addr().unwrap().port();
    let t = Instant::now();
    let e = Hub::connect(&cfg).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubUnavailable, "{e}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn the_hub_holds_exactly_the_listed_columns() {
    let (pg, p) = hub_with(&["ocmw", "caw"]);
    let mut su = pg.superuser();
    let columns: BTreeSet<(String, String, String)> = su
        .query(
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = 'schakel_hub'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        ("envelope", "recipient", "uuid"),
        ("envelope", "seq", "bigint"),
        ("envelope", "sender", "uuid"),
        ("envelope", "envelope_id", "uuid"),
        ("envelope", "size", "integer"),
        ("envelope", "posted_at", "timestamp with time zone"),
        ("envelope", "body", "bytea"),
        ("mailbox", "recipient", "uuid"),
        ("mailbox", "last_seq", "bigint"),
        ("mailbox", "channel", "text"),
        ("partner", "partner_id", "uuid"),
        ("partner", "role_name", "name"),
        ("meta", "key", "text"),
        ("meta", "value", "text"),
    ]
    .iter()
    .map(|(t, c, d)| ((*t).to_owned(), (*c).to_owned(), (*d).to_owned()))
    .collect();
    assert_eq!(columns, expected);
    // Only tables (no views, sequences or others) in the schema; nothing in public.
    let kinds: Vec<String> = su
        .query(
            "SELECT c.relname::text || ':' || c.relkind::text FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname IN ('schakel_hub', 'public') AND c.relkind NOT IN ('i') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(kinds, vec!["envelope:r", "mailbox:r", "meta:r", "partner:r"]);
    // Every SECURITY DEFINER function pins its search_path.
    let loose: Vec<String> = su
        .query(
            "SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
             WHERE n.nspname = 'schakel_hub' AND p.prosecdef \
               AND NOT coalesce(p.proconfig::text LIKE '%search_path=pg_catalog, pg_temp%', false)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(loose.is_empty(), "{loose:?}");

    // init again: nothing lost, nothing doubled; the partner's password can be reset.
    let mut a = p[0].connect(&pg);
    a.post(p[1].id, Uuid::now_v7(), b"kept").unwrap();
    init_hub(&pg.admin()).unwrap();
    let mut b = p[1].connect(&pg);
    assert_eq!(b.pending().unwrap(), 1);
    assert_eq!(
        add_partner(&pg.admin(), p[1].id, &p[1].role, "a brand new password for caw").unwrap(),
        PartnerAdded::PasswordChanged
    );
    assert!(Hub::connect(&pg.config(&p[1].role, "a brand new password for caw")).is_ok());
    // No partner gets another's role, nor an existing role that is not a partner's.
    for (id, role) in
        [(p[0].id, "caw"), (Uuid::now_v7(), "caw"), (Uuid::now_v7(), ADMIN_USER), (p[0].id, "other")]
    {
        let e = add_partner(&pg.admin(), id, role, "long enough password here").unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::HubRefused | ErrorKind::Validation), "{role}: {e}");
    }
    let _ = ADMIN_PASSWORD;

    // A hub of a newer schema version is left alone, and its partners told to update.
    su.batch_execute("UPDATE schakel_hub.meta SET value = '2' WHERE key = 'schema_version'").unwrap();
    let e = init_hub(&pg.admin()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    assert!(e.to_string().contains("update Schakel"), "{e}");
    let e = Hub::connect(&pg.config(&p[0].role, &p[0].password)).err().unwrap();
    assert_eq!(e.kind(), ErrorKind::HubRefused, "{e}");
    let version: String =
        su.query_one("SELECT value FROM schakel_hub.meta WHERE key = 'schema_version'", &[]).unwrap().get(0);
    assert_eq!(version, "2");
}

#[test]
fn cli_hub_init_and_add_partner() {
    let pg = PgServer::start();
    let ca = pg.ca_file();
    let ca = ca.to_str().unwrap();
    let url = pg.url(ADMIN_USER);
    let hub = |args: &[&str], admin_password: &str, partner_password: Option<&str>| {
        let mut c = std::process::Command::new(bin());
        c.arg("--json")
            .arg("hub")
            .args(args)
            .env("SCHAKEL_HUB_ADMIN_PASSWORD", admin_password)
            .env_remove("SCHAKEL_HUB_PARTNER_PASSWORD")
            .env_remove("SCHAKEL_HUB_URL")
            .env_remove("SCHAKEL_STORE");
        if let Some(p) = partner_password {
            c.env("SCHAKEL_HUB_PARTNER_PASSWORD", p);
        }
        c.output().unwrap()
    };

    let out = hub(&["init", "--url", &url, "--ca-cert", ca], ADMIN_PASSWORD, None);
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), pg.log());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    // Again: fine.
    assert!(hub(&["init", "--url", &url, "--ca-cert", ca], ADMIN_PASSWORD, None).status.success());

    let id = Uuid::now_v7();
    let id_s = id.to_string();
    let secret = "the CAW's hub password, generated";
    let add = ["add-partner", "--url", &url, "--ca-cert", ca, "--id", &id_s, "--role", "caw_brussel"];
    let out = hub(&add, ADMIN_PASSWORD, Some(secret));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "created");
    assert_eq!(v["partner_id"], id_s);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
    let mut h = Hub::connect(&pg.config("caw_brussel", secret)).unwrap();
    assert_eq!(h.partner_id(), id);
    assert_eq!(h.pending().unwrap(), 0);

    // Refusals and their exit codes: wrong admin password 24, nothing listening 23, a
    // password in the URL or no partner password 8.
    let msg = assert_exit(&hub(&["init", "--url", &url, "--ca-cert", ca], "wrong", None), 24);
    assert!(!msg.contains("wrong\""), "{msg}");
    let nowhere = format!("postgres://{ADMIN_USER}@127.0.0.1:1/hub");
    assert_exit(&hub(&["init", "--url", &nowhere, "--ca-cert", ca], ADMIN_PASSWORD, None), 23);
    let with_password = format!("postgres://{ADMIN_USER}:{ADMIN_PASSWORD}@127.0.0.1:{}/hub", pg.port);
    let msg = assert_exit(&hub(&["init", "--url", &with_password, "--ca-cert", ca], ADMIN_PASSWORD, None), 8);
    assert!(!msg.contains(ADMIN_PASSWORD), "{msg}");
    assert_exit(&hub(&add, ADMIN_PASSWORD, None), 8);
    let bad_role = ["add-partner", "--url", &url, "--ca-cert", ca, "--id", &id_s, "--role", "Bad-Role"];
    assert_exit(&hub(&bad_role, ADMIN_PASSWORD, Some(secret)), 8);
}
