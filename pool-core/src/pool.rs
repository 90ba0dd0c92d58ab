//! [`Pool`]: a thread-safe pool with a thread-local fast path.

use std::borrow::Cow;
use std::fmt;
use std::mem;
use std::panic::{self, AssertUnwindSafe};

use crate::barrier;
use crate::builder::PoolBuilder;
use crate::cache::Cache;
#[cfg(not(loom))]
use crate::directory;
use crate::guard::{OwnedPooled, Pooled};
use crate::id::CacheId;
use crate::recycle::{Recycle, TraitRecycle};
use crate::registry;
use crate::shared::Shared;
use crate::stats::{Counters, Origin, PoolStats};
use crate::sync::{Arc, AtomicUsize, OnceLock, Ordering::Relaxed, StdArc};
use crate::trash::{self, Panic};
use crate::Poolable;

/// The `max_idle` of [`Pool::new`]: the most values a pool keeps idle unless told otherwise.
pub const DEFAULT_MAX_IDLE: usize = 256;

/// The function a pool calls to make a value, when it is not `T::create`.
pub(crate) type CreateFn<T> = Box<dyn Fn() -> T + Send + Sync>;

/// What a pool asks of a value coming back, after its reset: shrink it, then whether to keep it
/// (the builder's `max_capacity` and `keep_if`, composed).
pub(crate) type KeepFn<T> = Box<dyn Keep<T>>;

/// A closure over `&mut T`, as a trait of its own: Rust before 1.83 refuses a type that names
/// `&mut` (as `dyn Fn(&mut T)` does) in a `const fn` such as [`Pool::new`].
pub(crate) trait Keep<T>: Send + Sync {
    fn keep(&self, value: &mut T) -> bool;
}

impl<T, F: Fn(&mut T) -> bool + Send + Sync> Keep<T> for F {
    fn keep(&self, value: &mut T) -> bool {
        self(value)
    }
}

/// A thread-safe pool of reusable values.
///
/// [`get`](Pool::get) hands out an idle value, or creates one with [`Poolable::create`];
/// dropping the guard resets the value and keeps it for the next `get`, unless the pool already
/// holds `max_idle` idle values. Each thread keeps a small private cache of idle values, so a
/// get and a return on a warm thread cost a pop and a push under an uncontended claim, with no
/// lock. Other threads can still reach that cache, so nothing the pool promises waits for a
/// thread that is parked:
///
/// - **Bounded.** At most [`max_idle`](Pool::max_idle) values are idle at any time, counting every
///   thread's cache.
/// - **Trimmable.** [`trim`](Pool::trim) drops what was already idle at the previous trim,
///   wherever it sits, so a timer calling it every few seconds returns memory from a burst that
///   is over; Go's `sync.Pool` does this at each garbage collection, here the caller decides
///   when. [`clear`](Pool::clear) drops every idle value, and dropping the pool does too.
/// - **Shared fairly.** A get takes values idle in another thread's cache before it creates one,
///   and a return takes back slots another thread reserved and left empty before it drops the
///   value, so threads that park holding values or room do not starve the others.
/// - **Observable.** [`stats`](Pool::stats) counts what was created, reused, returned, dropped,
///   pool-wide, exactly whenever no guard is out.
/// - **Const.** `Pool::new()` is a `const fn`, so a pool can be a `static`; `#[pool(global)]` on
///   a derived type generates one.
///
/// Values are reset when they come back, outside any lock, so idle values hold no stale data and
/// no references to anything the last user had.
///
/// # Panics in user code
///
/// A value's `create`, reset, `keep_if`, `max_capacity`'s shrink, `heap_bytes` and `Drop` are
/// user code, and the pool stays usable and its counts exact whichever of them panics:
///
/// - **On a get**, a panicking `create` goes on to the caller; nothing was counted.
/// - **On a return** (a guard's drop, or [`put`](Pool::put)), the value is dropped and counted
///   as discarded, and the panic goes on to the code that returned it. A panic from the
///   value's `Drop` after that is reported by the panic hook and not passed on.
/// - **In [`trim`](Pool::trim), [`clear`](Pool::clear) and dropping the pool**, every value is
///   dropped, and the first `Drop` that panicked is resumed on the caller. In
///   [`stats`](Pool::stats), a `heap_bytes` that panics counts 0 and its panic is resumed.
/// - **While the thread unwinds** from a panic of its own (a guard dropped by that unwinding,
///   or a pool dropped by it), a second panic leaving a destructor would abort the process, so
///   on a return, a trim, a clear, a snapshot and its own drop the pool stops the panics of
///   user code it runs, and lets the first panic unwind on. (A get whose `create` panics has
///   no value to give: that panic goes on.)
/// - **At thread exit** the pool drops nothing on the exiting thread: its cache's values go back
///   to the pool, to be dropped by whoever trims, clears or drops it.
///
/// One case is Rust's own: a panic leaving a `thread_local!`'s destructor aborts the process,
/// whatever panicked. A guard kept in a `thread_local!` is returned by that destructor, which
/// runs the reset, `keep_if` and shrink and may drop the value; a pool kept in one is dropped
/// by it, which drops its idle values. If any of them may panic, take the guard or the pool out
/// before the thread ends.
///
/// On its first use a process makes one `membarrier` registration (see the crate's "Safety and
/// correctness"; `POOL_CORE_NO_MEMBARRIER` set in the environment turns it off, at some cost to
/// every get and return).
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
pub struct Pool<T: Send + 'static, R: Recycle<T> = TraitRecycle> {
    /// This pool's index in each thread's cache table, kept in the pool itself rather than
    /// behind `shared` so the fast path reads it with one load (see [`Pool::index`]).
    index: AtomicUsize,
    /// Made on first use, so `new` can be `const`.
    shared: OnceLock<Arc<Shared<T>>>,
    max_idle: usize,
    /// [`PoolBuilder::name`], for the process-wide view.
    name: Option<Cow<'static, str>>,
    /// [`PoolBuilder::max_idle_bytes`].
    max_idle_bytes: Option<usize>,
    create: Option<CreateFn<T>>,
    /// The builder's `max_capacity` and `keep_if`; `None` on the common path costs one branch.
    keep: Option<KeepFn<T>>,
    /// How values are made (unless `create` says otherwise) and reset: `T::create` and
    /// `T::reset`, inlined, for a `Poolable` type.
    recycle: R,
}

impl<T: Poolable> Pool<T> {
    crate::sync::const_fn! {
        /// A pool that keeps at most [`DEFAULT_MAX_IDLE`] (256) idle values and makes new ones
        /// with [`Poolable::create`].
        ///
        /// ```
        /// use pool_core::Pool;
        ///
        /// static NAMES: Pool<String> = Pool::new();
        /// assert_eq!(NAMES.max_idle(), pool_core::DEFAULT_MAX_IDLE);
        /// ```
        pub fn new() -> Self {
            Self::with_max_idle(DEFAULT_MAX_IDLE)
        }
    }

    crate::sync::const_fn! {
        /// A pool that keeps at most `max_idle` idle values; `0` keeps none.
        ///
        /// ```
        /// use pool_core::Pool;
        ///
        /// static SMALL: Pool<Vec<u8>> = Pool::with_max_idle(4);
        /// assert_eq!(SMALL.max_idle(), 4);
        /// ```
        pub fn with_max_idle(max_idle: usize) -> Self {
            Pool {
                index: AtomicUsize::new(usize::MAX),
                shared: OnceLock::new(),
                max_idle,
                name: None,
                max_idle_bytes: None,
                create: None,
                keep: None,
                recycle: TraitRecycle,
            }
        }
    }

    /// A builder, to set `max_idle`, the function that makes new values and what to do with
    /// values that come back. (For a type that is not [`Poolable`], start from
    /// [`PoolBuilder::new`] and give [`PoolBuilder::reset_with`] and
    /// [`PoolBuilder::create_with`], in either order.)
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
}

impl<T: Send + 'static, R: Recycle<T>> Pool<T, R> {
    /// A built pool, entered in the process-wide view ([`pools`](crate::pools)) at once.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_builder(
        max_idle: usize,
        name: Option<Cow<'static, str>>,
        max_idle_bytes: Option<usize>,
        create: Option<CreateFn<T>>,
        keep: Option<KeepFn<T>>,
        recycle: R,
    ) -> Self {
        let pool = Pool {
            index: AtomicUsize::new(usize::MAX),
            shared: OnceLock::new(),
            max_idle,
            name,
            max_idle_bytes,
            create,
            keep,
            recycle,
        };
        pool.shared();
        pool
    }

    /// The most values this pool keeps idle.
    pub fn max_idle(&self) -> usize {
        self.max_idle
    }

    /// Takes an idle value, or creates one, behind a guard that resets it and gives it back
    /// when dropped.
    ///
    /// The guard borrows the pool, so it cannot outlive it or move into a spawned thread or
    /// task (`tokio::spawn` says "borrowed value does not live long enough"): for those, keep
    /// the pool in an `Arc` (or a `static`) and use [`get_owned`](Pool::get_owned), whose
    /// guard is `'static`.
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
    pub fn get(&self) -> Pooled<'_, T, R> {
        Pooled::new(self, self.take())
    }

    /// Like [`get`](Pool::get), for a pool in an `Arc`: the guard holds a clone of the `Arc`,
    /// so it is `'static` and can move to another thread or into an async task
    /// (`std::thread::spawn`, `tokio::spawn`). A `static` pool's [`get`](Pool::get) guard is
    /// `'static` already.
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
    pub fn get_owned(self: &StdArc<Self>) -> OwnedPooled<T, R> {
        OwnedPooled::new(StdArc::clone(self), self.take())
    }

    /// Takes an idle value if there is one anywhere in the pool (this thread's cache, the shared
    /// depot, or another thread's cache), and never creates one: `None` when none is idle.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// assert!(pool.try_get().is_none());
    /// drop(pool.get()); // made, then kept
    /// assert!(pool.try_get().is_some());
    /// assert_eq!(pool.stats().created, 1);
    /// ```
    pub fn try_get(&self) -> Option<Pooled<'_, T, R>> {
        // SAFETY: as in `take`.
        let fast =
            unsafe { registry::with_fast(self.index(), |cache: &Cache<T>| cache.pop_fast()) };
        let value = fast.or_else(|| self.find(self.shared()))?;
        Some(Pooled::new(self, value))
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
        self.put_boxed(Box::new(value));
    }

    /// [`put`](Pool::put) of a value already boxed.
    pub(crate) fn put_boxed(&self, value: Box<T>) {
        let shared = self.shared();
        Counters::add(&shared.counters.created, 1);
        self.recycle_from(value, Origin::Put);
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
                self.0.give_slot();
            }
        }
        let shared = self.shared();
        // A slot is taken before each value is made, so none is made only to be dropped.
        let missing = n.min(self.max_idle).saturating_sub(self.idle());
        for _ in 0..missing {
            if !shared.take_slot() {
                break;
            }
            let slot = SlotGuard(shared);
            let value = self.create_boxed(shared);
            let bytes = if shared.bounds_bytes() {
                match shared.measure(&value) {
                    Ok(bytes) => bytes,
                    Err(panic) => {
                        // The slot goes back with the guard; the value is counted made, then
                        // handled as a return whose `heap_bytes` panics.
                        drop(slot);
                        return self.return_panicked(value, Origin::Put, panic);
                    }
                }
            } else {
                0
            };
            mem::forget(slot);
            if let Err(over) = shared.push_reserved(value, bytes) {
                // Over the bytes bound: made, and dropped at once.
                shared.counters.discarded(Origin::Put);
                trash::drop_value(over);
                break;
            }
        }
    }

    /// The number of idle values, pool-wide: in the shared depot and in every thread's cache,
    /// parked threads' included. It reaches into every cache as [`stats`](Pool::stats) does,
    /// and costs as much (see its "Cost").
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
        self.shared().idle()
    }

    /// Drops what was idle at the previous `trim` and is still idle, wherever it sits: in the
    /// shared depot or in any thread's cache, parked threads' included. Call it from a timer or
    /// a memory-pressure hook to give back memory from a burst that is over. A value idle now
    /// and reused before the next `trim` is kept.
    ///
    /// The values are dropped on the calling thread before `trim` returns; should one's `Drop`
    /// panic, the rest are dropped too and the first panic is resumed here.
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
        self.shared().trim().empty_or_resume();
    }

    /// Drops every idle value now, wherever it sits: in the shared depot or in any thread's
    /// cache, parked threads' included. When it returns, no value that was idle before it is
    /// idle anywhere, and each has been dropped on the calling thread (should one's `Drop`
    /// panic, the rest are dropped too and the first panic is resumed here).
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
        self.shared().clear().empty_or_resume();
    }

    /// A snapshot of the pool's counters, pool-wide; exact whenever no guard is out, whatever
    /// threads are alive or parked. See [`PoolStats`].
    ///
    /// # Cost
    ///
    /// A snapshot reaches into every thread's cache, so it costs far more than a get: it takes
    /// the lock of the pool's list of caches and each cache's claim (a thread's next get or
    /// return on this pool waits until the snapshot is done, a few microseconds), runs one
    /// process-wide memory barrier (Linux `membarrier`, which briefly interrupts every running
    /// thread of the process), and allocates a small vector. Read it at a metrics interval, not
    /// per request. [`idle`](Pool::idle) costs the same.
    ///
    /// # Panics
    ///
    /// If a value's [`heap_bytes`](crate::Reset::heap_bytes) panics: the first such panic is
    /// resumed once the snapshot holds no claim or lock (not on a thread already unwinding,
    /// where it would abort the process).
    pub fn stats(&self) -> PoolStats {
        self.shared().stats_or_resume()
    }

    #[inline]
    pub(crate) fn shared(&self) -> &Arc<Shared<T>> {
        self.shared.get_or_init(|| {
            let name = self
                .name
                .clone()
                .unwrap_or(Cow::Borrowed(std::any::type_name::<T>()));
            let shared = Arc::new(Shared::new(
                CacheId::acquire(),
                self.max_idle,
                name,
                R::heap_bytes,
                self.max_idle_bytes,
            ));
            #[cfg(not(loom))]
            directory::enter(Arc::downgrade(&shared) as std::sync::Weak<dyn directory::Listed>);
            self.index.store(shared.id.index(), Relaxed);
            shared
        })
    }

    /// This pool's index in each thread's cache table: `usize::MAX`, which no table reaches,
    /// until `shared` exists, so the fast path needs no check that it does.
    #[inline]
    fn index(&self) -> usize {
        self.index.load(Relaxed)
    }

    /// Takes an idle value or makes one: the start of every get.
    #[inline]
    pub(crate) fn take(&self) -> Box<T> {
        // SAFETY: `index` is `usize::MAX` until `shared` is made, then its index (see
        // `shared`), and `shared` lives as long as this pool; `pop_fast` runs no user code and
        // is given this thread's own cache.
        match unsafe { registry::with_fast(self.index(), |cache: &Cache<T>| cache.pop_fast()) } {
            Some(value) => value,
            None => self.take_slow(),
        }
    }

    /// A get that this thread's cache could not serve at once, in the order Go's `Pool.Get`
    /// takes: this thread's cache (brought up to date with trims) and the shared depot, then
    /// other threads' caches, then a new value.
    #[cold]
    fn take_slow(&self) -> Box<T> {
        let shared = self.shared();
        self.find(shared)
            .unwrap_or_else(|| self.create_for_get(shared))
    }

    /// An idle value from anywhere but this thread's cache's fast path: that cache brought up
    /// to date and refilled from the depot, then other threads' caches.
    fn find(&self, shared: &Arc<Shared<T>>) -> Option<Box<T>> {
        if shared.bounds_bytes() {
            return shared.pop_direct();
        }
        if !barrier::available() {
            // Without an asymmetric barrier the fast claim always fails; this is the fast path.
            // SAFETY: as in `take`; `pop_fenced` runs no user code and is given this thread's
            // own cache.
            let fenced =
                unsafe { registry::with_fast(self.index(), |cache: &Cache<T>| cache.pop_fenced()) };
            if fenced.is_some() {
                return fenced;
            }
        }
        // This thread's cache through the fast table when it has one (no `RefCell` borrow, no
        // `Arc` clone), else made and registered.
        // SAFETY: as in `take`; `find_in` runs no user code, does not reach the table, and is
        // given this thread's own cache.
        let fast = unsafe {
            registry::with_fast(self.index(), |cache: &Cache<T>| {
                Some(Self::find_in(shared, cache))
            })
        };
        if let Some(found) = fast {
            return found;
        }
        match registry::cache_for(shared) {
            // SAFETY: `cache_for` gives this thread's own cache.
            Some(cache) => unsafe { Self::find_in(shared, &cache) },
            // A thread without a usable cache (it is exiting): the depot, then other caches.
            None => shared.pop_direct(),
        }
    }

    /// [`find`](Pool::find) in this thread's cache, `cache`: brought up to date and refilled
    /// from the depot, then other threads' caches.
    ///
    /// # Safety
    ///
    /// `cache` is this thread's own cache, which it does not hold.
    unsafe fn find_in(shared: &Shared<T>, cache: &Cache<T>) -> Option<Box<T>> {
        // SAFETY: the caller's contract; each claim is given back at the end of its statement.
        let found = shared.pop_or_refill(&mut unsafe { cache.hold_own() });
        if found.is_none() && shared.steal(Some(cache)) {
            // SAFETY: as above.
            return shared.pop_or_refill(&mut unsafe { cache.hold_own() });
        }
        found
    }

    /// Makes a value for a get, and counts it handed out.
    #[cold]
    fn create_for_get(&self, shared: &Shared<T>) -> Box<T> {
        let value = self.create_boxed(shared);
        Counters::add(&shared.counters.taken, 1);
        value
    }

    /// Makes a value and counts it created. `create` is user code: it runs outside every lock
    /// and claim, and may itself use this pool.
    fn create_boxed(&self, shared: &Shared<T>) -> Box<T> {
        let value = Box::new(match &self.create {
            Some(create) => create(),
            None => self.recycle.create_value(),
        });
        Counters::add(&shared.counters.created, 1);
        value
    }

    /// The end of a guard that gives its value back: reset, then keep or drop.
    #[inline]
    pub(crate) fn recycle(&self, value: Box<T>) {
        self.recycle_from(value, Origin::Guard);
    }

    /// Resets a value coming back and keeps it or drops it. A pool without `max_capacity` or
    /// `keep_if` inlines only the reset and the fast return; with either, the whole return runs
    /// out of line, so the common case carries no call to a closure.
    #[inline]
    fn recycle_from(&self, mut value: Box<T>, origin: Origin) {
        if self.keep.is_some() {
            return self.recycle_checked(value, origin);
        }
        match reset(self, &mut value, |_| true) {
            Ok(_) => self.keep(value, origin),
            Err(panic) => self.return_panicked(value, origin, panic),
        }
    }

    /// [`recycle_from`](Pool::recycle_from) for a pool with `max_capacity` or `keep_if`.
    #[inline(never)]
    fn recycle_checked(&self, mut value: Box<T>, origin: Origin) {
        let keep = |value: &mut T| self.keep.as_ref().map_or(true, |keep| keep.keep(value));
        match reset(self, &mut value, keep) {
            Ok(true) => self.keep(value, origin),
            Ok(false) => self.refuse(value, origin),
            Err(panic) => self.return_panicked(value, origin, panic),
        }
    }

    /// A reset, shrink, `keep_if` or `heap_bytes` that panicked on a return: the value is
    /// dropped and counted as discarded (and as the end of its guard when it came from one),
    /// and the panic goes on to the caller, unless the thread is unwinding already: a guard
    /// dropped by that unwinding would then abort the process with a second panic, so this one
    /// stops here.
    #[cold]
    #[inline(never)]
    fn return_panicked(&self, value: Box<T>, origin: Origin, panic: Panic) {
        self.shared().counters.discarded(origin);
        // The value's `Drop` may panic too: the first panic is the one to report.
        trash::drop_quietly(value);
        trash::resume_unless_unwinding(panic);
    }

    /// Drops a value that `keep_if` refused, counted as discarded.
    #[cold]
    fn refuse(&self, value: Box<T>, origin: Origin) {
        self.shared().counters.discarded(origin);
        trash::drop_value(value);
    }

    /// Keeps a reset value in this thread's cache, or goes the slow way.
    #[inline]
    fn keep(&self, value: Box<T>, origin: Origin) {
        let mut value = Some(value);
        // SAFETY: as in `take`; `push_fast` runs no user code and is given this thread's own
        // cache.
        unsafe {
            registry::with_fast(self.index(), |cache: &Cache<T>| {
                let kept = cache.push_fast(value.take()?, origin);
                value = kept.err();
                Some(())
            })
        };
        if let Some(value) = value {
            self.keep_slow(value, origin);
        }
    }

    /// A return that this thread's cache could not take at once, in the order Go's `Pool.Put`
    /// takes: this thread's cache (spilling to the depot, or taking slots from the budget), then
    /// the empty slots other threads' caches hold. Dropped only when no slot is free and no
    /// cache holds an empty one: the pool holds `max_idle` idle values (give or take the
    /// returns racing this one).
    #[cold]
    fn keep_slow(&self, value: Box<T>, origin: Origin) {
        let shared = self.shared();
        if shared.bounds_bytes() {
            // Measured before a slot is taken or a lock held: `heap_bytes` is user code.
            let bytes = match shared.measure(&value) {
                Ok(bytes) => bytes,
                Err(panic) => return self.return_panicked(value, origin, panic),
            };
            if let Err(over) = shared.push_direct(value, bytes, origin) {
                shared.counters.discarded(origin);
                trash::drop_value(over);
            }
            return;
        }
        let mut value = Some(value);
        if !barrier::available() {
            // Without an asymmetric barrier the fast claim always fails; this is the fast path.
            // SAFETY: as in `take`; `push_fenced` runs no user code and is given this thread's
            // own cache.
            unsafe {
                registry::with_fast(self.index(), |cache: &Cache<T>| {
                    value = cache.push_fenced(value.take()?, origin).err();
                    Some(())
                })
            };
        }
        let Some(value) = value else {
            return;
        };
        let kept = if self.max_idle == 0 {
            Err(value)
        } else {
            self.keep_anywhere(shared, value, origin)
        };
        if let Err(full) = kept {
            shared.counters.discarded(origin);
            trash::drop_value(full);
        }
    }

    /// [`keep_slow`](Pool::keep_slow)'s search for room; hands the value back if there is none.
    fn keep_anywhere(
        &self,
        shared: &Arc<Shared<T>>,
        value: Box<T>,
        origin: Origin,
    ) -> Result<(), Box<T>> {
        // This thread's cache through the fast table when it has one, as in `find`.
        let mut value = Some(value);
        // SAFETY: as in `take`; `keep_in` runs no user code, does not reach the table, and is
        // given this thread's own cache.
        let fast = unsafe {
            registry::with_fast(self.index(), |cache: &Cache<T>| {
                Some(Self::keep_in(shared, cache, value.take()?, origin))
            })
        };
        if let Some(kept) = fast {
            return kept;
        }
        let value = value.expect("`keep_in` takes the value only when it runs");
        match registry::cache_for(shared) {
            // SAFETY: `cache_for` gives this thread's own cache.
            Some(cache) => unsafe { Self::keep_in(shared, &cache, value, origin) },
            // Not a pool that bounds its bytes (those return above): nothing to measure.
            None => shared.push_direct(value, 0, origin),
        }
    }

    /// [`keep_anywhere`](Pool::keep_anywhere) in this thread's cache, `cache`.
    ///
    /// # Safety
    ///
    /// `cache` is this thread's own cache, which it does not hold.
    unsafe fn keep_in(
        shared: &Shared<T>,
        cache: &Cache<T>,
        mut value: Box<T>,
        origin: Origin,
    ) -> Result<(), Box<T>> {
        loop {
            // SAFETY: the caller's contract. The claim is given back at the end of the
            // statement, before any other is taken.
            let kept = shared.push_making_room(&mut unsafe { cache.hold_own() }, value, origin);
            match kept {
                Ok(()) => return Ok(()),
                Err(back) => value = back,
            }
            // Slots taken back land in the budget, where another return may take them first:
            // go round again until none is free and none can be taken back.
            if shared.reclaim_slots(Some(cache)) == 0 && !shared.any_free_slot() {
                return Err(value);
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
        self.shared().counters.discarded(Origin::Guard);
    }
}

/// Resets a value coming back, then asks `keep` (the builder's `max_capacity` and `keep_if`, or
/// nothing) about it: whether to keep it, or the panic of any of them, caught so that the pool
/// counts it and decides whether it may go on ([`Pool::return_panicked`]). A pool holds no lock
/// or claim while they run, so it stays usable.
#[inline]
fn reset<T: Send + 'static, R: Recycle<T>>(
    pool: &Pool<T, R>,
    value: &mut T,
    keep: impl FnOnce(&mut T) -> bool,
) -> Result<bool, Panic> {
    panic::catch_unwind(AssertUnwindSafe(|| {
        pool.recycle.reset_value(value);
        keep(value)
    }))
}

impl<T: Poolable> Default for Pool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static, R: Recycle<T>> fmt::Debug for Pool<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("max_idle", &self.max_idle)
            .field("custom_create", &self.create.is_some())
            .field("keep_if", &self.keep.is_some())
            .field("stats", &self.stats())
            .finish()
    }
}

impl<T: Send + 'static, R: Recycle<T>> Drop for Pool<T, R> {
    /// Drops every idle value, in the shared depot and in every thread's cache, parked threads'
    /// included. Each thread's table lets go of its (empty) cache for this pool when the thread
    /// exits or next makes a cache for a new pool.
    fn drop(&mut self) {
        if let Some(shared) = self.shared.get() {
            let trash = shared.close();
            registry::forget(shared);
            trash.empty_or_resume();
        }
    }
}

/// The slot equation (see `budget.rs`) after the moves that cross threads: steals, reclaimed
/// slots, retiring caches, trims and clears.
#[cfg(all(test, not(loom)))]
mod slot_tests {
    use std::sync::{mpsc, Arc};
    use std::thread;

    use super::Pool;

    /// A worker gets `take` values and returns them all, then parks until the test ends.
    fn park_with_values(
        pool: &Arc<Pool<Vec<u8>>>,
        take: usize,
    ) -> (mpsc::Sender<()>, thread::JoinHandle<()>) {
        let (ready, wait_ready) = mpsc::channel();
        let (release, parked) = mpsc::channel::<()>();
        let pool = Arc::clone(pool);
        let worker = thread::spawn(move || {
            let held: Vec<_> = (0..take).map(|_| pool.get()).collect();
            drop(held);
            ready.send(()).unwrap();
            let _ = parked.recv();
        });
        wait_ready.recv().unwrap();
        (release, worker)
    }

    #[test]
    fn slots_add_up_after_steals_reclaims_trims_and_exits() {
        let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(16));
        let (release, worker) = park_with_values(&pool, 12);
        let shared = pool.shared();
        shared.check_slots();
        // Gets here steal from the parked worker's cache.
        let held: Vec<_> = (0..12).map(|_| pool.get()).collect();
        assert_eq!(
            pool.stats().created,
            12,
            "gets created while values sat idle"
        );
        shared.check_slots();
        // Returns here take back the slots the worker holds empty.
        drop(held);
        assert_eq!(pool.idle(), 12);
        shared.check_slots();
        pool.trim();
        shared.check_slots();
        pool.trim();
        assert_eq!(pool.idle(), 0);
        shared.check_slots();
        drop(release);
        worker.join().unwrap();
        shared.check_slots();
        pool.prefill(16);
        assert_eq!(pool.idle(), 16);
        shared.check_slots();
        pool.clear();
        shared.check_slots();
    }
}
