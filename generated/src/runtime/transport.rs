//! Sending requests over reqwest: one exchange at a time, and again while the retry policy
//! says so.

use std::future::Future;

use http::header::{HeaderValue, USER_AGENT};
use tracing::Instrument;

use super::Error;
use super::retry::{Retries, RetryPolicy};

/// A whole response, body read.
pub(crate) type Response = http::Response<Vec<u8>>;

/// The HTTP client, the `User-Agent` and the retry policy every request goes out with.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
}

impl Transport {
    /// Sends `request` once and reads the whole response. Any status is a response: only
    /// a failed exchange is an error.
    pub(crate) async fn send(&self, mut request: reqwest::Request) -> Result<Response, Error> {
        request.headers_mut().insert(USER_AGENT, self.user_agent.clone());
        let mut response = self.http.execute(request).await.map_err(Error::from_reqwest)?;
        let status = response.status();
        tracing::debug!(status = status.as_u16(), "response received");
        let version = response.version();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(Error::from_reqwest)?;

        let mut rebuilt = http::Response::new(Vec::from(body));
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(rebuilt)
    }

    /// Runs `attempt` (one authenticated exchange of a `method` request) until its response
    /// is not one to retry or the policy's count or delay budget is spent, waiting in between
    /// as `Retry-After` or the backoff says. The last response is returned as it came.
    pub(crate) async fn with_retries<F, Fut>(&self, method: &http::Method, mut attempt: F) -> Result<Response, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Response, Error>>,
    {
        let mut retries = Retries::new(self.retry);
        loop {
            let span = tracing::debug_span!("atlas_attempt", attempt = retries.made() + 1);
            let response = attempt().instrument(span).await?;
            let status = response.status();
            let Some(delay) = retries.next_delay(method, status, response.headers()) else {
                return Ok(response);
            };
            tracing::info!(
                status = status.as_u16(),
                retry = retries.made(),
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }
}

/// A copy of `request` to send. Requests here always carry their whole body as bytes (or
/// none), which reqwest can always copy.
pub(crate) fn copy(request: &reqwest::Request) -> reqwest::Request {
    request.try_clone().expect("a request with a byte body can be copied")
}
