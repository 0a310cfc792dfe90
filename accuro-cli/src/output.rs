//! [`Output`]: the CLI's `CliConfig`. Answers are captured as JSON values;
//! the shell prints them (`print`) once the command has run, or walks
//! pages with them.

use std::cell::{Cell, RefCell};
use std::io::{IsTerminal as _, Write as _};
use std::rc::Rc;

use accuro_client::{ByteStream, Error, ResponseValue};
use futures_util::StreamExt as _;
use serde::Serialize;
use serde_json::Value;

use crate::generated::CliConfig;
use crate::table;

/// How answers are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON document per line.
    Json,
    /// A table for lists, key and value for one record.
    Table,
}

/// The generated commands' `CliConfig`: keeps the last answer for the
/// shell. Clones share it (the `Cli` holds one, the shell another).
#[derive(Default, Clone)]
pub struct Output {
    inner: Rc<Kept>,
}

#[derive(Default)]
struct Kept {
    answer: RefCell<Option<Answer>>,
    page: Cell<Option<(Option<i32>, Option<i64>)>>,
}

/// What the last command answered.
#[derive(Debug)]
pub enum Answer {
    /// A JSON body.
    Value(Value),
    /// No body.
    Empty,
    /// A byte stream, already written to stdout.
    Streamed,
}

impl Output {
    /// Takes the last answer out.
    pub fn take(&self) -> Option<Answer> {
        self.inner.answer.borrow_mut().take()
    }

    /// The page size and cursor the next paginated command sends.
    pub fn set_page(&self, size: Option<i32>, cursor: Option<i64>) {
        self.inner.page.set(Some((size, cursor)));
    }

    fn keep(&self, answer: Answer) {
        *self.inner.answer.borrow_mut() = Some(answer);
    }

    fn keep_value<T: Serialize>(&self, value: &T) {
        // A generated type always serializes; `Null` keeps the answer's
        // place if one ever does not.
        self.keep(Answer::Value(
            serde_json::to_value(value).unwrap_or(Value::Null),
        ));
    }
}

impl CliConfig for Output {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: serde::Serialize,
    {
        self.keep_value(&**value);
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {
        self.keep(Answer::Empty);
    }

    fn error(&self, _: &Error) {}

    fn list_start<T>(&self)
    where
        T: serde::Serialize,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: serde::Serialize,
    {
        self.keep_value(value);
    }

    fn list_end_success<T>(&self)
    where
        T: serde::Serialize,
    {
    }

    fn list_end_error(&self, _: &Error) {}

    fn page_request(&self) -> Option<(Option<i32>, Option<i64>)> {
        self.inner.page.get()
    }

    async fn success_stream(&self, value: ResponseValue<ByteStream>) -> anyhow::Result<()> {
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            anyhow::bail!(
                "the answer is a file: send standard output to a file (`> file`) or a pipe"
            );
        }
        let mut out = stdout.lock();
        let mut body = value.into_inner().into_inner();
        while let Some(chunk) = body.next().await {
            // The transport's error may name the URL: only its kind is told.
            let chunk = chunk.map_err(|e| {
                anyhow::anyhow!(
                    "the answer's body could not be read ({})",
                    if e.is_timeout() {
                        "timed out"
                    } else {
                        "connection failed"
                    }
                )
            })?;
            out.write_all(&chunk)?;
        }
        out.flush()?;
        self.keep(Answer::Streamed);
        Ok(())
    }
}

/// Writes `text` and a newline to stdout.
pub fn write_text(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Prints one answer to stdout.
pub fn print(answer: &Answer, format: Format) -> std::io::Result<()> {
    let Answer::Value(value) = answer else {
        return Ok(());
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            crate::json::write(&mut out, value)?;
            out.write_all(b"\n")?;
        }
        Format::Table => {
            out.write_all(table::render(value).as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}
