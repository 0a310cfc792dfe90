//! Walking Accuro's cursor-paginated envelopes.
//!
//! A page is `{"contents":[...], "count":N, "total":N, "lastId":N}`; the next
//! page is asked for with `startingId=<lastId>` (exclusive), and the end is an
//! empty `contents` with `lastId` 0. Pages that come back shorter than asked
//! are *not* the end: Accuro filters out rows the service user may not see.

use std::collections::VecDeque;

use futures_core::Stream;

use crate::error::Error;
use crate::{Client, builder, types};

/// Largest page Accuro serves.
pub const MAX_PAGE_SIZE: i32 = 50;

/// An envelope of one page.
pub trait Page {
    /// The items it holds.
    type Item;
    /// The cursor for the next page (`lastId`).
    fn last_id(&self) -> Option<i64>;
    /// Takes the items out.
    fn take_items(&mut self) -> Vec<Self::Item>;
    /// Whether it holds no item.
    fn is_empty(&self) -> bool;
}

impl Page for types::PatientPage {
    type Item = types::Patient;
    fn last_id(&self) -> Option<i64> {
        self.last_id
    }
    fn take_items(&mut self) -> Vec<types::Patient> {
        self.contents.take().unwrap_or_default()
    }
    fn is_empty(&self) -> bool {
        self.contents.as_ref().is_none_or(Vec::is_empty)
    }
}

/// The pages `fetch` returns, following `lastId` until the end signal.
///
/// `fetch(page_size, starting_id)` gets one page; `page_size` is capped at
/// [`MAX_PAGE_SIZE`] (and below 1 becomes 25, Accuro's default). The stream
/// ends at the end signal (an empty page without a `lastId` to follow, which
/// is not yielded), after a page whose `lastId` is missing, 0 or does not move
/// forward (a server fault that would otherwise loop forever), or after the
/// first error, which it yields.
pub fn pages<P, F, Fut>(page_size: i32, mut fetch: F) -> impl Stream<Item = Result<P, Error>>
where
    P: Page,
    F: FnMut(i32, Option<i64>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    let page_size = if page_size < 1 {
        25
    } else {
        page_size.min(MAX_PAGE_SIZE)
    };
    futures_util::stream::unfold(Some(None::<i64>), move |cursor| {
        let next = cursor.map(|c| fetch(page_size, c));
        async move {
            let page = match next?.await {
                Ok(page) => page,
                Err(e) => return Some((Err(e), None)),
            };
            let next_cursor = match (page.last_id(), cursor.flatten()) {
                (Some(last), Some(previous)) if last > previous => Some(Some(last)),
                (Some(last), None) if last > 0 => Some(Some(last)),
                _ => None,
            };
            // The end signal: no item and no cursor. An empty page *with* a
            // cursor is a page whose rows were all filtered out.
            if page.is_empty() && next_cursor.is_none() {
                return None;
            }
            Some((Ok(page), next_cursor))
        }
    })
}

/// The items of [`pages`], one by one.
pub fn items<P, F, Fut>(page_size: i32, fetch: F) -> impl Stream<Item = Result<P::Item, Error>>
where
    P: Page,
    F: FnMut(i32, Option<i64>) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    let pages = Box::pin(pages(page_size, fetch));
    futures_util::stream::unfold(
        (pages, VecDeque::new()),
        |(mut pages, mut buffer)| async move {
            use futures_util::StreamExt as _;
            loop {
                if let Some(item) = buffer.pop_front() {
                    return Some((Ok(item), (pages, buffer)));
                }
                match pages.next().await? {
                    Ok(mut page) => buffer.extend(page.take_items()),
                    Err(e) => return Some((Err(e), (pages, buffer))),
                }
            }
        },
    )
}

impl Client {
    /// One page of a patient search: the caller's filters, then the page
    /// size and cursor.
    fn patient_page<'a, F>(
        &'a self,
        configure: &F,
        size: i32,
        cursor: Option<i64>,
    ) -> impl Future<Output = Result<types::PatientPage, Error>> + use<'a, F>
    where
        F: Fn(builder::SearchPatients<'a>) -> builder::SearchPatients<'a>,
    {
        let mut request = configure(self.search_patients()).page_size(size);
        if let Some(cursor) = cursor {
            request = request.starting_id(cursor);
        }
        async move { request.send().await.map(|rv| rv.into_inner()) }
    }

    /// Every page of a patient search. `configure` sets the filters on the
    /// request; the stream sets `pageSize` and `startingId` itself.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt as _;
    /// # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
    /// let pages: Vec<_> = client
    ///     .search_patients_pages(50, |q| q.last_name("Sample"))
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn search_patients_pages<'a, F>(
        &'a self,
        page_size: i32,
        configure: F,
    ) -> impl Stream<Item = Result<types::PatientPage, Error>> + 'a
    where
        F: Fn(builder::SearchPatients<'a>) -> builder::SearchPatients<'a> + 'a,
    {
        pages(page_size, move |size, cursor| {
            self.patient_page(&configure, size, cursor)
        })
    }

    /// Every patient a search finds, across pages (see
    /// [`search_patients_pages`](Self::search_patients_pages)).
    pub fn search_patients_items<'a, F>(
        &'a self,
        page_size: i32,
        configure: F,
    ) -> impl Stream<Item = Result<types::Patient, Error>> + 'a
    where
        F: Fn(builder::SearchPatients<'a>) -> builder::SearchPatients<'a> + 'a,
    {
        items(page_size, move |size, cursor| {
            self.patient_page(&configure, size, cursor)
        })
    }
}
