//! One connection to the hub: a current-thread runtime, the TLS connector, the connection
//! task (which forwards notifications), timeouts, and the mapping of PostgreSQL's errors
//! onto `hub_unavailable` and `hub_refused`.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use openssl::ssl::{SslConnector, SslMethod, SslVersion};
use openssl::x509::X509;
use openssl::x509::store::X509StoreBuilder;
use postgres_openssl::MakeTlsConnector;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;
use tokio_postgres::config::{ChannelBinding, SslMode};
use tokio_postgres::{AsyncMessage, Client, Notification};

use super::config::HubConfig;
use crate::error::{Error, Result};

/// A connected session: the client, the runtime that drives it, and the notifications the
/// connection task received.
pub(crate) struct Conn {
    pub rt: Runtime,
    pub client: Client,
    pub notifications: mpsc::UnboundedReceiver<Notification>,
    pub call_timeout: Duration,
}

impl Conn {
    pub fn open(cfg: &HubConfig) -> Result<Conn> {
        let tls = tls_connector(cfg)?;
        let mut pg = tokio_postgres::Config::new();
        pg.host(&cfg.host)
            .port(cfg.port)
            .dbname(&cfg.dbname)
            .user(&cfg.user)
            .password(cfg.password.as_bytes())
            .application_name("schakel")
            .ssl_mode(SslMode::Require)
            // SCRAM bound to this TLS channel: a man in the middle that holds a certificate
            // the client trusts still cannot relay the authentication.
            .channel_binding(ChannelBinding::Require)
            .connect_timeout(cfg.connect_timeout)
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(60))
            .options(format!("-c statement_timeout={}", cfg.call_timeout.as_millis()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::HubUnavailable(format!("cannot start the network runtime: {e}")))?;
        let connected =
            rt.block_on(async { tokio::time::timeout(cfg.connect_timeout, pg.connect(tls)).await });
        let (client, connection) = match connected {
            Err(_) => {
                return Err(Error::HubUnavailable(format!(
                    "no answer from {} within {:.1} s",
                    cfg.describe(),
                    cfg.connect_timeout.as_secs_f64()
                )));
            }
            Ok(Err(e)) => return Err(map_error(&e, &format!("connecting to {}", cfg.describe()))),
            Ok(Ok(pair)) => pair,
        };
        let (tx, notifications) = mpsc::unbounded_channel();
        rt.spawn(async move {
            let mut connection = connection;
            std::future::poll_fn(|cx| {
                loop {
                    match connection.poll_message(cx) {
                        Poll::Ready(Some(Ok(AsyncMessage::Notification(n)))) => {
                            // The receiver may be gone already (the Hub is being dropped).
                            let _ = tx.send(n);
                        }
                        Poll::Ready(Some(Ok(_))) => {}
                        Poll::Ready(Some(Err(_)) | None) => return Poll::Ready(()),
                        Poll::Pending => return Poll::Pending,
                    }
                }
            })
            .await;
            // Dropping `tx` here tells a waiting receiver that the connection is gone.
        });
        Ok(Conn { rt, client, notifications, call_timeout: cfg.call_timeout })
    }

    /// Runs one call on the connection, with the call timeout.
    pub fn call<T, F>(&self, what: &str, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T, tokio_postgres::Error>>,
    {
        // A little longer than the server's statement_timeout, so that the server's own
        // (clearer) cancellation usually comes first.
        let limit = self.call_timeout + Duration::from_secs(5);
        match self.rt.block_on(async { tokio::time::timeout(limit, fut).await }) {
            Err(_) => Err(Error::HubUnavailable(format!("{what}: no answer within {} s", limit.as_secs()))),
            Ok(Err(e)) => Err(map_error(&e, what)),
            Ok(Ok(v)) => Ok(v),
        }
    }
}

/// TLS 1.2 or newer; the server's chain verified against the given CA (only it) or the
/// system's roots, and its name against the host (OpenSSL's connector does both).
fn tls_connector(cfg: &HubConfig) -> Result<MakeTlsConnector> {
    let tls_err = |e: openssl::error::ErrorStack| Error::HubUnavailable(format!("TLS set-up: {e}"));
    let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(tls_err)?;
    b.set_min_proto_version(Some(SslVersion::TLS1_2)).map_err(tls_err)?;
    match &cfg.ca_cert_pem {
        Some(pem) => {
            let certs = X509::stack_from_pem(pem)
                .map_err(|_| Error::validation("ca_cert", "not a PEM certificate"))?;
            if certs.is_empty() {
                return Err(Error::validation("ca_cert", "no certificate in the file"));
            }
            let mut store = X509StoreBuilder::new().map_err(tls_err)?;
            for c in certs {
                store.add_cert(c).map_err(tls_err)?;
            }
            b.set_cert_store(store.build());
        }
        None => {
            // The vendored OpenSSL does not know where the system keeps its roots.
            let found = openssl_probe::probe();
            let mut any = false;
            if let Some(file) = &found.cert_file {
                any |= b.load_verify_locations(Some(file), None).is_ok();
            }
            for dir in &found.cert_dir {
                any |= b.load_verify_locations(None, Some(dir)).is_ok();
            }
            if !any {
                return Err(Error::HubUnavailable(
                    "no trusted root certificates on this system: give the hub's CA certificate".into(),
                ));
            }
        }
    }
    Ok(MakeTlsConnector::new(b.build()))
}

/// PostgreSQL errors: those that say the server is not there or not now (connection,
/// operator intervention, resources, system, a transaction to retry) are `hub_unavailable`;
/// those that say no (authentication, permissions, the schema's own checks) `hub_refused`.
/// Everything without an answer from the server (network, TLS, a closed connection) is
/// `hub_unavailable`. The message is the server's or the driver's, never a password.
pub(crate) fn map_error(e: &tokio_postgres::Error, what: &str) -> Error {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        let msg = format!("{what}: {} ({code})", db.message());
        return match &code[..2] {
            "08" | "40" | "53" | "57" | "58" => Error::HubUnavailable(msg),
            _ => Error::HubRefused(msg),
        };
    }
    if e.is_closed() {
        return Error::HubUnavailable(format!("{what}: the connection was lost"));
    }
    let mut msg = format!("{what}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // OpenSSL's errors repeat their cause in their own text.
        let s_text = s.to_string();
        if !msg.contains(&s_text) {
            msg.push_str(": ");
            msg.push_str(&s_text);
        }
        source = s.source();
    }
    Error::HubUnavailable(msg)
}
