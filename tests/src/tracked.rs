//! [`Tracked`]: a pooled value that reports its making and its drop to its test's [`Counts`].

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use pool_core::{Poolable, Reset};

/// How many [`Tracked`] values one test made and how many were dropped.
///
/// Unlike [`Counted`](crate::Counted), whose counters are per type, each test makes its own
/// `Counts` (in an `Arc`), so tests of one file count apart however many run at once.
#[derive(Debug, Default)]
pub struct Counts {
    created: AtomicUsize,
    dropped: AtomicUsize,
}

impl Counts {
    /// New counts, in the `Arc` every value made from them keeps.
    pub fn new() -> Arc<Counts> {
        Arc::default()
    }

    /// How many values were made from these counts.
    pub fn created(&self) -> usize {
        self.created.load(SeqCst)
    }

    /// How many of them were dropped.
    pub fn dropped(&self) -> usize {
        self.dropped.load(SeqCst)
    }

    /// Values made and not yet dropped: idle or in use.
    pub fn live(&self) -> usize {
        self.created() - self.dropped()
    }

    /// A maker of values counted here, for `create_with`: serials from 0, in the order made.
    pub fn maker(self: &Arc<Self>) -> impl Fn() -> Tracked + Send + Sync + 'static {
        let counts = Arc::clone(self);
        move || Tracked::new(&counts)
    }
}

/// A pooled value that counts its making and its drop in its test's [`Counts`], keeps a serial
/// number (the values made before it), and panics in `Drop` when armed.
///
/// `Reset` leaves it as it is, so a test can tell which value a get handed out, and an armed
/// value stays armed while idle. A `Drop` run while the thread is already unwinding does not
/// panic, so a failing test reports its own panic.
///
/// ```
/// use pool_core::Pool;
/// use pool_tests::Counts;
///
/// let counts = Counts::new();
/// let pool = Pool::builder().create_with(counts.maker()).build();
/// let first = pool.get();
/// assert_eq!((first.serial, pool.get().serial), (0, 1));
/// drop(first);
/// drop(pool);
/// assert_eq!((counts.created(), counts.dropped()), (2, 2));
/// ```
#[derive(Debug)]
#[non_exhaustive] // made only by `Tracked::new`, which counts it
pub struct Tracked {
    /// How many values of its `Counts` were made before it.
    pub serial: usize,
    /// Whether its `Drop` panics.
    pub armed: bool,
    counts: Arc<Counts>,
}

impl Tracked {
    /// Makes a value, counted in `counts`.
    pub fn new(counts: &Arc<Counts>) -> Self {
        let serial = counts.created.fetch_add(1, SeqCst);
        Tracked {
            serial,
            armed: false,
            counts: Arc::clone(counts),
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.counts.dropped.fetch_add(1, SeqCst);
        if std::mem::take(&mut self.armed) && !std::thread::panicking() {
            panic!("an armed Tracked value was dropped");
        }
    }
}

impl Reset for Tracked {
    fn reset(&mut self) {}
}

impl Poolable for Tracked {
    /// Pools of `Tracked` make their values with `create_with` and their test's own
    /// [`Counts::maker`]; this fallback counts into `Counts` no test reads.
    fn create() -> Self {
        Tracked::new(&Arc::default())
    }
}
