//! [`Counted`]: a pooled value that counts how many of its kind were made and dropped.

use std::sync::atomic::{AtomicUsize, Ordering};

use pool_core::{Poolable, Reset};

/// How many `ID`s [`Counted`] has: the most tests of one file that count at once.
const IDS: usize = 8;

/// The counters of one `ID`.
struct Counts {
    created: AtomicUsize,
    dropped: AtomicUsize,
}

static COUNTS: [Counts; IDS] = [const {
    Counts {
        created: AtomicUsize::new(0),
        dropped: AtomicUsize::new(0),
    }
}; IDS];

/// A pooled value that counts, per `ID`, how many were made and how many dropped.
///
/// The tests of one file run in parallel in one process, so each test that counts uses an `ID`
/// of its own, from 0 to 7; the counters are per process, so another file may reuse the `ID`s.
/// Every value is made by [`Counted::new`] (which [`Poolable::create`] calls), so every value
/// is counted. [`data`](Counted::data) is a buffer to dirty: [`Reset`] clears it.
///
/// # Example
///
/// ```
/// use pool_core::Pool;
/// use pool_tests::Counted;
///
/// let pool: Pool<Counted<0>> = Pool::new();
/// pool.prefill(3);
/// pool.get().data.push(1);
/// assert_eq!((Counted::<0>::created(), Counted::<0>::live()), (3, 3));
/// drop(pool);
/// assert_eq!((Counted::<0>::dropped(), Counted::<0>::live()), (3, 0));
/// ```
#[derive(Debug)]
#[non_exhaustive] // made only by `Counted::new`, which counts it
pub struct Counted<const ID: usize> {
    /// A buffer to dirty; [`Reset`] clears it and keeps its capacity.
    pub data: Vec<u8>,
}

impl<const ID: usize> Counted<ID> {
    /// Makes a value with an empty buffer, and counts it.
    pub fn new() -> Self {
        Self::counts().created.fetch_add(1, Ordering::SeqCst);
        Counted { data: Vec::new() }
    }

    /// How many values of this `ID` were made.
    pub fn created() -> usize {
        Self::counts().created.load(Ordering::SeqCst)
    }

    /// How many values of this `ID` were dropped.
    pub fn dropped() -> usize {
        Self::counts().dropped.load(Ordering::SeqCst)
    }

    /// How many values of this `ID` are alive: made and not yet dropped. Below zero if a value
    /// was dropped twice.
    pub fn live() -> isize {
        let dropped = Self::dropped();
        Self::created() as isize - dropped as isize
    }

    fn counts() -> &'static Counts {
        const { assert!(ID < IDS, "`Counted` has `ID`s 0 to 7") };
        &COUNTS[ID]
    }
}

impl<const ID: usize> Default for Counted<ID> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const ID: usize> Drop for Counted<ID> {
    fn drop(&mut self) {
        Self::counts().dropped.fetch_add(1, Ordering::SeqCst);
    }
}

impl<const ID: usize> Reset for Counted<ID> {
    fn reset(&mut self) {
        self.data.clear();
    }
}

impl<const ID: usize> Poolable for Counted<ID> {
    fn create() -> Self {
        Self::new()
    }
}
