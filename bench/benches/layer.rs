//! Layer overhead: a REST call through the client layer (token cached, key and
//! uuid injected, retries armed, 401 replay armed) against a raw
//! `reqwest::Client` sending the same request with the same headers to the
//! same loopback server through the same connection pool, both decoding the
//! answer into the same type. Sequential and with 32 concurrent tasks.
//!
//! Runs alternate raw/layer (and swap the order each round); medians are
//! reported with the raw baseline measured in the same run. Then a paired
//! A/B run: each iteration sends one raw and one layer request, so host
//! drift (this is a shared VM) slows both alike.
//!
//! `cargo bench -p accuro-bench --bench layer` (`LAYER_ROUNDS`, default 9).

mod support;

use std::time::{Duration, Instant};

use accuro_client::types::Office;

const SEQUENTIAL: usize = 2_000;
const TASKS: usize = 32;
const PER_TASK: usize = 100;

#[derive(Clone)]
struct Raw {
    http: reqwest::Client,
    url: String,
}

impl Raw {
    async fn call(&self) -> Vec<Office> {
        self.http
            .get(&self.url)
            .header("authorization", format!("Bearer {}", support::TOKEN))
            .header("x-qhr-subscription-key", "bench-subscription-key")
            .header("accept", "application/json")
            .send()
            .await
            .expect("raw send")
            .json()
            .await
            .expect("raw decode")
    }
}

async fn layer_call(client: &accuro_client::Client) -> Vec<Office> {
    client
        .list_offices()
        .send()
        .await
        .expect("layer call")
        .into_inner()
}

/// Requests per second, and per-request latencies when sequential.
async fn sequential<F, Fut>(call: F) -> (f64, Vec<Duration>)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Vec<Office>>,
{
    let mut latencies = Vec::with_capacity(SEQUENTIAL);
    let started = Instant::now();
    for _ in 0..SEQUENTIAL {
        let t = Instant::now();
        std::hint::black_box(call().await);
        latencies.push(t.elapsed());
    }
    (
        SEQUENTIAL as f64 / started.elapsed().as_secs_f64(),
        latencies,
    )
}

async fn concurrent<F, Fut>(call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Vec<Office>> + Send,
{
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..PER_TASK {
                    std::hint::black_box(call().await);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    (TASKS * PER_TASK) as f64 / started.elapsed().as_secs_f64()
}

/// Paired A/B: every iteration sends one raw and one layer request (the
/// order swapped each time) and adds each one's time to its own total, so a
/// host that drifts during the run slows both alike. Returns the time
/// ratios raw/layer (= layer/raw throughput) for `tasks` concurrent tasks.
async fn paired(raw: Raw, client: accuro_client::Client, tasks: usize, per_task: usize) -> f64 {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (raw, client) = (raw.clone(), client.clone());
            tokio::spawn(async move {
                let (mut raw_time, mut layer_time) = (Duration::ZERO, Duration::ZERO);
                for i in 0..per_task {
                    for is_raw in if i % 2 == 0 {
                        [true, false]
                    } else {
                        [false, true]
                    } {
                        let t = Instant::now();
                        if is_raw {
                            std::hint::black_box(raw.call().await);
                            raw_time += t.elapsed();
                        } else {
                            std::hint::black_box(layer_call(&client).await);
                            layer_time += t.elapsed();
                        }
                    }
                }
                (raw_time, layer_time)
            })
        })
        .collect();
    let (mut raw_time, mut layer_time) = (Duration::ZERO, Duration::ZERO);
    for h in handles {
        let (r, l) = h.await.expect("task");
        raw_time += r;
        layer_time += l;
    }
    raw_time.as_secs_f64() / layer_time.as_secs_f64()
}

/// A sink that does a real sink's work (the JSON line) and keeps nothing.
struct Discard;

impl accuro_client::audit::AuditSink for Discard {
    fn record(&self, event: &accuro_client::audit::AuditEvent) -> std::io::Result<()> {
        std::hint::black_box(event.to_json_line());
        Ok(())
    }
}

/// The audit sink's cost on the calling path: sequential calls through a
/// transport with a sink and one without, paired call by call; the median
/// of the per-round differences per call.
async fn audit_cost(addr: std::net::SocketAddr, rounds: usize) {
    // Two transports configured alike but for the sink.
    let plain_transport = accuro_client::Transport::builder()
        .max_idle_connections_per_host(64)
        .build()
        .expect("transport");
    let transport = accuro_client::Transport::builder()
        .max_idle_connections_per_host(64)
        .audit_sink(Discard)
        .build()
        .expect("transport");
    let plain = &support::client(addr, &plain_transport);
    let audited = support::client(addr, &transport);
    for client in [plain, &audited] {
        client.authenticate().await.expect("token");
        for _ in 0..500 {
            layer_call(client).await;
        }
    }
    // Paired: each iteration sends one call through each client (order
    // swapped every time), adding each one's time to its own total, so that
    // host drift slows both alike.
    let (mut with, mut without, mut deltas) = (vec![], vec![], vec![]);
    for _ in 0..rounds.max(3) * 2 {
        let (mut a, mut b) = (Duration::ZERO, Duration::ZERO);
        for i in 0..SEQUENTIAL {
            let time = |client| async move {
                let started = Instant::now();
                std::hint::black_box(layer_call(client).await);
                started.elapsed()
            };
            if i % 2 == 0 {
                a += time(&audited).await;
                b += time(plain).await;
            } else {
                b += time(plain).await;
                a += time(&audited).await;
            }
        }
        let per_call = |d: Duration| d.as_secs_f64() * 1e6 / SEQUENTIAL as f64;
        with.push(per_call(a));
        without.push(per_call(b));
        deltas.push(per_call(a) - per_call(b));
    }
    let stats = transport.audit_stats().expect("stats");
    println!(
        "  audit sink   {:+.2} µs per call (paired; median of {} per-round differences; without {:.1} µs, with {:.1} µs; {} events, {} dropped)",
        median(deltas.clone()),
        deltas.len(),
        median(without),
        median(with),
        stats.delivered + stats.pending,
        stats.dropped
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
}

fn main() {
    let rounds: usize = std::env::var("LAYER_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(9);
    let addr = support::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let http = accuro_fetch::client_builder(&accuro_fetch::Options::default())
            .expect("TLS")
            .pool_max_idle_per_host(64)
            .build()
            .expect("http");
        let transport = accuro_client::Transport::builder()
            .max_idle_connections_per_host(64)
            .build()
            .expect("transport");
        let client = support::client(addr, &transport);
        client.authenticate().await.expect("token");
        let raw = Raw {
            http,
            url: format!("http://{addr}/rest/v1/offices?uuid=0f0e0d0c-0b0a-4909-8807-060504030201"),
        };
        // Warm up both paths (connections, allocator).
        for _ in 0..500 {
            raw.call().await;
            layer_call(&client).await;
        }

        let (mut seq_raw, mut seq_layer, mut con_raw, mut con_layer) =
            (vec![], vec![], vec![], vec![]);
        let (mut lat_raw, mut lat_layer) = (vec![], vec![]);
        for round in 0..rounds {
            let order: [bool; 2] = if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            };
            for is_raw in order {
                if is_raw {
                    let (rps, lat) = sequential(|| raw.call()).await;
                    seq_raw.push(rps);
                    lat_raw.extend(lat);
                    let r = raw.clone();
                    con_raw.push(
                        concurrent(move || {
                            let r = r.clone();
                            async move { r.call().await }
                        })
                        .await,
                    );
                } else {
                    let (rps, lat) = sequential(|| layer_call(&client)).await;
                    seq_layer.push(rps);
                    lat_layer.extend(lat);
                    let c = client.clone();
                    con_layer.push(
                        concurrent(move || {
                            let c = c.clone();
                            async move { layer_call(&c).await }
                        })
                        .await,
                    );
                }
            }
        }
        let (mut paired_seq, mut paired_con) = (vec![], vec![]);
        for _ in 0..rounds {
            paired_seq.push(paired(raw.clone(), client.clone(), 1, SEQUENTIAL / 2).await);
            paired_con.push(paired(raw.clone(), client.clone(), TASKS, PER_TASK / 2).await);
        }
        let per_round =
            |a: &[f64], b: &[f64]| -> Vec<f64> { a.iter().zip(b).map(|(l, r)| l / r).collect() };
        let seq_ratio = median(per_round(&seq_layer, &seq_raw));
        let con_ratio = median(per_round(&con_layer, &con_raw));
        println!("layer overhead ({rounds} rounds, alternating; medians)");
        println!(
            "  sequential   raw {:>8.0} req/s   layer {:>8.0} req/s   layer/raw {:.3}",
            median(seq_raw),
            median(seq_layer),
            seq_ratio
        );
        println!(
            "  32 tasks     raw {:>8.0} req/s   layer {:>8.0} req/s   layer/raw {:.3}",
            median(con_raw),
            median(con_layer),
            con_ratio
        );
        println!(
            "  paired A/B (each iteration one raw and one layer request): layer/raw sequential {:.3}, 32 tasks {:.3}",
            median(paired_seq),
            median(paired_con)
        );
        audit_cost(addr, rounds).await;
        for (name, lat) in [("raw", lat_raw), ("layer", lat_layer)] {
            println!(
                "  latency {name:<5} p50 {:>6.1} µs   p99 {:>6.1} µs",
                percentile(lat.clone(), 0.5).as_secs_f64() * 1e6,
                percentile(lat, 0.99).as_secs_f64() * 1e6
            );
        }
    });
}
