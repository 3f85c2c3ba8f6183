//! The one place that decides, from an attempt's outcome and its operation, whether a call
//! sends its request again and how long it waits first: [`RetryClassifier`] and the
//! crate's [`DefaultRetryClassifier`].

use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};
use serde::Deserialize;

use super::seam::TransportErrorKind;
use crate::operations::OperationInfo;

/// The backoff ceiling before the first retry of a transient failure when the server sends
/// no `Retry-After`; it doubles with each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// However many retries came before, no single backoff after a transient failure exceeds this.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// The backoff ceiling before the first retry after throttling without `Retry-After`:
/// Atlas's limits count per minute (invitations: about 10), so waits start longer.
const FIRST_THROTTLE_BACKOFF: Duration = Duration::from_secs(2);
/// No single wait after throttling without `Retry-After` exceeds this.
const MAX_THROTTLE_BACKOFF: Duration = Duration::from_secs(32);
/// The `errorCode`s with which Atlas says "too many, wait" under a status other than 429.
const THROTTLING_CODES: &[&str] = &["INVITATIONS_RATE_LIMITED_IP"];

/// Decides what a call does after each attempt: done, wait and send again, or send again
/// with new credentials.
///
/// The client asks it after every attempt (token requests included) and keeps the limits
/// itself: at most [`max_retries`](crate::ClientBuilder::max_retries) waits, all within
/// [`max_retry_delay`](crate::ClientBuilder::max_retry_delay), and one credential renewal
/// after a 401 at a time. Set one with
/// [`ClientBuilder::retry_classifier`](crate::ClientBuilder::retry_classifier); the default
/// is [`DefaultRetryClassifier`].
///
/// # Examples
///
/// Also retry a 500 on a read, and otherwise do what the crate does:
///
/// ```
/// use std::time::Duration;
/// use atlas_admin::transport::{Attempt, AttemptOutcome, DefaultRetryClassifier, RetryClassifier, Verdict};
///
/// struct AlsoRetry500(DefaultRetryClassifier);
///
/// impl RetryClassifier for AlsoRetry500 {
///     fn classify(&self, attempt: &Attempt<'_>) -> Verdict {
///         match attempt.outcome {
///             AttemptOutcome::Response { status, .. } if status == 500 && attempt.idempotent => {
///                 Verdict::transient(Duration::from_millis(100))
///             }
///             _ => self.0.classify(attempt),
///         }
///     }
/// }
///
/// let client = atlas_admin::Client::builder()
///     .retry_classifier(AlsoRetry500(DefaultRetryClassifier::new()))
///     .build()?;
/// # let _ = client;
/// # Ok::<(), atlas_admin::Error>(())
/// ```
pub trait RetryClassifier: Send + Sync + 'static {
    /// What to do after `attempt`.
    fn classify(&self, attempt: &Attempt<'_>) -> Verdict;
}

/// One attempt of a call, as a [`RetryClassifier`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation, for a call of one; `None` for a service account's token request and a
    /// request sent without one.
    pub operation: Option<&'a OperationInfo>,
    /// The request's method.
    pub method: &'a Method,
    /// Whether sending the request twice does no more than sending it once: the call's
    /// setting, else its method's (GET, HEAD, PUT, DELETE, OPTIONS, TRACE).
    pub idempotent: bool,
    /// Which attempt this was, 1 for the first.
    pub number: u32,
    /// How it ended.
    pub outcome: AttemptOutcome<'a>,
    /// The response's `Retry-After`, an HTTP date counted on the client's clock.
    pub retry_after: Option<Duration>,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The server answered, with any status.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: &'a HeaderMap,
        /// Its body; `None` when it was larger than `max_response_bytes` and not read.
        body: Option<&'a [u8]>,
    },
    /// No response: how far the exchange got.
    Failed(TransportErrorKind),
}

/// What a call does after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The outcome is the call's result.
    Done,
    /// Wait `after`, then send the request again (if the call's limits allow; else the
    /// outcome is the result).
    Retry {
        /// How long to wait first.
        after: Duration,
        /// Why, for the log.
        reason: RetryReason,
    },
    /// The credentials were refused (a 401): get a new service account token or answer
    /// the digest challenge the response brought, and send again at once. With credentials
    /// that cannot be renewed (a fixed bearer token, none), or right after a renewal, the
    /// outcome is the result.
    Reauthenticate,
}

impl Verdict {
    /// Retry after `after`: throttled by the server.
    pub fn throttled(after: Duration) -> Self {
        Self::Retry { after, reason: RetryReason::Throttled }
    }

    /// Retry after `after`: a transient failure.
    pub fn transient(after: Duration) -> Self {
        Self::Retry { after, reason: RetryReason::Transient }
    }
}

/// Why an attempt is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// The server said "too many": 429, or a throttling `errorCode` such as
    /// `INVITATIONS_RATE_LIMITED_IP`. It did nothing, so any request may be sent again.
    Throttled,
    /// A failure that may pass: no connection, a connection lost, a timeout, 502, 503, 504.
    Transient,
}

/// The crate's retry decisions.
///
/// - Throttling (429, or Atlas's throttling `errorCode`s: 400
///   `INVITATIONS_RATE_LIMITED_IP`, any `RATE_LIMITED...`): retried for every method, the
///   server did nothing; after `Retry-After`, else backoff with jitter from 1-2 s up to 16-32 s.
/// - No connection made: retried for every method, the request never left.
/// - A lost connection, a timeout, 502, 503, 504: retried when the request is idempotent
///   (and transient retries are on), after `Retry-After`, else backoff with jitter from
///   0.25-0.5 s up to 4-8 s.
/// - 401: [`Verdict::Reauthenticate`].
/// - Anything else is the result.
///
/// ```
/// use atlas_admin::http::{HeaderMap, Method};
/// use atlas_admin::transport::{Attempt, AttemptOutcome, DefaultRetryClassifier, RetryClassifier, Verdict};
///
/// let headers = HeaderMap::new();
/// let body = br#"{"error":400,"errorCode":"INVITATIONS_RATE_LIMITED_IP"}"#;
/// let outcome = AttemptOutcome::Response { status: 400.try_into().unwrap(), headers: &headers, body: Some(body) };
/// let attempt = Attempt::new(&Method::POST, false, 1, outcome);
/// assert!(matches!(DefaultRetryClassifier::new().classify(&attempt), Verdict::Retry { .. }));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct DefaultRetryClassifier {
    transient: bool,
}

impl Default for DefaultRetryClassifier {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultRetryClassifier {
    /// The crate's decisions, transient retries on.
    pub fn new() -> Self {
        Self { transient: true }
    }

    /// With `false`, only throttling and requests that never left are retried.
    #[must_use]
    pub fn transient_retries(mut self, enabled: bool) -> Self {
        self.transient = enabled;
        self
    }
}

impl RetryClassifier for DefaultRetryClassifier {
    fn classify(&self, attempt: &Attempt<'_>) -> Verdict {
        let retries_made = attempt.number.saturating_sub(1);
        let transient = |may_have_acted: bool| {
            if may_have_acted && !(self.transient && attempt.idempotent) {
                return Verdict::Done;
            }
            let after = attempt.retry_after.unwrap_or_else(|| backoff(FIRST_BACKOFF, MAX_BACKOFF, retries_made));
            Verdict::transient(after)
        };
        match attempt.outcome {
            AttemptOutcome::Failed(TransportErrorKind::NotConnected) => transient(false),
            AttemptOutcome::Failed(TransportErrorKind::Interrupted | TransportErrorKind::TimedOut) => transient(true),
            AttemptOutcome::Failed(_) => Verdict::Done,
            AttemptOutcome::Response { status: StatusCode::UNAUTHORIZED, .. } => Verdict::Reauthenticate,
            AttemptOutcome::Response { status, body, .. } if is_throttling(status, body) => {
                let after =
                    attempt.retry_after.unwrap_or_else(|| backoff(FIRST_THROTTLE_BACKOFF, MAX_THROTTLE_BACKOFF, retries_made));
                Verdict::throttled(after)
            }
            AttemptOutcome::Response { status, .. } if is_transient_status(status) => transient(true),
            AttemptOutcome::Response { .. } => Verdict::Done,
        }
    }
}

impl<'a> Attempt<'a> {
    /// An attempt of a request without an operation and without `Retry-After`, e.g. to test
    /// a classifier; set the public fields for more.
    pub fn new(method: &'a Method, idempotent: bool, number: u32, outcome: AttemptOutcome<'a>) -> Self {
        Self { operation: None, method, idempotent, number, outcome, retry_after: None }
    }
}

/// Statuses that say "not now" rather than "no": rate limited, or a gateway or the service
/// temporarily unable to answer.
pub(crate) fn is_transient_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Whether an Atlas `errorCode` says "too many, wait".
pub(crate) fn is_throttling_code(code: &str) -> bool {
    code.starts_with("RATE_LIMITED") || THROTTLING_CODES.contains(&code)
}

/// A 429, or a 400 whose body's `errorCode` is a throttling code. Only a 400's body is
/// read, and only its `errorCode`.
fn is_throttling(status: StatusCode, body: Option<&[u8]>) -> bool {
    #[derive(Deserialize)]
    struct Code<'a> {
        #[serde(rename = "errorCode", borrow)]
        error_code: Option<std::borrow::Cow<'a, str>>,
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        return true;
    }
    status == StatusCode::BAD_REQUEST
        && body
            .and_then(|body| serde_json::from_slice::<Code<'_>>(body).ok()?.error_code)
            .is_some_and(|code| is_throttling_code(&code))
}

/// Exponential backoff with "equal jitter": half the ceiling for certain, plus up to the
/// other half at random, so clients that failed together spread out.
fn backoff(first: Duration, max: Duration, retries_made: u32) -> Duration {
    jittered(first, max, retries_made, fastrand::f64())
}

/// The backoff with `random` in `[0, 1)`.
fn jittered(first: Duration, max: Duration, retries_made: u32, random: f64) -> Duration {
    let ceiling = first.saturating_mul(2u32.saturating_pow(retries_made)).min(max);
    ceiling / 2 + (ceiling / 2).mul_f64(random.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(method: &Method, transient: bool, outcome: AttemptOutcome<'_>) -> Verdict {
        let attempt = Attempt::new(method, method.is_idempotent(), 1, outcome);
        DefaultRetryClassifier::new().transient_retries(transient).classify(&attempt)
    }

    fn status(code: u16, body: &[u8]) -> AttemptOutcome<'_> {
        static EMPTY: std::sync::OnceLock<HeaderMap> = std::sync::OnceLock::new();
        AttemptOutcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            headers: EMPTY.get_or_init(HeaderMap::new),
            body: Some(body),
        }
    }

    fn retried(verdict: Verdict) -> Option<RetryReason> {
        match verdict {
            Verdict::Retry { reason, .. } => Some(reason),
            _ => None,
        }
    }

    #[test]
    fn which_failures_and_methods_are_retried() {
        let all = [Method::GET, Method::PUT, Method::DELETE, Method::HEAD, Method::POST, Method::PATCH];
        let transient_failures = || {
            [
                AttemptOutcome::Failed(TransportErrorKind::Interrupted),
                AttemptOutcome::Failed(TransportErrorKind::TimedOut),
                status(502, b""),
                status(503, b""),
                status(504, b""),
            ]
        };
        for method in &all {
            for transient in [true, false] {
                assert_eq!(retried(classify(method, transient, status(429, b""))), Some(RetryReason::Throttled), "{method}");
                for code in [400, 404, 409, 500, 501] {
                    assert_eq!(classify(method, transient, status(code, b"{}")), Verdict::Done, "{method} on {code}");
                }
                assert_eq!(classify(method, transient, status(401, b"")), Verdict::Reauthenticate);
                let never_sent = AttemptOutcome::Failed(TransportErrorKind::NotConnected);
                assert_eq!(retried(classify(method, transient, never_sent)), Some(RetryReason::Transient), "{method}");
                assert_eq!(classify(method, transient, AttemptOutcome::Failed(TransportErrorKind::Other)), Verdict::Done);
            }
            for failure in transient_failures() {
                assert_eq!(classify(method, false, failure), Verdict::Done, "{method} after {failure:?}, transient off");
                let expected = if method.is_idempotent() { Some(RetryReason::Transient) } else { None };
                assert_eq!(retried(classify(method, true, failure)), expected, "{method} after {failure:?}");
            }
        }
        // The call's setting, not the method, says whether it is idempotent.
        let mut attempt = Attempt::new(&Method::POST, true, 1, status(503, b""));
        assert!(retried(DefaultRetryClassifier::new().classify(&attempt)).is_some());
        attempt.idempotent = false;
        attempt.method = &Method::GET;
        assert_eq!(DefaultRetryClassifier::new().classify(&attempt), Verdict::Done);
    }

    #[test]
    fn atlas_throttling_codes_are_throttling_whatever_the_method() {
        for method in [Method::POST, Method::PATCH, Method::GET] {
            for body in [
                &br#"{"error":400,"errorCode":"INVITATIONS_RATE_LIMITED_IP","detail":"Too many invitations."}"#[..],
                br#"{"errorCode":"RATE_LIMITED_IP"}"#,
            ] {
                assert_eq!(retried(classify(&method, false, status(400, body))), Some(RetryReason::Throttled), "{method}");
            }
            for body in [&br#"{"errorCode":"INVALID_ATTRIBUTE"}"#[..], b"not json", b"", br#"{"errorCode":7}"#] {
                assert_eq!(classify(&method, true, status(400, body)), Verdict::Done, "{method} {body:?}");
            }
        }
        // Over the body limit, a 400 cannot say it is throttling.
        let unread = AttemptOutcome::Response { status: StatusCode::BAD_REQUEST, headers: &HeaderMap::new(), body: None };
        assert_eq!(classify(&Method::POST, true, unread), Verdict::Done);
        assert!(is_throttling_code("RATE_LIMITED") && is_throttling_code("INVITATIONS_RATE_LIMITED_IP"));
        assert!(!is_throttling_code("RESOURCE_NOT_FOUND"));
    }

    #[test]
    fn retry_after_decides_the_wait_else_the_backoff() {
        let mut attempt = Attempt::new(&Method::POST, false, 1, status(429, b""));
        attempt.retry_after = Some(Duration::from_secs(7));
        assert_eq!(DefaultRetryClassifier::new().classify(&attempt), Verdict::throttled(Duration::from_secs(7)));
        attempt.retry_after = None;
        for number in 1..6 {
            attempt.number = number;
            let Verdict::Retry { after, .. } = DefaultRetryClassifier::new().classify(&attempt) else { panic!() };
            let ceiling = FIRST_THROTTLE_BACKOFF.saturating_mul(1 << (number - 1)).min(MAX_THROTTLE_BACKOFF);
            assert!(after >= ceiling / 2 && after <= ceiling, "attempt {number}: {after:?}");
        }
        let attempt = Attempt::new(&Method::GET, true, 2, status(503, b""));
        let Verdict::Retry { after, .. } = DefaultRetryClassifier::new().classify(&attempt) else { panic!() };
        assert!(after >= FIRST_BACKOFF && after <= FIRST_BACKOFF * 2, "{after:?}");
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_a_ceiling() {
        let backoff = |retries_made, random| jittered(FIRST_BACKOFF, MAX_BACKOFF, retries_made, random);
        assert_eq!(backoff(0, 0.0), Duration::from_millis(250));
        assert_eq!(backoff(0, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(1, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(2, 0.5), Duration::from_millis(1500));
        assert_eq!(backoff(30, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX, 0.0), MAX_BACKOFF / 2);
        assert_eq!(jittered(FIRST_THROTTLE_BACKOFF, MAX_THROTTLE_BACKOFF, 0, 0.0), Duration::from_secs(1));
        assert_eq!(jittered(FIRST_THROTTLE_BACKOFF, MAX_THROTTLE_BACKOFF, 9, 1.0), MAX_THROTTLE_BACKOFF);
    }
}
