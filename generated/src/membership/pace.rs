//! Pacing bulk writes: how many a minute and how many at once, and the progress a long run
//! reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::migrate::Entry;

/// How fast bulk work writes: at most `writes_per_minute` writes a minute (spaced evenly),
/// with at most `concurrency` invitations or members worked on at once. The default is one
/// write a second, one at a time: 60 writes a minute, well under Atlas's rate limits, and a
/// 429 the client still waits out as `Retry-After` says.
///
/// ```
/// use std::time::Duration;
/// use atlas_admin::membership::Pacing;
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
}

impl Default for Pacing {
    fn default() -> Self {
        Self { writes_per_minute: Some(60), concurrency: 1 }
    }
}

impl Pacing {
    /// No spacing between writes, one at a time (the client's 429 handling still applies).
    ///
    /// ```
    /// assert_eq!(atlas_admin::membership::Pacing::unlimited().writes_per_minute(), None);
    /// ```
    pub fn unlimited() -> Self {
        Self { writes_per_minute: None, concurrency: 1 }
    }

    /// At most `writes` writes a minute (at least one).
    ///
    /// ```
    /// use atlas_admin::membership::Pacing;
    /// assert_eq!(Pacing::default().with_writes_per_minute(0).writes_per_minute(), Some(1));
    /// ```
    pub fn with_writes_per_minute(mut self, writes: u32) -> Self {
        self.writes_per_minute = Some(writes.max(1));
        self
    }

    /// At most `concurrency` invitations or members worked on at once (at least one).
    ///
    /// ```
    /// use atlas_admin::membership::Pacing;
    /// assert_eq!(Pacing::default().with_concurrency(8).concurrency(), 8);
    /// ```
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// The writes a minute, or `None` when writes are not spaced.
    ///
    /// ```
    /// assert_eq!(atlas_admin::membership::Pacing::default().writes_per_minute(), Some(60));
    /// ```
    pub fn writes_per_minute(&self) -> Option<u32> {
        self.writes_per_minute
    }

    /// How many invitations or members are worked on at once.
    ///
    /// ```
    /// assert_eq!(atlas_admin::membership::Pacing::default().concurrency(), 1);
    /// ```
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// The time between two writes' starts, or `None` when writes are not spaced.
    ///
    /// ```
    /// use std::time::Duration;
    /// use atlas_admin::membership::Pacing;
    /// assert_eq!(Pacing::default().with_writes_per_minute(120).interval(), Some(Duration::from_millis(500)));
    /// ```
    pub fn interval(&self) -> Option<Duration> {
        self.writes_per_minute.map(|writes| Duration::from_secs(60) / writes)
    }
}

/// Hands out the start times of writes, `interval` apart, to everyone who shares it (clones
/// share one schedule): the first write starts at once. It reads tokio's clock, so on paused
/// time a test sees the schedule without waiting.
///
/// ```
/// use atlas_admin::membership::{Pacer, Pacing};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let pacer = Pacer::new(&Pacing::default().with_writes_per_minute(60_000));
/// let start = tokio::time::Instant::now();
/// pacer.wait().await; // at once
/// pacer.wait().await; // 1 ms later
/// assert!(start.elapsed() >= std::time::Duration::from_millis(1));
/// assert_eq!(pacer.pacing().concurrency(), 1);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Pacer {
    pacing: Pacing,
    next: Arc<Mutex<Option<Instant>>>,
    writes: Arc<AtomicU64>,
}

impl Pacer {
    /// A schedule for `pacing`.
    ///
    /// ```
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// assert_eq!(Pacer::new(&Pacing::unlimited()).pacing(), &Pacing::unlimited());
    /// ```
    pub fn new(pacing: &Pacing) -> Self {
        Self { pacing: pacing.clone(), next: Arc::new(Mutex::new(None)), writes: Arc::new(AtomicU64::new(0)) }
    }

    /// The pacing this schedule follows.
    ///
    /// ```
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// assert_eq!(Pacer::new(&Pacing::default()).pacing().writes_per_minute(), Some(60));
    /// ```
    pub fn pacing(&self) -> &Pacing {
        &self.pacing
    }

    /// How many writes have waited for this schedule (through any of its clones).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// let pacer = Pacer::new(&Pacing::unlimited());
    /// pacer.clone().wait().await;
    /// assert_eq!(pacer.writes(), 1);
    /// # }
    /// ```
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Waits until the next write may start, and books the slot after it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use atlas_admin::membership::{Pacer, Pacing};
    /// Pacer::new(&Pacing::unlimited()).wait().await; // never waits
    /// # }
    /// ```
    pub async fn wait(&self) {
        self.writes.fetch_add(1, Ordering::Relaxed);
        let Some(interval) = self.pacing.interval() else { return };
        let start = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let start = next.map_or(now, |next| next.max(now));
            *next = Some(start + interval);
            start
        };
        tokio::time::sleep_until(start).await;
    }
}

/// Where a bulk run stands, given to its progress callback after each invitation.
///
/// ```
/// use atlas_admin::membership::Progress;
///
/// fn show(progress: Progress<'_>) {
///     eprintln!("{}/{} {}", progress.done, progress.total, progress.last.username);
/// }
/// # let _ = show;
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// Invitations finished so far, this one included.
    pub done: usize,
    /// Invitations in the run.
    pub total: usize,
    /// The one just finished.
    pub last: &'a Entry,
}
