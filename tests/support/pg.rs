//! A real PostgreSQL server for a test: a fresh cluster in a temporary directory, TLS with a
//! certificate signed by a CA made for this server, listening on 127.0.0.1 at a free port
//! (and a Unix socket inside the directory), stopped (`pg_ctl stop -m immediate`) on drop.
//!
//! Needs the server binaries of the Debian package `postgresql` (`cargo xtask setup`
//! installs it); the newest `/usr/lib/postgresql/*/bin` is used. initdb and postgres refuse
//! to run as root: as root (CI), they run as the package's `postgres` user through
//! `runuser`, in a directory given to that user.
//!
//! Only TLS connections are accepted (`hostssl … scram-sha-256`, `hostnossl … reject`),
//! as on a real hub. The superuser is [`ADMIN_USER`] with [`ADMIN_PASSWORD`]; the database
//! [`HUB_DB`] is made empty for the hub.

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslConnector, SslMethod};
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509, X509NameBuilder};
use postgres_openssl::MakeTlsConnector;
use schakel_core::exchange::hub::HubConfig;
use zeroize::Zeroizing;

pub const ADMIN_USER: &str = "hubadmin";
pub const ADMIN_PASSWORD: &str = "admin password for the test hub only";
pub const HUB_DB: &str = "hub";

/// The newest PostgreSQL server binaries on this machine.
pub fn pg_bin() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    match found.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: install the Debian package \
             `postgresql` (cargo xtask setup does)"
        ),
    }
}

fn output_of(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(cmd: &mut Command) -> String {
    let out = output_of(cmd);
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Running as root (then initdb and postgres run as the `postgres` user): its uid and gid.
fn run_as() -> Option<(u32, u32)> {
    if text(Command::new("id").arg("-u")) != "0" {
        return None;
    }
    let uid = output_of(Command::new("id").args(["-u", "postgres"]));
    assert!(
        uid.status.success(),
        "running as root, and there is no `postgres` user to run the PostgreSQL server as: install \
         the Debian package `postgresql` (cargo xtask setup does)"
    );
    let uid = String::from_utf8_lossy(&uid.stdout).trim().parse().expect("uid of postgres");
    let gid = text(Command::new("id").args(["-g", "postgres"])).parse().expect("gid of postgres");
    Some((uid, gid))
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("local address").port()
}

/// A CA certificate and its key.
pub struct Ca {
    pub cert: X509,
    pub key: PKey<Private>,
}

fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
    PKey::from_ec_key(EcKey::generate(&group).expect("EC key")).expect("key")
}

fn serial() -> openssl::asn1::Asn1Integer {
    let mut bn = BigNum::new().expect("bignum");
    bn.rand(128, MsbOption::MAYBE_ZERO, false).expect("random serial");
    bn.to_asn1_integer().expect("serial")
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let key = ec_key();
        let mut n = X509NameBuilder::new().expect("name");
        n.append_entry_by_text("CN", name).expect("CN");
        let n = n.build();
        let mut b = X509::builder().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial()).expect("serial");
        b.set_subject_name(&n).expect("subject");
        b.set_issuer_name(&n).expect("issuer");
        b.set_pubkey(&key).expect("pubkey");
        b.set_not_before(&Asn1Time::days_from_now(0).expect("now")).expect("not before");
        b.set_not_after(&Asn1Time::days_from_now(30).expect("later")).expect("not after");
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc")).expect("bc");
        b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build().expect("ku"))
            .expect("ku");
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None)).expect("ski");
        b.append_extension(ski).expect("ski");
        b.sign(&key, MessageDigest::sha256()).expect("sign");
        Ca { cert: b.build(), key }
    }

    pub fn pem(&self) -> Vec<u8> {
        self.cert.to_pem().expect("pem")
    }

    /// A server certificate for 127.0.0.1 and localhost.
    pub fn server_cert(&self) -> (X509, PKey<Private>) {
        let key = ec_key();
        let mut n = X509NameBuilder::new().expect("name");
        n.append_entry_by_text("CN", "localhost").expect("CN");
        let n = n.build();
        let mut b = X509::builder().expect("builder");
        b.set_version(2).expect("v3");
        b.set_serial_number(&serial()).expect("serial");
        b.set_subject_name(&n).expect("subject");
        b.set_issuer_name(self.cert.subject_name()).expect("issuer");
        b.set_pubkey(&key).expect("pubkey");
        b.set_not_before(&Asn1Time::days_from_now(0).expect("now")).expect("not before");
        b.set_not_after(&Asn1Time::days_from_now(30).expect("later")).expect("not after");
        b.append_extension(BasicConstraints::new().build().expect("bc")).expect("bc");
        b.append_extension(
            KeyUsage::new().critical().digital_signature().key_agreement().build().expect("ku"),
        )
        .expect("ku");
        b.append_extension(ExtendedKeyUsage::new().server_auth().build().expect("eku")).expect("eku");
        let san = SubjectAlternativeName::new()
            .ip("127.0.0.1")
            .dns("localhost")
            .build(&b.x509v3_context(Some(&self.cert), None))
            .expect("san");
        b.append_extension(san).expect("san");
        b.sign(&self.key, MessageDigest::sha256()).expect("sign");
        (b.build(), key)
    }
}

/// A running PostgreSQL server; stopped on drop.
pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    owner: Option<(u32, u32)>,
    pub port: u16,
    pub ca: Ca,
    running: bool,
}

impl PgServer {
    /// initdb, certificates, configuration, start, and an empty database [`HUB_DB`].
    pub fn start() -> PgServer {
        let bin = pg_bin();
        let owner = run_as();
        // As root, somewhere the postgres user can reach (TMPDIR may be under /root).
        let dir = if owner.is_some() {
            tempfile::Builder::new().prefix("schakel-pg-").tempdir_in("/tmp")
        } else {
            tempfile::Builder::new().prefix("schakel-pg-").tempdir()
        }
        .expect("temporary directory");
        let ca = Ca::new("Schakel test hub CA");
        let mut s = PgServer { dir, bin, owner, port: 0, ca, running: false };
        s.init();
        s.start_server();
        let mut admin = s.raw_on("postgres", ADMIN_USER, ADMIN_PASSWORD);
        admin.batch_execute(&format!("CREATE DATABASE {HUB_DB}")).expect("create the hub database");
        s
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn give(&self, path: &Path) {
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown to postgres");
        }
    }

    fn pg(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        let mut c = match self.owner {
            Some(_) => {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        };
        c.current_dir(self.dir.path()).env_remove("PGDATA").env_remove("PGPORT");
        c
    }

    fn init(&self) {
        let root = self.dir.path();
        fs::set_permissions(root, fs::Permissions::from_mode(0o700)).expect("chmod");
        self.give(root);
        let pwfile = self.path("pwfile");
        fs::write(&pwfile, ADMIN_PASSWORD).expect("pwfile");
        self.give(&pwfile);
        let (cert, key) = self.ca.server_cert();
        for (name, bytes, mode) in [
            ("server.crt", cert.to_pem().expect("pem"), 0o644),
            ("server.key", key.private_key_to_pem_pkcs8().expect("pem"), 0o600),
            ("ca.crt", self.ca.pem(), 0o644),
        ] {
            let p = self.path(name);
            fs::write(&p, bytes).expect("write certificate");
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).expect("chmod");
            self.give(&p);
        }
        let sock = self.path("sock");
        fs::create_dir(&sock).expect("socket directory");
        self.give(&sock);

        let data = self.path("data");
        let out = output_of(
            self.pg("initdb")
                .arg("-D")
                .arg(&data)
                .args(["-U", ADMIN_USER, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"])
                .arg(format!("--pwfile={}", pwfile.display())),
        );
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        fs::remove_file(&pwfile).expect("remove pwfile");

        let conf = format!(
            "\n# schakel test hub\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{sock}'\n\
             ssl = on\nssl_cert_file = '{crt}'\nssl_key_file = '{key}'\n\
             password_encryption = 'scram-sha-256'\nfsync = off\nsynchronous_commit = off\n\
             full_page_writes = off\nmax_connections = 40\nshared_buffers = 16MB\n",
            sock = sock.display(),
            crt = self.path("server.crt").display(),
            key = self.path("server.key").display(),
        );
        let conf_path = data.join("postgresql.conf");
        let mut all = fs::read_to_string(&conf_path).expect("postgresql.conf");
        all.push_str(&conf);
        fs::write(&conf_path, all).expect("postgresql.conf");
        fs::write(
            data.join("pg_hba.conf"),
            "# schakel test hub: TLS only, SCRAM\n\
             hostssl all all 127.0.0.1/32 scram-sha-256\n\
             hostnossl all all 127.0.0.1/32 reject\n",
        )
        .expect("pg_hba.conf");
    }

    fn start_server(&mut self) {
        let mut last = String::new();
        for _ in 0..5 {
            self.port = free_port();
            let out = output_of(
                self.pg("pg_ctl")
                    .arg("-D")
                    .arg(self.path("data"))
                    .arg("-l")
                    .arg(self.path("server.log"))
                    .args(["-w", "-t", "60", "-o"])
                    .arg(format!("-p {}", self.port))
                    .arg("start"),
            );
            if out.status.success() {
                self.running = true;
                return;
            }
            last = format!(
                "{}{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                fs::read_to_string(self.path("server.log")).unwrap_or_default()
            );
        }
        panic!("PostgreSQL did not start: {last}");
    }

    /// Stops the server at once (as a crash would), for the tests of an unreachable hub.
    pub fn stop(&mut self) {
        if !self.running {
            return;
        }
        let out = output_of(self.pg("pg_ctl").arg("-D").arg(self.path("data")).args([
            "-w",
            "-m",
            "immediate",
            "stop",
        ]));
        if !out.status.success() {
            eprintln!("pg_ctl stop: {}", String::from_utf8_lossy(&out.stderr));
        }
        self.running = false;
    }

    /// The CA certificate that signed the server's, as a file (for the CLI's --ca-cert).
    pub fn ca_file(&self) -> PathBuf {
        self.path("ca.crt")
    }

    /// A configuration for the hub database as `user`, trusting only the test CA.
    pub fn config(&self, user: &str, password: &str) -> HubConfig {
        let mut c = HubConfig::new("127.0.0.1", self.port, HUB_DB, user, Zeroizing::new(password.to_owned()));
        c.ca_cert_pem = Some(self.ca.pem());
        c.connect_timeout = Duration::from_secs(10);
        c
    }

    /// The hub administrator's (the superuser's) configuration.
    pub fn admin(&self) -> HubConfig {
        self.config(ADMIN_USER, ADMIN_PASSWORD)
    }

    /// `postgres://user@127.0.0.1:port/hub`.
    pub fn url(&self, user: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{HUB_DB}", self.port)
    }

    /// A plain synchronous client on the hub database (TLS verified), for raw SQL.
    pub fn raw(&self, user: &str, password: &str) -> postgres::Client {
        self.raw_on(HUB_DB, user, password)
    }

    /// [`PgServer::raw`] as the superuser.
    pub fn superuser(&self) -> postgres::Client {
        self.raw(ADMIN_USER, ADMIN_PASSWORD)
    }

    fn raw_on(&self, db: &str, user: &str, password: &str) -> postgres::Client {
        let mut store = X509StoreBuilder::new().expect("store");
        store.add_cert(self.ca.cert.clone()).expect("ca");
        let mut b = SslConnector::builder(SslMethod::tls_client()).expect("tls");
        b.set_cert_store(store.build());
        postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .dbname(db)
            .user(user)
            .password(password)
            .ssl_mode(postgres::config::SslMode::Require)
            .connect_timeout(Duration::from_secs(10))
            .connect(MakeTlsConnector::new(b.build()))
            .unwrap_or_else(|e| panic!("connecting to the test server as {user}: {e}"))
    }

    /// The server's log so far (to print when a test fails).
    pub fn log(&self) -> String {
        fs::read_to_string(self.path("server.log")).unwrap_or_default()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}
