//! Each thread's table of its caches, one per pool it uses: all the crate's thread-local state
//! and the unsafe code that reads it.
//!
//! The table owns an `Arc` of each cache (the pool's list owns another, for other threads),
//! and publishes a second table of thin pointers, `thin`, for the fast path: see
//! [`FastTable`]. The fast path reads it with no `RefCell` borrow and no liveness check.

use std::cell::{Cell, RefCell};
use std::ptr;

use crate::cache::Cache;
use crate::shared::Shared;
use crate::sync::Arc;

/// What the table needs of a cache whatever its pool's value type.
trait Entry {
    /// Whether its pool was dropped.
    fn is_closed(&self) -> bool;
    /// The thread is exiting: hand everything back to the pool.
    fn retire(&self);
}

/// A table entry: this thread's cache for a pool, and the pool's shared part, which the entry
/// keeps alive so that the pool's [`CacheId`](crate::id::CacheId) is not reused while the entry
/// sits at its index.
struct Slot<T> {
    cache: Arc<Cache<T>>,
    shared: Arc<Shared<T>>,
}

impl<T> Entry for Slot<T> {
    fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    fn retire(&self) {
        // Drops nothing: a panic cannot leave a thread-local destructor without aborting the
        // process, so the values go to the depot, or to the trim that made them expire.
        self.shared.retire(&self.cache);
    }
}

/// A thread's caches, indexed by [`CacheId`](crate::id::CacheId). Dropped when the thread
/// exits, which hands every cache's values back to its pool.
struct Registry {
    /// The owning pointers, for `Drop` and for sweeping closed pools' caches.
    owned: Vec<Option<Box<dyn Entry>>>,
    /// The same caches as thin pointers to their `Cache<T>`, or null.
    thin: Vec<*const ()>,
}

/// The fast path's view of this thread's table. A `const` thread-local without `Drop`, so
/// reaching it costs one address computation and no liveness check.
struct FastTable {
    /// `Registry::thin`'s buffer.
    ptr: Cell<*const *const ()>,
    /// `Registry::thin`'s length while the fast path may use it; 0 while the table is being
    /// changed, and for good once it is being destroyed, which sends every fast-path call to
    /// the slow path at the cost of the bounds check it makes anyway.
    len: Cell<usize>,
}

crate::sync::thread_locals! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry { owned: Vec::new(), thin: Vec::new() });
    static FAST: FastTable = FastTable { ptr: Cell::new(ptr::null()), len: Cell::new(0) };
}

impl Registry {
    /// This thread's cache for the pool of `shared`, made on first use.
    fn cache<T: Send + 'static>(
        &mut self,
        shared: &Arc<Shared<T>>,
        swept: &mut Vec<Box<dyn Entry>>,
    ) -> Arc<Cache<T>> {
        let index = shared.id.index();
        if self.thin.get(index).map_or(true, |thin| thin.is_null()) {
            self.insert(shared, swept);
        }
        let thin = self.thin[index];
        // SAFETY: `thin` is a non-null entry of this table: `Arc::as_ptr` of the cache's `Arc`
        // in the `Slot` boxed in `owned` at the same index, a `Slot<T>` because an index names at most one
        // live pool (see `CacheId`) and only that pool inserts there. Incrementing the count
        // of an `Arc` this table owns, from its pointer, is what `increment_strong_count` is for.
        unsafe {
            let cache = thin.cast::<Cache<T>>();
            Arc::increment_strong_count(cache);
            Arc::from_raw(cache)
        }
    }

    /// Makes this thread's cache for a pool, and sweeps out the caches of dropped pools.
    #[cold]
    fn insert<T: Send + 'static>(
        &mut self,
        shared: &Arc<Shared<T>>,
        swept: &mut Vec<Box<dyn Entry>>,
    ) {
        for index in 0..self.owned.len() {
            if self.owned[index]
                .as_ref()
                .is_some_and(|entry| entry.is_closed())
            {
                swept.extend(self.remove(index));
            }
        }
        let index = shared.id.index();
        if self.owned.len() <= index {
            self.owned.resize_with(index + 1, || None);
            self.thin.resize(index + 1, ptr::null());
        }
        let cache = shared.register();
        self.thin[index] = Arc::as_ptr(&cache).cast();
        self.owned[index] = Some(Box::new(Slot {
            cache,
            shared: Arc::clone(shared),
        }));
    }

    /// Takes this thread's cache for a pool out of the table, if it has one.
    fn remove(&mut self, index: usize) -> Option<Box<dyn Entry>> {
        let entry = self.owned.get_mut(index)?.take()?;
        self.thin[index] = ptr::null();
        Some(entry)
    }

    /// Opens the thin table to the fast path, where it is now.
    fn open(&self) {
        let _ = FAST.try_with(|fast| {
            fast.ptr.set(self.thin.as_ptr());
            fast.len.set(self.thin.len());
        });
    }
}

impl Registry {
    /// Hands every cache back to its pool.
    fn retire_all(&mut self) {
        for index in 0..self.owned.len() {
            if let Some(entry) = self.remove(index) {
                entry.retire();
            }
        }
    }
}

impl Drop for Registry {
    /// The thread is exiting: the fast path steps aside for good, then each cache hands its
    /// values back to its pool.
    fn drop(&mut self) {
        let _ = FAST.try_with(|fast| fast.len.set(0));
        self.retire_all();
    }
}

/// What the registry's `Drop` does at thread exit, for a loom model to run at the end of a
/// modelled thread: loom drops thread-locals outside its execution, where a retiring cache
/// could not wait for a lock another modelled thread holds.
#[cfg(loom)]
pub(crate) fn exit_thread() {
    hold_registry(Registry::retire_all);
}

/// Runs `f` on this thread's cache for the pool with cache index `index`, if it has one.
///
/// # Safety
///
/// `index` must be `usize::MAX` or the index of a live pool's [`CacheId`](crate::id::CacheId)
/// whose value type is `T`, so that this thread's table entry at `index`, if any, is a
/// `Cache<T>`; and `f` must not reach this thread's table (it runs no user code and no pool
/// operation).
#[inline]
pub(crate) unsafe fn with_fast<T, R>(
    index: usize,
    f: impl FnOnce(&Cache<T>) -> Option<R>,
) -> Option<R> {
    // One small read of the table, so that `LocalKey::with` inlines to an address computation.
    // `try_with` never fails for a `const` thread-local without `Drop` where the platform has
    // native thread-locals; elsewhere it fails once the thread's locals are gone, and the slow
    // path then takes the direct route.
    let (table, len) = FAST
        .try_with(|fast| (fast.ptr.get(), fast.len.get()))
        .ok()?;
    if index >= len {
        return None;
    }
    // SAFETY: `table` and a non-zero `len` describe `Registry::thin`'s buffer: the slow path,
    // the only code that changes it, sets `len` to 0 while it holds the table and `open` sets
    // both from the buffer when it lets go; the table's `Drop` sets `len` to 0 first.
    let thin = unsafe { *table.add(index) };
    if thin.is_null() {
        return None;
    }
    // SAFETY: `thin` is the entry at the index of a live pool of `T`s (this function's
    // contract), so it points to a `Cache<T>` kept alive by the table's `Arc`, which `f` cannot
    // drop (it does not reach the table). Shared access is all `Cache` needs: its data is
    // behind its claim.
    f(unsafe { &*thin.cast::<Cache<T>>() })
}

/// Holds the table for the slow path: its `RefCell` borrow, with the fast path closed until it
/// is released. `None` when the thread has no usable table: it is exiting, or a pool
/// operation was entered from inside another (from a value's `Drop` run by the table's own
/// teardown).
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

/// This thread's cache for the pool of `shared`, made on first use; `None` when the thread
/// has no usable table (see [`hold_registry`]).
pub(crate) fn cache_for<T: Send + 'static>(shared: &Arc<Shared<T>>) -> Option<Arc<Cache<T>>> {
    let mut swept = Vec::new();
    let cache = hold_registry(|registry| registry.cache(shared, &mut swept));
    // Dropped pools' caches, emptied when their pool closed: dropped outside the borrow.
    drop(swept);
    cache
}

/// Drops this thread's entry for the pool of `shared` (the pool is being dropped).
pub(crate) fn forget<T>(shared: &Shared<T>) {
    let entry = hold_registry(|registry| registry.remove(shared.id.index())).flatten();
    drop(entry);
}
