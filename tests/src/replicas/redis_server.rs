//! A `redis-server` process of the test's own, or the one CI started.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `redis-server` on a loopback port: of the test's own (a directory of
/// its own, no persistence but `SAVE`, uncompressed dumps so that a scan of
/// the dump sees every byte Redis holds), or the one CI started
/// (`ACCURO_REDIS_URL`, see [`RedisServer::shared_or_start`]).
pub struct RedisServer {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    /// The URL of a server this test did not start.
    external: Option<String>,
}

impl RedisServer {
    /// The server `ACCURO_REDIS_URL` names (CI starts one on loopback), or
    /// one of the test's own. For tests that neither stop nor freeze it;
    /// give each test a prefix of its own ([`ReplicaSetup::prefix`](super::ReplicaSetup::prefix)).
    pub fn shared_or_start() -> Option<Self> {
        match std::env::var("ACCURO_REDIS_URL") {
            Ok(url) if !url.is_empty() => Some(Self {
                port: 0,
                dir: tempfile::tempdir().expect("a directory"),
                child: None,
                external: Some(url),
            }),
            _ => Self::start(),
        }
    }

    /// Starts one, or `None` when `redis-server` is not installed and this
    /// is not CI (CI installs it: there, a missing server fails the test).
    pub fn start() -> Option<Self> {
        let found = Command::new(redis_server())
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(
                std::env::var_os("CI").is_none(),
                "redis-server is not installed (apt install redis-server)"
            );
            eprintln!("redis-server is not installed: skipped");
            return None;
        }
        let port = free_port();
        let mut server = Self {
            port,
            dir: tempfile::tempdir().expect("a directory for redis"),
            child: None,
            external: None,
        };
        server.resume();
        Some(server)
    }

    /// Its URL.
    pub fn url(&self) -> String {
        match &self.external {
            Some(url) => url.clone(),
            None => format!("redis://127.0.0.1:{}/", self.port),
        }
    }

    /// Stops it (SIGKILL: nothing is saved).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes it (SIGSTOP): connections stay open and nothing answers,
    /// as a Redis that hangs.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    /// Thaws it (SIGCONT): it answers what was sent meanwhile.
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        assert!(self.external.is_none(), "not this test's server");
        let pid = self.child.as_ref().expect("running").id();
        let status = Command::new("kill")
            .arg(signal)
            .arg(pid.to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill {signal}");
    }

    /// Starts it again on the same port (empty).
    pub fn resume(&mut self) {
        assert!(self.external.is_none(), "not this test's server");
        assert!(self.child.is_none(), "already running");
        let child = Command::new(redis_server())
            .args(["--bind", "127.0.0.1", "--port"])
            .arg(self.port.to_string())
            .args(["--save", "", "--appendonly", "no", "--rdbcompression", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A connection of the test's own.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection())
            .expect("connect to redis")
    }

    /// Everything Redis holds, as `SAVE` writes it (uncompressed).
    pub fn dump(&self) -> Vec<u8> {
        let mut conn = self.connection();
        let _: () = redis::cmd("CONFIG")
            .arg("SET")
            .arg("rdbcompression")
            .arg("no")
            .query(&mut conn)
            .expect("CONFIG SET");
        let (_, dir): (String, String) = redis::cmd("CONFIG")
            .arg("GET")
            .arg("dir")
            .query(&mut conn)
            .expect("CONFIG GET dir");
        let (_, file): (String, String) = redis::cmd("CONFIG")
            .arg("GET")
            .arg("dbfilename")
            .query(&mut conn)
            .expect("CONFIG GET dbfilename");
        let _: () = redis::cmd("SAVE").query(&mut conn).expect("SAVE");
        std::fs::read(Path::new(&dir).join(file)).expect("read the dump")
    }

    /// The key names under `prefix` of this kind (`token`, `lock`, `pause`).
    pub fn keys(&self, prefix: &str, kind: &str) -> Vec<String> {
        redis::cmd("KEYS")
            .arg(format!("{prefix}:{kind}:*"))
            .query(&mut self.connection())
            .expect("KEYS")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn redis_server() -> PathBuf {
    std::env::var_os("ACCURO_REDIS_SERVER")
        .map_or_else(|| PathBuf::from("redis-server"), PathBuf::from)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
