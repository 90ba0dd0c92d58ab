//! Pool statistics: the public [`PoolStats`] snapshot and the counters behind it.

use crate::sync::{AtomicU64, Ordering};

/// Where a value coming back comes from, for the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A guard's drop: the end of a get.
    Guard,
    /// [`Pool::put`](crate::Pool::put): a value from outside.
    Put,
}

/// A snapshot of a pool's counters, from [`Pool::stats`](crate::Pool::stats).
///
/// The counts are pool-wide: `stats()` adds every thread's cache, parked or busy, to the shared
/// counters. They are exact whenever no guard is out, whatever threads are alive, parked or
/// gone; then `created == idle + in_use + discarded + trimmed + detached`. A snapshot taken
/// while other threads work may lag by the operations in flight, never by a whole thread.
///
/// # Example
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<Vec<u8>> = Pool::new();
/// drop(pool.get()); // created, then returned
/// drop(pool.get()); // reused, then returned
/// let stats = pool.stats();
/// assert_eq!((stats.created, stats.reused, stats.returned), (1, 1, 2));
/// assert_eq!((stats.idle, stats.in_use), (1, 0));
/// assert_eq!(stats.hit_rate(), 0.5);
/// // Every count is a `u64`, so the identity holds as written:
/// assert_eq!(
///     stats.created,
///     stats.idle + stats.in_use + stats.discarded + stats.trimmed + stats.detached
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PoolStats {
    /// Values made by the pool, plus values handed to [`Pool::put`](crate::Pool::put) from
    /// outside.
    pub created: u64,
    /// Gets served from idle values rather than by creating one.
    pub reused: u64,
    /// Values given back, reset and kept.
    pub returned: u64,
    /// Values given back but dropped: the pool was full (`max_idle` or `max_idle_bytes`),
    /// `keep_if` refused them, their reset, shrink or `keep_if` panicked, or they were
    /// [discarded](crate::Pooled::discard).
    pub discarded: u64,
    /// Idle values dropped by [`Pool::trim`](crate::Pool::trim) or
    /// [`Pool::clear`](crate::Pool::clear).
    pub trimmed: u64,
    /// Values taken out of the pool for good by [`Pooled::detach`](crate::Pooled::detach).
    pub detached: u64,
    /// Values idle in the pool now, ready to be handed out.
    pub idle: u64,
    /// The heap bytes the idle values hold, as their [`Reset::heap_bytes`](crate::Reset::heap_bytes)
    /// estimates them (from capacities); 0 for a pool built with
    /// [`reset_with`](crate::PoolBuilder::reset_with), which cannot tell.
    pub idle_bytes: u64,
    /// Values handed out and not yet back: the guards alive now.
    pub in_use: u64,
}

impl PoolStats {
    /// The share of values handed out that were reused rather than made:
    /// `reused / (reused + created)`, from 0.0 to 1.0, and 0.0 before anything was made.
    /// Values made by [`Pool::prefill`](crate::Pool::prefill) or handed to
    /// [`Pool::put`](crate::Pool::put) count as made.
    pub fn hit_rate(&self) -> f64 {
        let total = self.reused + self.created;
        if total == 0 {
            0.0
        } else {
            self.reused as f64 / total as f64
        }
    }
}

/// Event counts a thread's cache keeps without atomics, under its claim; `stats()` adds every
/// cache's, and a retiring cache adds its own to the shared [`Counters`]. One increment per
/// fast-path operation: a get from the cache is a reuse and a hand-out at once, a guard's
/// return a return and a guard's end.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct LocalCounts {
    /// Gets served from this cache (each also a value handed out).
    pub(crate) reused: u64,
    /// Guards' values kept (each also a guard ended).
    pub(crate) returned: u64,
    /// Values from `put` kept.
    pub(crate) put_returned: u64,
}

impl LocalCounts {
    /// Counts a value kept, from a guard or from `put`.
    #[inline]
    pub(crate) fn returned(&mut self, origin: Origin) {
        match origin {
            Origin::Guard => self.returned += 1,
            Origin::Put => self.put_returned += 1,
        }
    }

    /// Adds another cache's counts.
    pub(crate) fn add(&mut self, other: &LocalCounts) {
        self.reused += other.reused;
        self.returned += other.returned;
        self.put_returned += other.put_returned;
    }

    fn taken(&self) -> u64 {
        self.reused
    }

    fn ended(&self) -> u64 {
        self.returned
    }
}

/// The pool-wide counters: updated on slow paths and when a thread's cache reports.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) created: AtomicU64,
    pub(crate) reused: AtomicU64,
    pub(crate) returned: AtomicU64,
    pub(crate) discarded: AtomicU64,
    pub(crate) trimmed: AtomicU64,
    pub(crate) detached: AtomicU64,
    /// Values handed out that no thread's counts include: made for a get, or taken straight
    /// from the store.
    pub(crate) taken: AtomicU64,
    /// Guards ended that no thread's counts include: detached, discarded, a panicking reset,
    /// or a return straight to the store.
    pub(crate) ended: AtomicU64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        if n != 0 {
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Counts a value given back and dropped (no room, a panicking reset, or discarded).
    pub(crate) fn discarded(&self, origin: Origin) {
        Self::add(&self.discarded, 1);
        Self::add(&self.ended, u64::from(origin == Origin::Guard));
    }

    /// Adds a retiring cache's counts.
    pub(crate) fn absorb(&self, local: &LocalCounts) {
        Self::add(&self.reused, local.reused);
        Self::add(&self.returned, local.returned + local.put_returned);
        Self::add(&self.taken, local.taken());
        Self::add(&self.ended, local.ended());
    }

    /// The shared counters plus one thread's private ones, with `idle` given.
    pub(crate) fn snapshot(&self, local: &LocalCounts, idle: usize, idle_bytes: u64) -> PoolStats {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let taken = load(&self.taken) + local.taken();
        let ended = load(&self.ended) + local.ended();
        PoolStats {
            created: load(&self.created),
            reused: load(&self.reused) + local.reused,
            returned: load(&self.returned) + local.returned + local.put_returned,
            discarded: load(&self.discarded),
            trimmed: load(&self.trimmed),
            detached: load(&self.detached),
            idle: idle as u64,
            idle_bytes,
            in_use: taken.saturating_sub(ended),
        }
    }
}
