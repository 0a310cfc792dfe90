//! Walking Accuro's cursor-paginated envelopes.
//!
//! A page is `{"contents":[...], "count":N, "total":N, "lastId":N}`; the next
//! page is asked for with `startingId=<lastId>` (exclusive), and the end is an
//! empty `contents` with `lastId` 0. Pages that come back shorter than asked
//! are *not* the end: Accuro filters out rows the service user may not see.
//!
//! Every cursor-paginated operation of the spec has `<op>_pages` (a
//! `Stream` of pages) and `<op>_items` (a `Stream` of their items) on
//! [`Client`]; the list is generated from the spec by `cargo xtask regen`:
//! `search_patients`, `search_providers`, `search_users`, `search_contacts`,
//! `search_letters`, `search_patient_masks`, `list_tasks`,
//! `list_user_tasks`, `list_user_offices`, `list_waitlists`,
//! `list_referral_orders`, `list_prescriptions`,
//! `list_patient_prescriptions_v2` and `list_appointment_materials`.
//! `list_user_features`, whose page holds a map of office id to features
//! rather than a list, is read page by page. Each stream sets `pageSize`
//! (at most [`MAX_PAGE_SIZE`]) and `startingId` itself, follows `lastId` to
//! the end signal, goes on over pages that permission filtering emptied,
//! and ends after yielding an error.
//!
//! ```no_run
//! use futures_util::TryStreamExt as _;
//! # async fn run(client: &accuro_client::Client) -> accuro_client::Result<()> {
//! let pages: Vec<_> = client
//!     .search_patients_pages(50, |q| q.last_name("Sample"))
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```

use std::collections::VecDeque;

use futures_core::Stream;

use crate::error::Error;
#[allow(
    unused_imports,
    reason = "every user of an import can be a feature that is off"
)]
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

/// A page's `contents`: `Vec<T>`, or `Option<Vec<T>>` where the spec says
/// it may be `null`.
#[allow(dead_code, reason = "unused when every paginated area is off")]
trait Contents<T> {
    fn take_all(&mut self) -> Vec<T>;
    fn is_empty(&self) -> bool;
}

impl<T> Contents<T> for Vec<T> {
    fn take_all(&mut self) -> Vec<T> {
        std::mem::take(self)
    }
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<T> Contents<T> for Option<Vec<T>> {
    fn take_all(&mut self) -> Vec<T> {
        self.take().unwrap_or_default()
    }
    fn is_empty(&self) -> bool {
        self.as_ref().is_none_or(Vec::is_empty)
    }
}

/// `impl Page` for a page schema with `contents` and `lastId`.
macro_rules! page {
    ($cfg:meta, $page:ident, $item:ident) => {
        #[cfg($cfg)]
        impl Page for types::$page {
            type Item = types::$item;
            fn last_id(&self) -> Option<i64> {
                self.last_id
            }
            fn take_items(&mut self) -> Vec<types::$item> {
                Contents::take_all(&mut self.contents)
            }
            fn is_empty(&self) -> bool {
                Contents::is_empty(&self.contents)
            }
        }
    };
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

/// `<op>_pages` and `<op>_items` on [`Client`] for a cursor-paginated
/// operation whose builder has `page_size` and `starting_id` setters.
macro_rules! paginated {
    (
        $cfg:meta, $op:ident, $builder:ident, $page:ident, $item:ident,
        $one_page:ident, $pages:ident, $items:ident $(, #[$pages_doc:meta])*
    ) => {
        #[cfg($cfg)]
        impl Client {
            /// One page: the caller's filters, then the page size and cursor.
            fn $one_page<'a, F>(
                &'a self,
                configure: &F,
                size: i32,
                cursor: Option<i64>,
            ) -> impl Future<Output = Result<types::$page, Error>> + use<'a, F>
            where
                F: Fn(builder::$builder<'a>) -> builder::$builder<'a>,
            {
                let mut request = configure(self.$op()).page_size(size);
                if let Some(cursor) = cursor {
                    request = request.starting_id(cursor);
                }
                async move { request.send().await.map(|rv| rv.into_inner()) }
            }

            #[doc = concat!(
                "Every page of [`", stringify!($op), "`](Self::", stringify!($op), "). `configure` sets ",
                "the filters on the request; the stream sets `pageSize` and `startingId` itself, ",
                "follows `lastId` to the end signal, caps the page size at 50, goes on over ",
                "pages that permission filtering emptied, and ends after yielding an error."
            )]
            $(#[$pages_doc])*
            pub fn $pages<'a, F>(
                &'a self,
                page_size: i32,
                configure: F,
            ) -> impl Stream<Item = Result<types::$page, Error>> + 'a
            where
                F: Fn(builder::$builder<'a>) -> builder::$builder<'a> + 'a,
            {
                pages(page_size, move |size, cursor| self.$one_page(&configure, size, cursor))
            }

            #[doc = concat!(
                "Every item [`", stringify!($op), "`](Self::", stringify!($op), ") finds, across pages (see [`",
                stringify!($pages), "`](Self::", stringify!($pages), "))."
            )]
            pub fn $items<'a, F>(
                &'a self,
                page_size: i32,
                configure: F,
            ) -> impl Stream<Item = Result<types::$item, Error>> + 'a
            where
                F: Fn(builder::$builder<'a>) -> builder::$builder<'a> + 'a,
            {
                items(page_size, move |size, cursor| self.$one_page(&configure, size, cursor))
            }
        }
    };
}

// The invocations, one per paginated operation of the spec, are written by
// `cargo xtask regen` (its `page-streams` target).
#[rustfmt::skip]
mod operations;
