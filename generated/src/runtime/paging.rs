//! Paging: the items of every page of a paginated operation as one `Stream`.
//!
//! The generated `<method>_stream` functions say how to fetch page `n` and what a page holds;
//! this module decides when to ask for the next one and when to stop, and refuses to go on
//! when the pages cannot be trusted to end.

use std::future::Future;
use std::hash::{DefaultHasher, Hasher};

use futures_core::Stream;
use serde::Serialize;

use super::{Client, Error};

/// One page as the stream needs it.
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    /// Whether the page links to a next one; `None` when the page carries no links.
    pub(crate) has_next: Option<bool>,
}

/// The integer type a spec gives `pageNum`.
pub(crate) trait PageNumber: Sized {
    fn from_page(page: i64) -> Result<Self, Error>;
}

impl PageNumber for i32 {
    fn from_page(page: i64) -> Result<Self, Error> {
        i32::try_from(page).map_err(|_| Error::invalid_argument(format!("page {page} is beyond the page numbers Atlas accepts")))
    }
}

impl PageNumber for i64 {
    fn from_page(page: i64) -> Result<Self, Error> {
        Ok(page)
    }
}

/// How one stream pages: where it starts, how many items a page holds, and what the spec
/// and the client allow.
pub(crate) struct Paging {
    /// The first `pageNum` to ask for.
    first: i64,
    /// The `itemsPerPage` the stream asks for, when known.
    page_size: Option<i64>,
    /// The client's [`max_pages`](crate::ClientBuilder::max_pages).
    max_pages: u32,
}

impl Paging {
    /// `page_size` is the query's `itemsPerPage`, whichever integer type the spec gives it.
    pub(crate) fn new(client: &Client, first: i64, page_size: Option<impl Into<i64>>) -> Self {
        Self { first, page_size: page_size.map(Into::into), max_pages: client.max_pages() }
    }
}

enum State<T, F> {
    /// Fetch this page next, the `fetched`th of the stream; `previous` fingerprints the page
    /// before it.
    Fetch {
        page: i64,
        fetched: u32,
        previous: Option<u64>,
        fetch: F,
    },
    /// Hand out these items, then fetch the next page (or stop when there is none).
    Items {
        items: std::vec::IntoIter<T>,
        next: Option<Box<State<T, F>>>,
    },
    /// End with this error.
    Fail(Error),
    Done,
}

/// Streams the items of page `paging.first`, then of the pages after it, until a page is the
/// last one, or an error (which is the stream's last item). One page is held at a time.
///
/// A page is the last when it links to no `next` page; a page without links is the last when
/// it is shorter than the page size asked for. An empty page is always the last. The stream
/// ends with [`Error::Paging`] instead of going on after a page whose items repeat the page
/// before it (a server that ignores `pageNum`), or instead of fetching a page past
/// `max_pages`. A page size above the spec's maximum (which a server would cap, making every
/// page look short) is refused by the operation's `request` before anything is sent, so the
/// stream's first item is that [`Error::InvalidArgument`].
pub(crate) fn paginate<T, F, Fut>(paging: Paging, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    T: Serialize,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let Paging { first, page_size, max_pages } = paging;
    let start = State::Fetch { page: first, fetched: 0, previous: None, fetch };
    futures_util::stream::unfold(start, move |mut state| async move {
        loop {
            state = match state {
                State::Done => return None,
                State::Fail(error) => return Some((Err(error), State::Done)),
                State::Items { mut items, next } => match items.next() {
                    Some(item) => return Some((Ok(item), State::Items { items, next })),
                    None => match next {
                        Some(next) => *next,
                        None => return None,
                    },
                },
                State::Fetch { page, fetched, previous, mut fetch } => {
                    if fetched >= max_pages {
                        let message = format!(
                            "{max_pages} pages were read and there are more; raise ClientBuilder::max_pages to read them"
                        );
                        return Some((Err(Error::Paging { page, message }), State::Done));
                    }
                    let Page { items, has_next } = match fetch(page).await {
                        Ok(page) => page,
                        Err(error) => return Some((Err(error), State::Done)),
                    };
                    let fingerprint = fingerprint(&items);
                    if !items.is_empty() && previous == Some(fingerprint) {
                        let message =
                            format!("page {page} repeats the items of the page before it (does the server ignore pageNum?)");
                        return Some((Err(Error::Paging { page, message }), State::Done));
                    }
                    let short = page_size.is_some_and(|size| i64::try_from(items.len()).is_ok_and(|len| len < size));
                    let last = items.is_empty() || has_next.map_or(short, |has_next| !has_next);
                    let next = match (last, page.checked_add(1)) {
                        (false, Some(next)) => {
                            Some(Box::new(State::Fetch { page: next, fetched: fetched + 1, previous: Some(fingerprint), fetch }))
                        }
                        _ => None,
                    };
                    State::Items { items: items.into_iter(), next }
                }
            };
        }
    })
}

/// A 64-bit fingerprint of a page's items as JSON, so a repeated page is recognised without
/// keeping the page before it.
fn fingerprint<T: Serialize>(items: &[T]) -> u64 {
    struct HashWriter(DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(DefaultHasher::new());
    // Items came from JSON, so they serialize; one that does not simply fingerprints less.
    let _ = serde_json::to_writer(&mut writer, items);
    writer.0.finish()
}
