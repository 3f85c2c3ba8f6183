//! [`Interceptor`]: a user's hooks at the points of a call: before credentials are added,
//! each attempt, each response, each error.

use super::Error;
use crate::operations::OperationInfo;

/// Hooks into every call of a client, registered with
/// [`ClientBuilder::interceptor`](crate::ClientBuilder::interceptor); each method does
/// nothing unless implemented. Interceptors run in the order they were registered, on the
/// calling task, so they should be quick. A service account's token requests do not pass
/// through them.
///
/// # Examples
///
/// A request ID on every call, and a count of the attempts that failed without a response:
///
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use atlas_admin::http::{HeaderValue, Request};
/// use atlas_admin::transport::{CallInfo, Interceptor};
///
/// #[derive(Default)]
/// struct Tagged {
///     failures: AtomicU32,
/// }
///
/// impl Interceptor for Tagged {
///     fn before_credentials(&self, _call: &CallInfo<'_>, request: &mut Request<Vec<u8>>) -> Result<(), atlas_admin::Error> {
///         request.headers_mut().insert("x-request-id", HeaderValue::from_static("job-42"));
///         Ok(())
///     }
///
///     fn on_error(&self, _call: &CallInfo<'_>, _error: &atlas_admin::Error) {
///         self.failures.fetch_add(1, Ordering::Relaxed);
///     }
/// }
///
/// let client = atlas_admin::Client::builder().bearer_token("t").interceptor(Tagged::default()).build()?;
/// # let _ = client;
/// # Ok::<(), atlas_admin::Error>(())
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// Once per call, before the first attempt and before credentials are added: may change
    /// the request every attempt copies (a header, the URI), or refuse the call with an
    /// error, which is then the call's result.
    ///
    /// # Errors
    ///
    /// The error the call fails with, nothing sent.
    fn before_credentials(&self, call: &CallInfo<'_>, request: &mut http::Request<Vec<u8>>) -> Result<(), Error> {
        let _ = (call, request);
        Ok(())
    }

    /// Each attempt, just before it is sent: its copy of the request, with credentials
    /// (marked sensitive: `Debug` hides them).
    fn on_attempt(&self, call: &CallInfo<'_>, request: &mut http::Request<Vec<u8>>) {
        let _ = (call, request);
    }

    /// Each response an attempt read, whatever its status, before the retry classifier sees it.
    fn on_response(&self, call: &CallInfo<'_>, response: &http::Response<Vec<u8>>) {
        let _ = (call, response);
    }

    /// Each attempt that ended without a response read (a transport failure, a timeout, a
    /// body over the limit, credentials that could not be had).
    fn on_error(&self, call: &CallInfo<'_>, error: &Error) {
        let _ = (call, error);
    }
}

/// Which call, and which of its attempts, an [`Interceptor`] hook is for.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallInfo<'a> {
    /// The operation, when the call is for one.
    pub operation: Option<&'a OperationInfo>,
    /// The attempt, 1 for the first; 0 before the first.
    pub attempt: u32,
}
