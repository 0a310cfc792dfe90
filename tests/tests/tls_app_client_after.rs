//! This crate's client built *before* an application's own: it installs no
//! process-wide rustls provider, so the application installs its own
//! afterwards without a panic, and both call an HTTPS server. (Its own
//! process: the provider is process-wide.)

use accuro_client::Transport;
use accuro_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ours_first_installs_nothing_and_an_application_client_after_works() {
    let server = TlsServer::accuro();
    let ours = Transport::builder()
        .add_root_certificates_pem(server.ca_pem.clone())
        .build()
        .expect("our transport")
        .clinic(clinic_config(&server.base_url))
        .expect("our client");
    ours.list_offices().send().await.expect("our call");
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "building and using our client installed a process-wide provider"
    );

    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("the application installs its own provider");
    let root = reqwest::Certificate::from_pem(server.ca_pem.as_bytes()).expect("root");
    let app = reqwest::Client::builder()
        .tls_certs_only([root])
        .build()
        .expect("the application's client");
    let status = app
        .get(format!("{}/anything", server.base_url))
        .send()
        .await
        .expect("the application's call")
        .status();
    assert!(status.is_success());
    ours.list_offices().send().await.expect("our call, again");
}
