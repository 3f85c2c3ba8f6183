//! Pacing writes: [`Pacing`] says how fast (writes a minute, how many at once), and a
//! [`Pacer`] keeps that pace for everyone who shares it, slowing down as the server's
//! `RateLimit-Remaining` falls.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::clock::{Clock, TokioClock};
use super::headers::RateLimit;

/// The window Atlas's rate limits count in.
const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(60);
/// `RateLimit-Remaining` below this slows the pace, unless [`Pacing`] says otherwise.
const DEFAULT_SLOW_BELOW: u64 = 10;
/// What `remaining` holds before any response was seen.
const UNKNOWN: u64 = u64::MAX;

/// How fast writes go: at most `writes_per_minute` writes a minute (spaced evenly), at most
/// `concurrency` at once, and slower as `RateLimit-Remaining` falls below a threshold. The
/// default is one write a second, one at a time: 60 writes a minute, well under Atlas's rate
/// limits, and a 429 the client still waits out as `Retry-After` says.
///
/// ```
/// use std::time::Duration;
/// use atlas_admin::transport::Pacing;
///
/// let default = Pacing::default();
/// assert_eq!((default.writes_per_minute(), default.concurrency()), (Some(60), 1));
/// assert_eq!(default.interval(), Some(Duration::from_secs(1)));
/// let fast = Pacing::default().with_writes_per_minute(600).with_concurrency(4);
/// assert_eq!(fast.interval(), Some(Duration::from_millis(100)));
/// assert_eq!(Pacing::unlimited().interval(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pacing {
    writes_per_minute: Option<u32>,
    concurrency: usize,
    slow_below: u64,
}

impl Default for Pacing {
    fn default() -> Self {
        Self { writes_per_minute: Some(60), concurrency: 1, slow_below: DEFAULT_SLOW_BELOW }
    }
}

impl Pacing {
    /// No spacing between writes, one at a time (the client's 429 handling, and slowing
    /// down as `RateLimit-Remaining` falls, still apply).
    ///
    /// ```
    /// assert_eq!(atlas_admin::transport::Pacing::unlimited().writes_per_minute(), None);
    /// ```
    pub fn unlimited() -> Self {
        Self { writes_per_minute: None, ..Self::default() }
    }

    /// At most `writes` writes a minute (at least one).
    ///
    /// ```
    /// use atlas_admin::transport::Pacing;
    /// assert_eq!(Pacing::default().with_writes_per_minute(0).writes_per_minute(), Some(1));
    /// ```
    #[must_use]
    pub fn with_writes_per_minute(mut self, writes: u32) -> Self {
        self.writes_per_minute = Some(writes.max(1));
        self
    }

    /// At most `concurrency` writes (or, for the membership workflows, invitations or
    /// members) at once (at least one).
    ///
    /// ```
    /// use atlas_admin::transport::Pacing;
    /// assert_eq!(Pacing::default().with_concurrency(8).concurrency(), 8);
    /// ```
    #[must_use]
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Slows down once the last `RateLimit-Remaining` a [`Pacer`] was shown is below
    /// `remaining` (default 10; 0 never slows down): with `r` requests left in Atlas's
    /// one-minute window, writes are at least a minute over `r + 1` apart.
    ///
    /// ```
    /// use atlas_admin::transport::Pacing;
    /// assert_eq!(Pacing::default().slow_below(20).slowing_threshold(), 20);
    /// ```
    #[must_use]
    pub fn slow_below(mut self, remaining: u64) -> Self {
        self.slow_below = remaining;
        self
    }

    /// The writes a minute, or `None` when writes are not spaced.
    ///
    /// ```
    /// assert_eq!(atlas_admin::transport::Pacing::default().writes_per_minute(), Some(60));
    /// ```
    pub fn writes_per_minute(&self) -> Option<u32> {
        self.writes_per_minute
    }

    /// How many writes (or invitations, or members) are worked on at once.
    ///
    /// ```
    /// assert_eq!(atlas_admin::transport::Pacing::default().concurrency(), 1);
    /// ```
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The `RateLimit-Remaining` below which writes slow down.
    ///
    /// ```
    /// assert_eq!(atlas_admin::transport::Pacing::default().slowing_threshold(), 10);
    /// ```
    pub fn slowing_threshold(&self) -> u64 {
        self.slow_below
    }

    /// The time between two writes' starts, or `None` when writes are not spaced.
    ///
    /// ```
    /// use std::time::Duration;
    /// use atlas_admin::transport::Pacing;
    /// assert_eq!(Pacing::default().with_writes_per_minute(120).interval(), Some(Duration::from_millis(500)));
    /// ```
    pub fn interval(&self) -> Option<Duration> {
        self.writes_per_minute.map(|writes| RATE_LIMIT_WINDOW / writes)
    }
}

/// Hands out the start times of writes to everyone who shares it (clones share one
/// schedule), and at most [`Pacing::concurrency`] turns at once: any code can put it in
/// front of its writes, and [`ClientBuilder::pacer`](crate::ClientBuilder::pacer) puts it in
/// front of every write a client makes. The first write starts at once, the next one
/// [`Pacing::interval`] later, or later still when the last `RateLimit-Remaining` it was
/// shown ([`observe`](Self::observe)) is low. It reads the time from a [`Clock`] (tokio's by
/// default), so on paused time a test sees the schedule without waiting.
///
/// ```
/// use atlas_admin::transport::{Pacer, Pacing};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let pacer = Pacer::new(&Pacing::default().with_writes_per_minute(60_000));
/// let start = tokio::time::Instant::now();
/// pacer.wait().await; // at once
/// pacer.wait().await; // 1 ms later
/// assert_eq!(start.elapsed(), std::time::Duration::from_millis(1));
/// assert_eq!(pacer.pacing().concurrency(), 1);
/// # }
/// ```
#[derive(Clone)]
pub struct Pacer {
    shared: Arc<Shared>,
}

struct Shared {
    pacing: Pacing,
    clock: Arc<dyn Clock>,
    /// When the last write started (or is booked to); `None` before the first.
    last: Mutex<Option<Instant>>,
    writes: AtomicU64,
    /// The last `RateLimit-Remaining` seen, [`UNKNOWN`] before one.
    remaining: AtomicU64,
    turns: Arc<Semaphore>,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacer").field("pacing", &self.shared.pacing).field("writes", &self.writes()).finish_non_exhaustive()
    }
}

/// A turn to write from [`Pacer::turn`]: one of the pacer's [`Pacing::concurrency`] turns,
/// given back when dropped.
#[derive(Debug)]
pub struct Turn {
    _permit: OwnedSemaphorePermit,
}

impl Pacer {
    /// A schedule for `pacing`, on tokio's clock.
    ///
    /// ```
    /// use atlas_admin::transport::{Pacer, Pacing};
    /// assert_eq!(Pacer::new(&Pacing::unlimited()).pacing(), &Pacing::unlimited());
    /// ```
    pub fn new(pacing: &Pacing) -> Self {
        Self::with_clock(pacing, TokioClock::new())
    }

    /// A schedule for `pacing`, on `clock`.
    ///
    /// ```
    /// use atlas_admin::transport::{Pacer, Pacing, TokioClock};
    /// let pacer = Pacer::with_clock(&Pacing::default(), TokioClock::new());
    /// # let _ = pacer;
    /// ```
    pub fn with_clock(pacing: &Pacing, clock: impl Clock) -> Self {
        Self {
            shared: Arc::new(Shared {
                pacing: pacing.clone(),
                clock: Arc::new(clock),
                last: Mutex::new(None),
                writes: AtomicU64::new(0),
                remaining: AtomicU64::new(UNKNOWN),
                turns: Arc::new(Semaphore::new(pacing.concurrency)),
            }),
        }
    }

    /// The pacing this schedule follows.
    ///
    /// ```
    /// use atlas_admin::transport::{Pacer, Pacing};
    /// assert_eq!(Pacer::new(&Pacing::default()).pacing().writes_per_minute(), Some(60));
    /// ```
    pub fn pacing(&self) -> &Pacing {
        &self.shared.pacing
    }

    /// How many writes have waited for this schedule (through any of its clones).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use atlas_admin::transport::{Pacer, Pacing};
    /// let pacer = Pacer::new(&Pacing::unlimited());
    /// pacer.clone().wait().await;
    /// assert_eq!(pacer.writes(), 1);
    /// # }
    /// ```
    pub fn writes(&self) -> u64 {
        self.shared.writes.load(Ordering::Relaxed)
    }

    /// Waits until the next write may start: the spacing after the last write's start, as
    /// it is now (a `RateLimit-Remaining` seen since then counts); and books that slot.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use atlas_admin::transport::{Pacer, Pacing};
    /// Pacer::new(&Pacing::unlimited()).wait().await; // never waits
    /// # }
    /// ```
    pub async fn wait(&self) {
        let shared = &self.shared;
        shared.writes.fetch_add(1, Ordering::Relaxed);
        let Some(spacing) = self.spacing() else { return };
        let now = shared.clock.now();
        let start = {
            let mut last = shared.last.lock().unwrap_or_else(PoisonError::into_inner);
            let start = last.map_or(now, |last| (last + spacing).max(now));
            *last = Some(start);
            start
        };
        let wait = start.saturating_duration_since(now);
        if !wait.is_zero() {
            shared.clock.sleep(wait).await;
        }
    }

    /// Waits for a turn (at most [`Pacing::concurrency`] are out at once), then for the
    /// next write's slot, as [`wait`](Self::wait) does; the turn is given back when the
    /// returned [`Turn`] is dropped, so hold it until the write is done.
    ///
    /// ```
    /// use atlas_admin::transport::{Pacer, Pacing};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let pacer = Pacer::new(&Pacing::unlimited().with_concurrency(2));
    /// let first = pacer.turn().await;
    /// let second = pacer.turn().await;
    /// assert!(tokio::time::timeout(std::time::Duration::from_secs(1), pacer.turn()).await.is_err(), "two at once");
    /// drop(first);
    /// let third = pacer.turn().await;
    /// # drop((second, third));
    /// # }
    /// ```
    pub async fn turn(&self) -> Turn {
        // The semaphore lives as long as the pacer and is never closed.
        let permit = self.shared.turns.clone().acquire_owned().await.expect("a pacer's semaphore is never closed");
        self.wait().await;
        Turn { _permit: permit }
    }

    /// Shows the pacer a response's rate-limit figures: while `RateLimit-Remaining` is below
    /// the [`Pacing::slow_below`] threshold, writes are spread over what is left of the
    /// window. A client with this pacer ([`ClientBuilder::pacer`](crate::ClientBuilder::pacer))
    /// shows it every response of its writes.
    ///
    /// ```
    /// use std::time::Duration;
    /// use atlas_admin::transport::{Pacer, Pacing};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let pacer = Pacer::new(&Pacing::unlimited());
    /// let mut headers = atlas_admin::http::HeaderMap::new();
    /// headers.insert("RateLimit-Remaining", "2".parse().unwrap());
    /// pacer.observe(&atlas_admin::RateLimit::from_headers(&headers));
    /// let start = tokio::time::Instant::now();
    /// pacer.wait().await;
    /// pacer.wait().await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(20), "2 left: a minute over 3");
    /// # }
    /// ```
    pub fn observe(&self, rate_limit: &RateLimit) {
        if let Some(remaining) = rate_limit.remaining {
            self.shared.remaining.store(remaining.min(UNKNOWN - 1), Ordering::Relaxed);
        }
    }

    /// The time from this write's start to the next one's: the pacing's interval, or longer
    /// while few requests remain.
    fn spacing(&self) -> Option<Duration> {
        let remaining = self.shared.remaining.load(Ordering::Relaxed);
        let slowed = (remaining < self.shared.pacing.slow_below)
            .then(|| RATE_LIMIT_WINDOW / u32::try_from(remaining + 1).unwrap_or(u32::MAX));
        match (self.shared.pacing.interval(), slowed) {
            (Some(interval), Some(slowed)) => Some(interval.max(slowed)),
            (interval, slowed) => interval.or(slowed),
        }
    }

    /// Whether `self` and `other` are one schedule (clones of one pacer).
    pub(crate) fn is(&self, other: &Pacer) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remaining(left: u64) -> RateLimit {
        let mut headers = http::HeaderMap::new();
        headers.insert("RateLimit-Remaining", left.to_string().parse().unwrap());
        RateLimit::from_headers(&headers)
    }

    #[test]
    fn the_pace_slows_as_the_remaining_requests_fall() {
        let pacer = Pacer::new(&Pacing::default());
        assert_eq!(pacer.spacing(), Some(Duration::from_secs(1)));
        pacer.observe(&remaining(100));
        assert_eq!(pacer.spacing(), Some(Duration::from_secs(1)), "plenty left");
        pacer.observe(&remaining(9));
        assert_eq!(pacer.spacing(), Some(Duration::from_secs(6)), "9 left: a minute over 10");
        pacer.observe(&remaining(0));
        assert_eq!(pacer.spacing(), Some(Duration::from_secs(60)), "none left: the window");
        pacer.observe(&RateLimit::default());
        assert_eq!(pacer.spacing(), Some(Duration::from_secs(60)), "a response without the header changes nothing");

        let never = Pacer::new(&Pacing::unlimited().slow_below(0));
        never.observe(&remaining(0));
        assert_eq!(never.spacing(), None);
        let fast = Pacer::new(&Pacing::default().with_writes_per_minute(6000));
        fast.observe(&remaining(u64::MAX));
        assert_eq!(fast.spacing(), Some(Duration::from_millis(10)));
    }
}
