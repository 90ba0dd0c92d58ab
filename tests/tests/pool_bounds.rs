//! `max_idle` bounds what a pool keeps: the default bound, a burst, threads, zero, and
//! `prefill` within the bound, next to this thread's own cache.

use std::sync::Arc;
use std::thread;

use pool_core::{Pool, PoolStats, DEFAULT_MAX_IDLE};
use pool_tests::{assert_balanced, Counted};

#[test]
fn new_pool_has_documented_default_bound() {
    assert_eq!(DEFAULT_MAX_IDLE, 256, "the default `Pool::new` documents");
    let pool: Pool<Vec<u8>> = Pool::new();
    assert_eq!(pool.max_idle(), DEFAULT_MAX_IDLE);
    assert_eq!(pool.stats(), PoolStats::default());
}

#[test]
fn max_idle_is_a_hard_bound_after_a_burst() {
    let pool: Pool<String> = Pool::with_max_idle(10);
    let burst: Vec<_> = (0..1000).map(|_| pool.get()).collect();
    assert_eq!(pool.stats().in_use, 1000);
    drop(burst);
    let stats = pool.stats();
    assert_eq!(stats.idle, 10);
    assert_eq!(stats.returned, 10);
    assert_eq!(stats.discarded, 990);
    assert_balanced(stats);
}

#[test]
fn max_idle_holds_across_threads_and_exited_threads_give_back_their_cache() {
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(16));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let pool = Arc::clone(&pool);
            thread::spawn(move || {
                let held: Vec<_> = (0..50).map(|_| pool.get()).collect();
                drop(held);
                assert!(pool.idle() <= 16);
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let stats = pool.stats();
    assert!(stats.idle <= 16, "{stats:?}");
    assert!(
        stats.idle > 0,
        "exited threads' caches came back: {stats:?}"
    );
    assert_eq!(stats.in_use, 0);
    assert_eq!(
        stats.created + stats.reused,
        200,
        "every get was served once"
    );
    assert_balanced(stats);
}

#[test]
fn zero_max_idle_keeps_nothing() {
    let pool: Pool<Vec<u8>> = Pool::with_max_idle(0);
    drop(pool.get());
    pool.put(vec![1]);
    pool.prefill(5);
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.returned, stats.discarded), (0, 0, 2));
    assert_balanced(stats);
}

#[test]
fn prefill_fills_to_n_within_max_idle() {
    let pool: Pool<Vec<u8>> = Pool::with_max_idle(6);
    pool.prefill(4);
    assert_eq!(pool.idle(), 4);
    pool.prefill(2); // already at least 2
    assert_eq!(pool.stats().created, 4);
    pool.prefill(50);
    assert_eq!(pool.idle(), 6);
    let held: Vec<_> = (0..6).map(|_| pool.get()).collect();
    assert_eq!(pool.stats().reused, 6);
    drop(held);
    assert_balanced(pool.stats());
}

#[test]
fn prefill_uses_this_threads_empty_slots_and_wastes_nothing() {
    let pool: Pool<Counted<0>> = Pool::with_max_idle(8);
    drop(pool.get());
    let held = pool.get(); // this thread's cache now holds an empty reserved slot
    pool.prefill(8);
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.idle), (0, 8), "{stats:?}");
    drop(held); // the pool is full: this one goes
    assert_eq!(pool.stats().discarded, 1);
    assert_eq!(Counted::<0>::live(), 8);
    assert_balanced(pool.stats());
}

#[test]
fn a_create_that_panics_in_prefill_gives_its_slot_back() {
    // `prefill` takes a slot before it makes each value; a `create` that panics must not take
    // the slot with it, or the pool could never again hold `max_idle` values.
    static FAIL_ONCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);
    let pool: Pool<Vec<u8>> = Pool::builder()
        .max_idle(4)
        .create_with(|| {
            if FAIL_ONCE.swap(false, std::sync::atomic::Ordering::Relaxed) {
                panic!("create fails once");
            }
            Vec::new()
        })
        .build();
    let prefilled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.prefill(4)));
    assert!(prefilled.is_err(), "the panic reaches the caller");
    pool.prefill(4);
    assert_eq!(pool.idle(), 4, "a slot went with the panic");
}
