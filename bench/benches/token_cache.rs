//! The token cache's hit path: `Client::authenticate()` with a valid token
//! cached, on 1 and 8 threads at once, polled once with a no-op waker (it is
//! ready at once: no executor is measured). Baseline in the same run: reading
//! `tokio::time::Instant::now()` alone, which the hit path must do to check
//! expiry.
//!
//! `cargo bench -p accuro-bench --bench token_cache`

mod support;

use std::sync::OnceLock;

static CLIENT: OnceLock<accuro_client::Client> = OnceLock::new();

fn main() {
    let addr = support::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = runtime.block_on(async {
        let transport = accuro_client::Transport::builder()
            .build()
            .expect("transport");
        let client = support::client(addr, &transport);
        client.authenticate().await.expect("first token");
        client
    });
    let _ = CLIENT.set(client);
    divan::main();
}

#[divan::bench(threads = [1, 8], sample_size = 1000)]
fn cached_token(bencher: divan::Bencher) {
    let client = CLIENT.get().expect("client");
    bencher.bench(|| support::authenticate_cached(client));
}

#[divan::bench(threads = [1, 8], sample_size = 1000)]
fn baseline_clock_read(bencher: divan::Bencher) {
    bencher.bench(tokio::time::Instant::now);
}
