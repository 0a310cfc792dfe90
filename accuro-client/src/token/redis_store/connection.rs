//! The connection: opened on first use, each one a generation; commands
//! run under the response timeout, and a connection whose commands time out
//! or fail twice in a row is replaced.

use std::sync::atomic::Ordering;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::RedisStore;
use crate::token::store::StoreError;

impl RedisStore {
    /// The connection and its generation: the current one, or a new one
    /// (opened in the background at once, so that its first command need
    /// not wait for it). Outside a Tokio runtime there is none.
    fn connection(&self) -> Result<(u64, ConnectionManager), StoreError> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(StoreError::Unavailable("no Tokio runtime".into()));
        };
        let mut slot = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((generation, connection)) = slot.as_ref() {
            return Ok((*generation, connection.clone()));
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            .map_err(store_error)?;
        let mut warm = connection.clone();
        let timeout = self.connect_timeout;
        runtime.spawn(async move {
            let ping = redis::cmd("PING");
            let _ = tokio::time::timeout(timeout, ping.query_async::<String>(&mut warm)).await;
        });
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        self.failures.store(0, Ordering::Relaxed);
        *slot = Some((generation, connection.clone()));
        Ok((generation, connection))
    }

    /// Runs `cmd` (a command or a pipeline) under the response timeout.
    /// A command that times out, or whose connection fails, counts against
    /// its connection; after two in a row the connection is replaced. (A
    /// command dropped unanswered counts only if it waited the whole
    /// response timeout; an error the server answers does not count.)
    pub(super) async fn run<'o, T: redis::FromRedisValue>(
        &self,
        op: impl Into<Op<'o>>,
    ) -> Result<T, StoreError> {
        let op = op.into();
        let (generation, mut conn) = self.connection()?;
        let mut attempt = Attempt {
            store: self,
            generation,
            started: tokio::time::Instant::now(),
            verdict: None,
        };
        let sent = async {
            match op {
                Op::Cmd(cmd) => cmd.query_async(&mut conn).await,
                Op::Pipe(pipe) => pipe.query_async(&mut conn).await,
            }
        };
        let outcome = match tokio::time::timeout(self.response_timeout, sent).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                let broken = e.is_timeout()
                    || e.is_io_error()
                    || e.is_connection_dropped()
                    || e.is_connection_refusal();
                attempt.verdict = Some(!broken);
                Err(store_error(e))
            }
            Err(_) => {
                attempt.verdict = Some(false);
                Err(StoreError::Timeout)
            }
        };
        if outcome.is_ok() {
            attempt.verdict = Some(true);
        }
        outcome
    }

    /// Records how a command on connection `generation` ended: `true`, the
    /// connection answered; `false`, it did not.
    fn record(&self, generation: u64, healthy: bool) {
        let mut slot = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        if slot
            .as_ref()
            .is_none_or(|(current, _)| *current != generation)
        {
            return; // an older connection's command
        }
        if healthy {
            self.failures.store(0, Ordering::Relaxed);
        } else if self.failures.fetch_add(1, Ordering::Relaxed) >= 1 {
            *slot = None;
        }
    }
}

/// A redis-rs error, told by its kind (never a value or the URL).
fn store_error(e: redis::RedisError) -> StoreError {
    if e.is_timeout() {
        StoreError::Timeout
    } else if e.is_connection_refusal() {
        StoreError::Unavailable("connection refused".into())
    } else if e.is_connection_dropped() || e.is_io_error() {
        StoreError::Unavailable("connection lost".into())
    } else {
        StoreError::Unavailable(format!("{:?}", e.kind()))
    }
}

/// A command in flight: how it ended is recorded when it is dropped. One
/// dropped unanswered (a caller's timeout, a cancelled call) counts as a
/// failure only if it had waited the whole response timeout.
struct Attempt<'a> {
    store: &'a RedisStore,
    generation: u64,
    started: tokio::time::Instant,
    /// Whether the connection answered, once known.
    verdict: Option<bool>,
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        let healthy = match self.verdict {
            Some(healthy) => healthy,
            None if self.started.elapsed() >= self.store.response_timeout => false,
            None => return,
        };
        self.store.record(self.generation, healthy);
    }
}

/// A command or a pipeline.
pub(super) enum Op<'a> {
    Cmd(&'a redis::Cmd),
    Pipe(&'a redis::Pipeline),
}

impl<'a> From<&'a redis::Cmd> for Op<'a> {
    fn from(cmd: &'a redis::Cmd) -> Self {
        Op::Cmd(cmd)
    }
}

impl<'a> From<&'a mut redis::Cmd> for Op<'a> {
    fn from(cmd: &'a mut redis::Cmd) -> Self {
        Op::Cmd(cmd)
    }
}

impl<'a> From<&'a redis::Pipeline> for Op<'a> {
    fn from(pipe: &'a redis::Pipeline) -> Self {
        Op::Pipe(pipe)
    }
}

impl<'a> From<&'a mut redis::Pipeline> for Op<'a> {
    fn from(pipe: &'a mut redis::Pipeline) -> Self {
        Op::Pipe(pipe)
    }
}
