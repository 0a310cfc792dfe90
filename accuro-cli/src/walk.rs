//! `--all-pages`: a cursor-paginated command run page after page, with the
//! client's own rules for the end ([`accuro_client::pagination::pages`]),
//! and a progress bar on stderr when stderr is a terminal.

use std::cell::RefCell;
use std::time::Duration;

use accuro_client::pagination::{Page, pages};
use clap::ArgMatches;
use futures_util::StreamExt as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;

use crate::exit::Failure;
use crate::generated::{Cli, CliCommand};
use crate::output::{Answer, Output};

/// A page answer as JSON.
struct JsonPage(Value);

impl Page for JsonPage {
    type Item = Value;
    fn last_id(&self) -> Option<i64> {
        self.0.get("lastId").and_then(Value::as_i64)
    }
    fn take_items(&mut self) -> Vec<Value> {
        match self.0.get_mut("contents").map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        }
    }
    fn is_empty(&self) -> bool {
        self.0
            .get("contents")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
    }
}

/// Whether a progress bar is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// On stderr, when stderr is a terminal.
    OnTerminal,
    /// Never (`--verbose` writes its lines to stderr).
    Hidden,
}

/// A walk to run.
pub struct Walk<'a> {
    /// The generated commands.
    pub cli: &'a Cli<Output>,
    /// Their output, shared with `cli`.
    pub output: &'a Output,
    /// The paginated command.
    pub command: CliCommand,
    /// Its arguments.
    pub matches: &'a ArgMatches,
    /// The `--page-size` given, else 50 (Accuro's largest).
    pub page_size: Option<i32>,
    /// The progress bar.
    pub bar: Bar,
}

/// The bar, cleared however the walk ends.
struct Progress(ProgressBar);

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

impl Walk<'_> {
    /// Runs the command page after page, handing every item to `sink` (while
    /// the bar is lifted off the terminal). Returns the pages read.
    pub async fn run(
        &self,
        mut sink: impl FnMut(Value) -> Result<(), Failure>,
    ) -> Result<usize, Failure> {
        let target = match self.bar {
            Bar::OnTerminal => ProgressDrawTarget::stderr(),
            Bar::Hidden => ProgressDrawTarget::hidden(),
        };
        let progress = Progress(ProgressBar::with_draw_target(None, target));
        let bar = &progress.0;
        if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.set_prefix(self.command.name());
        bar.set_message("first page");
        bar.enable_steady_tick(Duration::from_millis(120));

        // A failure that is not the client's (a page that is not a page,
        // say) ends the stream; it is kept here and returned after.
        let stopped: RefCell<Option<Failure>> = RefCell::new(None);
        let fetch = |size: i32, cursor: Option<i64>| {
            let stopped = &stopped;
            async move {
                self.output.set_page(Some(size), cursor);
                let stop = |failure: Failure| {
                    *stopped.borrow_mut() = Some(failure);
                    Ok(JsonPage(Value::Null))
                };
                if let Err(e) = self.cli.execute(self.command, self.matches).await {
                    return match Failure::from_command(e) {
                        Failure::Client(e) => Err(e),
                        other => stop(other),
                    };
                }
                match self.output.take() {
                    Some(Answer::Value(page)) => match page.get("contents") {
                        None | Some(Value::Null | Value::Array(_)) => Ok(JsonPage(page)),
                        Some(_) => stop(Failure::Usage(format!(
                            "{}: its `contents` is not a list; run it without --all-pages",
                            self.command.name()
                        ))),
                    },
                    _ => stop(Failure::Other("a page came back without a body".into())),
                }
            }
        };
        let mut pages_read = 0_usize;
        let mut items = 0_usize;
        let mut stream = std::pin::pin!(pages(self.page_size.unwrap_or(50), fetch));
        while let Some(page) = stream.next().await {
            let mut page = page?;
            pages_read = pages_read.saturating_add(1);
            let page_items = page.take_items();
            items = items.saturating_add(page_items.len());
            bar.suspend(|| page_items.into_iter().try_for_each(&mut sink))?;
            bar.set_message(format!("page {pages_read}, {items} items"));
        }
        let stopped = stopped.borrow_mut().take();
        match stopped {
            Some(failure) => Err(failure),
            None => Ok(pages_read),
        }
    }
}
