//! The `accuro-replica` processes: how one is set up, started and driven
//! round by round.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use super::{RedisServer, TokenDesk};

/// A seal key (base64 of 32 bytes) made from one byte.
pub fn seal_key(byte: u8) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([byte; 32])
}

/// How a replica process is set up.
#[derive(Clone, Debug)]
pub struct ReplicaSetup {
    /// The desk's URL.
    pub base_url: String,
    /// The Redis URL.
    pub redis_url: String,
    /// The first part of the store's key names: one per test.
    pub prefix: String,
    /// The seal key, base64.
    pub seal_key: String,
    /// Clinics `first..first + count`.
    pub first: usize,
    /// How many clinics.
    pub count: usize,
    /// The store's settings, in milliseconds.
    pub lock_ttl_ms: u64,
    /// See [`accuro_client::token::SharedStore::pause_check`].
    pub pause_check_ms: u64,
    /// See [`accuro_client::token::SharedStore::retry_after`].
    pub store_retry_ms: u64,
    /// See [`accuro_client::token::SharedStore::timeout`].
    pub store_timeout_ms: u64,
    /// See [`accuro_client::token::RedisStoreBuilder::response_timeout`].
    pub response_timeout_ms: u64,
    /// The office its clients are bound to (`Client::for_office`), if any.
    pub office: Option<i64>,
}

impl ReplicaSetup {
    /// Clinics `0..count`, a 5 s lock, 100 ms pause checks, 300 ms store
    /// retry, a key prefix of its own, and store timeouts (2 s, 1.5 s per
    /// command) that a loaded machine does not reach: a healthy command
    /// timed out would mark the store degraded and change the token
    /// requests a test counts. The tests that take Redis away keep them: a
    /// hung or silent Redis is given up on after them all the same, long
    /// before a call's own timeouts (30 s).
    pub fn new(desk: &TokenDesk, redis: &RedisServer, count: usize) -> Self {
        Self {
            base_url: desk.url(),
            redis_url: redis.url(),
            prefix: format!("accuro-test-{}-{}", std::process::id(), desk.addr.port()),
            seal_key: seal_key(1),
            first: 0,
            count,
            lock_ttl_ms: 5000,
            pause_check_ms: 100,
            store_retry_ms: 300,
            store_timeout_ms: 2000,
            response_timeout_ms: 1500,
            office: None,
        }
    }
}

/// One round of calls, as a replica reports it.
#[derive(Debug, serde::Deserialize)]
pub struct Round {
    /// Calls that succeeded.
    pub ok: u32,
    /// Calls that failed.
    pub failed: u32,
    /// The failures' kinds.
    pub kinds: Vec<String>,
}

/// A running `accuro-replica` process.
pub struct Replica {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl Replica {
    /// Starts `binary` with `setup` and waits until it is ready.
    pub fn start(binary: &Path, setup: &ReplicaSetup) -> Self {
        let dir = tempfile::tempdir().expect("a directory for the replica's log");
        let stderr = dir.path().join("stderr.log");
        let mut child = Command::new(binary)
            .env("REPLICA_BASE_URL", &setup.base_url)
            .env("REPLICA_REDIS_URL", &setup.redis_url)
            .env("REPLICA_SEAL_KEY", &setup.seal_key)
            .env("REPLICA_PREFIX", &setup.prefix)
            .env("REPLICA_FIRST", setup.first.to_string())
            .env("REPLICA_COUNT", setup.count.to_string())
            .env("REPLICA_LOCK_TTL_MS", setup.lock_ttl_ms.to_string())
            .env("REPLICA_PAUSE_CHECK_MS", setup.pause_check_ms.to_string())
            .env("REPLICA_STORE_RETRY_MS", setup.store_retry_ms.to_string())
            .env(
                "REPLICA_STORE_TIMEOUT_MS",
                setup.store_timeout_ms.to_string(),
            )
            .env(
                "REPLICA_RESPONSE_TIMEOUT_MS",
                setup.response_timeout_ms.to_string(),
            )
            .env(
                "REPLICA_OFFICE",
                setup.office.map(|o| o.to_string()).unwrap_or_default(),
            )
            .env("RUST_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).expect("the replica's log"))
            .spawn()
            .expect("start accuro-replica");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut replica = Self {
            child,
            stdin,
            stdout,
            stderr,
            _dir: dir,
        };
        assert_eq!(replica.line(), "ready");
        replica
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read the replica");
        line.trim().to_owned()
    }

    /// Starts a round of calls (one per clinic, all at once).
    pub fn begin_round(&mut self) {
        writeln!(self.stdin, "round").expect("write the replica");
        self.stdin.flush().expect("flush");
    }

    /// The report of the round begun.
    pub fn end_round(&mut self) -> Round {
        let line = self.line();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }

    /// A whole round.
    pub fn round(&mut self) -> Round {
        self.begin_round();
        self.end_round()
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it with SIGKILL.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
