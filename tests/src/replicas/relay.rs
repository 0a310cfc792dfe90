//! A TCP relay that can silence the connections it holds open.

use std::net::SocketAddr;
use std::sync::Arc;

/// A TCP relay to a server that can go silent: after [`cut`](Self::cut),
/// the connections already open stay open and forward nothing (a network
/// partition, a failover behind one address, a dropped NAT entry), while
/// new connections are relayed as before.
pub struct SilentRelay {
    addr: SocketAddr,
    generation: Arc<std::sync::atomic::AtomicU64>,
}

impl SilentRelay {
    /// Relays 127.0.0.1:(a new port) to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the relay");
        let addr = listener.local_addr().expect("the relay's address");
        let generation = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let current = Arc::clone(&generation);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let born = current.load(std::sync::atomic::Ordering::SeqCst);
                let current = Arc::clone(&current);
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let live = move || current.load(std::sync::atomic::Ordering::SeqCst) == born;
                    let live_too = live.clone();
                    let up = relay(&mut client_read, &mut server_write, live);
                    let down = relay(&mut server_read, &mut client_write, live_too);
                    let _ = tokio::join!(up, down);
                    // Cut: the sockets stay open and silent until the test ends.
                    std::future::pending::<()>().await;
                });
            }
        });
        Self { addr, generation }
    }

    /// Its URL, as a Redis URL.
    pub fn redis_url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// Silences the connections open now.
    pub fn cut(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Copies `from` to `to` while `live()`; then reads and drops.
async fn relay(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    live: impl Fn() -> bool,
) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if live() && to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
