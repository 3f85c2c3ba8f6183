//! The async [`Client`]: where every call starts, and the pipeline it goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use tracing::Instrument;

use super::Error;
use super::auth::{Authenticator, CallCredentials};
use super::classify::RetryClassifier;
use super::headers::RateLimit;
use super::intercept::{CallInfo, Interceptor};
use super::pace::Pacer;
use super::retry::{Budget, Next, Retries, RetryPolicy};
use super::sender::{Failed, Response, Sender, copy};
use super::service_account::TokenRequests;
use super::settings::CallSettings;
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
/// assert_eq!(client.base_url(), atlas_admin::DEFAULT_BASE_URL);
/// assert!(!format!("{client:?}").contains("my-access-token"));
/// # Ok::<(), atlas_admin::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    settings: CallSettings,
}

/// What every clone of a client shares.
pub(crate) struct Inner {
    pub(crate) base_url: String,
    pub(crate) auth: Authenticator,
    pub(crate) sender: Sender,
    pub(crate) classifier: Arc<dyn RetryClassifier>,
    pub(crate) retry: RetryPolicy,
    pub(crate) interceptors: Vec<Arc<dyn Interceptor>>,
    pub(crate) pacer: Option<Pacer>,
    pub(crate) max_pages: u32,
    pub(crate) on_response: Option<ResponseHook>,
}

/// What [`ClientBuilder::on_response`](crate::ClientBuilder::on_response) keeps.
pub(crate) type ResponseHook = Arc<dyn Fn(&ResponseInfo<'_>) + Send + Sync>;

/// The final response of one call, as [`ClientBuilder::on_response`](crate::ClientBuilder::on_response) sees it: whatever its
/// status, before the operation decodes it.
#[derive(Debug)]
#[non_exhaustive]
pub struct ResponseInfo<'a> {
    /// The operation's `operationId`; empty for a request [`Client::send`] sent without an
    /// [`OperationInfo`] in its extensions.
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
    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The most pages one paging stream fetches; see [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages).
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
        self.call(request, Some(op), self.settings).await
    }

    /// Sends `request` through the client's pipeline, as every generated method does:
    /// credentials, retries (by the retry classifier, within the client's limits), the
    /// attempt timeout and body limit, interceptors, the `atlas_request` span and the
    /// `on_response` hook; and returns the response, whatever its status.
    ///
    /// For an Atlas operation this crate does not generate, or a request an operation's
    /// sans-IO `request` function built. A URI without a scheme and host (`/api/atlas/v2/...`)
    /// is taken relative to the [`base_url`](Self::base_url). An
    /// [`OperationInfo`] in the request's extensions names the call in the span, the hooks
    /// and the retry classifier; without one the call is named by its method alone.
    ///
    /// # Errors
    ///
    /// Only when no response was read: a transport failure, a timeout, a body over the
    /// limit, credentials that could not be had, an interceptor's refusal. An error status
    /// is a response: deciding what it means is the caller's job.
    ///
    /// # Examples
    ///
    /// A project's teams, which this crate does not generate, over a transport that answers
    /// 503 once:
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::sync::Arc;
    /// use atlas_admin::http::{self, header};
    /// use atlas_admin::transport::{Body, SendFuture, Transport};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() -> Result<(), atlas_admin::Error> {
    /// #[derive(Clone, Default)]
    /// struct Flaky(Arc<AtomicU32>);
    ///
    /// impl Transport for Flaky {
    ///     fn send(&self, request: http::Request<Vec<u8>>) -> SendFuture {
    ///         assert_eq!(request.headers()[header::AUTHORIZATION], "Bearer my-token");
    ///         let status = if self.0.fetch_add(1, Ordering::Relaxed) == 0 { 503 } else { 200 };
    ///         let response = http::Response::builder().status(status).body(Body::from(r#"{"results":[]}"#));
    ///         Box::pin(async move { Ok(response.unwrap()) })
    ///     }
    /// }
    ///
    /// let transport = Flaky::default();
    /// let client = atlas_admin::Client::builder().transport(transport.clone()).bearer_token("my-token").build()?;
    /// let request = http::Request::get("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/teams")
    ///     .header(header::ACCEPT, "application/vnd.atlas.2023-01-01+json")
    ///     .body(Vec::new())
    ///     .unwrap();
    /// let response = client.send(request).await?;
    /// assert_eq!(response.status(), 200);
    /// assert_eq!(transport.0.load(Ordering::Relaxed), 2, "the 503, then the retry");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(&self, request: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error> {
        self.send_with(request, &self.settings).await
    }

    /// [`send`](Self::send) with settings for this request over the client's.
    ///
    /// # Errors
    ///
    /// As [`send`](Self::send).
    ///
    /// # Examples
    ///
    /// A `POST` that is safe to repeat, retried after a lost connection like a `PUT`:
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use atlas_admin::http;
    /// use atlas_admin::transport::CallSettings;
    ///
    /// # async fn demo(client: atlas_admin::Client) -> Result<(), atlas_admin::Error> {
    /// let request = http::Request::post("/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/teams")
    ///     .header(http::header::CONTENT_TYPE, "application/vnd.atlas.2023-01-01+json")
    ///     .body(br#"[{"teamId":"6a1b2c3d4e5f60718293a4b5","roleNames":["GROUP_READ_ONLY"]}]"#.to_vec())
    ///     .unwrap();
    /// let settings = CallSettings::new().idempotent(true).timeout(Duration::from_secs(10));
    /// let response = client.send_with(request, &settings).await?;
    /// # let _ = response;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_with(
        &self,
        mut request: http::Request<Vec<u8>>,
        settings: &CallSettings,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        if request.uri().scheme().is_none() {
            let target = request.uri().path_and_query().map_or("/", |target| target.as_str());
            *request.uri_mut() = format!("{}{target}", self.inner.base_url)
                .parse()
                .map_err(|err| Error::invalid_argument_caused_by("the request's URI cannot follow the base URL", err))?;
        }
        let op = request.extensions().get::<OperationInfo>().copied();
        self.call(request, op.as_ref(), *settings).await
    }

    /// A handle on this client whose calls, the generated methods' included, use `settings`
    /// over the client's; it shares the client's connections, credentials and limits.
    ///
    /// ```
    /// use std::time::Duration;
    /// use atlas_admin::transport::CallSettings;
    ///
    /// let client = atlas_admin::Client::builder().bearer_token("t").build()?;
    /// let patient = client.with_settings(CallSettings::new().timeout(Duration::from_secs(300)).max_retries(10));
    /// assert_eq!(patient.settings().get_max_retries(), Some(10));
    /// assert_eq!(client.settings().get_max_retries(), None);
    /// # Ok::<(), atlas_admin::Error>(())
    /// ```
    #[must_use]
    pub fn with_settings(&self, settings: CallSettings) -> Self {
        Self { inner: self.inner.clone(), settings }
    }

    /// The settings this handle's calls use over the client's (none for a built client).
    pub fn settings(&self) -> &CallSettings {
        &self.settings
    }

    /// The pipeline every call goes through: the interceptors' `before_credentials`; a write
    /// waits for the client's pacer, if it has one, and shows it each response; each
    /// attempt a copy of `request` with credentials, sent and read; after each, the retry
    /// classifier's verdict within the call's limits; the span, and the `on_response` hook.
    async fn call(
        &self,
        mut request: http::Request<Vec<u8>>,
        op: Option<&OperationInfo>,
        settings: CallSettings,
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
        let Inner { auth, sender, classifier, retry, interceptors, pacer, on_response, .. } = &*self.inner;
        let started = sender.clock.now();
        for interceptor in interceptors {
            interceptor.before_credentials(&CallInfo { operation: op, attempt: 0 }, &mut request)?;
        }
        // The call's setting, else the operation's (the generator's), else the method's.
        let idempotent =
            settings.get_idempotent().or(op.map(|op| op.idempotent)).unwrap_or_else(|| request.method().is_idempotent());
        let policy = RetryPolicy { max_retries: settings.get_max_retries().unwrap_or(retry.max_retries), ..*retry };
        let timeout = settings.get_timeout().unwrap_or(sender.timeout);
        let budget = Budget::new(policy.max_total_delay);
        let tokens = TokenRequests { sender, classifier: &**classifier, policy, budget: &budget };
        let mut retries = Retries::new(sender, &**classifier, policy, &budget, op, request.method(), idempotent);
        let mut credentials = CallCredentials::default();
        let outcome = async {
            let write_pacer = pacer.as_ref().filter(|_| !request.method().is_safe());
            let _turn = match write_pacer {
                Some(pacer) => Some(pacer.turn().await),
                None => None,
            };
            loop {
                let call = CallInfo { operation: op, attempt: retries.attempts() + 1 };
                let attempt = async {
                    let mut attempt = copy(&request);
                    auth.authorize(&mut attempt, &mut credentials, &tokens).await.map_err(Failed::before_sending)?;
                    for interceptor in interceptors {
                        interceptor.on_attempt(&call, &mut attempt);
                    }
                    sender.send_within(attempt, timeout).await
                }
                .instrument(tracing::debug_span!("atlas_attempt", attempt = call.attempt))
                .await;
                if let (Some(pacer), Ok(response)) = (write_pacer, &attempt) {
                    pacer.observe(&RateLimit::read(response.headers(), sender.clock.now_utc()));
                }
                for interceptor in interceptors {
                    match &attempt {
                        Ok(response) => interceptor.on_response(&call, response),
                        Err(failed) => interceptor.on_error(&call, &failed.error),
                    }
                }
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

    /// Whether this client's writes wait for `pacer` already
    /// ([`ClientBuilder::pacer`](crate::ClientBuilder::pacer)), so code that paces its own writes with it need not.
    #[allow(dead_code, reason = "only specs with the membership workflows call it")]
    pub(crate) fn paces_with(&self, pacer: &Pacer) -> bool {
        self.inner.pacer.as_ref().is_some_and(|own| own.is(pacer))
    }

    pub(crate) fn new(inner: Inner) -> Self {
        Self { inner: Arc::new(inner), settings: CallSettings::new() }
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
