//! A container-like run: no system CA file or directory. The transport
//! still builds (Mozilla's roots are built in) and calls an HTTPS loopback
//! server whose root CA was added through the builder. (Its own process:
//! the environment is changed.)

use accuro_client::Transport;
use accuro_tests::*;

#[test]
fn a_run_without_ca_files_calls_an_https_server_whose_root_was_added() {
    let empty = tempfile::tempdir().expect("tempdir");
    // SAFETY: the only test of this binary; no other thread reads the
    // environment while it is changed, and the runtime starts afterwards.
    unsafe {
        std::env::set_var("SSL_CERT_FILE", empty.path().join("none.pem"));
        std::env::set_var("SSL_CERT_DIR", empty.path());
    }
    assert!(
        rustls_native_certs::load_native_certs().certs.is_empty(),
        "the platform store is not empty"
    );
    let server = TlsServer::accuro();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        // Default settings build even with no platform store.
        Transport::builder()
            .build()
            .expect("a transport with Mozilla's roots");
        let client = Transport::builder()
            .add_root_certificates_pem(server.ca_pem.clone())
            .build()
            .expect("transport")
            .clinic(clinic_config(&server.base_url))
            .expect("client");
        let offices = client
            .list_offices()
            .send()
            .await
            .expect("offices over https")
            .into_inner();
        assert_eq!(offices.len(), 1);
    });
}
