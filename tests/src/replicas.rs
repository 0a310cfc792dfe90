//! For the many-replicas tests: an Accuro stand-in that counts token
//! requests per clinic ([`TokenDesk`]), a `redis-server` of the test's own
//! ([`RedisServer`]), and the replica processes ([`Replica`], the
//! `accuro-replica` binary). Every value is synthetic.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

/// The client id every replica uses.
pub const REPLICA_CLIENT_ID: &str = "replica-client-id";
/// The client secret every replica uses (a marker for leak scans).
pub const REPLICA_CLIENT_SECRET: &str = "replica-secret-0f3c";
/// The subscription key every replica uses.
pub const REPLICA_SUBSCRIPTION_KEY: &str = "replica-subscription-key";
/// What every access token the desk issues starts with.
pub const ACCESS_MARKER: &str = "desk-access-";
/// What every refresh token the desk issues starts with.
pub const REFRESH_MARKER: &str = "desk-refresh-";

/// The tenant of clinic `n` (`replica-clinic-007`).
pub fn replica_tenant(n: usize) -> String {
    format!("replica-clinic-{n:03}")
}

/// The uuid of clinic `n`.
pub fn replica_uuid(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// What the desk has seen.
#[derive(Default)]
pub struct DeskState {
    /// Token requests answered or held, per tenant.
    pub token_requests: HashMap<String, u32>,
    /// When each token request arrived.
    pub token_arrivals: Vec<Instant>,
    /// Refresh grants that spent a refresh token already spent.
    pub refresh_reused: u32,
    /// Refresh grants (each spent a refresh token).
    pub refresh_grants: u32,
    spent: HashSet<String>,
    issued: HashMap<String, (String, Instant)>,
    refresh_issued: HashSet<String>,
    /// REST calls, with the tenant of their token and when they arrived.
    pub calls: Vec<(String, Instant)>,
    /// REST calls refused 401 (unknown or expired token).
    pub refused: u32,
    /// Tenants whose next token request is held without an answer.
    pub hold: HashSet<String>,
    /// Tenants whose next token request is answered this late.
    pub slow: HashMap<String, Duration>,
    /// Token requests answered with a token.
    pub answered: u32,
    /// Tenants whose next REST call is answered 429 with this `Retry-After`.
    pub throttle: HashMap<String, u64>,
    /// `expires_in` of the tokens issued.
    pub expires_in: i64,
    /// Whether tokens come with a refresh token.
    pub refresh_tokens: bool,
    issued_count: u64,
}

/// The stand-in: `POST /v1/token` and `GET /rest/v1/genders`, counting.
#[derive(Clone)]
pub struct TokenDesk {
    /// Its state, for the test to read and steer.
    pub state: Arc<Mutex<DeskState>>,
    /// Its address.
    pub addr: SocketAddr,
}

impl TokenDesk {
    /// Starts the desk on a loopback port, issuing tokens that live
    /// `expires_in` seconds.
    pub async fn start(expires_in: i64) -> Self {
        let state = Arc::new(Mutex::new(DeskState {
            expires_in,
            ..DeskState::default()
        }));
        let app = Router::new()
            .route("/v1/token", post(token))
            .route("/rest/v1/genders", get(genders))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the desk");
        let addr = listener.local_addr().expect("the desk's address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { state, addr }
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Reads or steers the state.
    pub fn with<T>(&self, f: impl FnOnce(&mut DeskState) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// All token requests so far.
    pub fn token_requests(&self) -> u32 {
        self.with(|s| s.token_requests.values().sum())
    }

    /// Waits (up to `limit`) until `check` holds, looking every 10 ms.
    pub async fn wait_until(&self, limit: Duration, check: impl Fn(&DeskState) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if self.with(|s| check(s)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn token(
    State(state): State<Arc<Mutex<DeskState>>>,
    Query(query): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let tenant = query.get("tenant").cloned().unwrap_or_default();
    let form: HashMap<String, String> = url_form(&body);
    let held = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        *s.token_requests.entry(tenant.clone()).or_default() += 1;
        s.token_arrivals.push(Instant::now());
        if form.get("grant_type").map(String::as_str) == Some("refresh_token") {
            s.refresh_grants += 1;
            let spent = form.get("refresh_token").cloned().unwrap_or_default();
            if !s.refresh_issued.contains(&spent) || !s.spent.insert(spent) {
                s.refresh_reused += 1;
                return (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"error": "invalid_grant"})),
                )
                    .into_response();
            }
        }
        (s.hold.remove(&tenant), s.slow.remove(&tenant))
    };
    if held.0 {
        // Never answered: the process that sent it is killed meanwhile.
        std::future::pending::<()>().await;
    }
    if let Some(late) = held.1 {
        tokio::time::sleep(late).await;
    }
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.answered += 1;
    s.issued_count += 1;
    let n = s.issued_count;
    let access = format!("{ACCESS_MARKER}{n:06}");
    let lifetime = Duration::from_secs(s.expires_in.max(0).unsigned_abs());
    s.issued
        .insert(access.clone(), (tenant, Instant::now() + lifetime));
    let mut answer = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": s.expires_in,
        "scope": "PATIENT_DEMOGRAPHICS_READ",
    });
    if s.refresh_tokens {
        let refresh = format!("{REFRESH_MARKER}{n:06}");
        s.refresh_issued.insert(refresh.clone());
        answer["refresh_token"] = json!(refresh);
    }
    axum::Json(answer).into_response()
}

async fn genders(State(state): State<Arc<Mutex<DeskState>>>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    let tenant = match s.issued.get(&bearer) {
        Some((tenant, until)) if *until > Instant::now() => tenant.clone(),
        _ => {
            s.refused += 1;
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid_token"})),
            )
                .into_response();
        }
    };
    s.calls.push((tenant.clone(), Instant::now()));
    if let Some(seconds) = s.throttle.remove(&tenant) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", seconds.to_string())],
            axum::Json(json!({"statusCode": 429, "message": "Rate limit is exceeded."})),
        )
            .into_response();
    }
    axum::Json(json!([])).into_response()
}

fn url_form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

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
    /// give each test a prefix of its own ([`ReplicaSetup::prefix`]).
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
}

impl ReplicaSetup {
    /// Clinics `0..count`, a 5 s lock, 100 ms pause checks, 300 ms store
    /// retry, a key prefix of its own, and store timeouts (2 s, 1.5 s per
    /// command) that a loaded machine does not reach: tests that take Redis
    /// away set the defaults (250 ms, 200 ms).
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

/// A TCP relay to a server that can go silent: after [`cut`](Self::cut),
/// the connections already open stay open and forward nothing (a network
/// partition, a failover behind one address, a dropped NAT entry), while
/// new connections are relayed as before.
pub struct SilentRelay {
    addr: SocketAddr,
    generation: Arc<std::sync::atomic::AtomicU64>,
}

impl SilentRelay {
    /// Relays 127.0.0.1:(a new port) to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the relay");
        let addr = listener.local_addr().expect("the relay's address");
        let generation = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let current = Arc::clone(&generation);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let born = current.load(std::sync::atomic::Ordering::SeqCst);
                let current = Arc::clone(&current);
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let live = move || current.load(std::sync::atomic::Ordering::SeqCst) == born;
                    let live_too = live.clone();
                    let up = relay(&mut client_read, &mut server_write, live);
                    let down = relay(&mut server_read, &mut client_write, live_too);
                    let _ = tokio::join!(up, down);
                    // Cut: the sockets stay open and silent until the test ends.
                    std::future::pending::<()>().await;
                });
            }
        });
        Self { addr, generation }
    }

    /// Its URL, as a Redis URL.
    pub fn redis_url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// Silences the connections open now.
    pub fn cut(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Copies `from` to `to` while `live()`; then reads and drops.
async fn relay(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    live: impl Fn() -> bool,
) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if live() && to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
