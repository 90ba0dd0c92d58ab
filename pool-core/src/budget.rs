//! [`Budget`]: the free slots of a pool's idle bound.
//!
//! A pool has `max_idle` slots, and a value may only be kept idle in one. At every moment
//!
//! ```text
//! free + depot.len() + Σ cache.reserved == max_idle,    cache.len() <= cache.reserved
//! ```
//!
//! so idle values never exceed `max_idle`, whichever threads hold them. A slot moves with its
//! value between a cache and the depot, and between caches only through the depot or the
//! budget; [`Shared::check_slots`](crate::shared::Shared) asserts the equation where the pool
//! is quiescent.

use crate::sync::{AtomicUsize, Ordering};

/// The most slots one thread's cache holds (so the most values it keeps), whatever `max_idle`
/// is.
pub(crate) const LOCAL_CAP: usize = 64;

/// The slots neither reserved by a cache nor holding a value in the depot.
///
/// Its side of the equation is here; a cache's side (every move of values or slots in or out
/// of a cache) is in `CacheData`'s methods (`cache.rs`), and the depot's length changes only
/// with values that bring their slots, or give them back here.
#[derive(Debug)]
pub(crate) struct Budget {
    free: AtomicUsize,
    /// `max_idle`: free slots never exceed it.
    max: usize,
}

impl Budget {
    pub(crate) fn new(max_idle: usize) -> Self {
        Budget {
            free: AtomicUsize::new(max_idle),
            max: max_idle,
        }
    }

    /// Takes up to `want` free slots; returns how many it took.
    pub(crate) fn take(&self, want: usize) -> usize {
        if want == 0 {
            return 0;
        }
        // Relaxed: a slot is a number, not a publication; the values it admits travel under
        // the depot's lock or a cache's claim, which order them.
        let mut free = self.free.load(Ordering::Relaxed);
        loop {
            let take = want.min(free);
            if take == 0 {
                return 0;
            }
            match self.free.compare_exchange_weak(
                free,
                free - take,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return take,
                Err(now) => free = now,
            }
        }
    }

    /// Gives `n` slots back.
    pub(crate) fn give(&self, n: usize) {
        if n != 0 {
            let before = self.free.fetch_add(n, Ordering::Relaxed);
            debug_assert!(
                before + n <= self.max,
                "slots minted: {before} free + {n} given back > max_idle {}",
                self.max
            );
        }
    }

    /// The free slots now.
    pub(crate) fn free(&self) -> usize {
        self.free.load(Ordering::Relaxed)
    }
}
