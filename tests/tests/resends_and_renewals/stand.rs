//! A loopback stand-in on the test's own runtime, so that it works on a
//! paused clock and can hold token answers until the test releases them.

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

struct StandState {
    expires_in: i64,
    refresh_tokens: bool,
    /// Token answers wait while this is `false`.
    gate: watch::Sender<bool>,
    token_bodies: Mutex<Vec<String>>,
    bearers: Mutex<Vec<String>>,
}

/// `POST /v1/token` answers `token-N` (and `refresh-N` when asked) once the
/// gate is open; `GET /rest/v1/offices` answers `[]`. Every answer closes its
/// connection (nothing is pooled). Records token bodies and bearers.
pub(crate) struct Stand {
    pub(crate) uri: String,
    state: Arc<StandState>,
    task: JoinHandle<()>,
}

impl Stand {
    pub(crate) async fn start(expires_in: i64, refresh_tokens: bool, open: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(StandState {
            expires_in,
            refresh_tokens,
            gate: watch::Sender::new(open),
            token_bodies: Mutex::default(),
            bearers: Mutex::default(),
        });
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Self { uri, state, task }
    }

    pub(crate) fn open(&self) {
        self.state.gate.send_replace(true);
    }

    pub(crate) fn close(&self) {
        self.state.gate.send_replace(false);
    }

    pub(crate) fn token_requests(&self) -> usize {
        self.state.token_bodies.lock().expect("lock").len()
    }

    pub(crate) fn token_bodies(&self) -> Vec<String> {
        self.state.token_bodies.lock().expect("lock").clone()
    }

    pub(crate) fn bearers(&self) -> Vec<String> {
        self.state.bearers.lock().expect("lock").clone()
    }

    /// Stops listening: connecting to its port is then refused.
    pub(crate) async fn stop(&mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for Stand {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request: its head and its body (by `content-length`).
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned();
                return Some((head.to_owned(), body));
            }
        }
    }
}

async fn serve(mut stream: TcpStream, state: Arc<StandState>) {
    let Some((head, body)) = read_request(&mut stream).await else {
        return;
    };
    let first = head.lines().next().unwrap_or_default().to_owned();
    let (status, answer) = if first.starts_with("POST /v1/token") {
        let n = {
            let mut bodies = state.token_bodies.lock().expect("lock");
            bodies.push(body);
            bodies.len()
        };
        let mut gate = state.gate.subscribe();
        if gate.wait_for(|open| *open).await.is_err() {
            return;
        }
        let mut token = json!({
            "token_type": "Bearer",
            "access_token": format!("token-{n}"),
            "expires_in": state.expires_in,
        });
        if state.refresh_tokens {
            token["refresh_token"] = json!(format!("refresh-{n}"));
        }
        ("200 OK", token.to_string())
    } else if first.starts_with("GET /rest/v1/offices") {
        let bearer = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("authorization")
                    .then(|| value.trim().to_owned())
            })
            .unwrap_or_default();
        state.bearers.lock().expect("lock").push(bearer);
        ("200 OK", "[]".to_owned())
    } else {
        ("404 Not Found", r#"{"error":"Not Found"}"#.to_owned())
    };
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}
