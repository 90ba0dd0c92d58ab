//! [`Pool`]: a thread-safe pool with a thread-local fast path.

use std::fmt;
use std::mem;
use std::sync::atomic::{
    AtomicU64 as StdAtomicU64, AtomicUsize as StdAtomicUsize, Ordering::Relaxed,
};
use std::sync::OnceLock;

use crate::builder::PoolBuilder;
use crate::guard::{OwnedPooled, Pooled};
use crate::local::{
    pop_fast, push_fast, push_reserving, remove_cache, with_cache, with_existing_cache, CacheId,
    LocalCache,
};
use crate::shared::Shared;
use crate::stats::{Counters, LocalCounts, PoolStats};
use crate::sync::{Arc, StdArc};
use crate::Poolable;

/// The `max_idle` of [`Pool::new`]: the most values a pool keeps idle unless told otherwise.
pub const DEFAULT_MAX_IDLE: usize = 256;

/// The function a pool calls to make a value, when it is not `T::create`.
pub(crate) type CreateFn<T> = Box<dyn Fn() -> T + Send + Sync>;

/// A thread-safe pool of reusable values.
///
/// [`get`](Pool::get) hands out an idle value, or creates one with [`Poolable::create`];
/// dropping the guard resets the value and keeps it for the next `get`, unless the pool already
/// holds `max_idle` idle values. Each thread keeps a small private cache of idle values, so a
/// get and a return on a warm thread cost a pop and a push, with no lock and no atomic
/// read-modify-write.
///
/// - **Bounded.** At most [`max_idle`](Pool::max_idle) values are idle at any time, counting every
///   thread's cache.
/// - **Trimmable.** [`trim`](Pool::trim) drops what was already idle at the previous trim, so a
///   timer calling it every few seconds returns memory from a burst that is over; Go's `sync.Pool`
///   does this at each garbage collection, here the caller decides when.
/// - **Observable.** [`stats`](Pool::stats) counts what was created, reused, returned, dropped.
/// - **Const.** `Pool::new()` is a `const fn`, so a pool can be a `static`; `#[pool(global)]` on
///   a derived type generates one.
///
/// Values are reset when they come back, outside any lock, so idle values hold no stale data and
/// no references to anything the last user had. A reset that panics drops that value; the pool
/// stays usable.
///
/// # Example
///
/// ```
/// use pool_core::Pool;
///
/// static BUFFERS: Pool<Vec<u8>> = Pool::new();
///
/// let mut buf = BUFFERS.get();
/// buf.extend_from_slice(b"hello");
/// assert_eq!(&buf[..], b"hello");
/// drop(buf); // reset (cleared, capacity kept) and back in the pool
///
/// let buf = BUFFERS.get();
/// assert!(buf.is_empty());
/// assert!(buf.capacity() >= 5); // the same allocation, reused
/// ```
pub struct Pool<T: Poolable> {
    /// What every get and return reads, kept in the pool itself rather than behind `shared`.
    fast: FastKey,
    /// Made on first use, so `new` can be `const`.
    shared: OnceLock<Arc<Shared<T>>>,
    max_idle: usize,
    create: Option<CreateFn<T>>,
}

impl<T: Poolable> Pool<T> {
    /// A pool that keeps at most [`DEFAULT_MAX_IDLE`] (256) idle values and makes new ones with
    /// [`Poolable::create`].
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// static NAMES: Pool<String> = Pool::new();
    /// assert_eq!(NAMES.max_idle(), pool_core::DEFAULT_MAX_IDLE);
    /// ```
    pub const fn new() -> Self {
        Self::with_max_idle(DEFAULT_MAX_IDLE)
    }

    /// A pool that keeps at most `max_idle` idle values; `0` keeps none.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// static SMALL: Pool<Vec<u8>> = Pool::with_max_idle(4);
    /// assert_eq!(SMALL.max_idle(), 4);
    /// ```
    pub const fn with_max_idle(max_idle: usize) -> Self {
        Pool {
            fast: FastKey::new(),
            shared: OnceLock::new(),
            max_idle,
            create: None,
        }
    }

    /// A builder, to set `max_idle` and the function that makes new values.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool = Pool::builder()
    ///     .max_idle(16)
    ///     .create_with(|| Vec::<u8>::with_capacity(4096))
    ///     .build();
    /// assert!(pool.get().capacity() >= 4096);
    /// ```
    pub fn builder() -> PoolBuilder<T> {
        PoolBuilder::new()
    }

    pub(crate) fn from_builder(max_idle: usize, create: Option<CreateFn<T>>) -> Self {
        Pool {
            fast: FastKey::new(),
            shared: OnceLock::new(),
            max_idle,
            create,
        }
    }

    /// The most values this pool keeps idle.
    pub fn max_idle(&self) -> usize {
        self.max_idle
    }

    /// Takes an idle value, or creates one, behind a guard that resets it and gives it back
    /// when dropped.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::new();
    /// let mut name = pool.get();
    /// name.push_str("ada");
    /// assert_eq!(*name, "ada");
    /// ```
    #[inline]
    pub fn get(&self) -> Pooled<'_, T> {
        Pooled::new(self, self.take())
    }

    /// Like [`get`](Pool::get), for a pool in an `Arc`: the guard holds a clone of the `Arc`,
    /// so it can move to another thread or into an async task.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use pool_core::Pool;
    ///
    /// let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    /// let mut buf = pool.get_owned();
    /// std::thread::spawn(move || buf.push(1)).join().unwrap();
    /// assert_eq!(pool.stats().returned, 1);
    /// ```
    #[inline]
    pub fn get_owned(self: &StdArc<Self>) -> OwnedPooled<T> {
        OwnedPooled::new(StdArc::clone(self), self.take())
    }

    /// Resets `value` and keeps it if the pool has room, or drops it. Counts it as created.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// pool.put(vec![1, 2, 3]);
    /// assert_eq!(pool.idle(), 1);
    /// assert!(pool.get().is_empty()); // it was reset
    /// ```
    pub fn put(&self, value: T) {
        let shared = self.shared();
        Counters::add(&shared.counters.created, 1);
        let mut value = Box::new(value);
        reset(self, &mut value, false);
        self.keep(value);
    }

    /// Creates values until at least `n` are idle, or `max_idle` are.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::with_max_idle(8);
    /// pool.prefill(5);
    /// assert_eq!(pool.idle(), 5);
    /// pool.prefill(100);
    /// assert_eq!(pool.idle(), 8);
    /// ```
    pub fn prefill(&self, n: usize) {
        /// Gives a taken slot back if `create` panics.
        struct SlotGuard<'a, T>(&'a Shared<T>);
        impl<T> Drop for SlotGuard<'_, T> {
            fn drop(&mut self) {
                self.0.release(1);
            }
        }
        let shared = self.shared();
        // This thread's empty reserved slots go back to the budget first, for prefill to use.
        with_existing_cache(shared, LocalCache::release_empty_slots);
        // A slot is taken before each value is made, so none is made only to be dropped; the
        // loop ends early if other threads' caches hold the rest of the budget.
        while self.idle() < n.min(self.max_idle) && shared.take_free(1) == 1 {
            let slot = SlotGuard(shared);
            let value = self.create_boxed(shared);
            mem::forget(slot);
            shared.push_reserved(value);
        }
    }

    /// The number of idle values: in the shared store and in this thread's cache. Other live
    /// threads' caches are not counted.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// let (a, b) = (pool.get(), pool.get());
    /// assert_eq!(pool.idle(), 0);
    /// drop((a, b));
    /// assert_eq!(pool.idle(), 2);
    /// ```
    pub fn idle(&self) -> usize {
        self.local_view().1 + self.shared().stored()
    }

    /// Drops what was idle at the previous `trim` and is still idle: call it from a timer or a
    /// memory-pressure hook to give back memory from a burst that is over. A value idle now and
    /// reused before the next `trim` is kept.
    ///
    /// This thread's cache is trimmed now; another live thread's cache at that thread's next
    /// operation on the pool.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// pool.prefill(10);
    /// pool.trim(); // the 10 become victims: dropped at the next trim unless reused
    /// assert_eq!(pool.idle(), 10);
    /// drop(pool.get()); // one is reused, so it is fresh again
    /// pool.trim();
    /// assert_eq!(pool.idle(), 1);
    /// assert_eq!(pool.stats().trimmed, 9);
    /// ```
    pub fn trim(&self) {
        let shared = self.shared();
        let dropped = shared.trim();
        self.fast.follow(shared);
        drop(dropped);
        with_existing_cache(shared, LocalCache::catch_up);
    }

    /// Drops every idle value now: in the shared store and this thread's cache; another live
    /// thread's cache drops its values at that thread's next operation on the pool.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<String> = Pool::new();
    /// pool.prefill(3);
    /// pool.clear();
    /// assert_eq!(pool.idle(), 0);
    /// ```
    pub fn clear(&self) {
        let shared = self.shared();
        let dropped = shared.clear();
        self.fast.follow(shared);
        drop(dropped);
        with_existing_cache(shared, LocalCache::catch_up);
    }

    /// A snapshot of the pool's counters; exact when no guard is out and every other thread
    /// that used the pool has exited. See [`PoolStats`].
    pub fn stats(&self) -> PoolStats {
        let (counts, local_idle) = self.local_view();
        let shared = self.shared();
        shared
            .counters
            .snapshot(&counts, local_idle + shared.stored())
    }

    /// This thread's private counts and idle values, after catching up with trims.
    fn local_view(&self) -> (LocalCounts, usize) {
        with_existing_cache(self.shared(), |cache| {
            cache.catch_up();
            (cache.counts, cache.len())
        })
        .unwrap_or_default()
    }

    #[inline]
    pub(crate) fn shared(&self) -> &Arc<Shared<T>> {
        self.shared.get_or_init(|| {
            let shared = Arc::new(Shared::new(CacheId::acquire(), self.max_idle));
            self.fast.index.store(shared.id.index(), Relaxed);
            shared
        })
    }

    /// Takes an idle value or makes one: the start of every get.
    #[inline]
    fn take(&self) -> Box<T> {
        // SAFETY: `fast.index` is `usize::MAX` until `shared` is made, then its index (see
        // `shared`), and `shared` lives as long as this pool.
        match unsafe { pop_fast(self.fast.index(), self.fast.epoch()) } {
            Some(value) => value,
            None => self.take_slow(),
        }
    }

    /// A get that found no value in an up-to-date cache: catch up with trims, refill from the
    /// shared store, or create.
    #[cold]
    fn take_slow(&self) -> Box<T> {
        let shared = self.shared();
        /// A value taken for a get that has not reached it yet. `with_cache` drops the values
        /// a trim left in the cache after the value was taken; should one's `Drop` panic, this
        /// counts the value as discarded as it is dropped, so `in_use` does not keep it.
        struct Taken<'a, T> {
            value: Option<Box<T>>,
            shared: &'a Shared<T>,
        }
        impl<T> Drop for Taken<'_, T> {
            fn drop(&mut self) {
                if self.value.take().is_some() {
                    let counters = &self.shared.counters;
                    Counters::add(&counters.discarded, 1);
                    Counters::add(&counters.ended, 1);
                }
            }
        }
        let taken = with_cache(shared, (), |cache, ()| Taken {
            value: cache.pop(),
            shared,
        });
        match taken.map(|mut taken| taken.value.take()) {
            Ok(Some(value)) => value,
            Ok(None) => self.create_for_get(shared),
            Err(()) => self.take_direct(shared),
        }
    }

    /// A get from a thread without a usable cache.
    #[cold]
    fn take_direct(&self, shared: &Shared<T>) -> Box<T> {
        match shared.pop_direct() {
            Some(value) => {
                Counters::add(&shared.counters.reused, 1);
                Counters::add(&shared.counters.taken, 1);
                value
            }
            None => self.create_for_get(shared),
        }
    }

    /// Makes a value for a get, and counts it handed out.
    #[cold]
    fn create_for_get(&self, shared: &Shared<T>) -> Box<T> {
        let value = self.create_boxed(shared);
        Counters::add(&shared.counters.taken, 1);
        value
    }

    /// Makes a value and counts it created. `create` is user code: it runs outside every lock
    /// and borrow, and may itself use this pool.
    fn create_boxed(&self, shared: &Shared<T>) -> Box<T> {
        let value = Box::new(match &self.create {
            Some(create) => create(),
            None => T::create(),
        });
        Counters::add(&shared.counters.created, 1);
        value
    }

    /// The end of a guard that gives its value back: reset, then keep or drop.
    #[inline]
    pub(crate) fn recycle(&self, mut value: Box<T>) {
        reset(self, &mut value, true);
        let mut value = Some(value);
        // SAFETY: as in `take`.
        unsafe { push_fast(self.fast.index(), self.fast.epoch(), &mut value, true) };
        if let Some(value) = value {
            self.keep_slow(value, true);
        }
    }

    /// Keeps a reset value from `put`.
    fn keep(&self, value: Box<T>) {
        let mut value = Some(value);
        // SAFETY: as in `take`.
        unsafe { push_fast(self.fast.index(), self.fast.epoch(), &mut value, false) };
        if let Some(value) = value {
            self.keep_slow(value, false);
        }
    }

    /// A return that found no room in an up-to-date cache: catch up with trims, spill, reserve
    /// slots, or drop the value if the pool is full.
    #[cold]
    fn keep_slow(&self, value: Box<T>, from_guard: bool) {
        let shared = self.shared();
        let mut value = Some(value);
        push_reserving(shared, &mut value, from_guard);
        let Some(value) = value else { return };
        let kept = with_cache(shared, value, |cache, value| cache.push(value, from_guard));
        match kept {
            Ok(Ok(())) => {}
            Ok(Err(full)) => drop(full),
            Err(value) => {
                Counters::add(&shared.counters.ended, u64::from(from_guard));
                self.keep_direct(shared, value);
            }
        }
    }

    /// Keeps a reset value from a thread without a usable cache.
    #[cold]
    fn keep_direct(&self, shared: &Shared<T>, value: Box<T>) {
        match shared.push_direct(value) {
            Ok(()) => Counters::add(&shared.counters.returned, 1),
            Err(full) => {
                Counters::add(&shared.counters.discarded, 1);
                drop(full);
            }
        }
    }

    /// The end of a guard whose value leaves the pool for good.
    pub(crate) fn forget_detached(&self) {
        let counters = &self.shared().counters;
        Counters::add(&counters.detached, 1);
        Counters::add(&counters.ended, 1);
    }

    /// The end of a guard whose value is dropped instead of returned.
    pub(crate) fn forget_discarded(&self) {
        let counters = &self.shared().counters;
        Counters::add(&counters.discarded, 1);
        Counters::add(&counters.ended, 1);
    }
}

/// Resets a value coming back. If the reset panics, the value is dropped by the unwinding and
/// counted as discarded (and as the end of its guard when it came from one); the panic goes on
/// to the caller, and the pool holds no lock or borrow, so it stays usable.
#[inline]
fn reset<T: Poolable>(pool: &Pool<T>, value: &mut T, from_guard: bool) {
    struct CountIfUnwinding<'a, T: Poolable> {
        pool: &'a Pool<T>,
        from_guard: bool,
    }
    impl<T: Poolable> Drop for CountIfUnwinding<'_, T> {
        fn drop(&mut self) {
            let counters = &self.pool.shared().counters;
            Counters::add(&counters.discarded, 1);
            Counters::add(&counters.ended, u64::from(self.from_guard));
        }
    }
    let on_unwind = CountIfUnwinding { pool, from_guard };
    value.reset();
    mem::forget(on_unwind);
}

/// The part of a pool that every get and return reads: its cache index, which names this
/// thread's cache for it, and its trim generation, which says whether that cache is up to date.
/// Copies of `shared`'s, kept in the `Pool` so the fast path reads them with one load each from
/// the pool it already has, with no check that `shared` exists: until it does, `index` is
/// `usize::MAX`, which no thread's table reaches, and every operation takes the slow path.
///
/// Plain `std` atomics even in loom builds: the models drive the caches and the shared part
/// directly, and a stale read here only sends an operation to the slow path (which reads
/// `shared`'s own copies) or orders it before a trim that is racing it.
struct FastKey {
    index: StdAtomicUsize,
    epoch: StdAtomicU64,
}

impl FastKey {
    const fn new() -> Self {
        FastKey {
            index: StdAtomicUsize::new(usize::MAX),
            epoch: StdAtomicU64::new(0),
        }
    }

    #[inline]
    fn index(&self) -> usize {
        self.index.load(Relaxed)
    }

    #[inline]
    fn epoch(&self) -> u64 {
        self.epoch.load(Relaxed)
    }

    /// Catches up with the trim generation `shared` now has; never goes back, should two
    /// trims race.
    fn follow<T>(&self, shared: &Shared<T>) {
        self.epoch.fetch_max(shared.epoch(), Relaxed);
    }
}

impl<T: Poolable> Default for Pool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Poolable> fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("max_idle", &self.max_idle)
            .field("custom_create", &self.create.is_some())
            .field("stats", &self.stats())
            .finish()
    }
}

impl<T: Poolable> Drop for Pool<T> {
    /// Drops the idle values in the shared store and this thread's cache. Other live threads'
    /// caches drop theirs when the thread exits or next makes a cache for a new pool.
    fn drop(&mut self) {
        if let Some(shared) = self.shared.get() {
            drop(shared.close());
            remove_cache(shared);
        }
    }
}
