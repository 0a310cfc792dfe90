//! Many clinics on one transport: the cost of one more clinic, in time and
//! memory, measured with 10,000 clinics; against a transport of its own per
//! clinic (what `Client::builder().build()` costs).
//!
//! Memory is counted by a global allocator that tracks the bytes live: the
//! bytes live once 10,000 clinics are built from their settings (and kept),
//! less those live before the settings were made, divided by 10,000, is
//! printed before divan's timings (the build time printed there covers the
//! build alone).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use accuro_client::{ClinicConfig, Transport};

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

fn bytes(layout: Layout) -> isize {
    isize::try_from(layout.size()).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed on to the system allocator unchanged; only
// a counter is updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(bytes(layout), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(bytes(layout), Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            isize::try_from(new_size).unwrap_or(isize::MAX) - bytes(layout),
            Ordering::Relaxed,
        );
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn main() {
    const CLINICS: usize = 10_000;
    let transport = Transport::builder().build().expect("transport");
    let before = LIVE.load(Ordering::Relaxed);
    let configs: Vec<ClinicConfig> = (0..CLINICS).map(config).collect();
    let started = std::time::Instant::now();
    let clinics: Vec<_> = configs
        .into_iter()
        .map(|c| transport.clinic(c).expect("clinic"))
        .collect();
    let took = started.elapsed();
    let kept = LIVE.load(Ordering::Relaxed) - before;
    println!(
        "{CLINICS} clinics on one transport: {:.2} µs to build and {} bytes kept per clinic",
        took.as_secs_f64() * 1e6 / CLINICS as f64,
        kept / CLINICS as isize,
    );
    drop(clinics);
    divan::main();
}

fn config(n: usize) -> ClinicConfig {
    ClinicConfig::new()
        .base_url("https://accuro.example.invalid")
        .tenant(format!("clinic{n}"))
        .client_id(format!("bench-client-{n}"))
        .client_secret(format!("bench-secret-{n}"))
        .scopes(["PATIENT_DEMOGRAPHICS_READ", "SCHEDULING_READ"])
        .subscription_key(format!("bench-subscription-key-{n}"))
        .clinic_uuid(format!("00000000-0000-4000-8000-{n:012}"))
}

/// 10,000 clinics built on one shared transport (divide by 10,000).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn ten_thousand_clinics_on_one_transport(bencher: divan::Bencher) {
    let transport = Transport::builder().build().expect("transport");
    bencher
        .with_inputs(|| (0..10_000).map(config).collect::<Vec<_>>())
        .bench_local_values(|configs| {
            configs
                .into_iter()
                .map(|c| transport.clinic(c).expect("clinic"))
                .collect::<Vec<_>>()
        });
}

/// 100 clinics, each with a transport of its own (divide by 100).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn hundred_clinics_with_a_transport_each(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| (0..100).map(config).collect::<Vec<_>>())
        .bench_local_values(|configs| {
            configs
                .into_iter()
                .map(|c| {
                    Transport::builder()
                        .build()
                        .expect("transport")
                        .clinic(c)
                        .expect("clinic")
                })
                .collect::<Vec<_>>()
        });
}
