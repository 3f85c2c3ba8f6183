//! Sending requests over reqwest: one exchange at a time, its body read up to a limit, and
//! again while the retry policy says so.

use std::future::Future;

use http::header::{HeaderValue, USER_AGENT};
use tracing::Instrument;

use super::retry::{Budget, Failure, Retries, RetryPolicy, retry_after};
use super::{Error, RateLimit};

/// The most a response buffer reserves before the bytes that fill it arrive, whatever the
/// `Content-Length` says: a server announcing a terabyte gets 64 KiB, then growth as it sends.
const INITIAL_BODY_CAPACITY: usize = 64 * 1024;

/// A whole response, body read.
pub(crate) type Response = http::Response<Vec<u8>>;

/// The HTTP client, the `User-Agent`, the retry policy and the body limit every request
/// goes out with.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
}

impl Transport {
    /// Sends `request` once and reads the whole response, refusing a body larger than
    /// `max_response_bytes`. Any status is a response: only a failed exchange is an error.
    pub(crate) async fn send(&self, mut request: reqwest::Request) -> Result<Response, Error> {
        request.headers_mut().insert(USER_AGENT, self.user_agent.clone());
        let mut response = self.http.execute(request).await.map_err(Error::from_reqwest)?;
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "response received");
        let headers = std::mem::take(response.headers_mut());
        let too_large =
            || Error::ResponseTooLarge { status, limit: self.max_response_bytes, rate_limit: RateLimit::from_headers(&headers) };
        // Dropping `response` unread closes its connection, so a refused body is read no further.
        let limit = usize::try_from(self.max_response_bytes).unwrap_or(usize::MAX);
        let announced = response.content_length();
        if announced.is_some_and(|length| length > self.max_response_bytes) {
            return Err(too_large());
        }
        // Chunks go straight into the one buffer the body is decoded from; it never grows
        // past the limit, however the server splits the body, and starts no larger than
        // what a small body needs: a `Content-Length` is a claim, not bytes.
        let initial =
            announced.map_or(0, |length| usize::try_from(length).unwrap_or(limit).min(limit).min(INITIAL_BODY_CAPACITY));
        let mut body = Vec::with_capacity(initial);
        while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
            let needed = body.len() + chunk.len();
            if needed > limit {
                return Err(too_large());
            }
            if needed > body.capacity() {
                let grown = needed.max(body.capacity().saturating_mul(2)).min(limit);
                body.reserve_exact(grown - body.len());
            }
            body.extend_from_slice(&chunk);
        }

        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = response.version();
        *rebuilt.headers_mut() = headers;
        Ok(rebuilt)
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
fn failure_of(err: &Error) -> Option<(Failure, Option<std::time::Duration>)> {
    match err {
        Error::ResponseTooLarge { status, rate_limit, .. } => Some((Failure::Status(*status), rate_limit.retry_after)),
        _ => Some((err.transport_failure()?, None)),
    }
}

/// A copy of `request` to send. Requests here always carry their whole body as bytes (or
/// none), which reqwest can always copy.
pub(crate) fn copy(request: &reqwest::Request) -> reqwest::Request {
    request.try_clone().expect("a request with a byte body can be copied")
}
