//! Paging: the items of every page of a paginated operation as one `Stream`.
//!
//! The generated `<method>_stream` functions say how to fetch page `n` and what a page holds;
//! this module decides when to ask for the next one and when to stop.

use std::future::Future;

use futures::Stream;

use super::Error;

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

enum State<T, F> {
    /// Fetch this page next.
    Fetch {
        page: i64,
        fetch: F,
    },
    /// Hand out these items, then fetch `next` (or stop when there is none).
    Items {
        items: std::vec::IntoIter<T>,
        next: Option<(i64, F)>,
    },
    Done,
}

/// Streams the items of page `first`, then of the pages after it, until a page is the last
/// one: shorter than `page_size` (when known), empty, linked to no `next` page, or an error
/// (which is the stream's last item). One page is held at a time.
pub(crate) fn paginate<T, F, Fut>(first: i64, page_size: Option<usize>, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    futures::stream::unfold(State::Fetch { page: first, fetch }, move |mut state| async move {
        loop {
            state = match state {
                State::Done => return None,
                State::Items { mut items, next } => match items.next() {
                    Some(item) => return Some((Ok(item), State::Items { items, next })),
                    None => match next {
                        Some((page, fetch)) => State::Fetch { page, fetch },
                        None => return None,
                    },
                },
                State::Fetch { page, mut fetch } => match fetch(page).await {
                    Err(error) => return Some((Err(error), State::Done)),
                    Ok(Page { items, has_next }) => {
                        let short = page_size.is_some_and(|size| items.len() < size);
                        let last = items.is_empty() || short || has_next == Some(false);
                        let next = match (last, page.checked_add(1)) {
                            (false, Some(next)) => Some((next, fetch)),
                            _ => None,
                        };
                        State::Items { items: items.into_iter(), next }
                    }
                },
            };
        }
    })
}
