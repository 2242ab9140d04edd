//! Where the hub is and how to reach it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::config::{Host, SslMode};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A connection to the hub: always TLS, the server's certificate checked against
/// `ca_cert_pem` (or, without it, the system's trusted roots) and its name against `host`.
/// There is no way to turn TLS off.
#[derive(Clone)]
pub struct HubConfig {
    /// Host name or IP address; the server certificate must name it.
    pub host: String,
    pub port: u16,
    pub dbname: String,
    /// The login role: a partner's own, or the hub administrator's.
    pub user: String,
    pub password: Zeroizing<String>,
    /// PEM certificate(s) of the CA that signed the hub's certificate. When given, only
    /// these are trusted (not the system's roots).
    pub ca_cert_pem: Option<Vec<u8>>,
    /// For the TCP connection, TLS handshake and authentication together.
    pub connect_timeout: Duration,
    /// For every call after that.
    pub call_timeout: Duration,
}

impl HubConfig {
    pub const DEFAULT_PORT: u16 = 5432;
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

    pub fn new(
        host: impl Into<String>,
        port: u16,
        dbname: impl Into<String>,
        user: impl Into<String>,
        password: Zeroizing<String>,
    ) -> HubConfig {
        HubConfig {
            host: host.into(),
            port,
            dbname: dbname.into(),
            user: user.into(),
            password,
            ca_cert_pem: None,
            connect_timeout: HubConfig::DEFAULT_CONNECT_TIMEOUT,
            call_timeout: HubConfig::DEFAULT_CALL_TIMEOUT,
        }
    }

    /// From a `postgres://user@host:port/dbname` URL (or `host=… user=…` pairs) and a
    /// password given apart. A URL that carries a password is refused (URLs end up in shell
    /// histories and process lists), and so is one that asks for no TLS. Error messages
    /// never repeat the URL.
    pub fn from_url(
        url: &str,
        password: Zeroizing<String>,
        ca_cert_pem: Option<Vec<u8>>,
    ) -> Result<HubConfig> {
        let parsed = tokio_postgres::Config::from_str(url)
            .map_err(|e| Error::validation("url", format!("not a PostgreSQL URL ({e})")))?;
        if parsed.get_password().is_some() {
            return Err(Error::validation(
                "url",
                "the URL holds a password: remove it and give the password apart (environment or prompt)",
            ));
        }
        if parsed.get_ssl_mode() == SslMode::Disable {
            return Err(Error::validation("url", "the hub is always reached over TLS (sslmode=disable)"));
        }
        let host = match parsed.get_hosts() {
            [Host::Tcp(h)] => h.clone(),
            [] => return Err(Error::validation("url", "no host")),
            [_] => {
                return Err(Error::validation("url", "the hub is reached over TCP with TLS, not a socket"));
            }
            _ => return Err(Error::validation("url", "one host only")),
        };
        let port = match parsed.get_ports() {
            [] => HubConfig::DEFAULT_PORT,
            [p] => *p,
            _ => return Err(Error::validation("url", "one port only")),
        };
        let user = parsed.get_user().ok_or_else(|| Error::validation("url", "no user"))?.to_owned();
        let dbname = parsed.get_dbname().unwrap_or(&user).to_owned();
        let mut cfg = HubConfig::new(host, port, dbname, user, password);
        cfg.ca_cert_pem = ca_cert_pem;
        if let Some(t) = parsed.get_connect_timeout() {
            cfg.connect_timeout = *t;
        }
        Ok(cfg)
    }

    /// `host:port/dbname as user`, for messages (never the password).
    pub fn describe(&self) -> String {
        format!("{}:{}/{} as {}", self.host, self.port, self.dbname, self.user)
    }
}

impl fmt::Debug for HubConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .field("ca_cert_pem", &self.ca_cert_pem.as_ref().map(|c| c.len()))
            .field("connect_timeout", &self.connect_timeout)
            .field("call_timeout", &self.call_timeout)
            .finish()
    }
}
