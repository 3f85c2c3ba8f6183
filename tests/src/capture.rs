//! Capturing `tracing` output per test without races.
//!
//! A subscriber set per test with `tracing::subscriber::set_default` races with the tests
//! running beside it: a callsite that another thread hits first (with no subscriber) can be
//! cached as never enabled, and the test then misses its own event. That made log-checking
//! tests fail now and then on a loaded machine. Here one global subscriber is installed
//! once, at TRACE, with a filter that asks on every event whether the current thread is
//! capturing, so no callsite's interest is ever cached, and each test reads only what its
//! own thread wrote. Capturing tests run on a current-thread runtime.
//!
//! The subscriber must be in place before any test of the binary emits an event (an event
//! emitted before it may leave its callsite cached as disabled), so every test of a binary
//! that captures starts with [`install`] or [`Capture::start`].

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use tracing_subscriber::Layer;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::layer::SubscriberExt;

thread_local! {
    static CURRENT: RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { RefCell::new(None) };
}

/// Everything `tracing` writes on this thread while it lives.
pub struct Capture {
    buffer: Arc<Mutex<Vec<u8>>>,
}

/// Installs the process's one subscriber, once; it writes only on capturing threads.
pub fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(|| ThreadWriter)
            .with_filter(dynamic_filter_fn(|_, _| CURRENT.with(|current| current.borrow().is_some())));
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
            .expect("no other global subscriber in the tests");
    });
}

impl Capture {
    /// Starts capturing on the current thread, at every level.
    pub fn start() -> Self {
        install();
        let buffer = Arc::new(Mutex::new(Vec::new()));
        CURRENT.with(|current| *current.borrow_mut() = Some(buffer.clone()));
        Self { buffer }
    }

    /// What was captured so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.buffer.lock().unwrap().clone()).unwrap()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CURRENT.with(|current| *current.borrow_mut() = None);
    }
}

struct ThreadWriter;

impl Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CURRENT.with(|current| {
            if let Some(buffer) = &*current.borrow() {
                buffer.lock().unwrap().extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
