//! When to send a request again and how long to wait first: `Retry-After`, backoff with
//! jitter, and the limits that bound both.

use std::fmt;
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

/// The retries of one call: how many were made and how long they waited.
pub(crate) struct Retries {
    policy: RetryPolicy,
    made: u32,
    waited: Duration,
}

impl Retries {
    pub(crate) fn new(policy: RetryPolicy) -> Self {
        Self { policy, made: 0, waited: Duration::ZERO }
    }

    /// How many retries this call has made so far.
    pub(crate) fn made(&self) -> u32 {
        self.made
    }

    /// How long to wait before sending a `method` request again after `failure` (with the
    /// response's `headers` when there was a response), or `None` when the failure is the
    /// answer.
    ///
    /// A `Retry-After` that does not fit in what is left of the delay budget ends the
    /// retries at once: the caller gets the response (and its `Retry-After`) now rather
    /// than after a wait that could not end in another attempt.
    pub(crate) fn next_delay(&mut self, method: &Method, failure: Failure, headers: Option<&HeaderMap>) -> Option<Duration> {
        if !is_retryable(method, failure, self.policy.transient) || self.made >= self.policy.max_retries {
            return None;
        }
        let delay = headers.and_then(retry_after).unwrap_or_else(|| backoff(self.made, fastrand::f64()));
        if delay > self.policy.max_total_delay.saturating_sub(self.waited) {
            return None;
        }
        self.made += 1;
        self.waited += delay;
        Some(delay)
    }
}

/// A 429 means the server did nothing, and a request that never got a connection was never
/// sent, so any request may be sent again after either. Everything else transient may
/// come after the server acted, so only requests that can safely be repeated (GET, PUT,
/// DELETE, HEAD; not POST or PATCH) are.
fn is_retryable(method: &Method, failure: Failure, transient: bool) -> bool {
    match failure {
        Failure::Status(StatusCode::TOO_MANY_REQUESTS) => true,
        _ if !transient => false,
        Failure::NotConnected => true,
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

/// The `Retry-After` header as a delay: delay-seconds, or an HTTP date counted from now (a
/// date in the past is no delay). `None` when absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
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
            for failure in [Failure::NotConnected, Failure::Interrupted, Failure::TimedOut, status(502), status(503), status(504)]
            {
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
        let mut retries = Retries::new(policy);
        let now = headers(Some("0"));
        assert_eq!(retries.next_delay(&Method::POST, rate_limited, Some(&now)), Some(Duration::ZERO));
        assert_eq!(retries.next_delay(&Method::POST, rate_limited, Some(&now)), Some(Duration::ZERO));
        assert_eq!(retries.next_delay(&Method::POST, rate_limited, Some(&now)), None);
        assert_eq!(retries.made(), 2);

        let mut retries = Retries::new(policy);
        assert_eq!(retries.next_delay(&Method::GET, unavailable, Some(&headers(Some("6")))), Some(Duration::from_secs(6)));
        // 6 s waited: another 6 s would exceed the 10 s budget, 4 s fits.
        assert_eq!(retries.next_delay(&Method::GET, unavailable, Some(&headers(Some("6")))), None);
        assert_eq!(retries.next_delay(&Method::GET, unavailable, Some(&headers(Some("4")))), Some(Duration::from_secs(4)));

        let mut retries = Retries::new(RetryPolicy { max_retries: 0, ..policy });
        assert_eq!(retries.next_delay(&Method::GET, rate_limited, Some(&now)), None);

        let mut retries = Retries::new(policy);
        let delay = retries.next_delay(&Method::GET, unavailable, Some(&headers(None))).unwrap();
        assert!(delay >= FIRST_BACKOFF / 2 && delay <= FIRST_BACKOFF, "{delay:?}");
        // Without a response there is no Retry-After: the backoff decides.
        let delay = retries.next_delay(&Method::POST, Failure::NotConnected, None).unwrap();
        assert!(delay >= FIRST_BACKOFF && delay <= FIRST_BACKOFF * 2, "{delay:?}");
    }
}
