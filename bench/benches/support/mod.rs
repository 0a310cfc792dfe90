//! A minimal HTTP/1.1 keep-alive server on 127.0.0.1 for the benchmarks, on
//! its own thread and runtime. It answers every request with a fixed body
//! (a token for `POST /v1/token`, one office otherwise): its cost is small and
//! the same for every client measured, so client-side differences show.
//! Hand-rolled rather than hyper or axum on purpose: nothing to configure,
//! nothing that varies between runs.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

pub const TOKEN: &str = "bench-access-token-0123456789abcdef0123456789abcdef";
/// One office in the real shape: address object, Phone objects, Email object.
pub const OFFICES: &str = concat!(
    r#"[{"officeId":1,"name":"Synthetic Family Clinic","#,
    r#""address":{"street":"100 Example Street","city":"Kelowna","postalZip":"V1V 0A0","locationId":2},"#,
    r#""officePhone":{"number":"(250) 555-0100","contactType":"OfficePhone"},"#,
    r#""fax":{"number":"(250) 555-0101","contactType":"FaxPhone"},"#,
    r#""email":{"address":"front-desk@clinic.example","order":1},"abbreviation":"SFC","active":true}]"#
);

fn answer(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Starts the server; returns its address. It runs until the process ends.
pub fn start() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            let token =
                format!(r#"{{"token_type":"Bearer","expires_in":3600,"access_token":"{TOKEN}"}}"#);
            let token_answer: &'static [u8] = Box::leak(answer(&token).into_boxed_slice());
            let offices_answer: &'static [u8] = Box::leak(answer(OFFICES).into_boxed_slice());
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut filled = 0;
                    loop {
                        match stream.read(&mut buf[filled..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => filled += n,
                        }
                        // Answer every complete request in the buffer.
                        while let Some(head_end) =
                            buf[..filled].windows(4).position(|w| w == b"\r\n\r\n")
                        {
                            let head =
                                String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| {
                                    l.strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            let total = head_end + 4 + length;
                            if filled < total {
                                break;
                            }
                            let reply = if head.starts_with("post /v1/token") {
                                token_answer
                            } else {
                                offices_answer
                            };
                            if stream.write_all(reply).await.is_err() {
                                return;
                            }
                            buf.copy_within(total..filled, 0);
                            filled -= total;
                        }
                        if filled == buf.len() {
                            return;
                        }
                    }
                });
            }
        });
    });
    rx.recv().expect("server address")
}

/// The benchmark clinic's settings, pointed at the server at `addr`.
pub fn clinic(addr: SocketAddr) -> accuro_client::ClinicConfig {
    accuro_client::ClinicConfig::new()
        .base_url(format!("http://{addr}"))
        .tenant("benchclinic")
        .client_id("bench-client")
        .client_secret("bench-secret")
        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
        .subscription_key("bench-subscription-key")
        .clinic_uuid("0f0e0d0c-0b0a-4909-8807-060504030201")
}

/// A client of the benchmark server over `transport` (and its connection pool).
pub fn client(addr: SocketAddr, transport: &accuro_client::Transport) -> accuro_client::Client {
    transport.clinic(clinic(addr)).expect("bench client")
}

/// `authenticate()` on a client with a valid token cached, polled once with
/// a no-op waker: the hit path alone, no executor.
#[allow(dead_code, reason = "used by the token benches, not by every bench")]
pub fn authenticate_cached(client: &accuro_client::Client) {
    let mut call = std::pin::pin!(client.authenticate());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match call.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(result) => result.expect("cached"),
        std::task::Poll::Pending => unreachable!("a cached token is ready at once"),
    }
}
