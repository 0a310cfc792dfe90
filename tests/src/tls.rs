//! A loopback HTTPS server with a CA of its own (made by `rcgen`), for the
//! transport's TLS tests: one thread, one request per connection.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// What the server answers a request with: status, media type, body.
pub type Answer = (u16, &'static str, Vec<u8>);

/// A running loopback HTTPS server.
pub struct TlsServer {
    /// Its base URL (`https://127.0.0.1:PORT`).
    pub base_url: String,
    /// The PEM of the CA that signed its certificate.
    pub ca_pem: String,
}

impl TlsServer {
    /// Starts a server answering each request (method, path with query)
    /// with `answer`.
    pub fn start(answer: impl Fn(&str, &str) -> Answer + Send + 'static) -> Self {
        Self::start_with(answer, None).0
    }

    /// A server like [`TlsServer::accuro`] that demands a client certificate
    /// signed by its CA (mutual TLS), with such a client identity
    /// (certificate chain and private key, PEM).
    pub fn accuro_mutual() -> (Self, String, String) {
        let (server, identity) = Self::start_with(accuro_answer, Some(()));
        let (chain, key) = identity.unwrap_or_default();
        (server, chain, key)
    }

    fn start_with(
        answer: impl Fn(&str, &str) -> Answer + Send + 'static,
        mutual: Option<()>,
    ) -> (Self, Option<(String, String)>) {
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Synthetic loopback CA");
        let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
        let leaf_key = rcgen::KeyPair::generate().expect("leaf key");
        let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .expect("leaf params")
            .signed_by(&leaf_key, &ca)
            .expect("leaf");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .expect("versions");
        let mut identity = None;
        let builder = match mutual {
            None => builder.with_no_client_auth(),
            Some(()) => {
                let client_key = rcgen::KeyPair::generate().expect("client key");
                let client = rcgen::CertificateParams::new(vec!["synthetic-client".to_owned()])
                    .expect("client params")
                    .signed_by(&client_key, &ca)
                    .expect("client certificate");
                identity = Some((client.pem(), client_key.serialize_pem()));
                let mut roots = rustls::RootCertStore::empty();
                roots
                    .add(CertificateDer::from(ca.der().to_vec()))
                    .expect("CA root");
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .expect("client verifier");
                builder.with_client_cert_verifier(verifier)
            }
        };
        let config = builder
            .with_single_cert(
                vec![CertificateDer::from(leaf.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .expect("server config");
        let port = serve(Arc::new(config), answer);
        (
            Self {
                base_url: format!("https://127.0.0.1:{port}"),
                ca_pem: ca.pem(),
            },
            identity,
        )
    }

    /// A server answering the token endpoint with a token and every other
    /// request with one synthetic office.
    pub fn accuro() -> Self {
        Self::start(accuro_answer)
    }
}

/// The token endpoint's token, or one synthetic office.
fn accuro_answer(method: &str, path: &str) -> Answer {
    if method == "POST" && path.starts_with("/v1/token") {
        (
            200,
            "application/json",
            br#"{"access_token":"tls-token","token_type":"Bearer","expires_in":3600}"#.to_vec(),
        )
    } else {
        (
            200,
            "application/json",
            br#"[{"officeId":1,"name":"Synthetic office"}]"#.to_vec(),
        )
    }
}

/// Serves `config` on a loopback port of its own, one request per
/// connection, answering each (method, path with query) with `answer`;
/// returns the port. The thread lives as long as the process.
pub fn serve(
    config: Arc<rustls::ServerConfig>,
    answer: impl Fn(&str, &str) -> Answer + Send + 'static,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(&config)) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match tls.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let mut first = head.lines().next().unwrap_or_default().split(' ');
            let (method, path) = (
                first.next().unwrap_or_default(),
                first.next().unwrap_or_default(),
            );
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            let mut body = vec![0u8; length];
            let _ = tls.read_exact(&mut body);
            let (status, media, body) = answer(method, path);
            let response = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {media}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = tls.write_all(response.as_bytes());
            let _ = tls.write_all(&body);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    port
}
