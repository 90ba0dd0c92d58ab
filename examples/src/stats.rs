//! Arithmetic on measurements: pool statistics between two snapshots, medians, rates.

use std::time::Duration;

use pool_core::PoolStats;

/// What a pool did between two snapshots: the counters of `after` minus those of `before`,
/// with `idle`, `idle_bytes` and `in_use` as they are in `after`.
///
/// ```
/// use pool_core::Pool;
/// use pool_examples::stats::stats_since;
///
/// let pool: Pool<Vec<u8>> = Pool::new();
/// drop(pool.get());
/// let before = pool.stats();
/// drop(pool.get());
/// let run = stats_since(&before, &pool.stats());
/// assert_eq!((run.created, run.reused), (0, 1));
/// assert_eq!(run.hit_rate(), 1.0);
/// ```
pub fn stats_since(before: &PoolStats, after: &PoolStats) -> PoolStats {
    PoolStats {
        created: after.created - before.created,
        reused: after.reused - before.reused,
        returned: after.returned - before.returned,
        discarded: after.discarded - before.discarded,
        trimmed: after.trimmed - before.trimmed,
        detached: after.detached - before.detached,
        idle: after.idle,
        idle_bytes: after.idle_bytes,
        in_use: after.in_use,
    }
}

/// The item whose `key` is the median of all the keys (the lower middle one for an even
/// count); `None` when empty. For picking the median round of a repeated measurement.
///
/// ```
/// let rounds = [("a", 30), ("b", 10), ("c", 20)];
/// let mid = pool_examples::stats::median_by_key(&rounds, |r| r.1);
/// assert_eq!(mid, Some(&("c", 20)));
/// ```
pub fn median_by_key<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Option<&T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by_key(|item| key(item));
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}

/// The value at percentile `p` (0 to 100) of `sorted`, which must be sorted; `None` when empty.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    let last = sorted.len().checked_sub(1)?;
    let rank = ((p / 100.0) * last as f64).round() as usize;
    sorted.get(rank.min(last)).copied()
}

/// Nanoseconds per operation.
pub fn ns_per(elapsed: Duration, ops: u64) -> f64 {
    elapsed.as_nanos() as f64 / ops.max(1) as f64
}

/// Operations per second.
pub fn per_second(elapsed: Duration, ops: u64) -> f64 {
    ops as f64 / elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
}
