//! A container-like run: no system CA file or directory. The transport
//! still builds (Mozilla's roots are built in) and calls an HTTPS loopback
//! server whose root CA was added through the builder; and the fallback to
//! Mozilla's roots reaches a server whose certificate chains to one of them.
//! (Its own process: the environment is changed.)
//!
//! No test holds the private key of a root in `webpki-roots`, so that server's
//! certificate names ISRG Root X1 as its issuer and is signed by a key of the
//! test's own; the client's crypto provider is *ring*'s plus one stand-in
//! verifier that accepts a signature by "an RSA key" (the root's) over
//! ECDSA-SHA256 (what the test's key signs). Everything else is the real
//! path: the root store the roots build (the platform's, empty here, then
//! Mozilla's), path building by issuer name to the trust anchor, the leaf's
//! name and dates, and the TLS handshake's own signature with the leaf's key.
//! Two controls show that each half is needed: without Mozilla's roots, or
//! without the stand-in, the handshake fails.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::Arc;

use accuro_client::Transport;
use accuro_fetch::tls::Roots;
use accuro_tests::*;
use rustls::pki_types::{
    AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer, PrivatePkcs8KeyDer,
    ServerName, SignatureVerificationAlgorithm, alg_id,
};

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
    the_mozilla_fallback_reaches_a_server_whose_root_is_mozillas();
}

/// Accepts any signature by an RSA key over ECDSA-SHA256: the stand-in for
/// ISRG Root X1's signature on the test's certificate.
#[derive(Debug)]
struct StandInRootSignature;

impl SignatureVerificationAlgorithm for StandInRootSignature {
    fn verify_signature(&self, _: &[u8], _: &[u8], _: &[u8]) -> Result<(), InvalidSignature> {
        Ok(())
    }
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }
    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA256
    }
}

/// *ring*'s provider, with the stand-in when `stand_in`.
fn provider(stand_in: bool) -> Arc<rustls::crypto::CryptoProvider> {
    let mut provider = rustls::crypto::ring::default_provider();
    if stand_in {
        let algorithms = provider.signature_verification_algorithms;
        let mut all = algorithms.all.to_vec();
        all.push(&StandInRootSignature);
        provider.signature_verification_algorithms = rustls::crypto::WebPkiSupportedAlgorithms {
            all: Box::leak(all.into_boxed_slice()),
            mapping: algorithms.mapping,
        };
    }
    Arc::new(provider)
}

/// A certificate for 127.0.0.1 whose issuer is ISRG Root X1 (signed by a key
/// of the test's own), its key, and the root's subject as webpki-roots holds it.
fn certificate_under_isrg_root_x1() -> (CertificateDer<'static>, PrivateKeyDer<'static>, Vec<u8>) {
    use rcgen::string::PrintableString;
    let anchor = webpki_roots::TLS_SERVER_ROOTS
        .iter()
        .find(|a| {
            a.subject
                .windows(b"ISRG Root X1".len())
                .any(|w| w == b"ISRG Root X1")
        })
        .expect("ISRG Root X1 is one of Mozilla's roots");
    let mut issuer_params =
        rcgen::CertificateParams::new(Vec::<String>::new()).expect("issuer params");
    issuer_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let printable =
        |s: &str| rcgen::DnValue::PrintableString(PrintableString::try_from(s).expect("printable"));
    let mut name = rcgen::DistinguishedName::new();
    name.push(rcgen::DnType::CountryName, printable("US"));
    name.push(
        rcgen::DnType::OrganizationName,
        printable("Internet Security Research Group"),
    );
    name.push(rcgen::DnType::CommonName, printable("ISRG Root X1"));
    issuer_params.distinguished_name = name;
    let issuer_key = rcgen::KeyPair::generate().expect("the stand-in's key");
    let issuer = rcgen::Issuer::new(issuer_params, issuer_key);
    let leaf_key = rcgen::KeyPair::generate().expect("leaf key");
    let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &issuer)
        .expect("leaf");
    (
        CertificateDer::from(leaf.der().to_vec()),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        anchor.subject.to_vec(),
    )
}

/// A loopback TLS server presenting `chain`, answering every request `ok`.
fn serve_chain(chain: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> u16 {
    let config = rustls::ServerConfig::builder_with_provider(provider(false))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![chain], key)
        .expect("server config");
    accuro_tests::tls::serve(Arc::new(config), |_, _| (200, "text/plain", b"ok".to_vec()))
}

/// One request over TLS to 127.0.0.1:`port` with `config`: the answer, or
/// the error.
fn get(port: u16, config: rustls::ClientConfig) -> Result<String, String> {
    let name = ServerName::try_from("127.0.0.1").expect("a server name");
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let mut tls = rustls::StreamOwned::new(conn, stream);
    tls.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    match tls.read_to_string(&mut answer) {
        Ok(_) => Ok(answer),
        // The server's close may come without close_notify being read.
        Err(e) if !answer.is_empty() => Ok(format!("{answer} ({e})")),
        Err(e) => Err(e.to_string()),
    }
}

fn the_mozilla_fallback_reaches_a_server_whose_root_is_mozillas() {
    let (leaf, key, anchor_subject) = certificate_under_isrg_root_x1();
    assert!(
        leaf.windows(anchor_subject.len())
            .any(|w| w == anchor_subject.as_slice()),
        "the certificate's issuer is not written as the root's subject"
    );
    let port = serve_chain(leaf, key);
    // The platform's store (empty here), then Mozilla's as the fallback:
    // what a transport builds by default.
    let fallback = Roots {
        platform: true,
        mozilla: None,
        extra_pem: Vec::new(),
    };
    assert_eq!(
        fallback.store().expect("roots").len(),
        webpki_roots::TLS_SERVER_ROOTS.len(),
        "an empty platform store falls back to Mozilla's roots alone"
    );
    let config = accuro_fetch::tls::client_config_with(provider(true), &fallback, None, Vec::new())
        .expect("client config");
    let answer = get(port, config).expect("the fallback reaches the server");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Controls: without Mozilla's roots (another CA instead), or without the
    // stand-in for the root's signature, the same server is refused.
    let other_ca = TlsServer::accuro().ca_pem;
    let without_mozilla = Roots {
        platform: true,
        mozilla: Some(false),
        extra_pem: vec![other_ca.into_bytes()],
    };
    let config =
        accuro_fetch::tls::client_config_with(provider(true), &without_mozilla, None, Vec::new())
            .expect("client config");
    let refused = get(port, config).expect_err("no Mozilla root, no way to the server");
    assert!(refused.contains("UnknownIssuer"), "{refused}");
    let config =
        accuro_fetch::tls::client_config_with(provider(false), &fallback, None, Vec::new())
            .expect("client config");
    let refused = get(port, config).expect_err("the root's signature is not really there");
    assert!(
        refused.contains("Signature") || refused.contains("signature"),
        "{refused}"
    );
}
