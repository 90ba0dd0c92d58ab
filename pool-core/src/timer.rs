//! [`TrimTimer`]: a background thread that calls [`trim_all`] on an interval.

use std::fmt;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::directory::trim_all;

/// The handle of [`trim_every`]'s thread: dropping it stops the thread (and waits for a trim
/// in progress to finish).
#[must_use = "the timer stops when its handle is dropped"]
pub struct TrimTimer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
    interval: Duration,
}

/// Starts one background thread that calls [`trim_all`] every `interval`, until the returned
/// handle is dropped. A value idle through two intervals is dropped, as Go's victim cache
/// drops what two garbage collections saw idle. No thread exists unless a program asks for
/// one; a panic from a dropped value's `Drop` is caught, and the timer goes on.
///
/// ```
/// use std::time::Duration;
/// use pool_core::Pool;
///
/// static BUFFERS: Pool<Vec<u8>> = Pool::new();
///
/// let timer = pool_core::trim_every(Duration::from_secs(30));
/// drop(BUFFERS.get());
/// drop(timer); // stops the thread
/// ```
///
/// # Panics
///
/// If the operating system cannot start a thread.
pub fn trim_every(interval: Duration) -> TrimTimer {
    let (stop, stopped) = mpsc::channel::<()>();
    let thread = thread::Builder::new()
        .name("pool-core trim".into())
        .spawn(move || {
            // Until the handle is dropped, which disconnects the channel.
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                let _ = std::panic::catch_unwind(trim_all);
            }
        })
        .expect("failed to start the trim timer's thread");
    TrimTimer {
        stop: Some(stop),
        thread: Some(thread),
        interval,
    }
}

impl TrimTimer {
    /// The interval between trims.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

impl Drop for TrimTimer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // A trim's panic was caught in the thread, so this never fails.
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for TrimTimer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrimTimer")
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}
