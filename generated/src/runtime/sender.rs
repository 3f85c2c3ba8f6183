//! One exchange through the [`Transport`]: under the attempt timeout, its body read up to
//! a limit, and how it failed when it did.

use std::sync::Arc;
use std::time::Duration;

use http::header::{CONTENT_LENGTH, HeaderValue, USER_AGENT};
use http::{HeaderMap, StatusCode};

use super::Error;
use super::clock::Clock;
use super::headers::RateLimit;
use super::seam::{Transport, TransportError, TransportErrorKind};

/// The most a response buffer reserves before the bytes that fill it arrive, whatever the
/// `Content-Length` says: a server announcing a terabyte gets 64 KiB, then growth as it sends.
const INITIAL_BODY_CAPACITY: usize = 64 * 1024;

/// A request as the client builds and sends it: its whole body as bytes.
pub(crate) type Request = http::Request<Vec<u8>>;
/// A whole response, body read.
pub(crate) type Response = http::Response<Vec<u8>>;

/// The transport, and the `User-Agent`, the attempt timeout and the body limit every request
/// goes out with; and the client's clock.
pub(crate) struct Sender {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: u64,
}

/// An exchange that gave no whole response: the call's error, and what the retry
/// classifier is told about it.
pub(crate) struct Failed {
    pub(crate) error: Error,
    pub(crate) cause: FailedCause,
}

/// How an exchange failed.
pub(crate) enum FailedCause {
    /// No response, this far into the exchange.
    Transport(TransportErrorKind),
    /// A response whose body was larger than the limit, unread.
    TooLarge { status: StatusCode, headers: HeaderMap },
    /// The attempt failed before its request was sent (its credentials, a hook): the
    /// error is the result, never retried.
    BeforeSending,
}

impl Failed {
    /// `error`, which kept the attempt from being sent.
    pub(crate) fn before_sending(error: Error) -> Self {
        Self { error, cause: FailedCause::BeforeSending }
    }
}

impl From<TransportError> for Failed {
    fn from(err: TransportError) -> Self {
        Self { cause: FailedCause::Transport(err.kind()), error: Error::from_transport(err) }
    }
}

impl Sender {
    /// Sends `request` once and reads the whole response within the attempt timeout,
    /// refusing a body larger than `max_response_bytes`. Any status is a response: only a
    /// failed exchange is an error.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, Failed> {
        self.send_within(request, self.timeout).await
    }

    /// [`send`](Self::send) with an attempt timeout of the call's own.
    pub(crate) async fn send_within(&self, mut request: Request, timeout: Duration) -> Result<Response, Failed> {
        request.headers_mut().insert(USER_AGENT, self.user_agent.clone());
        let peer = peer(request.uri());
        match tokio::time::timeout(timeout, self.exchange(request)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Failed::from(TransportError::new(
                TransportErrorKind::TimedOut,
                format!("the request to {peer} timed out after {timeout:?}"),
            ))),
        }
    }

    async fn exchange(&self, request: Request) -> Result<Response, Failed> {
        let response = self.transport.send(request).await?;
        let (parts, mut chunks) = response.into_parts();
        tracing::debug!(status = parts.status.as_u16(), "response received");
        let too_large = || Failed {
            error: Error::ResponseTooLarge {
                status: parts.status,
                limit: self.max_response_bytes,
                rate_limit: RateLimit::read(&parts.headers, self.clock.now_utc()),
            },
            cause: FailedCause::TooLarge { status: parts.status, headers: parts.headers.clone() },
        };
        // Dropping the body unread closes its connection, so a refused body is read no further.
        let limit = usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX);
        let announced = parts.headers.get(CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if announced.is_some_and(|length| length > self.max_response_bytes) {
            return Err(too_large());
        }
        // Chunks go straight into the one buffer the body is decoded from; it never grows
        // past the limit, however the server splits the body, and starts no larger than
        // what a small body needs: a `Content-Length` is a claim, not bytes.
        let initial =
            announced.map_or(0, |length| usize::try_from(length).unwrap_or(limit).min(limit).min(INITIAL_BODY_CAPACITY));
        let mut body = Vec::with_capacity(initial);
        while let Some(chunk) = chunks.chunk().await? {
            let needed = body.len() + chunk.len();
            if needed > limit {
                return Err(too_large());
            }
            if body.is_empty() && chunk.len() >= initial {
                // The first chunk is the body so far: keep it rather than copy it.
                body = chunk;
                continue;
            }
            if needed > body.capacity() {
                let grown = needed.max(body.capacity().saturating_mul(2)).min(limit);
                body.reserve_exact(grown - body.len());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(http::Response::from_parts(parts, body))
    }
}

/// A copy of `request` to send: requests here always carry their whole body as bytes.
pub(crate) fn copy(request: &Request) -> Request {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    copy
}

/// `host:port` of `uri`, for messages: never its path or query.
pub(crate) fn peer(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or("the server");
    match uri.port_u16().or_else(|| match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    }) {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}
