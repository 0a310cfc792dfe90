//! `--all-pages`: a cursor-paginated command run page after page, with the
//! client's own rules for the end ([`accuro_client::pagination::pages`]),
//! and a progress bar on stderr when stderr is a terminal.

use std::cell::RefCell;

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

/// How far a walk went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Walked {
    /// Pages read.
    pub pages: usize,
    /// Items handed to the sink.
    pub items: usize,
}

/// Runs `command` page after page, handing every item to `sink`.
/// `page_size`: the `--page-size` given, else 50 (Accuro's largest).
pub async fn all_pages(
    cli: &Cli<Output>,
    output: &Output,
    command: CliCommand,
    matches: &ArgMatches,
    page_size: Option<i32>,
    mut sink: impl FnMut(Value) -> Result<(), Failure>,
) -> Result<Walked, Failure> {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix}: {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_prefix(command.name());
    bar.set_message("first page");
    bar.tick();

    // A failure that is not the client's (a page that is not JSON, say)
    // ends the stream; it is kept here and returned after.
    let stopped: RefCell<Option<Failure>> = RefCell::new(None);
    let fetch = |size: i32, cursor: Option<i64>| {
        let stopped = &stopped;
        async move {
            output.set_page(Some(size), cursor);
            let end = || Ok(JsonPage(Value::Null));
            if let Err(e) = cli.execute(command, matches).await {
                return match Failure::from_command(e) {
                    Failure::Client(e) => Err(e),
                    other => {
                        *stopped.borrow_mut() = Some(other);
                        end()
                    }
                };
            }
            match output.take() {
                Some(Answer::Value(page)) => Ok(JsonPage(page)),
                _ => {
                    *stopped.borrow_mut() =
                        Some(Failure::Other("a page came back without a body".into()));
                    end()
                }
            }
        }
    };
    let mut walked = Walked::default();
    let mut stream = std::pin::pin!(pages(page_size.unwrap_or(50), fetch));
    while let Some(page) = stream.next().await {
        let mut page = match page {
            Ok(page) => page,
            Err(e) => {
                bar.finish_and_clear();
                return Err(Failure::Client(e));
            }
        };
        walked.pages = walked.pages.saturating_add(1);
        for item in page.take_items() {
            sink(item)?;
            walked.items = walked.items.saturating_add(1);
        }
        bar.set_message(format!("page {}, {} items", walked.pages, walked.items));
        bar.tick();
    }
    bar.finish_and_clear();
    let stopped = stopped.borrow_mut().take();
    match stopped {
        Some(failure) => Err(failure),
        None => Ok(walked),
    }
}
