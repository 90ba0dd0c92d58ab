//! `PoolBuilder::max_idle_bytes` (issue 10): a hard bound on the heap bytes idle values hold,
//! beside `max_idle`, at every instant and across threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use pool_core::Pool;

const KIB: usize = 1024;

fn bounded(max_idle_bytes: usize) -> Pool<Vec<u8>> {
    Pool::builder()
        .max_idle(64)
        .max_idle_bytes(max_idle_bytes)
        .create_with(|| Vec::with_capacity(KIB))
        .build()
}

#[test]
fn a_value_that_would_go_over_the_bound_is_dropped_as_discarded() {
    let pool = bounded(10 * KIB);
    pool.put(Vec::with_capacity(6 * KIB));
    pool.put(Vec::with_capacity(3 * KIB));
    pool.put(Vec::with_capacity(2 * KIB)); // 11 KiB: over
    pool.put(Vec::with_capacity(KIB)); // 10 KiB: at the bound, kept
    let stats = pool.stats();
    assert_eq!(stats.idle, 3);
    assert_eq!(stats.idle_bytes, 10 * KIB as u64);
    assert_eq!(stats.discarded, 1);
    assert_eq!(
        stats.created,
        stats.idle + stats.in_use + stats.discarded + stats.trimmed + stats.detached
    );
    // Taken out and given back, the same three fit again: the bytes of a value handed out
    // are freed, not leaked.
    for _ in 0..3 {
        let all = (pool.get(), pool.get(), pool.get());
        drop(all);
    }
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.discarded), (3, 1));
}

#[test]
fn every_get_and_return_is_counted_though_none_goes_through_a_cache() {
    // Such a pool keeps no thread caches: each get and return takes the direct path to the
    // depot, which counts them itself.
    let pool = bounded(64 * KIB);
    let (a, b) = (pool.get(), pool.get()); // created
    drop((a, b)); // returned
    for _ in 0..3 {
        drop(pool.get()); // reused, returned
    }
    pool.put(Vec::with_capacity(KIB)); // created, returned
    let stats = pool.stats();
    assert_eq!(
        (stats.created, stats.reused, stats.returned),
        (3, 3, 6),
        "{stats:?}"
    );
    assert_eq!(
        (stats.idle, stats.in_use, stats.discarded),
        (3, 0, 0),
        "{stats:?}"
    );
    assert_eq!(stats.hit_rate(), 0.5);
}

#[test]
fn a_value_that_grew_while_out_is_weighed_as_it_comes_back() {
    let pool = bounded(4 * KIB);
    pool.put(Vec::with_capacity(2 * KIB));
    let mut buf = pool.get();
    assert_eq!(
        pool.stats().idle_bytes,
        0,
        "a value handed out leaves the count"
    );
    buf.reserve_exact(8 * KIB);
    drop(buf);
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.idle_bytes, stats.discarded), (0, 0, 1));
    // Room again for what fits.
    drop(pool.get());
    assert_eq!(pool.stats().idle_bytes, KIB as u64);
}

#[test]
fn prefill_stops_at_the_bytes_bound() {
    let pool = bounded(5 * KIB + 1);
    pool.prefill(64);
    let stats = pool.stats();
    assert_eq!(stats.idle, 5);
    assert!(stats.idle_bytes <= 5 * KIB as u64 + 1);
    assert_eq!(stats.discarded, 1, "the sixth value was made, then dropped");
}

#[test]
fn trim_and_clear_give_the_bytes_back() {
    let pool = bounded(4 * KIB);
    pool.put(Vec::with_capacity(4 * KIB));
    pool.trim();
    assert_eq!(
        pool.stats().idle_bytes,
        4 * KIB as u64,
        "one trim only ages it"
    );
    pool.trim();
    assert_eq!(pool.stats().idle_bytes, 0);
    pool.put(Vec::with_capacity(3 * KIB));
    assert_eq!(pool.stats().idle_bytes, 3 * KIB as u64);
    pool.clear();
    assert_eq!(pool.stats().idle_bytes, 0);
    pool.put(Vec::with_capacity(4 * KIB));
    assert_eq!(
        pool.stats().idle,
        1,
        "the bytes freed by clear are free again"
    );
}

#[test]
fn max_idle_still_bounds_the_count() {
    let pool: Pool<Vec<u8>> = Pool::builder().max_idle(2).max_idle_bytes(1 << 30).build();
    for _ in 0..5 {
        pool.put(Vec::with_capacity(16));
    }
    assert_eq!(pool.stats().idle, 2);
}

#[test]
fn the_bytes_bound_holds_at_every_instant_while_threads_return_values_of_every_size() {
    const BOUND: usize = 64 * KIB;
    let pool = Arc::new(bounded(BOUND));
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(3));
    let workers: Vec<_> = (0..3u64)
        .map(|seed| {
            let (pool, start) = (Arc::clone(&pool), Arc::clone(&start));
            thread::spawn(move || {
                // Six values out at once, each grown to 32 KiB and returned: more than the
                // bound holds, however the threads are scheduled after this.
                let (mut a, mut b) = (pool.get(), pool.get());
                start.wait();
                a.reserve(32 * KIB);
                b.reserve(32 * KIB);
                drop((a, b));
                let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                for _ in 0..20_000 {
                    // xorshift: sizes from 0 to 32 KiB, most of them small.
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let grow = (1usize << (state % 16)) - 1;
                    let mut a = pool.get();
                    let b = pool.get();
                    a.reserve(grow);
                    drop(b);
                    drop(a);
                }
            })
        })
        .collect();
    let poller = {
        let (pool, done) = (Arc::clone(&pool), Arc::clone(&done));
        thread::spawn(move || {
            let mut seen = 0;
            while !done.load(Ordering::Relaxed) {
                let stats = pool.stats();
                assert!(stats.idle_bytes <= BOUND as u64, "{stats:?}");
                assert!(stats.idle <= 64, "{stats:?}");
                seen = seen.max(stats.idle_bytes);
            }
            seen
        })
    };
    for worker in workers {
        worker.join().unwrap();
    }
    done.store(true, Ordering::Relaxed);
    let seen = poller.join().unwrap();
    let stats = pool.stats();
    assert!(stats.idle_bytes <= BOUND as u64, "{stats:?}");
    assert!(
        stats.discarded > 0,
        "the bound was never reached: {stats:?} (max seen {seen})"
    );
    assert_eq!(stats.in_use, 0);
    assert_eq!(
        stats.created,
        stats.idle + stats.in_use + stats.discarded + stats.trimmed + stats.detached
    );
}

#[test]
fn a_bytes_bound_pool_subtracts_each_values_own_measure_as_victims_and_fresh_values_go_out() {
    let pool: Pool<Vec<u8>> = Pool::builder().max_idle_bytes(1 << 20).build();
    for capacity in [16, 32, 64] {
        pool.put(Vec::with_capacity(capacity));
    }
    pool.trim(); // all three are victims now
    pool.put(Vec::with_capacity(128)); // and one fresh value
    let mut idle: Vec<usize> = vec![16, 32, 64, 128];
    while let Some(value) = pool.try_get() {
        let capacity = value.capacity();
        let at = idle
            .iter()
            .position(|&idle| idle == capacity)
            .expect("a value the pool holds");
        idle.remove(at);
        drop(pool_core::Pooled::detach(value)); // out for good, so it does not come back
        let stats = pool.stats();
        assert_eq!(
            stats.idle_bytes,
            idle.iter().sum::<usize>() as u64,
            "after handing out the value of {capacity} bytes: {stats:?}"
        );
    }
    assert!(idle.is_empty(), "values left behind: {idle:?}");
}
