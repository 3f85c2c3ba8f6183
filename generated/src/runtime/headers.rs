//! The response headers the runtime reads: `RateLimit-Limit`, `RateLimit-Remaining` and
//! `Retry-After` (delay-seconds or an HTTP date).

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::RETRY_AFTER;

/// The rate-limit headers of a response: `RateLimit-Limit`, `RateLimit-Remaining` and
/// `Retry-After`.
///
/// A header that is absent or unreadable is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `RateLimit-Limit`: requests allowed in the current window.
    pub limit: Option<u64>,
    /// `RateLimit-Remaining`: requests left in the current window.
    pub remaining: Option<u64>,
    /// `Retry-After`: how long to wait before trying again. An HTTP date is counted from
    /// when the response was read; a date in the past is zero.
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// Reads the rate-limit headers of any response; a header that is absent or not a
    /// plain number is `None`.
    ///
    /// ```
    /// let mut headers = atlas_admin::http::HeaderMap::new();
    /// headers.insert("RateLimit-Remaining", "7".parse().unwrap());
    /// assert_eq!(atlas_admin::RateLimit::from_headers(&headers).remaining, Some(7));
    /// ```
    pub fn from_headers(headers: &HeaderMap) -> Self {
        Self::read(headers, SystemTime::now())
    }

    /// The headers, an HTTP date in `Retry-After` counted from `now`.
    pub(crate) fn read(headers: &HeaderMap, now: SystemTime) -> Self {
        let number = |name: &str| {
            let value = headers.get(name)?.to_str().ok()?.trim();
            value.bytes().all(|byte| byte.is_ascii_digit()).then(|| value.parse::<u64>().ok()).flatten()
        };
        Self {
            limit: number("ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            retry_after: retry_after(headers, now),
        }
    }
}

/// The `Retry-After` header as a delay: delay-seconds (digits only, as RFC 9110 writes
/// them: no sign), or an HTTP date counted from `now` (a date in the past is no delay).
/// Seconds too many to count mean the longest wait there is, never none. `None` when
/// absent or unreadable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        return Some(value.parse::<u64>().map_or(Duration::MAX, Duration::from_secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
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
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 21 Oct 2015 07:28:00
        let read = |value| retry_after(&headers(value), now);
        assert_eq!(read(Some("7")), Some(Duration::from_secs(7)));
        assert_eq!(read(Some(" 0 ")), Some(Duration::ZERO));
        assert_eq!(read(Some("Wed, 21 Oct 2015 07:28:00 GMT")), Some(Duration::ZERO));
        assert_eq!(read(Some("Wed, 21 Oct 2015 07:27:00 GMT")), Some(Duration::ZERO), "a date in the past");
        assert_eq!(read(Some("Wed, 21 Oct 2015 08:28:00 GMT")), Some(Duration::from_secs(3600)));
        assert_eq!(read(Some("-1")), None);
        assert_eq!(read(Some("+1")), None, "a sign is not delay-seconds");
        assert_eq!(read(Some("99999999999999999999")), Some(Duration::MAX), "overflow waits longest");
        assert_eq!(read(Some("18446744073709551615")), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(read(Some("soon")), None);
        assert_eq!(read(None), None);
    }

    #[test]
    fn rate_limit_reads_headers_and_ignores_garbage() {
        let mut headers = HeaderMap::new();
        headers.insert("RateLimit-Limit", "100".parse().unwrap());
        headers.insert("RateLimit-Remaining", " 0 ".parse().unwrap());
        headers.insert("Retry-After", "30".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&headers),
            RateLimit { limit: Some(100), remaining: Some(0), retry_after: Some(Duration::from_secs(30)) }
        );

        headers.insert("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        headers.insert("RateLimit-Limit", "-1".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&headers),
            RateLimit { limit: None, remaining: Some(0), retry_after: Some(Duration::ZERO) }
        );
        headers.insert("Retry-After", "later".parse().unwrap());
        assert_eq!(RateLimit::from_headers(&headers).retry_after, None);
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), RateLimit::default());
    }
}
