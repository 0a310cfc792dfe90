//! An application that installs its own rustls provider and builds its own
//! `reqwest` client *before* this crate's: both call an HTTPS server, and
//! nothing panics. (Its own process: the provider is process-wide.)

use accuro_client::Transport;
use accuro_tests::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applications_own_client_built_first_keeps_working_beside_ours() {
    let server = TlsServer::accuro();
    rustls::crypto::ring::default_provider()
        .install_default()
        .expect("nothing was installed before the application's provider");
    let root = reqwest::Certificate::from_pem(server.ca_pem.as_bytes()).expect("root");
    let app = reqwest::Client::builder()
        .tls_certs_only([root])
        .build()
        .expect("the application's client");

    let ours = Transport::builder()
        .add_root_certificates_pem(server.ca_pem.clone())
        .build()
        .expect("our transport")
        .clinic(clinic_config(&server.base_url))
        .expect("our client");

    let status = app
        .get(format!("{}/anything", server.base_url))
        .send()
        .await
        .expect("the application's call")
        .status();
    assert!(status.is_success());
    ours.list_offices().send().await.expect("our call");
    // The application's client still works after ours was built and used.
    assert!(app.get(&server.base_url).send().await.is_ok());
}
