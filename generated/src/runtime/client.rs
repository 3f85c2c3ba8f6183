//! The async [`Client`] and its builder: configuration, and where every call starts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use tracing::Instrument;

use super::Error;
use super::auth::{Authenticator, CallCredentials};
use super::builder::ClientBuilder;
use super::classify::RetryClassifier;
use super::headers::RateLimit;
use super::retry::{Budget, Next, Retries, RetryPolicy};
use super::sender::{Failed, Response, Sender, copy};
use super::service_account::TokenRequests;
use crate::operations::OperationInfo;

/// An async client for the Atlas Administration API.
///
/// Each Atlas operation is a method on `Client`. Cloning is cheap and every clone shares
/// one connection pool and one set of credentials (for a service account, one access
/// token), so build one client and pass clones around rather than building one per task.
///
/// Every call is one `tracing` span, `atlas_request`, naming the operation; retries, token
/// requests and digest challenges are events and spans inside it. None of them records a
/// secret or an `Authorization` header.
///
/// # Examples
///
/// ```
/// let client = atlas_admin::Client::builder()
///     .bearer_token("my-access-token")
///     .build()?;
/// assert_eq!(client.base_url(), "https://cloud.mongodb.com");
/// assert!(!format!("{client:?}").contains("my-access-token"));
/// # Ok::<(), atlas_admin::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What every clone of a client shares.
pub(crate) struct Inner {
    pub(crate) base_url: String,
    pub(crate) auth: Authenticator,
    pub(crate) sender: Sender,
    pub(crate) classifier: Arc<dyn RetryClassifier>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_pages: u32,
    pub(crate) on_response: Option<ResponseHook>,
}

/// What [`ClientBuilder::on_response`] keeps.
pub(crate) type ResponseHook = Arc<dyn Fn(&ResponseInfo<'_>) + Send + Sync>;

/// The final response of one call, as [`ClientBuilder::on_response`] sees it: whatever its
/// status, before the operation decodes it.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseInfo<'a> {
    /// The operation's `operationId`.
    pub operation_id: &'static str,
    /// The status of the last attempt's response.
    pub status: StatusCode,
    /// Its headers (credentials are never in a response).
    pub headers: &'a HeaderMap,
    /// Its rate-limit headers, read.
    pub rate_limit: RateLimit,
    /// How many attempts the call made, retries included.
    pub attempts: u32,
    /// From the call's start to this response, waiting between attempts included.
    pub elapsed: Duration,
}

impl Client {
    /// Starts configuring a client; see [`ClientBuilder`] for the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The most pages one paging stream fetches; see [`ClientBuilder::max_pages`].
    pub(crate) fn max_pages(&self) -> u32 {
        self.inner.max_pages
    }

    /// Authenticates and sends `request`, retrying as the policy allows, and reads the
    /// whole response, up to `max_response_bytes`.
    ///
    /// Any status comes back as a response: deciding what is an error is the
    /// operation's job, so this fails only when no response was read.
    ///
    /// The call's span records its final `status`, its `attempts` and `duration_ms`, and a
    /// DEBUG event `atlas call finished` repeats them for subscribers that print events only.
    pub(crate) async fn execute(&self, request: http::Request<Vec<u8>>, op: &OperationInfo) -> Result<Response, Error> {
        let idempotent = request.method().is_idempotent();
        self.call(request, Some(op), idempotent).await
    }

    /// The pipeline every call goes through: each attempt a copy of `request` with
    /// credentials, sent and read; after each, the retry classifier's verdict within the
    /// call's limits; the span, and the `on_response` hook.
    async fn call(
        &self,
        mut request: http::Request<Vec<u8>>,
        op: Option<&OperationInfo>,
        idempotent: bool,
    ) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "atlas_request",
            operation = op.map(|op| op.operation_id),
            method = %request.method(),
            path = op.map(|op| op.path),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        if let Some(op) = op {
            request.extensions_mut().insert(*op);
        }
        let Inner { auth, sender, classifier, retry, on_response, .. } = &*self.inner;
        let started = sender.clock.now();
        let budget = Budget::new(retry.max_total_delay);
        let tokens = TokenRequests { sender, classifier: &**classifier, policy: *retry, budget: &budget };
        let mut retries = Retries::new(sender, &**classifier, *retry, &budget, op, request.method(), idempotent);
        let mut credentials = CallCredentials::default();
        let outcome = async {
            loop {
                let attempt = async {
                    let mut attempt = copy(&request);
                    auth.authorize(&mut attempt, &mut credentials, &tokens).await.map_err(Failed::before_sending)?;
                    sender.send(attempt).await
                }
                .instrument(tracing::debug_span!("atlas_attempt", attempt = retries.attempts() + 1))
                .await;
                match retries.after(attempt).await {
                    Next::Return(outcome) => break outcome,
                    Next::Again => {}
                    Next::Renew(response) if !auth.renew(&response, &mut credentials) => break Ok(response),
                    Next::Renew(_) => {}
                }
            }
        }
        .instrument(span.clone())
        .await;
        let attempts = retries.attempts();
        let elapsed = sender.clock.now().saturating_duration_since(started);
        span.record("attempts", attempts);
        span.record("duration_ms", u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX));
        if let Ok(response) = &outcome {
            span.record("status", response.status().as_u16());
        }
        span.in_scope(|| tracing::debug!(ok = outcome.is_ok(), "atlas call finished"));
        if let (Ok(response), Some(hook)) = (&outcome, on_response) {
            hook(&ResponseInfo {
                operation_id: op.map_or("", |op| op.operation_id),
                status: response.status(),
                headers: response.headers(),
                rate_limit: RateLimit::read(response.headers(), sender.clock.now_utc()),
                attempts,
                elapsed,
            });
        }
        outcome
    }

    pub(crate) fn new(inner: Inner) -> Self {
        Self { inner: Arc::new(inner) }
    }

    #[cfg(test)]
    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.auth.kind())
            .finish_non_exhaustive()
    }
}
