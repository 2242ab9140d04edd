//! Locks the store when the operating system locks the screen or goes to sleep, exactly as
//! the idle lock does (`ticker::auto_lock`) but with its own reason.
//!
//! Linux: two background threads listen on D-Bus, one per bus, and never touch the main
//! thread:
//! * system bus, logind: `org.freedesktop.login1.Manager.PrepareForSleep(true)` (sleep or
//!   hibernate), and for *our own* session (found with `GetSessionByPID`, else
//!   `XDG_SESSION_ID`) its `Lock` signal and its `LockedHint` turning true (what GNOME and
//!   KDE set when their lock screen is up);
//! * session bus: `ActiveChanged(true)` of `org.freedesktop.ScreenSaver` (KDE, Xfce, …) or
//!   `org.gnome.ScreenSaver` (GNOME).
//!
//! Without a bus (a container, a headless CI machine) the watcher says so once in the log
//! at info level and stops; the idle lock still works. A signal can only ever *lock*: a
//! forged one costs the worker a passphrase, never opens anything.
//!
//! Other platforms: not watched yet (logged once); the idle lock applies.

use crate::ticker::LockReason;

/// Starts the watcher; `on_lock` is called from a background thread for each lock event.
/// Never fails: if the platform or the bus does not tell us, we log it and carry on.
pub fn spawn(on_lock: impl Fn(LockReason) + Send + Sync + 'static) {
    #[cfg(target_os = "linux")]
    linux::spawn(std::sync::Arc::new(on_lock));
    #[cfg(not(target_os = "linux"))]
    {
        let _ = on_lock;
        log::info!("screen lock and sleep are not watched on this platform: the idle lock applies");
    }
}

#[cfg(target_os = "linux")]
pub use linux::{SessionWatch, SystemWatch};

#[cfg(target_os = "linux")]
mod linux {
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;

    use zbus::blocking::connection::Builder;
    use zbus::blocking::{Connection, MessageIterator};
    use zbus::message::Type;
    use zbus::zvariant::{ObjectPath, OwnedObjectPath, Value};
    use zbus::{MatchRule, Message};

    use crate::ticker::LockReason;

    const LOGIN1: &str = "org.freedesktop.login1";
    const LOGIN1_PATH: &str = "/org/freedesktop/login1";
    const MANAGER: &str = "org.freedesktop.login1.Manager";
    const SESSION: &str = "org.freedesktop.login1.Session";
    const PROPERTIES: &str = "org.freedesktop.DBus.Properties";
    const SCREENSAVERS: [&str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];
    /// A logind that does not answer must not keep the watcher waiting for ever.
    const CALL_TIMEOUT: Duration = Duration::from_secs(10);

    type OnLock = Arc<dyn Fn(LockReason) + Send + Sync>;

    pub(super) fn spawn(on_lock: OnLock) {
        let pid = std::process::id();
        let session_id = std::env::var("XDG_SESSION_ID").ok().filter(|s| !s.is_empty());
        let on_system = Arc::clone(&on_lock);
        start("schakel-os-lock-system", move || {
            watch_system_bus(Builder::system(), pid, session_id.as_deref(), &*on_system);
        });
        start("schakel-os-lock-session", move || watch_session_bus(Builder::session(), &*on_lock));
    }

    fn start(name: &str, f: impl FnOnce() + Send + 'static) {
        if let Err(e) = thread::Builder::new().name(name.into()).spawn(f) {
            log::info!("screen lock watcher not started: {:?}", e.kind());
        }
    }

    fn watch_system_bus(
        bus: zbus::Result<Builder<'_>>,
        pid: u32,
        session_id: Option<&str>,
        on_lock: &(dyn Fn(LockReason) + Sync),
    ) {
        let watch = bus
            .map(|b| b.method_timeout(CALL_TIMEOUT))
            .and_then(Builder::build)
            .and_then(|conn| SystemWatch::subscribe(&conn, pid, session_id));
        let watch = match watch {
            Ok(w) => w,
            Err(e) => {
                log::info!("no system D-Bus ({}): sleep and the session lock are not watched", describe(&e));
                return;
            }
        };
        if watch.session().is_some() {
            log::info!("watching logind for sleep and for the lock of this session");
        } else {
            log::info!("watching logind for sleep; no logind session found for this process");
        }
        watch.run(on_lock);
        log::info!("system D-Bus closed: sleep and the session lock are no longer watched");
    }

    fn watch_session_bus(bus: zbus::Result<Builder<'_>>, on_lock: &(dyn Fn(LockReason) + Sync)) {
        let watch = bus.and_then(Builder::build).and_then(|conn| SessionWatch::subscribe(&conn));
        let watch = match watch {
            Ok(w) => w,
            Err(e) => {
                log::info!("no session D-Bus ({}): the screen saver is not watched", describe(&e));
                return;
            }
        };
        log::info!("watching the screen saver");
        watch.run(on_lock);
        log::info!("session D-Bus closed: the screen saver is no longer watched");
    }

    /// A coarse word for a bus error: the log never holds paths or addresses.
    fn describe(e: &zbus::Error) -> &'static str {
        match e {
            zbus::Error::Address(_) => "no address",
            zbus::Error::InputOutput(_) => "cannot connect",
            zbus::Error::Handshake(_) => "refused",
            zbus::Error::MethodError(..) | zbus::Error::FDO(_) => "call refused",
            _ => "bus error",
        }
    }

    /// The system-bus half: logind's sleep and our session's lock.
    pub struct SystemWatch {
        messages: MessageIterator,
        session: Option<OwnedObjectPath>,
    }

    impl SystemWatch {
        /// Subscribes to logind's signals on `conn` (first, so nothing is missed), then
        /// finds the session of `pid`, else the one named `session_id` (`XDG_SESSION_ID`).
        /// Without a session only sleep locks.
        pub fn subscribe(conn: &Connection, pid: u32, session_id: Option<&str>) -> zbus::Result<Self> {
            let rule = MatchRule::builder().msg_type(Type::Signal).path_namespace(LOGIN1_PATH)?.build();
            let messages = MessageIterator::for_match_rule(rule, conn, None)?;
            let by_pid = || call_login1(conn, "GetSessionByPID", &pid);
            let by_id = || session_id.and_then(|id| call_login1(conn, "GetSession", &id));
            let session = by_pid().or_else(by_id);
            Ok(SystemWatch { messages, session })
        }

        /// The logind session whose lock we follow, if one was found.
        pub fn session(&self) -> Option<&ObjectPath<'static>> {
            self.session.as_deref()
        }

        /// Calls `on_lock` for each lock event until the bus goes away.
        pub fn run(self, on_lock: &(dyn Fn(LockReason) + Sync)) {
            let session = self.session;
            run(self.messages, |m| system_reason(m, session.as_deref()), on_lock);
        }
    }

    fn call_login1<B>(conn: &Connection, method: &str, arg: &B) -> Option<OwnedObjectPath>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
    {
        conn.call_method(Some(LOGIN1), LOGIN1_PATH, Some(MANAGER), method, arg)
            .and_then(|reply| reply.body().deserialize::<OwnedObjectPath>())
            .ok()
    }

    /// The session-bus half: a screen saver becoming active.
    pub struct SessionWatch {
        messages: MessageIterator,
    }

    impl SessionWatch {
        pub fn subscribe(conn: &Connection) -> zbus::Result<Self> {
            let rule = MatchRule::builder().msg_type(Type::Signal).member("ActiveChanged")?.build();
            Ok(SessionWatch { messages: MessageIterator::for_match_rule(rule, conn, None)? })
        }

        /// Calls `on_lock` for each lock event until the bus goes away.
        pub fn run(self, on_lock: &(dyn Fn(LockReason) + Sync)) {
            run(self.messages, session_reason, on_lock);
        }
    }

    fn run(
        messages: MessageIterator,
        reason: impl Fn(&Message) -> Option<LockReason>,
        on_lock: &(dyn Fn(LockReason) + Sync),
    ) {
        for message in messages {
            match message {
                Ok(m) => {
                    if let Some(r) = reason(&m) {
                        on_lock(r);
                    }
                }
                // A read error ends the connection: stop once rather than spin on it.
                Err(e) => {
                    log::info!("D-Bus watch ended: {}", describe(&e));
                    return;
                }
            }
        }
    }

    /// Which lock a system-bus signal asks for, if any.
    fn system_reason(m: &Message, session: Option<&ObjectPath<'_>>) -> Option<LockReason> {
        let header = m.header();
        let ours = || session.is_some_and(|s| header.path() == Some(s));
        match (header.interface()?.as_str(), header.member()?.as_str()) {
            (MANAGER, "PrepareForSleep") => m.body().deserialize::<bool>().ok()?.then_some(LockReason::Sleep),
            (SESSION, "Lock") if ours() => Some(LockReason::ScreenLocked),
            (PROPERTIES, "PropertiesChanged") if ours() => {
                let body = m.body();
                let (interface, changed, _): (&str, std::collections::HashMap<&str, Value<'_>>, Vec<&str>) =
                    body.deserialize().ok()?;
                let locked =
                    interface == SESSION && matches!(changed.get("LockedHint"), Some(Value::Bool(true)));
                locked.then_some(LockReason::ScreenLocked)
            }
            _ => None,
        }
    }

    /// Which lock a session-bus signal asks for, if any.
    fn session_reason(m: &Message) -> Option<LockReason> {
        let header = m.header();
        let interface = header.interface()?.as_str();
        if header.member()?.as_str() != "ActiveChanged" || !SCREENSAVERS.contains(&interface) {
            return None;
        }
        m.body().deserialize::<bool>().ok()?.then_some(LockReason::ScreenLocked)
    }

    /// Against a private `dbus-daemon` with fake logind and screen-saver objects: the
    /// signals that mean "locked" or "going to sleep" lock with their reason; their
    /// opposites, other sessions and other services do not.
    #[cfg(test)]
    mod tests {
        use std::io::{BufRead, BufReader};
        use std::process::{Child, Command, Stdio};
        use std::sync::mpsc::{self, Receiver, RecvTimeoutError};

        use zbus::fdo;

        use super::*;

        const WAIT: Duration = Duration::from_secs(10);
        const OUR_SESSION: &str = "/org/freedesktop/login1/session/_31";
        const OTHER_SESSION: &str = "/org/freedesktop/login1/session/_32";

        /// A private bus, stopped on drop.
        struct Bus {
            daemon: Child,
            address: String,
        }

        impl Drop for Bus {
            fn drop(&mut self) {
                let _ = self.daemon.kill();
                let _ = self.daemon.wait();
            }
        }

        /// Starts `dbus-daemon --session` on its own address; `None` (and says so) when
        /// dbus-daemon is not installed.
        fn private_bus() -> Option<Bus> {
            let daemon = Command::new("dbus-daemon")
                .args(["--session", "--print-address", "--nofork"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn();
            let mut daemon = match daemon {
                Ok(d) => d,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    eprintln!(
                        "SKIPPED: dbus-daemon is not installed (Debian package `dbus`; `cargo xtask setup`)"
                    );
                    return None;
                }
                Err(e) => panic!("dbus-daemon did not start: {e}"),
            };
            let mut address = String::new();
            BufReader::new(daemon.stdout.take().unwrap()).read_line(&mut address).unwrap();
            let address = address.trim().to_owned();
            assert!(!address.is_empty(), "dbus-daemon printed no address");
            Some(Bus { daemon, address })
        }

        fn connect(bus: &Bus) -> Connection {
            Builder::address(bus.address.as_str()).unwrap().method_timeout(WAIT).build().unwrap()
        }

        /// logind's manager as far as the watcher asks it: our pid or session id has a session.
        struct FakeManager {
            pid: Option<u32>,
            session_id: Option<&'static str>,
        }

        #[zbus::interface(name = "org.freedesktop.login1.Manager")]
        impl FakeManager {
            #[zbus(name = "GetSessionByPID")]
            fn get_session_by_pid(&self, pid: u32) -> fdo::Result<OwnedObjectPath> {
                if self.pid == Some(pid) {
                    Ok(ObjectPath::from_static_str_unchecked(OUR_SESSION).into())
                } else {
                    Err(fdo::Error::Failed("PID does not belong to any known session".into()))
                }
            }

            fn get_session(&self, id: &str) -> fdo::Result<OwnedObjectPath> {
                if self.session_id == Some(id) {
                    Ok(ObjectPath::from_static_str_unchecked(OUR_SESSION).into())
                } else {
                    Err(fdo::Error::Failed("no session".into()))
                }
            }
        }

        fn fake_logind(bus: &Bus, manager: FakeManager) -> Connection {
            Builder::address(bus.address.as_str())
                .unwrap()
                .name(LOGIN1)
                .unwrap()
                .serve_at(LOGIN1_PATH, manager)
                .unwrap()
                .build()
                .unwrap()
        }

        /// Runs `watch` on its own thread; returns the locks it reports and a receiver
        /// that gets `()` when it has returned.
        fn run_in_background(
            watch: impl FnOnce(&(dyn Fn(LockReason) + Sync)) + Send + 'static,
        ) -> (Receiver<LockReason>, Receiver<()>) {
            let (locks, locked) = mpsc::channel();
            let (done, ended) = mpsc::channel();
            thread::spawn(move || {
                watch(&move |r| locks.send(r).unwrap());
                let _ = done.send(());
            });
            (locked, ended)
        }

        fn emit<B>(conn: &Connection, path: &str, interface: &str, member: &str, body: &B)
        where
            B: serde::Serialize + zbus::zvariant::DynamicType,
        {
            conn.emit_signal(None::<&str>, path, interface, member, body).unwrap();
        }

        fn locked_hint(
            value: bool,
        ) -> (&'static str, std::collections::HashMap<&'static str, Value<'static>>, Vec<&'static str>)
        {
            (SESSION, [("LockedHint", Value::Bool(value))].into(), vec![])
        }

        #[test]
        fn os_lock_logind_sleep_and_our_session_lock() {
            let Some(bus) = private_bus() else { return };
            let pid = std::process::id();
            let logind = fake_logind(&bus, FakeManager { pid: Some(pid), session_id: None });
            let client = connect(&bus);
            let watch = SystemWatch::subscribe(&client, pid, None).unwrap();
            assert_eq!(watch.session().map(|s| s.as_str()), Some(OUR_SESSION));
            let (locked, ended) = run_in_background(move |on_lock| watch.run(on_lock));

            // Not locks: waking up, another session's lock, our unlock, other properties.
            emit(&logind, LOGIN1_PATH, MANAGER, "PrepareForSleep", &false);
            emit(&logind, OTHER_SESSION, SESSION, "Lock", &());
            emit(&logind, OUR_SESSION, SESSION, "Unlock", &());
            emit(&logind, OUR_SESSION, PROPERTIES, "PropertiesChanged", &locked_hint(false));
            emit(&logind, OTHER_SESSION, PROPERTIES, "PropertiesChanged", &locked_hint(true));
            emit(&logind, LOGIN1_PATH, MANAGER, "PrepareForShutdown", &true);
            emit(
                &logind,
                LOGIN1_PATH,
                MANAGER,
                "SessionNew",
                &("c2", ObjectPath::from_static_str_unchecked(OTHER_SESSION)),
            );
            // Locks, in order; the first proves none of the above locked (one sender, one order).
            emit(&logind, LOGIN1_PATH, MANAGER, "PrepareForSleep", &true);
            assert_eq!(locked.recv_timeout(WAIT), Ok(LockReason::Sleep));
            emit(&logind, OUR_SESSION, SESSION, "Lock", &());
            assert_eq!(locked.recv_timeout(WAIT), Ok(LockReason::ScreenLocked));
            emit(&logind, OUR_SESSION, PROPERTIES, "PropertiesChanged", &locked_hint(true));
            assert_eq!(locked.recv_timeout(WAIT), Ok(LockReason::ScreenLocked));
            assert_eq!(locked.recv_timeout(Duration::from_millis(200)), Err(RecvTimeoutError::Timeout));

            // The bus going away ends the watch quietly.
            drop(bus);
            assert_eq!(ended.recv_timeout(WAIT), Ok(()));
        }

        #[test]
        fn os_lock_session_found_by_xdg_session_id_or_not_at_all() {
            let Some(bus) = private_bus() else { return };
            let pid = std::process::id();
            let logind = fake_logind(&bus, FakeManager { pid: None, session_id: Some("c7") });
            let client = connect(&bus);
            let by_id = SystemWatch::subscribe(&client, pid, Some("c7")).unwrap();
            assert_eq!(by_id.session().map(|s| s.as_str()), Some(OUR_SESSION));

            // No session of ours: a session's lock is not ours to follow, sleep still locks.
            let none = SystemWatch::subscribe(&client, pid, Some("c8")).unwrap();
            assert!(none.session().is_none());
            let (locked, _ended) = run_in_background(move |on_lock| none.run(on_lock));
            emit(&logind, OUR_SESSION, SESSION, "Lock", &());
            emit(&logind, LOGIN1_PATH, MANAGER, "PrepareForSleep", &true);
            assert_eq!(locked.recv_timeout(WAIT), Ok(LockReason::Sleep));
            assert_eq!(locked.recv_timeout(Duration::from_millis(200)), Err(RecvTimeoutError::Timeout));
        }

        #[test]
        fn os_lock_screen_saver_active_locks_inactive_does_not() {
            let Some(bus) = private_bus() else { return };
            let gnome = Builder::address(bus.address.as_str())
                .unwrap()
                .name("org.gnome.ScreenSaver")
                .unwrap()
                .build()
                .unwrap();
            let kde = Builder::address(bus.address.as_str())
                .unwrap()
                .name("org.freedesktop.ScreenSaver")
                .unwrap()
                .build()
                .unwrap();
            let client = connect(&bus);
            let watch = SessionWatch::subscribe(&client).unwrap();
            let (locked, ended) = run_in_background(move |on_lock| watch.run(on_lock));

            emit(&gnome, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", &false);
            emit(&gnome, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "WakeUpScreen", &());
            emit(&gnome, "/org/example/Player", "org.example.Player", "ActiveChanged", &true);
            emit(&gnome, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", &true);
            assert_eq!(locked.recv_timeout(WAIT), Ok(LockReason::ScreenLocked));
            emit(
                &kde,
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver",
                "ActiveChanged",
                &false,
            );
            emit(&kde, "/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", &true);
            assert_eq!(locked.recv_timeout(WAIT), Ok(LockReason::ScreenLocked));
            assert_eq!(locked.recv_timeout(Duration::from_millis(200)), Err(RecvTimeoutError::Timeout));

            drop(bus);
            assert_eq!(ended.recv_timeout(WAIT), Ok(()));
        }

        #[test]
        fn os_lock_without_a_bus_returns_quietly() {
            let nowhere = || Builder::address("unix:path=/nonexistent/schakel-test/bus");
            let never = |r: LockReason| panic!("locked without a bus: {r:?}");
            watch_system_bus(nowhere(), 1, None, &never);
            watch_session_bus(nowhere(), &never);
            watch_session_bus(Err(zbus::Error::Address("no session bus".into())), &never);
        }
    }
}
