//! The seam below the client: the [`Transport`] trait over `http` types, the response
//! [`Body`] it returns, and the [`TransportError`] whose kind says how far an exchange got.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;
use futures_util::StreamExt;

/// The cause of an error from below the client (the HTTP stack), kept as its source without
/// naming its type: which HTTP library the client uses is not part of its API.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Transport::send`] returns: the response head, as soon as it is known, with a body
/// still to read.
pub type SendFuture = Pin<Box<dyn Future<Output = Result<http::Response<Body>, TransportError>> + Send>>;

/// Sends one HTTP request and returns its response; the client's only way out.
///
/// A transport sends the request as it is (the client has set every header, credentials
/// included) and reports any status as a response; only a failed exchange is a
/// [`TransportError`], whose [`kind`](TransportError::kind) tells the client's retries
/// whether the request may have reached the server.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns its response, the body read later through [`Body`].
    fn send(&self, request: http::Request<Vec<u8>>) -> SendFuture;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Vec<u8>>) -> SendFuture {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(&self, request: http::Request<Vec<u8>>) -> SendFuture {
        (**self).send(request)
    }
}

/// A response body: all of it at once, or chunks as they arrive. The client reads it up to
/// its `max_response_bytes` and no further.
pub struct Body(Inner);

enum Inner {
    Full(Option<Vec<u8>>),
    Chunks(Pin<Box<dyn Stream<Item = Result<Vec<u8>, TransportError>> + Send>>),
}

impl Body {
    /// A body without bytes.
    pub fn empty() -> Self {
        Self(Inner::Full(None))
    }

    /// A body whose chunks `chunks` yields as they arrive; an error ends it.
    pub fn from_stream(chunks: impl Stream<Item = Result<Vec<u8>, TransportError>> + Send + 'static) -> Self {
        Self(Inner::Chunks(Box::pin(chunks)))
    }

    /// The next chunk, `None` at the end.
    ///
    /// # Errors
    ///
    /// The [`TransportError`] that cut the body short.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        match &mut self.0 {
            Inner::Full(bytes) => Ok(bytes.take().filter(|bytes| !bytes.is_empty())),
            Inner::Chunks(chunks) => chunks.next().await.transpose(),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Inner::Full(Some(bytes)))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self::from(text.into_bytes())
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Self::from(text.as_bytes().to_vec())
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Full(bytes) => write!(f, "Body({} bytes)", bytes.as_ref().map_or(0, Vec::len)),
            Inner::Chunks(_) => f.write_str("Body(streaming)"),
        }
    }
}

/// How far an exchange got before it failed, which decides whether it may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made: the request never left, any request may be retried.
    NotConnected,
    /// The connection failed once the request may have been written (reset, closed before
    /// or during the response): only requests that are safe to repeat are retried.
    Interrupted,
    /// The exchange did not finish in time: as [`Interrupted`](Self::Interrupted), and the
    /// call's error is [`Error::Timeout`](crate::Error::Timeout).
    TimedOut,
    /// Anything else; never retried.
    Other,
}

/// A failed exchange: its kind, one line saying what failed and why, and the underlying
/// error as its source.
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    /// Whether the client calls this a timeout (a connect timeout is `NotConnected` too).
    timed_out: bool,
    source: Option<BoxError>,
}

impl TransportError {
    /// A failure of this `kind`; `message` is what the call's error shows, so it should
    /// name the root cause and never a query string or a credential.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), timed_out: kind == TransportErrorKind::TimedOut, source: None }
    }

    /// The same failure, caused by `source`.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Marks a failure as a timeout whatever its kind, e.g. a connect timeout.
    pub(crate) fn timed_out(mut self) -> Self {
        self.timed_out = true;
        self
    }

    /// How far the exchange got.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    pub(crate) fn is_timeout(&self) -> bool {
        self.timed_out
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as &(dyn std::error::Error + 'static))
    }
}
