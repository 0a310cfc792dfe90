//! A loopback server that cuts connections, as a crashing gateway does.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A loopback server that issues tokens but cuts every other connection
/// without answering (a connection reset, as a crashing gateway does).
pub struct CuttingServer {
    /// Its base URL.
    pub uri: String,
    /// REST connections it cut.
    pub cut: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

/// What the server answers a REST request once it has cut `first` of them.
#[derive(Clone, Copy)]
pub struct ThenAnswer {
    /// The status line's code and reason (`404 Not Found`).
    pub status: &'static str,
    /// A JSON body.
    pub body: &'static str,
}

impl CuttingServer {
    /// Starts it on 127.0.0.1: every REST connection is cut.
    pub async fn start() -> Self {
        Self::cutting_first(usize::MAX, None).await
    }

    /// Starts it on 127.0.0.1: the first `first` REST connections are cut
    /// after their request was read, later ones answered with `then`.
    pub async fn cutting_first(first: usize, then: Option<ThenAnswer>) -> Self {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let cut = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&cut);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let mut read = 0;
                    // Read the request head (and a small body).
                    loop {
                        match stream.read(&mut buf[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                        let text = String::from_utf8_lossy(&buf[..read]);
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let length = text[..head_end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if read >= head_end + 4 + length {
                                break;
                            }
                        }
                    }
                    if buf.starts_with(b"POST /v1/token") {
                        let body = r#"{"access_token":"token-1","expires_in":3600}"#;
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(answer.as_bytes()).await;
                    } else if counter.load(Ordering::SeqCst) >= first
                        && let Some(then) = then
                    {
                        let answer = format!(
                            "HTTP/1.1 {}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
                            then.status,
                            then.body.len(),
                            then.body
                        );
                        let _ = stream.write_all(answer.as_bytes()).await;
                    } else {
                        counter.fetch_add(1, Ordering::SeqCst);
                        // Dropping the stream closes it without an answer.
                    }
                });
            }
        });
        Self { uri, cut, task }
    }
}

impl Drop for CuttingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
