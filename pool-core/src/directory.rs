//! The directory of every live pool in the process: [`pools`] (each a [`PoolInfo`]),
//! [`trim_all`], [`clear_all`].
//!
//! A pool enters it when its shared part is made (its first use, or `PoolBuilder::build`) and
//! leaves it when it is dropped; nothing on a get or a return touches it. The directory holds
//! weak references, so it keeps no pool alive, and it is never locked while a pool works: the
//! calls below collect the live pools, let go of the directory, then act on each.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError, Weak};

use crate::PoolStats;

/// One live pool, as [`pools`](crate::pools) lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolInfo {
    /// [`PoolBuilder::name`](crate::PoolBuilder::name), or the type of the pool's values.
    pub name: Cow<'static, str>,
    /// The most values the pool keeps idle.
    pub max_idle: usize,
    /// Its statistics when the list was made.
    pub stats: PoolStats,
}

/// What the directory needs of a pool's shared part, whatever its value type.
pub(crate) trait Listed: Send + Sync {
    /// The pool's name, bound and statistics; `None` once the pool is dropped.
    fn info(&self) -> Option<PoolInfo>;
    /// [`Pool::trim`](crate::Pool::trim).
    fn trim(&self);
    /// [`Pool::clear`](crate::Pool::clear).
    fn clear(&self);
}

static POOLS: Mutex<Vec<Weak<dyn Listed>>> = Mutex::new(Vec::new());

/// Enters a pool's shared part in the directory, and forgets pools dropped since.
#[cfg(not(loom))]
pub(crate) fn enter(pool: Weak<dyn Listed>) {
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    pools.retain(|pool| pool.strong_count() > 0);
    pools.push(pool);
}

/// The live pools, collected with the directory locked and acted on after it is let go: a
/// trim drops values, whose `Drop` is user code that may itself use a pool.
fn live() -> Vec<std::sync::Arc<dyn Listed>> {
    let pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    pools.iter().filter_map(Weak::upgrade).collect()
}

/// Every live pool in the process: each [`Pool`](crate::Pool) that has been used (or built with
/// a [`PoolBuilder`](crate::PoolBuilder)) and not dropped, the derived `#[pool(global)]` pools
/// among them. Each entry's statistics are a snapshot taken as the list is made, which costs
/// what [`Pool::stats`](crate::Pool::stats) does. A listing does not panic: a value whose
/// `heap_bytes` panics counts 0 bytes there (the panic hook reports the panic).
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<Vec<u8>> = Pool::builder().name("request bodies").build();
/// drop(pool.get());
/// let info = pool_core::pools()
///     .into_iter()
///     .find(|info| info.name == "request bodies")
///     .unwrap();
/// assert_eq!((info.stats.created, info.stats.idle), (1, 1));
///
/// drop(pool);
/// assert!(pool_core::pools().iter().all(|info| info.name != "request bodies"));
/// ```
pub fn pools() -> Vec<PoolInfo> {
    live().iter().filter_map(|pool| pool.info()).collect()
}

/// [`Pool::trim`](crate::Pool::trim) on every live pool: what was idle at the previous trim is
/// dropped, in every pool at once, as Go's garbage collector clears every `sync.Pool`. Call it
/// from a timer ([`trim_every`](crate::trim_every) starts one) or when memory runs short.
///
/// # Panics
///
/// If a dropped value's `Drop` panics: the first panic is resumed once every pool is trimmed.
pub fn trim_all() {
    each(|pool| pool.trim());
}

/// [`Pool::clear`](crate::Pool::clear) on every live pool: every idle value in the process is
/// dropped.
///
/// # Panics
///
/// As [`trim_all`].
pub fn clear_all() {
    each(|pool| pool.clear());
}

/// Runs `f` on every live pool; a panic (from a value's `Drop`) is resumed after the rest (not
/// while the thread unwinds already: see `trash::resume_unless_unwinding`).
fn each(f: impl Fn(&dyn Listed)) {
    let mut panic = None;
    for pool in live() {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&*pool)));
        if let Err(payload) = result {
            panic.get_or_insert(payload);
        }
    }
    if let Some(payload) = panic {
        crate::trash::resume_unless_unwinding(payload);
    }
}
