//! loom models of the concurrent structures: the shared depot with its slot budget and trim
//! generations, driven through the thread caches exactly as the pool drives them.
//! Run: `LOOM_MAX_PREEMPTIONS=2 RUSTFLAGS="--cfg loom" cargo test -p pool-core --lib --release
//! --target-dir target/loom`.

use loom::sync::Arc;
use loom::thread;

use crate::local::{CacheId, LocalCache};
use crate::shared::Shared;
use crate::sync::Ordering;

/// The invariants once every cache is gone: the slots add up, idle stays within the budget,
/// and every value given back and kept is idle, reused or trimmed.
fn check_quiescent(shared: &Shared<u32>, max_idle: usize) {
    let stored = shared.stored();
    assert_eq!(shared.free() + stored, max_idle, "slots leaked or minted");
    assert!(stored <= max_idle);
    let c = &shared.counters;
    let returned = c.returned.load(Ordering::Relaxed);
    let reused = c.reused.load(Ordering::Relaxed);
    let trimmed = c.trimmed.load(Ordering::Relaxed);
    assert_eq!(
        returned - reused,
        stored as u64 + trimmed,
        "a kept value went missing"
    );
}

/// A thread's life: return two values, get one back, return it, exit.
fn worker(shared: Arc<Shared<u32>>, marker: u32) {
    let mut cache = LocalCache::new(shared);
    for n in 0..2 {
        let _ = cache.push(Box::new(marker + n), true);
    }
    if let Some(value) = cache.pop() {
        assert!(
            [10, 11, 20, 21].contains(&*value),
            "a value that was never given back"
        );
        let _ = cache.push(value, true);
    }
}

#[test]
fn two_threads_return_and_reuse_within_budget() {
    loom::model(|| {
        let shared = Arc::new(Shared::new(CacheId::acquire(), 3));
        let handles: Vec<_> = [10, 20]
            .into_iter()
            .map(|marker| {
                let shared = Arc::clone(&shared);
                thread::spawn(move || worker(shared, marker))
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        check_quiescent(&shared, 3);
    });
}

#[test]
fn trim_races_with_a_thread_cache() {
    loom::model(|| {
        let shared = Arc::new(Shared::new(CacheId::acquire(), 4));
        let worker_shared = Arc::clone(&shared);
        let handle = thread::spawn(move || worker(worker_shared, 10));
        drop(shared.trim());
        drop(shared.trim());
        handle.join().unwrap();
        check_quiescent(&shared, 4);
    });
}

#[test]
fn clear_races_with_spill_and_refill() {
    loom::model(|| {
        // max_idle 2: cache cap 1, batch 1, so the pushes below spill and the pop refills.
        let shared = Arc::new(Shared::new(CacheId::acquire(), 2));
        let worker_shared = Arc::clone(&shared);
        let handle = thread::spawn(move || {
            let mut cache = LocalCache::new(worker_shared);
            for n in 0..3 {
                let _ = cache.push(Box::new(n), true);
            }
            let _ = cache.pop();
            assert!(cache.reserved() <= 2);
        });
        drop(shared.clear());
        handle.join().unwrap();
        check_quiescent(&shared, 2);
    });
}

#[test]
fn direct_paths_race_a_cache() {
    loom::model(|| {
        // The direct paths serve threads without a usable cache (an exiting thread): they
        // take and give slots one at a time while a cache moves them in batches.
        let shared = Arc::new(Shared::new(CacheId::acquire(), 4));
        let worker_shared = Arc::clone(&shared);
        let handle = thread::spawn(move || worker(worker_shared, 10));
        let kept = shared.push_direct(Box::new(20)).is_ok();
        let taken = shared.pop_direct();
        handle.join().unwrap();
        // The direct paths count in the shared counters, as the pool does.
        let c = &shared.counters;
        if kept {
            c.returned.fetch_add(1, Ordering::Relaxed);
        }
        if taken.is_some() {
            c.reused.fetch_add(1, Ordering::Relaxed);
        }
        check_quiescent(&shared, 4);
    });
}

#[test]
fn close_races_a_retiring_cache() {
    loom::model(|| {
        // A pool is dropped (closed) only once nothing can use it, but another thread's cache
        // may be handing its values back at that moment, as its thread exits: whichever comes
        // first, nothing stays in the store and every slot is free again.
        let shared = Arc::new(Shared::new(CacheId::acquire(), 8));
        let mut cache = LocalCache::new(Arc::clone(&shared));
        for n in 0..3 {
            let _ = cache.push(Box::new(n), true);
        }
        let handle = thread::spawn(move || drop(cache));
        drop(shared.close());
        handle.join().unwrap();
        assert_eq!(shared.stored(), 0);
        check_quiescent(&shared, 8);
    });
}
