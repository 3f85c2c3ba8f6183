//! The client's one clock: what time it is and how to wait, for retries, the service
//! account's token cache, `Retry-After` dates and pacing.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

/// What [`Clock::sleep`] returns.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Time and sleep, injected: the client reads and waits only through its clock (set with
/// [`ClientBuilder::clock`](crate::ClientBuilder::clock)), so a test can run its retries,
/// tokens and pacing on time it controls.
///
/// The default, [`TokioClock`], is tokio's clock: on paused tokio time
/// (`#[tokio::test(start_paused = true)]`) it waits no real time. The attempt timeout is
/// tokio's own, whatever the clock.
///
/// # Examples
///
/// A clock that never waits and counts what it was asked to wait:
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::time::{Duration, Instant, SystemTime};
/// use atlas_admin::transport::{Clock, Sleep};
///
/// #[derive(Default)]
/// struct Impatient(AtomicU64);
///
/// impl Clock for Impatient {
///     fn now(&self) -> Instant {
///         Instant::now()
///     }
///     fn now_utc(&self) -> SystemTime {
///         SystemTime::now()
///     }
///     fn sleep(&self, duration: Duration) -> Sleep {
///         self.0.fetch_add(duration.as_millis() as u64, Ordering::Relaxed);
///         Box::pin(std::future::ready(()))
///     }
/// }
///
/// let client = atlas_admin::Client::builder().clock(Impatient::default()).build()?;
/// # let _ = client;
/// # Ok::<(), atlas_admin::Error>(())
/// ```
pub trait Clock: Send + Sync + 'static {
    /// Now, on a monotonic clock.
    fn now(&self) -> Instant;
    /// Now, as wall-clock time (for HTTP dates).
    fn now_utc(&self) -> SystemTime;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// tokio's clock: `tokio::time::Instant` and `tokio::time::sleep`, so paused tokio time
/// pauses it. Wall-clock time is the system's when the clock was made, moved on as tokio's
/// clock moves.
///
/// ```
/// use atlas_admin::transport::{Clock, TokioClock};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let clock = TokioClock::new();
/// let (start, start_utc) = (clock.now(), clock.now_utc());
/// clock.sleep(std::time::Duration::from_secs(3600)).await; // paused: no real waiting
/// assert_eq!(clock.now() - start, std::time::Duration::from_secs(3600));
/// assert_eq!(clock.now_utc().duration_since(start_utc).unwrap(), std::time::Duration::from_secs(3600));
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct TokioClock {
    started: tokio::time::Instant,
    started_utc: SystemTime,
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl TokioClock {
    /// tokio's clock, from now.
    pub fn new() -> Self {
        Self { started: tokio::time::Instant::now(), started_utc: SystemTime::now() }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn now_utc(&self) -> SystemTime {
        self.started_utc + tokio::time::Instant::now().saturating_duration_since(self.started)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}
