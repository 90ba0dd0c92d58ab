//! The part of a pool every thread sees: the depot of idle values, the idle budget, the trim
//! generation and the counters.
//!
//! Slot accounting is the invariant that makes `max_idle` a hard bound across threads: the pool
//! has `max_idle` slots, and at every moment
//! `free + store.current.len() + store.victim.len() + Σ cache.reserved == max_idle`,
//! where each thread's cache holds at most `reserved` values. A value may only be kept idle in a
//! slot, so idle values never exceed `max_idle`.

use std::mem;

use crossbeam_utils::CachePadded;

use crate::local::CacheId;
use crate::stats::Counters;
use crate::sync::{lock, AtomicBool, AtomicU64, AtomicUsize, Mutex, MutexGuard, Ordering};

/// The depot behind the lock: values idle since the last trim, and values that were idle at the
/// last trim (the victims, dropped by the next trim unless reused first, like Go's victim cache).
#[derive(Debug)]
pub(crate) struct Store<T> {
    pub(crate) current: Vec<Box<T>>,
    pub(crate) victim: Vec<Box<T>>,
    /// The trim generation: `trim` adds 1, `clear` adds 2. Changed only under the lock.
    pub(crate) epoch: u64,
}

impl<T> Store<T> {
    pub(crate) fn len(&self) -> usize {
        self.current.len() + self.victim.len()
    }

    /// Moves up to `n` values since the last trim into `into`, newest first; when there are
    /// none, one victim. Victims move one at a time because moving one rescues it from the next
    /// trim: only a victim that is handed out again should be rescued.
    pub(crate) fn pop_into(&mut self, into: &mut Vec<Box<T>>, n: usize) -> usize {
        let from_current = n.min(self.current.len());
        if from_current > 0 {
            into.extend(self.current.drain(self.current.len() - from_current..));
            return from_current;
        }
        match self.victim.pop() {
            Some(value) if n > 0 => {
                into.push(value);
                1
            }
            Some(value) => {
                self.victim.push(value);
                0
            }
            None => 0,
        }
    }
}

/// What every thread using a pool shares.
///
/// A get or return that stays in its thread's cache reads nothing here (but for a get that
/// gives back slack slots): the `Pool` keeps
/// copies of `id`'s index and of `epoch` for it. The slow paths read `id`, `local_cap`,
/// `batch` and `epoch`, and write `free`, `stored`, `pressure`, the lock and the counters.
/// Each of those is padded to a cache line of its own, so a thread refilling or spilling does
/// not evict the line the others' slow paths read.
#[derive(Debug)]
pub(crate) struct Shared<T> {
    /// This pool's slot in each thread's cache registry.
    pub(crate) id: CacheId,
    /// The most values one thread's cache holds.
    pub(crate) local_cap: usize,
    /// How many values or slots a cache moves in one step.
    pub(crate) batch: usize,
    /// Slots not reserved by any cache and not holding a value in the store.
    free: CachePadded<AtomicUsize>,
    /// A copy of `store.epoch`, read without the lock by a cache checking whether it must
    /// catch up with a trim (the `Pool` keeps a further copy for the fast path).
    epoch: AtomicU64,
    /// A copy of `store.len()`, so a cache finding the store empty skips the lock.
    stored: CachePadded<AtomicUsize>,
    /// Set when the `Pool` is dropped: caches of a closed pool drop their values.
    closed: AtomicBool,
    /// Counts the times a cache found no free slot for a value coming back. Each cache that
    /// sees it change gives back, once, the slots it reserved but holds no value in, rather
    /// than keep them for its own next returns.
    pressure: CachePadded<AtomicU64>,
    store: CachePadded<Mutex<Store<T>>>,
    pub(crate) counters: CachePadded<Counters>,
}

/// The most values a thread's private cache holds, whatever `max_idle` is.
const LOCAL_CAP: usize = 64;

impl<T> Shared<T> {
    pub(crate) fn new(id: CacheId, max_idle: usize) -> Self {
        let local_cap = (max_idle / 4).clamp(1, LOCAL_CAP).min(max_idle);
        Shared {
            id,
            local_cap,
            batch: (local_cap / 2).max(1),
            free: CachePadded::new(AtomicUsize::new(max_idle)),
            epoch: AtomicU64::new(0),
            stored: CachePadded::new(AtomicUsize::new(0)),
            closed: AtomicBool::new(false),
            pressure: CachePadded::new(AtomicU64::new(0)),
            store: CachePadded::new(Mutex::new(Store {
                current: Vec::new(),
                victim: Vec::new(),
                epoch: 0,
            })),
            counters: CachePadded::new(Counters::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Store<T>> {
        lock(&self.store)
    }

    /// Unlocks `store` after publishing its length for lock-free readers.
    fn unlock(&self, store: MutexGuard<'_, Store<T>>) {
        self.stored.store(store.len(), Ordering::Relaxed);
    }

    /// The trim generation, read under the lock: what a new cache starts from.
    pub(crate) fn current_epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Moves up to `n` idle values from the store into a cache's `into`; their slots go with
    /// them. Returns how many moved.
    pub(crate) fn refill(&self, into: &mut Vec<Box<T>>, n: usize) -> usize {
        if self.stored.load(Ordering::Relaxed) == 0 {
            return 0;
        }
        let mut store = self.lock();
        let moved = store.pop_into(into, n);
        self.unlock(store);
        moved
    }

    /// Moves the `n` oldest values of a cache's `from` into the store; their slots go with them.
    pub(crate) fn spill(&self, from: &mut Vec<Box<T>>, n: usize) {
        let mut store = self.lock();
        store.current.extend(from.drain(..n));
        self.unlock(store);
    }

    /// Takes back everything a cache holds: its values and its `reserved` slots. Values idle
    /// since before the last trim become victims; those idle since before the last two (or a
    /// clear, or of a closed pool) go to `trash`, for the caller to drop outside any lock.
    /// Returns the trim generation the cache is now in.
    pub(crate) fn take_back(
        &self,
        cache_epoch: u64,
        values: &mut Vec<Box<T>>,
        reserved: usize,
        trash: &mut Vec<Box<T>>,
    ) -> u64 {
        let n = values.len();
        let mut store = self.lock();
        let behind = store.epoch - cache_epoch;
        let kept = if self.is_closed() || behind >= 2 {
            trash.append(values);
            0
        } else if behind == 1 {
            store.victim.append(values);
            n
        } else {
            store.current.append(values);
            n
        };
        let epoch = store.epoch;
        self.unlock(store);
        self.release(reserved - n);
        self.forget(n - kept);
        epoch
    }

    /// The trim generation as last published; may lag behind by one operation.
    #[inline]
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Relaxed)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// How many times a cache found the budget empty (see `pressure`).
    #[inline]
    pub(crate) fn pressure(&self) -> u64 {
        self.pressure.load(Ordering::Relaxed)
    }

    /// Takes up to `want` free slots; returns how many it took. Finding none counts as
    /// pressure.
    pub(crate) fn take_free(&self, want: usize) -> usize {
        if want == 0 {
            return 0;
        }
        let mut free = self.free.load(Ordering::Relaxed);
        loop {
            let take = want.min(free);
            if take == 0 {
                self.pressure.fetch_add(1, Ordering::Relaxed);
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
    pub(crate) fn release(&self, n: usize) {
        if n != 0 {
            self.free.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Idle values in the store (not in any thread's cache).
    pub(crate) fn stored(&self) -> usize {
        self.lock().len()
    }

    /// Takes one idle value straight from the store, for a thread without a usable cache.
    /// Its slot becomes free.
    pub(crate) fn pop_direct(&self) -> Option<Box<T>> {
        let mut store = self.lock();
        let value = store.current.pop().or_else(|| store.victim.pop());
        self.unlock(store);
        let value = value?;
        self.release(1);
        Some(value)
    }

    /// Keeps `value` in the store if a slot is free, for a thread without a usable cache.
    pub(crate) fn push_direct(&self, value: Box<T>) -> Result<(), Box<T>> {
        if self.is_closed() || self.take_free(1) == 0 {
            return Err(value);
        }
        self.push_reserved(value);
        Ok(())
    }

    /// Keeps `value` in the store, in a slot the caller already took from the budget.
    pub(crate) fn push_reserved(&self, value: Box<T>) {
        let mut store = self.lock();
        store.current.push(value);
        self.unlock(store);
    }

    /// Drops what was idle at the previous trim; what is idle now becomes the victims.
    /// Returns the values to drop, for the caller to drop outside the lock.
    pub(crate) fn trim(&self) -> Vec<Box<T>> {
        let mut store = self.lock();
        let current = mem::take(&mut store.current);
        let dropped = mem::replace(&mut store.victim, current);
        self.advance_epoch(&mut store, 1);
        self.unlock(store);
        self.forget(dropped.len());
        dropped
    }

    /// Drops every idle value in the store; caches drop theirs at their next operation.
    /// Returns the values to drop, for the caller to drop outside the lock.
    pub(crate) fn clear(&self) -> Vec<Box<T>> {
        let mut store = self.lock();
        let mut dropped = mem::take(&mut store.current);
        dropped.append(&mut store.victim);
        self.advance_epoch(&mut store, 2);
        self.unlock(store);
        self.forget(dropped.len());
        dropped
    }

    /// Marks the pool closed and empties the store; returns the values to drop.
    pub(crate) fn close(&self) -> Vec<Box<T>> {
        self.closed.store(true, Ordering::Relaxed);
        self.clear()
    }

    fn advance_epoch(&self, store: &mut Store<T>, by: u64) {
        store.epoch += by;
        self.epoch.store(store.epoch, Ordering::Relaxed);
    }

    /// Frees the slots of `n` idle values that are being dropped, and counts them trimmed.
    pub(crate) fn forget(&self, n: usize) {
        self.release(n);
        Counters::add(&self.counters.trimmed, n as u64);
    }

    /// The free slots now; for tests and models.
    #[cfg(loom)]
    pub(crate) fn free(&self) -> usize {
        self.free.load(Ordering::Relaxed)
    }
}
