//! The shared token-request backoff in Redis:
//! `failures,status,rejected,until` (`until` in Unix milliseconds) under the
//! token key's hashed name, kept a minute past the window (`SET PX`) so that
//! the next failure doubles it. It holds no secret; a value that does not
//! read is no backoff, and a window read is never longer than a minute, so
//! a forged one cannot hold the clients off longer than their own backoff
//! would.

use std::time::Duration;

use super::{RedisStore, millis, unix_millis};
use crate::token::{RENEWAL_BACKOFF_MAX, StoreError, StoreKey, StoredBackoff};

impl RedisStore {
    /// The backoff recorded for `key`, with the time its window has left.
    pub(super) async fn load_backoff(
        &self,
        key: &StoreKey,
    ) -> Result<Option<StoredBackoff>, StoreError> {
        let name = self.name("backoff", key.as_str());
        let value: Option<String> = self.run(redis::cmd("GET").arg(&name)).await?;
        Ok(value.and_then(|v| parse(&v, unix_millis())))
    }

    /// Records `backoff` for `key`, its window from now.
    pub(super) async fn save_backoff(
        &self,
        key: &StoreKey,
        backoff: &StoredBackoff,
    ) -> Result<(), StoreError> {
        let ms = millis(backoff.window.min(RENEWAL_BACKOFF_MAX));
        let status = backoff.status.map(|s| s.to_string()).unwrap_or_default();
        let until = unix_millis().saturating_add(ms);
        let value = format!(
            "{},{status},{},{until}",
            backoff.failures,
            u8::from(backoff.rejected)
        );
        // Kept a minute past the window: the next failure doubles it.
        let _: () = self
            .run(
                redis::cmd("SET")
                    .arg(self.name("backoff", key.as_str()))
                    .arg(value)
                    .arg("PX")
                    .arg(ms.saturating_add(millis(RENEWAL_BACKOFF_MAX)).max(1)),
            )
            .await?;
        Ok(())
    }

    /// Forgets the backoff of `key`.
    pub(super) async fn delete_backoff(&self, key: &StoreKey) -> Result<(), StoreError> {
        let _: i64 = self
            .run(redis::cmd("DEL").arg(self.name("backoff", key.as_str())))
            .await?;
        Ok(())
    }
}

/// `failures,status,rejected,until` read at `now` (Unix milliseconds); the
/// window left at most a minute; `None` if it does not read.
fn parse(value: &str, now: u64) -> Option<StoredBackoff> {
    let mut parts = value.split(',');
    let failures = parts.next()?.parse().ok()?;
    let status = match parts.next()? {
        "" => None,
        s => Some(s.parse().ok()?),
    };
    let rejected = parts.next()? == "1";
    let until: u64 = parts.next()?.parse().ok()?;
    let left = Duration::from_millis(until.saturating_sub(now)).min(RENEWAL_BACKOFF_MAX);
    parts.next().is_none().then_some(StoredBackoff {
        failures,
        status,
        rejected,
        window: left,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_and_odd_ones_are_no_backoff() {
        assert_eq!(
            parse("3,503,0,10000", 7_000),
            Some(StoredBackoff {
                failures: 3,
                status: Some(503),
                rejected: false,
                window: Duration::from_secs(3)
            })
        );
        assert_eq!(
            parse("1,,1,5", 9).map(|b| (b.status, b.rejected, b.window)),
            Some((None, true, Duration::ZERO))
        );
        // A window written far ahead is read as a minute at most.
        assert_eq!(
            parse("1,503,0,99999999", 0).map(|b| b.window),
            Some(Duration::from_secs(60))
        );
        for odd in [
            "",
            "x,503,0,1",
            "1,abc,0,1",
            "1,503,0",
            "1,503,0,1,9",
            "1,503,0,-1",
        ] {
            assert_eq!(parse(odd, 0), None, "{odd}");
        }
    }
}
