//! Each thread's private cache of idle values, one per pool it uses: the fast path.
//!
//! A get pops from the cache and a return pushes to it, with no atomic operation and no lock;
//! the cache talks to the pool's [`Shared`] part only once per `batch` operations (to refill,
//! spill or reserve room) and when a trim or clear has happened since its last operation.
//! The design follows Go's per-P private pools and Bonwick's per-CPU magazines, with the
//! idle budget of .NET's `ArrayPool` made a hard bound by slot accounting (see `shared.rs`).

use std::cell::{Cell, RefCell};
use std::ptr::{self, NonNull};

use crate::shared::Shared;
use crate::stats::LocalCounts;
use crate::sync::Arc;

/// A thread's cache for one pool.
#[derive(Debug)]
pub(crate) struct LocalCache<T> {
    shared: Arc<Shared<T>>,
    /// Idle values, newest last.
    values: Vec<Box<T>>,
    /// Slots this cache holds: room for `reserved - values.len()` more values without asking
    /// the shared budget. Changed only through [`LocalCache::set_reserved`].
    reserved: usize,
    /// `reserved - batch` (or 0): below this many values, the cache holds more than `batch`
    /// empty slots and gives them back. Kept with `reserved` so the fast get compares once.
    slack_floor: usize,
    /// The trim generation this cache's values belong to.
    epoch: u64,
    /// The shared `pressure` count this cache last answered by giving back its empty slots.
    pressure_seen: u64,
    pub(crate) counts: LocalCounts,
    /// Values a trim or clear dropped, for [`with_cache`] to drop once the cache is no longer
    /// borrowed: their `Drop` is user code, which may use a pool again.
    trash: Vec<Box<T>>,
}

impl<T> LocalCache<T> {
    pub(crate) fn new(shared: Arc<Shared<T>>) -> Self {
        let epoch = shared.current_epoch();
        LocalCache {
            // The fast return never grows it (it holds at most `local_cap`), so it never
            // calls the allocator while it holds the cache.
            values: Vec::with_capacity(shared.local_cap),
            shared,
            reserved: 0,
            slack_floor: 0,
            epoch,
            pressure_seen: 0,
            counts: LocalCounts::default(),
            trash: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Sets how many slots this cache holds, and the floor that goes with it.
    #[inline]
    fn set_reserved(&mut self, reserved: usize) {
        self.reserved = reserved;
        self.slack_floor = reserved.saturating_sub(self.shared.batch);
    }

    /// Catches up with trims and clears made since this cache's last operation.
    #[inline]
    fn sync(&mut self) {
        if self.epoch != self.shared.epoch() {
            self.give_back();
        }
    }

    /// Hands every value and slot back to the shared part (see [`Shared::take_back`]).
    #[cold]
    fn give_back(&mut self) {
        self.epoch =
            self.shared
                .take_back(self.epoch, &mut self.values, self.reserved, &mut self.trash);
        self.set_reserved(0);
    }

    /// The fast get: an idle value from this cache, if it is up to date with trim generation
    /// `epoch` (the pool's, as its caller read it) and not empty. Touches nothing shared, except
    /// when it gives back more than `batch` empty slots (a thread that takes more than it returns).
    #[inline]
    fn pop_fast(&mut self, epoch: u64) -> Option<Box<T>> {
        if self.epoch != epoch {
            return None;
        }
        let value = self.values.pop()?;
        self.counts.reused += 1;
        // A thread that takes more than it returns (a producer handing values to others)
        // piles up reserved slots with no value in them; it may then park for good, so it
        // cannot wait for pressure to give them back: past `batch` empty slots, it does.
        if self.values.len() < self.slack_floor {
            self.release_slack();
        }
        Some(value)
    }

    /// The fast return: keeps `value` if this cache is up to date and has a reserved slot.
    #[inline]
    fn push_fast(&mut self, epoch: u64, value: &mut Option<Box<T>>, from_guard: bool) {
        if self.epoch != epoch || self.values.len() >= self.reserved {
            return;
        }
        if let Some(value) = value.take() {
            debug_assert!(self.values.len() < self.values.capacity());
            self.values.push(value);
            self.counts.returned(from_guard);
        }
    }

    /// A return that found no reserved slot: reserves more from the budget when the cache has
    /// room for more values, then keeps the value. One atomic operation, no lock, no
    /// allocation and no user code, so it may run on the fast table. A full cache (it must
    /// spill, under the lock), a trim to catch up with, or an empty budget is left to `push`.
    fn push_reserving(&mut self, shared: &Shared<T>, value: &mut Option<Box<T>>, from_guard: bool) {
        if self.epoch != shared.epoch() || self.values.len() >= shared.local_cap {
            return;
        }
        if self.values.len() >= self.reserved {
            let want = shared.batch.min(shared.local_cap - self.reserved);
            self.set_reserved(self.reserved + shared.take_free(want));
        }
        self.push_fast(self.epoch, value, from_guard);
    }

    /// Takes an idle value, refilling from the shared store when the cache is empty; `None`
    /// means the caller must create one. Counts the get either way.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Box<T>> {
        self.sync();
        let value = self.values.pop().or_else(|| self.refill());
        if self.shared.pressure() != self.pressure_seen {
            self.release_slack();
        }
        let value = value?;
        self.counts.reused += 1;
        Some(value)
    }

    #[cold]
    fn refill(&mut self) -> Option<Box<T>> {
        let shared = &*self.shared;
        let mut reserved = self.reserved + shared.refill(&mut self.values, shared.batch);
        if reserved > shared.local_cap {
            shared.release(reserved - shared.local_cap);
            reserved = shared.local_cap;
        }
        self.set_reserved(reserved);
        self.values.pop()
    }

    /// Gives back the reserved slots that hold no value: when there are more than `batch` of
    /// them, or when another cache found the budget empty. A thread that takes values and
    /// sends them to others (a producer) must not sit on the slots those others need to keep
    /// them. Up to `batch` empty slots stay, so a burst of gets and returns mostly stays off
    /// the shared budget.
    #[cold]
    fn release_slack(&mut self) {
        self.pressure_seen = self.shared.pressure();
        let keep = self.values.len();
        self.shared.release(self.reserved - keep);
        self.set_reserved(keep);
    }

    /// Keeps a reset value if there is room in this cache or the pool's budget; gives it back
    /// otherwise (the pool is full), for the caller to drop outside any borrow.
    #[inline]
    pub(crate) fn push(&mut self, value: Box<T>, from_guard: bool) -> Result<(), Box<T>> {
        self.sync();
        if self.values.len() >= self.reserved && !self.make_room() {
            self.counts.discarded(from_guard);
            return Err(value);
        }
        self.values.push(value);
        self.counts.returned(from_guard);
        Ok(())
    }

    /// Spills half the cache to the shared store when it is full, then reserves slots from
    /// the budget. Returns whether there is room for one more value.
    #[cold]
    fn make_room(&mut self) -> bool {
        let shared = &*self.shared;
        let mut reserved = self.reserved;
        if self.values.len() >= shared.local_cap && shared.local_cap > 0 {
            let n = shared.batch.min(self.values.len());
            shared.spill(&mut self.values, n);
            reserved -= n;
        }
        let want = shared.batch.min(shared.local_cap - reserved);
        self.set_reserved(reserved + shared.take_free(want));
        self.values.len() < self.reserved
    }

    /// Gives back the reserved slots that hold no value, now (for `prefill`).
    pub(crate) fn release_empty_slots(&mut self) {
        self.release_slack();
    }

    /// Runs a trim or clear's effect on this cache now rather than at its next operation.
    pub(crate) fn catch_up(&mut self) {
        self.sync();
    }

    /// The values to drop once the cache is no longer borrowed; `None`, at the cost of one
    /// branch, on every path but a trim's.
    #[inline]
    fn take_trash(&mut self) -> Option<Vec<Box<T>>> {
        if self.trash.is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.trash))
        }
    }

    /// The slots this cache holds; for models.
    #[cfg(loom)]
    pub(crate) fn reserved(&self) -> usize {
        self.reserved
    }
}

impl<T> Drop for LocalCache<T> {
    /// The thread exits (or the pool closed): idle values go back to the shared store, or are
    /// dropped and counted, and the private counts join the shared ones.
    fn drop(&mut self) {
        self.give_back();
        self.shared.counters.absorb(&self.counts);
    }
}

/// A pool's index in every thread's [`Registry`]. Indexes are reused once a pool's shared part
/// is gone, which is only after every thread's cache for it is gone (each holds an `Arc`), so an
/// index names at most one live pool, and a thread's entry at that index is that pool's cache.
#[derive(Debug)]
pub(crate) struct CacheId(usize);

/// Indexes free for reuse, and the next never-used one.
static IDS: std::sync::Mutex<(Vec<usize>, usize)> = std::sync::Mutex::new((Vec::new(), 0));

impl CacheId {
    pub(crate) fn acquire() -> Self {
        let mut ids = IDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (free, next) = &mut *ids;
        CacheId(free.pop().unwrap_or_else(|| {
            *next += 1;
            *next - 1
        }))
    }

    pub(crate) fn index(&self) -> usize {
        self.0
    }
}

impl Drop for CacheId {
    fn drop(&mut self) {
        let mut ids = IDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        ids.0.push(self.0);
    }
}

/// What the registry needs of a cache whatever its pool's value type.
trait Entry {
    fn is_closed(&self) -> bool;
}

impl<T> Entry for LocalCache<T> {
    fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }
}

/// A thread's caches, indexed by [`CacheId`]. Dropped when the thread exits, which hands
/// every cache's values back to its pool.
///
/// The registry owns each cache through a raw pointer from `Box::into_raw` (not a `Box`, whose
/// uniqueness would forbid the fast path's second pointer to the same cache), and publishes a
/// table of thin pointers, `thin`, for the fast path: see [`FastTable`].
struct Registry {
    /// The owning pointers, for `Drop` and for sweeping closed pools' caches.
    owned: Vec<Option<NonNull<dyn Entry>>>,
    /// The same caches as thin pointers to their `LocalCache<T>`, or null.
    thin: Vec<*mut ()>,
}

/// The fast path's view of this thread's registry. A `const` thread-local without `Drop`, so
/// reaching it costs one address computation and no liveness check.
struct FastTable {
    /// `Registry::thin`'s buffer.
    ptr: Cell<*const *mut ()>,
    /// `Registry::thin`'s length while the fast path may use it; 0 while the slow path holds
    /// the registry, and for good once the registry is being destroyed, which sends every
    /// fast-path call to the slow path at the cost of the bounds check it makes anyway.
    len: Cell<usize>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> =
        const { RefCell::new(Registry { owned: Vec::new(), thin: Vec::new() }) };
    static FAST: FastTable = const {
        FastTable { ptr: Cell::new(ptr::null()), len: Cell::new(0) }
    };
}

impl Registry {
    /// This thread's cache for the pool of `shared`, made on first use.
    fn cache<T: 'static>(
        &mut self,
        shared: &Arc<Shared<T>>,
        swept: &mut Vec<Box<dyn Entry>>,
    ) -> Option<&mut LocalCache<T>> {
        let index = shared.id.index();
        if self.thin.get(index).map_or(true, |thin| thin.is_null()) {
            self.insert(shared, swept);
        }
        self.lookup(index)
    }

    /// This thread's cache for the pool whose cache index is `index`, if it has one.
    fn lookup<T: 'static>(&mut self, index: usize) -> Option<&mut LocalCache<T>> {
        let thin = *self.thin.get(index)?;
        if thin.is_null() {
            return None;
        }
        // SAFETY: see `cache_at`; the returned borrow keeps `self` mutably borrowed, and the
        // fast path stays away while the registry is borrowed (`FastTable::len` is 0).
        Some(unsafe { cache_at(thin) })
    }

    /// Makes this thread's cache for a pool, and sweeps out the caches of dropped pools.
    #[cold]
    fn insert<T: 'static>(&mut self, shared: &Arc<Shared<T>>, swept: &mut Vec<Box<dyn Entry>>) {
        for index in 0..self.owned.len() {
            // SAFETY: `owned` holds live caches (see `Registry`); `is_closed` only reads.
            let closed =
                self.owned[index].is_some_and(|entry| unsafe { entry.as_ref() }.is_closed());
            if closed {
                swept.extend(self.remove(index));
            }
        }
        let index = shared.id.index();
        if self.owned.len() <= index {
            self.owned.resize(index + 1, None);
            self.thin.resize(index + 1, ptr::null_mut());
        }
        let cache: *mut LocalCache<T> =
            Box::into_raw(Box::new(LocalCache::new(Arc::clone(shared))));
        let entry: *mut dyn Entry = cache;
        self.owned[index] = NonNull::new(entry);
        self.thin[index] = cache.cast();
        self.publish();
    }

    /// Takes this thread's cache for a pool out of the registry, if it has one.
    fn remove(&mut self, index: usize) -> Option<Box<dyn Entry>> {
        let entry = self.owned.get_mut(index)?.take()?;
        self.thin[index] = ptr::null_mut();
        self.publish();
        // SAFETY: `entry` came from `Box::into_raw` in `insert` and was just removed from both
        // tables, so this is its only owner and no fast-path pointer to it remains.
        Some(unsafe { Box::from_raw(entry.as_ptr()) })
    }

    /// Tells the fast path where the thin table is now; it stays closed to the fast path
    /// until [`Registry::open`].
    fn publish(&self) {
        let _ = FAST.try_with(|fast| fast.ptr.set(self.thin.as_ptr()));
    }

    /// Opens the thin table to the fast path, when the slow path lets go of the registry.
    fn open(&self) {
        let _ = FAST.try_with(|fast| {
            fast.ptr.set(self.thin.as_ptr());
            fast.len.set(self.thin.len());
        });
    }
}

impl Drop for Registry {
    /// The thread is exiting: the fast path steps aside for good, then each cache hands its
    /// values back to its pool. A value's `Drop` that uses a pool meanwhile finds no registry
    /// and takes the pool's direct path.
    fn drop(&mut self) {
        let _ = FAST.try_with(|fast| fast.len.set(0));
        for index in 0..self.owned.len() {
            drop(self.remove(index));
        }
    }
}

/// The cache a thin-table pointer points to.
///
/// # Safety
///
/// `thin` must be a non-null entry of this thread's `Registry::thin` at the index of a pool
/// whose value type is `T`, and nothing else may use that cache while the returned borrow
/// lives. The type holds because an index names at most one live pool (see `CacheId`), a
/// cache holds an `Arc` to its pool's shared part so it cannot outlive it, and only that pool
/// inserts at its index. The exclusivity holds because caches are only reached on their own
/// thread, by the slow path while it holds the registry's `RefCell` (with the fast table's
/// `len` at 0), or by the fast path otherwise, which calls no user code and no pool operation while
/// it holds the cache.
unsafe fn cache_at<'a, T>(thin: *mut ()) -> &'a mut LocalCache<T> {
    // SAFETY: the caller's contract, above.
    unsafe { &mut *thin.cast::<LocalCache<T>>() }
}

/// Runs `f` on this thread's cache for the pool with cache index `index`, if the fast path
/// may: the cache exists and the slow path is not using the registry.
///
/// # Safety
///
/// `index` must be `usize::MAX` or the index of a live pool's [`CacheId`] whose value type is
/// `T`, so that this thread's table entry at `index`, if any, is a `LocalCache<T>`.
#[inline]
unsafe fn with_fast_cache<T: 'static, R>(
    index: usize,
    f: impl FnOnce(&mut LocalCache<T>) -> Option<R>,
) -> Option<R> {
    // One small read of the table, so that `LocalKey::with` inlines to an address computation.
    // `try_with` never fails for a `const` thread-local without `Drop` where the platform has
    // native thread-locals; elsewhere it fails once the thread's locals are gone, and the
    // slow path then takes the direct route.
    let (table, len) = FAST
        .try_with(|fast| (fast.ptr.get(), fast.len.get()))
        .ok()?;
    if index >= len {
        return None;
    }
    // SAFETY: `table` and a non-zero `len` describe `Registry::thin`'s buffer: the slow path,
    // the only code that changes it, sets `len` to 0 while it holds the registry and `open`
    // sets both from the buffer when it lets go; the registry's `Drop` sets `len` to 0 before
    // freeing it.
    let thin = unsafe { *table.add(index) };
    if thin.is_null() {
        return None;
    }
    // SAFETY: `thin` is the entry at the index of a live pool of `T`s (this function's
    // contract), the slow path does not hold the registry (`len` is not 0), and `f` (a fast
    // path below) calls no user code and no pool operation: `cache_at`'s contract.
    f(unsafe { cache_at(thin) })
}

/// The fast get: an idle value from this thread's cache for the pool whose cache index is
/// `index` (its shared part's [`CacheId`]), when the cache exists, has caught up with trim
/// generation `epoch` and is not empty. `None` sends the caller to the general path,
/// [`with_cache`].
///
/// # Safety
///
/// As for [`with_fast_cache`]: `index` is `usize::MAX` or a live pool of `T`s' cache index.
#[inline]
pub(crate) unsafe fn pop_fast<T: 'static>(index: usize, epoch: u64) -> Option<Box<T>> {
    // SAFETY: the caller's contract is `with_fast_cache`'s.
    unsafe { with_fast_cache(index, |cache: &mut LocalCache<T>| cache.pop_fast(epoch)) }
}

/// The fast return: moves `value` out of its `Option` into this thread's cache for the pool
/// whose cache index is `index`, when the cache exists, has caught up with trim generation
/// `epoch` and has a reserved slot. A value left in place goes to the general path,
/// [`with_cache`].
///
/// # Safety
///
/// As for [`with_fast_cache`]: `index` is `usize::MAX` or a live pool of `T`s' cache index.
#[inline]
pub(crate) unsafe fn push_fast<T: 'static>(
    index: usize,
    epoch: u64,
    value: &mut Option<Box<T>>,
    from_guard: bool,
) {
    // SAFETY: the caller's contract is `with_fast_cache`'s.
    unsafe {
        with_fast_cache(index, |cache: &mut LocalCache<T>| {
            cache.push_fast(epoch, value, from_guard);
            Some(())
        });
    }
}

/// The first resort of a return that [`push_fast`] could not keep: reserve slots from the
/// budget without taking the registry (see [`LocalCache::push_reserving`]).
pub(crate) fn push_reserving<T: 'static>(
    shared: &Shared<T>,
    value: &mut Option<Box<T>>,
    from_guard: bool,
) {
    // SAFETY: `shared` is a live pool of `T`s' shared part, and its `id` that pool's index.
    unsafe {
        with_fast_cache(shared.id.index(), |cache: &mut LocalCache<T>| {
            cache.push_reserving(shared, value, from_guard);
            Some(())
        });
    }
}

/// Holds the registry for the slow path: its `RefCell` borrow, with the fast path closed
/// until it is released. (Should `f` panic, the fast path stays closed until the next slow
/// path on this thread reopens it: one slow operation, no harm.)
fn hold_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> Option<R> {
    REGISTRY
        .try_with(|registry| {
            let mut registry = registry.try_borrow_mut().ok()?;
            let _ = FAST.try_with(|fast| fast.len.set(0));
            let result = f(&mut registry);
            registry.open();
            Some(result)
        })
        .ok()
        .flatten()
}

/// Runs `f` on this thread's cache for the pool of `shared`, creating it on first use, then
/// drops, once the cache is no longer borrowed, the values a trim left in its trash (their
/// `Drop` may use a pool again). Gives `arg` back when the thread has no usable cache: it is
/// exiting (its registry is gone), or a pool operation was entered from inside another (the
/// pool runs no user code while it holds the cache, but a user type's `Drop` run by the
/// registry's own teardown might).
pub(crate) fn with_cache<T: 'static, A, R>(
    shared: &Arc<Shared<T>>,
    arg: A,
    f: impl FnOnce(&mut LocalCache<T>, A) -> R,
) -> Result<R, A> {
    let mut swept = Vec::new();
    let mut arg = Some(arg);
    let result = hold_registry(|registry| {
        let cache = registry.cache(shared, &mut swept)?;
        let result = f(cache, arg.take()?);
        Some((result, cache.take_trash()))
    })
    .flatten();
    drop(swept);
    match (result, arg) {
        (Some((result, trash)), _) => {
            drop(trash);
            Ok(result)
        }
        (None, Some(arg)) => Err(arg),
        // `arg` is taken only just before `f` runs, and `f` always returns.
        (None, None) => unreachable!("the cache closure took its argument and did not return"),
    }
}

/// Runs `f` on this thread's cache for the pool of `shared` if it has one (never creating
/// one), then drops its trash outside the borrow, as [`with_cache`] does.
pub(crate) fn with_existing_cache<T: 'static, R>(
    shared: &Shared<T>,
    f: impl FnOnce(&mut LocalCache<T>) -> R,
) -> Option<R> {
    let (result, trash) = hold_registry(|registry| {
        let cache = registry.lookup(shared.id.index())?;
        let result = f(cache);
        Some((result, cache.take_trash()))
    })
    .flatten()?;
    drop(trash);
    Some(result)
}

/// Drops this thread's cache for the pool of `shared` (the pool is being dropped).
pub(crate) fn remove_cache<T>(shared: &Shared<T>) {
    let entry = hold_registry(|registry| registry.remove(shared.id.index())).flatten();
    drop(entry);
}
