//! Each thread's private cache of idle values, one per pool it uses: the fast path.
//!
//! A get pops from the cache and a return pushes to it, with no atomic operation and no lock;
//! the cache talks to the pool's [`Shared`] part only once per `batch` operations (to refill,
//! spill or reserve room) and when a trim or clear has happened since its last operation.
//! The design follows Go's per-P private pools and Bonwick's per-CPU magazines, with the
//! idle budget of .NET's `ArrayPool` made a hard bound by slot accounting (see `shared.rs`).

use std::any::Any;
use std::cell::RefCell;

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
    /// the shared budget.
    reserved: usize,
    /// The trim generation this cache's values belong to.
    epoch: u64,
    pub(crate) counts: LocalCounts,
    /// Values a trim or clear dropped, for [`with_cache`] to drop once the cache is no longer
    /// borrowed: their `Drop` is user code, which may use a pool again.
    trash: Vec<Box<T>>,
}

impl<T> LocalCache<T> {
    pub(crate) fn new(shared: Arc<Shared<T>>) -> Self {
        let epoch = shared.current_epoch();
        LocalCache {
            shared,
            values: Vec::new(),
            reserved: 0,
            epoch,
            counts: LocalCounts::default(),
            trash: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
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
        self.reserved = 0;
    }

    /// The fast get: an idle value from this cache, if it is up to date with trims and not
    /// empty. Touches nothing shared but the trim generation, which it only reads.
    #[inline]
    fn pop_fast(&mut self, shared: &Shared<T>) -> Option<Box<T>> {
        if self.epoch != shared.epoch() {
            return None;
        }
        let value = self.values.pop()?;
        self.counts.reused += 1;
        self.counts.taken += 1;
        if self.reserved - self.values.len() > shared.batch {
            self.release_slack();
        }
        Some(value)
    }

    /// The fast return: keeps `value` if this cache is up to date and has a reserved slot.
    #[inline]
    fn push_fast(&mut self, shared: &Shared<T>, value: &mut Option<Box<T>>, from_guard: bool) {
        if self.epoch != shared.epoch() || self.values.len() >= self.reserved {
            return;
        }
        if let Some(value) = value.take() {
            self.values.push(value);
            self.counts.returned += 1;
            self.counts.ended += u64::from(from_guard);
        }
    }

    /// Takes an idle value, refilling from the shared store when the cache is empty; `None`
    /// means the caller must create one. Counts the get either way.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Box<T>> {
        self.sync();
        let value = match self.values.pop() {
            Some(value) => value,
            None => self.refill()?,
        };
        self.counts.reused += 1;
        self.counts.taken += 1;
        if self.reserved - self.values.len() > self.shared.batch {
            self.release_slack();
        }
        Some(value)
    }

    #[cold]
    fn refill(&mut self) -> Option<Box<T>> {
        let shared = &*self.shared;
        self.reserved += shared.refill(&mut self.values, shared.batch);
        if self.reserved > shared.local_cap {
            shared.release(self.reserved - shared.local_cap);
            self.reserved = shared.local_cap;
        }
        self.values.pop()
    }

    /// Keeps at most `batch / 2` empty reserved slots, so a thread that takes values and
    /// sends them elsewhere does not sit on the budget.
    #[cold]
    fn release_slack(&mut self) {
        let keep = self.values.len() + self.shared.batch / 2;
        self.shared.release(self.reserved - keep);
        self.reserved = keep;
    }

    /// Keeps a reset value if there is room in this cache or the pool's budget; gives it back
    /// otherwise (the pool is full), for the caller to drop outside any borrow.
    #[inline]
    pub(crate) fn push(&mut self, value: Box<T>) -> Result<(), Box<T>> {
        self.sync();
        if self.values.len() >= self.reserved && !self.make_room() {
            self.counts.discarded += 1;
            return Err(value);
        }
        self.values.push(value);
        self.counts.returned += 1;
        Ok(())
    }

    /// Spills half the cache to the shared store when it is full, then reserves slots from
    /// the budget. Returns whether there is room for one more value.
    #[cold]
    fn make_room(&mut self) -> bool {
        let shared = &*self.shared;
        if self.values.len() >= shared.local_cap && shared.local_cap > 0 {
            let n = shared.batch.min(self.values.len());
            shared.spill(&mut self.values, n);
            self.reserved -= n;
        }
        let want = shared.batch.min(shared.local_cap - self.reserved);
        self.reserved += shared.take_free(want);
        self.values.len() < self.reserved
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

    fn index(&self) -> usize {
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
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn is_closed(&self) -> bool;
}

impl<T: 'static> Entry for LocalCache<T> {
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }
}

/// A thread's caches, indexed by [`CacheId`]. Dropped when the thread exits, which hands
/// every cache's values back to its pool.
#[derive(Default)]
struct Registry {
    caches: Vec<Option<Box<dyn Entry>>>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = const { RefCell::new(Registry { caches: Vec::new() }) };
}

impl Registry {
    /// This thread's cache for the pool of `shared`, made on first use.
    fn cache<T: 'static>(
        &mut self,
        shared: &Arc<Shared<T>>,
        swept: &mut Option<Vec<Box<dyn Entry>>>,
    ) -> Option<&mut LocalCache<T>> {
        let index = shared.id.index();
        if !matches!(self.caches.get(index), Some(Some(_))) {
            self.insert(shared, swept);
        }
        self.lookup(index)
    }

    /// This thread's cache for the pool whose cache index is `index`, if it has one.
    #[inline]
    fn lookup<T: 'static>(&mut self, index: usize) -> Option<&mut LocalCache<T>> {
        let entry: &mut dyn Entry = &mut **self.caches.get_mut(index)?.as_mut()?;
        debug_assert!(entry.as_any_mut().is::<LocalCache<T>>());
        let cache = (entry as *mut dyn Entry).cast::<LocalCache<T>>();
        // SAFETY: the caller's pool has cache index `index`, and the entry there is that
        // pool's cache, a `LocalCache<T>`: `index` names at most one live pool (see `CacheId`),
        // an entry holds an `Arc` to its pool's shared part so it cannot outlive it, and only
        // that pool inserts at `index`. The pointer comes from a `&mut` borrowed from `self`
        // and the returned borrow keeps `self` mutably borrowed. This replaces
        // `Any::downcast_mut`, whose two virtual calls cost several nanoseconds per get +
        // return in `benches/pool.rs`.
        Some(unsafe { &mut *cache })
    }

    /// Makes this thread's cache for a pool, and sweeps out the caches of dropped pools.
    #[cold]
    fn insert<T: 'static>(
        &mut self,
        shared: &Arc<Shared<T>>,
        swept: &mut Option<Vec<Box<dyn Entry>>>,
    ) {
        for slot in &mut self.caches {
            if slot.as_ref().is_some_and(|entry| entry.is_closed()) {
                swept.get_or_insert_with(Vec::new).extend(slot.take());
            }
        }
        let index = shared.id.index();
        if self.caches.len() <= index {
            self.caches.resize_with(index + 1, || None);
        }
        self.caches[index] = Some(Box::new(LocalCache::new(Arc::clone(shared))));
    }

    /// Removes this thread's cache for a pool, if it has one.
    fn remove(&mut self, index: usize) -> Option<Box<dyn Entry>> {
        self.caches.get_mut(index)?.take()
    }
}

/// The fast get: an idle value from this thread's cache for the pool of `shared`, when the
/// cache exists, is up to date with trims and is not empty. `None` sends the caller to the
/// general path, [`with_cache`].
#[inline]
pub(crate) fn pop_fast<T: 'static>(shared: &Shared<T>) -> Option<Box<T>> {
    REGISTRY
        .try_with(|registry| {
            let mut registry = registry.try_borrow_mut().ok()?;
            registry.lookup::<T>(shared.id.index())?.pop_fast(shared)
        })
        .ok()
        .flatten()
}

/// The fast return: moves `value` out of its `Option` into this thread's cache for the pool
/// of `shared`, when the cache exists, is up to date and has a reserved slot. A value left in
/// place goes to the general path, [`with_cache`].
#[inline]
pub(crate) fn push_fast<T: 'static>(
    shared: &Shared<T>,
    value: &mut Option<Box<T>>,
    from_guard: bool,
) {
    let _ = REGISTRY.try_with(|registry| {
        if let Ok(mut registry) = registry.try_borrow_mut() {
            if let Some(cache) = registry.lookup::<T>(shared.id.index()) {
                cache.push_fast(shared, value, from_guard);
            }
        }
    });
}

/// Runs `f` on this thread's cache for the pool of `shared`, creating it on first use, then
/// drops, once the cache is no longer borrowed, the values a trim left in its trash (their
/// `Drop` may use a pool again). Gives `arg` back when the thread has no usable cache: it is
/// exiting (its registry is gone), or a pool operation was entered from inside another (the
/// pool runs no user code while it holds the cache, but a user type's `Drop` run by the
/// registry's own teardown might).
#[inline]
pub(crate) fn with_cache<T: 'static, A, R>(
    shared: &Arc<Shared<T>>,
    arg: A,
    f: impl FnOnce(&mut LocalCache<T>, A) -> R,
) -> Result<R, A> {
    let mut swept = None;
    let mut arg = Some(arg);
    let result = REGISTRY.try_with(|registry| {
        let mut registry = registry.try_borrow_mut().ok()?;
        let cache = registry.cache(shared, &mut swept)?;
        let result = f(cache, arg.take()?);
        Some((result, cache.take_trash()))
    });
    drop(swept);
    match (result, arg) {
        (Ok(Some((result, trash))), _) => {
            drop(trash);
            Ok(result)
        }
        (_, Some(arg)) => Err(arg),
        // `arg` is taken only just before `f` runs, and `f` always returns.
        (_, None) => unreachable!("the cache closure took its argument and did not return"),
    }
}

/// Runs `f` on this thread's cache for the pool of `shared` if it has one (never creating
/// one), then drops its trash outside the borrow, as [`with_cache`] does.
pub(crate) fn with_existing_cache<T: 'static, R>(
    shared: &Shared<T>,
    f: impl FnOnce(&mut LocalCache<T>) -> R,
) -> Option<R> {
    let (result, trash) = REGISTRY
        .try_with(|registry| {
            let mut registry = registry.try_borrow_mut().ok()?;
            let cache = registry.lookup(shared.id.index())?;
            let result = f(cache);
            Some((result, cache.take_trash()))
        })
        .ok()
        .flatten()?;
    drop(trash);
    Some(result)
}

/// Drops this thread's cache for the pool of `shared` (the pool is being dropped).
pub(crate) fn remove_cache<T>(shared: &Shared<T>) {
    let entry = REGISTRY
        .try_with(|registry| {
            registry
                .try_borrow_mut()
                .ok()
                .and_then(|mut registry| registry.remove(shared.id.index()))
        })
        .ok()
        .flatten();
    drop(entry);
}
