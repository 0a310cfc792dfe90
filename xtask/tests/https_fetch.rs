//! `vendor-diff` and `import` read an `https://` URL like a file, through a
//! loopback TLS server whose root CA is given with `--ca-cert`; and the fetch
//! refuses what it must: plain http, an untrusted server, a wrong media type,
//! an answer over the cap. No error shows the URL's query.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use xtask::source::Source;
use xtask::vendor_diff;

/// A loopback HTTPS server answering every request with one document.
struct Server {
    port: u16,
    ca_pem: String,
}

/// What the server answers.
#[derive(Clone)]
struct Answer {
    body: Vec<u8>,
    content_type: &'static str,
    content_length: bool,
    /// Answer `302 Found` to this location instead.
    redirect: Option<String>,
}

/// A CA, a certificate for 127.0.0.1 signed by it, and a server using it on
/// a thread of its own.
fn serve(answer: Answer) -> Server {
    let ca_key = rcgen::KeyPair::generate().expect("CA key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Loopback test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA");
    let leaf_key = rcgen::KeyPair::generate().expect("leaf key");
    let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &ca)
        .expect("leaf");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .expect("server config");
    let config = Arc::new(config);
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
            // Read the request head (the handshake happens on the way).
            while !head.ends_with(b"\r\n\r\n") {
                match tls.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            if !head.ends_with(b"\r\n\r\n") {
                continue;
            }
            let mut response = match &answer.redirect {
                Some(location) => format!("HTTP/1.1 302 Found\r\nLocation: {location}\r\n"),
                None => "HTTP/1.1 200 OK\r\n".to_owned(),
            };
            response.push_str(&format!(
                "Content-Type: {}\r\nConnection: close\r\n",
                answer.content_type
            ));
            if answer.content_length {
                response.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
            }
            response.push_str("\r\n");
            let _ = tls.write_all(response.as_bytes());
            let _ = tls.write_all(&answer.body);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    Server {
        port,
        ca_pem: ca.pem(),
    }
}

fn workspace() -> PathBuf {
    xtask::paths::project_root()
}

/// QHR's file when `../shared` is beside the checkout, else our own spec:
/// either way a real OpenAPI document.
fn document() -> (PathBuf, &'static str) {
    let vendor = workspace().join("../shared/reference/accuro-rest-api-10.13.0.json");
    if vendor.exists() {
        (vendor, "application/json")
    } else {
        (workspace().join("spec/accuro.yaml"), "application/yaml")
    }
}

fn ca_file(server: &Server) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, &server.ca_pem).expect("write the CA");
    (dir, path)
}

#[test]
fn vendor_diff_reads_an_https_url_exactly_like_the_file() {
    let (path, media) = document();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("doc");
    let server = serve(Answer {
        body: std::fs::read(&path).expect("the document"),
        content_type: media,
        content_length: false,
        redirect: None,
    });
    let (_dir, ca) = ca_file(&server);
    let url = format!(
        "https://127.0.0.1:{}/files/{name}?sig=SECRET-QUERY",
        server.port
    );
    let args = |vendor: Source| vendor_diff::Args {
        vendor,
        ca_cert: Some(ca.clone()),
        spec: workspace().join("spec/accuro.yaml"),
        allow: workspace().join("spec/vendor-differences.yaml"),
        allow_given: true,
        all: true,
        json: false,
    };
    let fetched = vendor_diff::run(&args(Source::parse(&url))).unwrap_or_else(|e| panic!("{e}"));
    let local =
        vendor_diff::run(&args(Source::File(path.clone()))).unwrap_or_else(|e| panic!("{e}"));
    let shown_url = format!("https://127.0.0.1:{}/files/{name}", server.port);
    let text = fetched.render();
    assert!(!text.contains("SECRET-QUERY"), "the query is shown");
    assert_eq!(
        text.replace(&shown_url, "VENDOR"),
        local
            .render()
            .replace(&Source::File(path).display(), "VENDOR"),
    );
    assert_eq!(fetched.is_success(), local.is_success());
}

#[test]
fn import_reads_an_https_url_exactly_like_the_file() {
    let (path, media) = document();
    let server = serve(Answer {
        body: std::fs::read(&path).expect("the document"),
        content_type: media,
        content_length: true,
        redirect: None,
    });
    let (dir, ca) = ca_file(&server);
    let spec = dir.path().join("accuro.yaml");
    std::fs::copy(workspace().join("spec/accuro.yaml"), &spec).expect("copy the spec");
    let suffix = if media == "application/json" {
        "json"
    } else {
        "yaml"
    };
    let url = format!("https://127.0.0.1:{}/qhr.{suffix}", server.port);
    let run = |vendor: Source| {
        xtask::import::run(&xtask::import::Args {
            vendor,
            ca_cert: Some(ca.clone()),
            spec: spec.clone(),
            selection: xtask::import::Selection::Missing,
            dry_run: true,
        })
        .map(|o| (o.imported.len(), o.dry_run_text))
    };
    assert_eq!(run(Source::parse(&url)), run(Source::File(path)));
}

#[test]
fn plain_http_is_refused() {
    let error = Source::parse("http://127.0.0.1:9/qhr.json")
        .read_text(None)
        .expect_err("http");
    assert!(error.contains("https only"), "{error}");
}

#[test]
fn a_server_outside_the_trusted_roots_is_refused() {
    let server = serve(Answer {
        body: b"{}".to_vec(),
        content_type: "application/json",
        content_length: true,
        redirect: None,
    });
    let url = format!(
        "https://127.0.0.1:{}/qhr.json?sig=SECRET-QUERY",
        server.port
    );
    let error = Source::parse(&url).read_text(None).expect_err("untrusted");
    assert!(error.contains("certificate"), "{error}");
    assert!(!error.contains("SECRET-QUERY"), "{error}");
}

#[test]
fn a_wrong_media_type_is_refused() {
    let server = serve(Answer {
        body: b"<html>sign in</html>".to_vec(),
        content_type: "text/html; charset=utf-8",
        content_length: true,
        redirect: None,
    });
    let (_dir, ca) = ca_file(&server);
    let url = format!("https://127.0.0.1:{}/qhr.json", server.port);
    let error = Source::parse(&url).read_text(Some(&ca)).expect_err("html");
    assert!(error.contains("text/html"), "{error}");
}

#[test]
fn an_answer_over_the_cap_is_refused_with_or_without_a_length() {
    for content_length in [true, false] {
        let server = serve(Answer {
            body: vec![b' '; 4096],
            content_type: "application/json",
            content_length,
            redirect: None,
        });
        let options = accuro_fetch::Options {
            extra_roots_pem: Some(server.ca_pem.clone().into_bytes()),
            max_bytes: 1024,
            ..accuro_fetch::Options::default()
        };
        let url = format!("https://127.0.0.1:{}/qhr.json", server.port);
        let error = accuro_fetch::fetch_blocking(&url, &options).expect_err("too large");
        assert!(
            matches!(
                error,
                accuro_fetch::FetchError::TooLarge { limit: 1024, .. }
            ),
            "{error}"
        );
    }
}

#[test]
fn a_redirect_to_http_is_refused_without_showing_its_query() {
    let server = serve(Answer {
        body: Vec::new(),
        content_type: "application/json",
        content_length: true,
        redirect: Some("http://127.0.0.1:9/qhr.json?sig=SECRET-QUERY".into()),
    });
    let (_dir, ca) = ca_file(&server);
    let url = format!("https://127.0.0.1:{}/qhr.json", server.port);
    let error = Source::parse(&url)
        .read_text(Some(&ca))
        .expect_err("redirect to http");
    assert!(error.contains("redirect"), "{error}");
    assert!(!error.contains("SECRET-QUERY"), "{error}");
}
