//! [`CallSettings`]: what one call may do differently from the client's settings.

use std::time::Duration;

/// Settings for some calls of a client, over its builder's: the attempt timeout, the
/// retries, and whether the request may be sent twice. Give them to
/// [`Client::send_with`](crate::Client::send_with) for one request, or to
/// [`Client::with_settings`](crate::Client::with_settings) for the generated methods called
/// on the handle it returns (which shares the client's connections, credentials and
/// limits).
///
/// ```
/// use std::time::Duration;
/// use atlas_admin::transport::CallSettings;
///
/// let settings = CallSettings::new().timeout(Duration::from_secs(5)).max_retries(0).idempotent(true);
/// assert_eq!(settings.get_max_retries(), Some(0));
/// assert_eq!(CallSettings::new().get_idempotent(), None, "by default the operation (its `OperationInfo::idempotent`), else the method, decides");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallSettings {
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    idempotent: Option<bool>,
}

impl CallSettings {
    /// The client's settings, unchanged.
    pub fn new() -> Self {
        Self::default()
    }

    /// Limits each attempt to `timeout` instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout); zero is the client's.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout).filter(|timeout| !timeout.is_zero());
        self
    }

    /// At most `retries` retries instead of the client's
    /// [`max_retries`](crate::ClientBuilder::max_retries) (0: none).
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Whether sending the request twice does no more than once, whatever its method: a
    /// `POST` that Atlas treats as "put" (`true`) is then retried after a lost connection, a
    /// `PUT` that is not (`false`) is not. The retry classifier reads it as
    /// [`Attempt::idempotent`](crate::transport::Attempt::idempotent).
    #[must_use]
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// The attempt timeout set, if any.
    pub fn get_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retries set, if any.
    pub fn get_max_retries(&self) -> Option<u32> {
        self.max_retries
    }

    /// Whether the request was said to be idempotent, if it was.
    pub fn get_idempotent(&self) -> Option<bool> {
        self.idempotent
    }
}
