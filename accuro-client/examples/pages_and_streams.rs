//! Cursor pages: one page, every page as a stream, every item as a stream.
//!
//! ```sh
//! eval "$(cargo xtask sandbox --print-env)"
//! cargo run -p accuro-client --example pages_and_streams
//! ```
//!
//! Accuro pages by cursor: a page's `lastId` is the next request's
//! `startingId`. The streams follow it to the end, cap `pageSize` at 50, go on
//! past pages that permission filtering emptied, and end after an error.

use std::process::ExitCode;

use accuro_client::{Client, Error};
use futures_util::{StreamExt as _, TryStreamExt as _};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pages_and_streams failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Error> {
    let client = Client::from_env()?;

    // One page, as the generated method sends it.
    let first = client
        .search_patients()
        .last_name("Sample")
        .page_size(25)
        .send()
        .await?
        .into_inner();
    println!(
        "first page: {} patients of {}, next cursor {:?}",
        first.count.unwrap_or(0),
        first.total.unwrap_or(0),
        first.last_id
    );

    // Every page, as a stream of pages.
    let pages = client
        .search_patients_pages(50, |q| q.last_name("Sample"))
        .try_fold(0usize, |n, _page| async move { Ok(n + 1) })
        .await?;
    println!("pages of 50: {pages}");

    // Every item across pages; stop early by taking fewer.
    let mut patients = client
        .search_patients_items(50, |q| q.last_name("Sample"))
        .take(120)
        .boxed();
    let mut seen = 0;
    while let Some(patient) = patients.next().await {
        let patient = patient?;
        // Only the id is printed: names, birthdays and file numbers are health
        // data (`{:?}` of the whole record would print them as `[redacted]`).
        if seen < 3 {
            println!("patient #{}", patient.patient_id.unwrap_or_default());
        }
        seen += 1;
    }
    println!("walked {seen} patients item by item");
    Ok(())
}
