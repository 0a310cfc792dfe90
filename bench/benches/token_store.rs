//! A shared token store's cost, against the in-memory hit path.
//!
//! - `memory_hit`: `authenticate()` with the client's own token cached (the
//!   hit path of every call, store or not), polled once with a no-op waker.
//! - `store_hit_redis`: a client with nothing cached (a new process, or a
//!   token due) finding a fresh token in Redis: a new clinic client on the
//!   transport, then `authenticate()`, which reads the sealed token
//!   (`GET` + `PTTL` in one `MULTI`), opens it (AES-256-GCM) and caches it.
//! - `store_hit_memory`: the same over a `MemoryStore`, to tell Redis's
//!   round trip and the opening from the rest of the path.
//! - `call_with_store` / `call_without_store`: a whole REST call on loopback
//!   with a token cached, with and without a shared store (the store adds
//!   the look for a shared 429 pause).
//!
//! Starts its own `redis-server` (from PATH) on a loopback port.
//! `cargo bench -p accuro-bench --bench token_store`

mod support;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use accuro_client::token::{MemoryStore, RedisStore, SharedStore};
use accuro_client::{Client, Transport};
use support::clinic;

struct Setup {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    redis: Transport,
    memory: Transport,
    plain: Transport,
    cached_plain: Client,
    cached_store: Client,
}

static SETUP: OnceLock<Setup> = OnceLock::new();

fn start_redis() -> (Child, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--port",
        ])
        .arg(port.to_string())
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (apt install redis-server)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not listen");
        std::thread::sleep(Duration::from_millis(20));
    }
    (child, port)
}

fn main() {
    let addr = support::start();
    let (mut redis_server, port) = start_redis();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let store = RedisStore::builder(format!("redis://127.0.0.1:{port}/"))
        .seal_key_base64("AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
        .build()
        .expect("store");
    let transport = |store: Option<SharedStore>| {
        let builder = Transport::builder();
        match store {
            Some(store) => builder.shared_store(store),
            None => builder,
        }
        .build()
        .expect("transport")
    };
    let redis = transport(Some(SharedStore::new(store)));
    let memory = transport(Some(SharedStore::new(MemoryStore::new())));
    let plain = transport(None);
    let (cached_plain, cached_store) = runtime.block_on(async {
        // The tokens are in both stores before the measurements.
        for t in [&redis, &memory] {
            let c = t.clinic(clinic(addr)).expect("clinic");
            c.authenticate().await.expect("token");
        }
        let plain_client = support::client(addr, &plain);
        plain_client.authenticate().await.expect("token");
        let store_client = redis.clinic(clinic(addr)).expect("clinic");
        store_client.authenticate().await.expect("token");
        (plain_client, store_client)
    });
    let _ = SETUP.set(Setup {
        runtime,
        addr,
        redis,
        memory,
        plain,
        cached_plain,
        cached_store,
    });
    divan::main();
    let _ = redis_server.kill();
    let _ = redis_server.wait();
}

fn setup() -> &'static Setup {
    SETUP.get().expect("setup")
}

#[divan::bench(sample_size = 1000)]
fn memory_hit(bencher: divan::Bencher) {
    let client = &setup().cached_plain;
    bencher.bench(|| support::authenticate_cached(client));
}

fn store_hit(bencher: divan::Bencher, transport: &Transport) {
    let s = setup();
    bencher.bench(|| {
        let client = transport.clinic(clinic(s.addr)).expect("clinic");
        s.runtime
            .block_on(client.authenticate())
            .expect("token from the store");
    });
}

#[divan::bench(sample_size = 20, sample_count = 50)]
fn store_hit_redis(bencher: divan::Bencher) {
    store_hit(bencher, &setup().redis);
}

#[divan::bench(sample_size = 20, sample_count = 50)]
fn store_hit_memory(bencher: divan::Bencher) {
    store_hit(bencher, &setup().memory);
}

#[divan::bench(sample_size = 20, sample_count = 50)]
fn call_without_store(bencher: divan::Bencher) {
    let s = setup();
    bencher.bench(|| {
        s.runtime
            .block_on(s.cached_plain.list_offices().send())
            .expect("call")
    });
}

#[divan::bench(sample_size = 20, sample_count = 50)]
fn call_with_store(bencher: divan::Bencher) {
    let s = setup();
    bencher.bench(|| {
        s.runtime
            .block_on(s.cached_store.list_offices().send())
            .expect("call")
    });
}

#[divan::bench(sample_size = 20, sample_count = 50)]
fn new_clinic_without_store_fetches(bencher: divan::Bencher) {
    // For scale: a client with nothing cached and no store asks the token
    // endpoint (loopback, answered at once).
    let s = setup();
    bencher.bench(|| {
        let client = s.plain.clinic(clinic(s.addr)).expect("clinic");
        s.runtime.block_on(client.authenticate()).expect("token");
    });
}
