//! Sending requests through the [`Transport`]: one exchange at a time, under the attempt
//! timeout, its body read up to a limit, and again while the retry policy says so.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::header::{CONTENT_LENGTH, HeaderValue, USER_AGENT};
use tracing::Instrument;

use super::retry::{Budget, Failure, Retries, RetryPolicy, retry_after};
use super::transport::{Transport, TransportError, TransportErrorKind};
use super::{Error, RateLimit};

/// The most a response buffer reserves before the bytes that fill it arrive, whatever the
/// `Content-Length` says: a server announcing a terabyte gets 64 KiB, then growth as it sends.
const INITIAL_BODY_CAPACITY: usize = 64 * 1024;

/// A request as the client builds and sends it: its whole body as bytes.
pub(crate) type Request = http::Request<Vec<u8>>;
/// A whole response, body read.
pub(crate) type Response = http::Response<Vec<u8>>;

/// The transport, and the `User-Agent`, the retry policy, the attempt timeout and the body
/// limit every request goes out with.
pub(crate) struct Sender {
    pub(crate) transport: Arc<dyn Transport>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: u64,
}

impl Sender {
    /// Sends `request` once and reads the whole response within the attempt timeout,
    /// refusing a body larger than `max_response_bytes`. Any status is a response: only a
    /// failed exchange is an error.
    pub(crate) async fn send(&self, mut request: Request) -> Result<Response, Error> {
        request.headers_mut().insert(USER_AGENT, self.user_agent.clone());
        let peer = peer(request.uri());
        match tokio::time::timeout(self.timeout, self.exchange(request)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::from_transport(TransportError::new(
                TransportErrorKind::TimedOut,
                format!("the request to {peer} timed out after {:?}", self.timeout),
            ))),
        }
    }

    async fn exchange(&self, request: Request) -> Result<Response, Error> {
        let response = self.transport.send(request).await.map_err(Error::from_transport)?;
        let (parts, mut chunks) = response.into_parts();
        tracing::debug!(status = parts.status.as_u16(), "response received");
        let too_large = || Error::ResponseTooLarge {
            status: parts.status,
            limit: self.max_response_bytes,
            rate_limit: RateLimit::from_headers(&parts.headers),
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
        while let Some(chunk) = chunks.chunk().await.map_err(Error::from_transport)? {
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

    /// Runs `attempt` (one authenticated exchange of a `method` request) until its outcome
    /// is not one to retry or the policy's count or delay budget is spent, waiting in
    /// between as `Retry-After` or the backoff says. The last outcome is returned as it came.
    ///
    /// The waiting comes out of `budget`, the call's: a token request made inside an
    /// attempt runs its own loop on the same budget.
    pub(crate) async fn with_retries<F, Fut>(
        &self,
        method: &http::Method,
        budget: &Budget,
        mut attempt: F,
    ) -> Result<Response, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Response, Error>>,
    {
        let mut retries = Retries::new(self.retry, budget);
        loop {
            let span = tracing::debug_span!("atlas_attempt", attempt = retries.made() + 1);
            let outcome = attempt().instrument(span).await;
            // On a call's span (not on a token request's, which has no such field).
            tracing::Span::current().record("attempts", retries.made() + 1);
            let (failure, wait) = match &outcome {
                Ok(response) => (Failure::Status(response.status()), retry_after(response.headers())),
                Err(err) => match failure_of(err) {
                    Some(failure) => failure,
                    None => return outcome,
                },
            };
            let Some(delay) = retries.next_delay(method, failure, wait) else {
                return outcome;
            };
            tracing::info!(
                reason = %failure,
                retry = retries.made(),
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

/// What an exchange's error means for retrying it, with the server's `Retry-After` when
/// there was a response: `None` for errors that did not come from the exchange itself (a
/// refused token, a bad argument). A body too large counts as its status: a 503 page over
/// the limit is as transient as a short one.
fn failure_of(err: &Error) -> Option<(Failure, Option<Duration>)> {
    match err {
        Error::ResponseTooLarge { status, rate_limit, .. } => Some((Failure::Status(*status), rate_limit.retry_after)),
        _ => Some((err.transport_failure()?, None)),
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
