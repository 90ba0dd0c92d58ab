//! The identity a pool's statistics keep: every value the pool made or was given is idle, in
//! use, or gone one of the counted ways.

use pool_core::PoolStats;

/// Asserts `created == idle + in_use + discarded + trimmed + detached`.
///
/// The identity holds when the pool is quiescent: no other thread is using it (see
/// [`PoolStats`]). Guards may still be out; [`assert_settled`] also checks that none is.
///
/// # Example
///
/// ```
/// use pool_core::Pool;
/// use pool_tests::assert_balanced;
///
/// let pool: Pool<Vec<u8>> = Pool::with_max_idle(1);
/// let held = (pool.get(), pool.get());
/// assert_balanced(pool.stats()); // two in use
/// drop(held); // one kept, one discarded
/// assert_balanced(pool.stats());
/// ```
#[track_caller]
pub fn assert_balanced(stats: PoolStats) {
    let accounted = stats.idle + stats.in_use + stats.discarded + stats.trimmed + stats.detached;
    assert_eq!(
        stats.created, accounted,
        "created != idle + in_use + discarded + trimmed + detached: {stats:?}"
    );
}

/// Asserts that no value is in use and [the stats balance](assert_balanced): every value the
/// pool made is idle or gone.
///
/// # Example
///
/// ```
/// use pool_core::{Pool, Pooled};
/// use pool_tests::assert_settled;
///
/// let pool: Pool<String> = Pool::new();
/// drop(pool.get());
/// Pooled::discard(pool.get());
/// assert_settled(pool.stats());
/// ```
#[track_caller]
pub fn assert_settled(stats: PoolStats) {
    assert_eq!(stats.in_use, 0, "a value is still in use: {stats:?}");
    assert_balanced(stats);
}
