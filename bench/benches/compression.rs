//! Compressed answers: the bytes of a 50-patient page on the wire, plain,
//! gzip and brotli, and the CPU each costs the client per answer (decoding
//! the compression, then reading the page into the generated type).
//!
//! The page is the sandbox's (synthetic patients), read through the client
//! and written back as JSON: the form the server sends.

use std::io::{Read as _, Write as _};
use std::sync::OnceLock;

use accuro_client::types::PatientPage;

struct Page {
    plain: Vec<u8>,
    gzip: Vec<u8>,
    brotli: Vec<u8>,
}

static PAGE: OnceLock<Page> = OnceLock::new();

fn page() -> &'static Page {
    PAGE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let plain = runtime.block_on(async {
            // 1,000 patients: a hundred share each last name.
            let config = accuro_sandbox::Config {
                patients: 1000,
                ..accuro_sandbox::Config::default()
            };
            let sandbox = accuro_sandbox::Sandbox::start(config, 0)
                .await
                .expect("sandbox");
            let env = sandbox.config().client_env(&sandbox.base_url());
            let client = accuro_client::ClientBuilder::from_lookup(|name| {
                env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
            })
            .build()
            .expect("client");
            let page = client
                .search_patients()
                .last_name("Sample")
                .page_size(50)
                .send()
                .await
                .expect("a page")
                .into_inner();
            assert_eq!(page.count, Some(50));
            serde_json::to_vec(&page).expect("json")
        });
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain).expect("gzip");
        let gzip = gz.finish().expect("gzip");
        let mut brotli = Vec::new();
        {
            let mut br = brotli::CompressorWriter::new(&mut brotli, 4096, 5, 22);
            br.write_all(&plain).expect("brotli");
        }
        Page {
            plain,
            gzip,
            brotli,
        }
    })
}

fn main() {
    let p = page();
    println!(
        "a 50-patient page on the wire: plain {} B, gzip {} B ({:.1}%), brotli (quality 5) {} B ({:.1}%)",
        p.plain.len(),
        p.gzip.len(),
        100.0 * p.gzip.len() as f64 / p.plain.len() as f64,
        p.brotli.len(),
        100.0 * p.brotli.len() as f64 / p.plain.len() as f64,
    );
    divan::main();
}

fn read(bytes: &[u8]) -> PatientPage {
    serde_json::from_slice(bytes).expect("a page")
}

/// Reading the plain page into the generated type.
#[divan::bench]
fn plain_page() -> PatientPage {
    read(divan::black_box(&page().plain))
}

/// Decoding gzip, then reading the page.
#[divan::bench]
fn gzip_page() -> PatientPage {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(divan::black_box(&page().gzip[..]))
        .read_to_end(&mut out)
        .expect("gunzip");
    read(&out)
}

/// Decoding brotli, then reading the page.
#[divan::bench]
fn brotli_page() -> PatientPage {
    let mut out = Vec::new();
    brotli::Decompressor::new(divan::black_box(&page().brotli[..]), 4096)
        .read_to_end(&mut out)
        .expect("brotli");
    read(&out)
}
