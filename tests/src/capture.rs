//! Everything `tracing` prints at TRACE, and every `log` record of the
//! libraries beneath, captured for the leak tests.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::format::FmtSpan;

/// A writer keeping what it is given.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Installs the global subscriber at TRACE (spans included) writing into
    /// a new capture, and the `log` bridge, so that what the libraries
    /// beneath log through the `log` crate (reqwest, rustls, ...) is captured
    /// too. Once per test binary.
    pub fn install_trace() -> Capture {
        // wiremock is the tests' stand-in for Accuro: it logs what it
        // receives, which is everything the client sends, by design. It is
        // the server's output, not the client's.
        tracing_log::LogTracer::builder()
            .ignore_crate("wiremock")
            .init()
            .expect("no other `log` logger in a leak test");
        let capture = Capture::default();
        let writer = capture.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        capture
    }

    /// Forgets what was written so far.
    pub fn clear(&self) {
        if let Ok(mut bytes) = self.0.lock() {
            bytes.clear();
        }
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        self.0
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
