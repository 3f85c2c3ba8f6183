//! When to send a request again and how long to wait first: `Retry-After`, backoff with
//! jitter, and the limits that bound both.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::header::RETRY_AFTER;
use http::{HeaderMap, Method, StatusCode};

use super::error::is_transient_status;

/// Retries after the first attempt, unless the builder says otherwise.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 3;
/// Total time one call may spend waiting between attempts, unless the builder says otherwise.
pub(crate) const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);
/// The backoff ceiling before the first retry when the server sends no `Retry-After`; it
/// doubles with each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// However many retries came before, no single backoff exceeds this.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// The limits that [`Retries`] applies to every call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) max_total_delay: Duration,
    /// Whether transient failures (connection failures, timeouts, 502, 503, 504) are
    /// retried; a 429 always is.
    pub(crate) transient: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: DEFAULT_MAX_RETRIES, max_total_delay: DEFAULT_MAX_RETRY_DELAY, transient: true }
    }
}

/// What went wrong with one attempt, as far as retrying it is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The server answered with this status.
    Status(StatusCode),
    /// No connection could be made (refused, unreachable, connect timeout): the request
    /// was never written.
    NotConnected,
    /// The connection failed once the request may have been written: reset, closed before
    /// the response or in the middle of its body.
    Interrupted,
    /// The attempt timed out after connecting.
    TimedOut,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status) => write!(f, "HTTP {status}"),
            Self::NotConnected => f.write_str("could not connect"),
            Self::Interrupted => f.write_str("connection failed after the request was sent"),
            Self::TimedOut => f.write_str("timed out"),
        }
    }
}

/// What one call may still spend waiting between attempts: its own retries and those of
/// the token requests it makes draw on the same budget, so `max_retry_delay` bounds the
/// call's whole waiting.
pub(crate) struct Budget {
    limit: Duration,
    /// Nanoseconds waited so far (584 years fit).
    waited: AtomicU64,
}

impl Budget {
    pub(crate) fn new(limit: Duration) -> Self {
        Self { limit, waited: AtomicU64::new(0) }
    }

    /// Takes `delay` from the budget, or leaves it untouched and says no when it does not fit.
    fn spend(&self, delay: Duration) -> bool {
        let wanted = u64::try_from(delay.as_nanos()).unwrap_or(u64::MAX);
        let limit = u64::try_from(self.limit.as_nanos()).unwrap_or(u64::MAX);
        self.waited
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |waited| {
                waited.checked_add(wanted).filter(|total| *total <= limit)
            })
            .is_ok()
    }
}

/// The retries of one loop (a call's attempts, or one token request's): how many were
/// made, with the waiting taken from the call's [`Budget`].
pub(crate) struct Retries<'b> {
    policy: RetryPolicy,
    budget: &'b Budget,
    made: u32,
}

impl<'b> Retries<'b> {
    pub(crate) fn new(policy: RetryPolicy, budget: &'b Budget) -> Self {
        Self { policy, budget, made: 0 }
    }

    /// How many retries this call has made so far.
    pub(crate) fn made(&self) -> u32 {
        self.made
    }

    /// How long to wait before sending a `method` request again after `failure` (with the
    /// server's `Retry-After` when it sent one), or `None` when the failure is the answer.
    ///
    /// A `Retry-After` that does not fit in what is left of the call's delay budget ends
    /// the retries at once: the caller gets the response (and its `Retry-After`) now rather
    /// than after a wait that could not end in another attempt.
    pub(crate) fn next_delay(&mut self, method: &Method, failure: Failure, retry_after: Option<Duration>) -> Option<Duration> {
        if !is_retryable(method, failure, self.policy.transient) || self.made >= self.policy.max_retries {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| backoff(self.made, fastrand::f64()));
        if !self.budget.spend(delay) {
            return None;
        }
        self.made += 1;
        Some(delay)
    }
}

/// A 429 means the server did nothing, and a request that never got a connection was never
/// sent, so any request may be sent again after either, whether or not transient retries
/// are on. Everything else transient may come after the server acted, so only requests
/// that can safely be repeated (GET, PUT, DELETE, HEAD; not POST or PATCH) are, and only
/// with transient retries on.
fn is_retryable(method: &Method, failure: Failure, transient: bool) -> bool {
    match failure {
        Failure::Status(StatusCode::TOO_MANY_REQUESTS) | Failure::NotConnected => true,
        _ if !transient => false,
        Failure::Interrupted | Failure::TimedOut => method.is_idempotent(),
        Failure::Status(status) => is_transient_status(status) && method.is_idempotent(),
    }
}

/// Exponential backoff with "equal jitter": half the ceiling for certain, plus up to the
/// other half at random (`random` in `[0, 1)`), so clients that failed together spread out.
fn backoff(retries_made: u32, random: f64) -> Duration {
    let ceiling = FIRST_BACKOFF.saturating_mul(2u32.saturating_pow(retries_made)).min(MAX_BACKOFF);
    ceiling / 2 + (ceiling / 2).mul_f64(random.clamp(0.0, 1.0))
}

/// The `Retry-After` header as a delay: delay-seconds (digits only, as RFC 9110 writes
/// them: no sign), or an HTTP date counted from now (a date in the past is no delay).
/// Seconds too many to count mean the longest wait there is, never none. `None` when
/// absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(RETRY_AFTER, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after(&headers(Some("7"))), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&headers(Some(" 0 "))), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers(Some("Wed, 21 Oct 2015 07:28:00 GMT"))), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
        let wait = retry_after(&headers(Some(&later))).unwrap();
        assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600), "{wait:?}");
        assert_eq!(retry_after(&headers(Some("-1"))), None);
        assert_eq!(retry_after(&headers(Some("+1"))), None, "a sign is not delay-seconds");
        assert_eq!(retry_after(&headers(Some("99999999999999999999"))), Some(Duration::MAX), "overflow waits longest");
        assert_eq!(retry_after(&headers(Some("18446744073709551615"))), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(retry_after(&headers(Some("soon"))), None);
        assert_eq!(retry_after(&headers(None)), None);
    }

    #[test]
    fn which_failures_and_methods_are_retried() {
        let status = |code: u16| Failure::Status(StatusCode::from_u16(code).unwrap());
        let all = [Method::GET, Method::PUT, Method::DELETE, Method::HEAD, Method::POST, Method::PATCH];
        for method in &all {
            for transient in [true, false] {
                assert!(is_retryable(method, status(429), transient), "{method} on 429");
                for code in [400, 401, 404, 500, 501] {
                    assert!(!is_retryable(method, status(code), transient), "{method} on {code}");
                }
            }
            assert!(is_retryable(method, Failure::NotConnected, true), "{method} never sent");
            assert!(is_retryable(method, Failure::NotConnected, false), "{method} never sent, transient off");
            for failure in [Failure::Interrupted, Failure::TimedOut, status(502), status(503), status(504)] {
                assert!(!is_retryable(method, failure, false), "{method} after {failure} with transient retries off");
            }
        }
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            for failure in [Failure::Interrupted, Failure::TimedOut, status(502), status(503), status(504)] {
                assert!(is_retryable(&method, failure, true), "{method} after {failure}");
            }
        }
        for method in [Method::POST, Method::PATCH] {
            for failure in [Failure::Interrupted, Failure::TimedOut, status(502), status(503), status(504)] {
                assert!(!is_retryable(&method, failure, true), "{method} after {failure}");
            }
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_a_ceiling() {
        assert_eq!(backoff(0, 0.0), Duration::from_millis(250));
        assert_eq!(backoff(0, 1.0), Duration::from_millis(500));
        assert_eq!(backoff(1, 0.0), Duration::from_millis(500));
        assert_eq!(backoff(2, 0.5), Duration::from_millis(1500));
        assert_eq!(backoff(30, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX, 0.0), MAX_BACKOFF / 2);
    }

    #[test]
    fn retries_stop_at_the_count_and_the_budget() {
        let policy = RetryPolicy { max_retries: 2, max_total_delay: Duration::from_secs(10), transient: true };
        let rate_limited = Failure::Status(StatusCode::TOO_MANY_REQUESTS);
        let unavailable = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        let budget = |policy: RetryPolicy| Budget::new(policy.max_total_delay);
        let call = budget(policy);
        let mut retries = Retries::new(policy, &call);
        let now = Some(Duration::ZERO);
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(retries.next_delay(&Method::POST, rate_limited, now), Some(Duration::ZERO));
        assert_eq!(retries.next_delay(&Method::POST, rate_limited, now), Some(Duration::ZERO));
        assert_eq!(retries.next_delay(&Method::POST, rate_limited, now), None);
        assert_eq!(retries.made(), 2);

        let call = budget(policy);
        let mut retries = Retries::new(policy, &call);
        assert_eq!(retries.next_delay(&Method::GET, unavailable, secs(6)), secs(6));
        // 6 s waited: another 6 s would exceed the 10 s budget, 4 s fits.
        assert_eq!(retries.next_delay(&Method::GET, unavailable, secs(6)), None);
        assert_eq!(retries.next_delay(&Method::GET, unavailable, secs(4)), secs(4));
        assert_eq!(retries.next_delay(&Method::GET, rate_limited, Some(Duration::MAX)), None);

        // A token request's retries draw on the budget of the call that made it.
        let call = budget(policy);
        let mut token_request = Retries::new(policy, &call);
        assert_eq!(token_request.next_delay(&Method::POST, rate_limited, secs(7)), secs(7));
        let mut retries = Retries::new(policy, &call);
        assert_eq!(retries.next_delay(&Method::GET, rate_limited, secs(4)), None);
        assert_eq!(retries.next_delay(&Method::GET, rate_limited, secs(3)), secs(3));

        let call = budget(policy);
        let mut retries = Retries::new(RetryPolicy { max_retries: 0, ..policy }, &call);
        assert_eq!(retries.next_delay(&Method::GET, rate_limited, now), None);

        let call = budget(policy);
        let mut retries = Retries::new(policy, &call);
        let delay = retries.next_delay(&Method::GET, unavailable, None).unwrap();
        assert!(delay >= FIRST_BACKOFF / 2 && delay <= FIRST_BACKOFF, "{delay:?}");
        // Without a response there is no Retry-After: the backoff decides.
        let delay = retries.next_delay(&Method::POST, Failure::NotConnected, None).unwrap();
        assert!(delay >= FIRST_BACKOFF && delay <= FIRST_BACKOFF * 2, "{delay:?}");
    }
}
