//! Pool semantics, one test per line of the API: bounds, trim generations, clear, prefill,
//! stats, guards (detach, discard, unwinding), panicking resets, static and owned pools.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use pool_core::{OwnedPooled, Pool, PoolStats, Poolable, Pooled, Reset, DEFAULT_MAX_IDLE};

/// `created == idle + in_use + discarded + trimmed + detached`, the identity that holds when
/// the pool is quiescent.
fn assert_balanced(stats: PoolStats) {
    let accounted =
        stats.idle as u64 + stats.in_use as u64 + stats.discarded + stats.trimmed + stats.detached;
    assert_eq!(stats.created, accounted, "{stats:?}");
}

#[test]
fn new_pool_has_documented_default_bound() {
    const _: () = assert!(DEFAULT_MAX_IDLE >= 64);
    let pool: Pool<Vec<u8>> = Pool::new();
    assert_eq!(pool.max_idle(), DEFAULT_MAX_IDLE);
    assert_eq!(pool.stats(), PoolStats::default());
}

#[test]
fn returned_values_are_reset_and_keep_their_capacity() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut buf = pool.get();
    buf.extend_from_slice(&[1; 1000]);
    let ptr = buf.as_ptr();
    drop(buf);
    let buf = pool.get();
    assert!(buf.is_empty());
    assert!(buf.capacity() >= 1000);
    assert_eq!(buf.as_ptr(), ptr, "the same allocation comes back");
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
fn trim_drops_what_was_idle_at_the_previous_trim() {
    let pool: Pool<Vec<u8>> = Pool::new();
    pool.prefill(8);
    pool.trim(); // generation 1: the 8 become victims
    assert_eq!(pool.idle(), 8);
    let reused: Vec<_> = (0..3).map(|_| pool.get()).collect();
    drop(reused); // 3 rescued: idle again since this trim
    pool.trim(); // generation 2: the 5 untouched victims go
    assert_eq!(pool.idle(), 3);
    assert_eq!(pool.stats().trimmed, 5);
    pool.trim(); // the 3 were idle at the previous trim
    assert_eq!(pool.idle(), 0);
    let stats = pool.stats();
    assert_eq!(stats.trimmed, 8);
    assert_balanced(stats);
}

#[test]
fn trim_reaches_another_live_threads_cache_at_its_next_operation() {
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    let (to_worker, from_main) = std::sync::mpsc::channel::<()>();
    let (to_main, from_worker) = std::sync::mpsc::channel::<(usize, usize)>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            let held: Vec<_> = (0..4).map(|_| pool.get()).collect();
            drop(held); // 4 idle in this thread's cache
            to_main.send((pool.idle(), 0)).unwrap();
            from_main.recv().unwrap(); // main trimmed twice meanwhile
            let before = pool.stats().trimmed as usize;
            to_main.send((pool.idle(), before)).unwrap();
        })
    };
    assert_eq!(from_worker.recv().unwrap().0, 4);
    pool.trim();
    pool.trim();
    to_worker.send(()).unwrap();
    let (idle_after, trimmed) = from_worker.recv().unwrap();
    worker.join().unwrap();
    assert_eq!(
        idle_after, 0,
        "the worker's cache was trimmed at its next operation"
    );
    assert_eq!(trimmed, 4);
}

#[test]
fn clear_drops_every_idle_value() {
    let pool: Pool<String> = Pool::new();
    pool.prefill(4);
    drop(pool.get()); // one in this thread's cache too
    pool.clear();
    let stats = pool.stats();
    assert_eq!(stats.idle, 0);
    assert_eq!(stats.trimmed, 4);
    assert_balanced(stats);
    drop(pool.get());
    assert_eq!(pool.idle(), 1, "the pool works after a clear");
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
fn put_resets_and_counts_outside_values() {
    let pool: Pool<Vec<u32>> = Pool::with_max_idle(1);
    pool.put(vec![1, 2, 3]);
    pool.put(vec![4]); // full
    let stats = pool.stats();
    assert_eq!((stats.created, stats.returned, stats.discarded), (2, 1, 1));
    assert!(pool.get().is_empty());
}

#[test]
fn detach_and_discard_leave_the_pool() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut a = pool.get();
    a.push(1);
    let a: Vec<u8> = Pooled::detach(a);
    assert_eq!(a, [1]);
    Pooled::discard(pool.get());
    let stats = pool.stats();
    assert_eq!(
        (stats.detached, stats.discarded, stats.idle, stats.in_use),
        (1, 1, 0, 0)
    );
    assert_balanced(stats);
}

#[test]
fn builder_sets_create_function_and_bound() {
    let made = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&made);
    let pool = Pool::builder()
        .max_idle(2)
        .create_with(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            Vec::<u8>::with_capacity(4096)
        })
        .build();
    assert_eq!(pool.max_idle(), 2);
    let buf = pool.get();
    assert!(buf.capacity() >= 4096);
    drop(buf);
    drop(pool.get());
    assert_eq!(made.load(Ordering::Relaxed), 1);
}

#[test]
fn create_may_use_the_same_pool() {
    static INNER: Pool<String> = Pool::new();
    #[derive(Default)]
    struct Outer(Vec<String>);
    impl Reset for Outer {
        fn reset(&mut self) {
            self.0.clear();
        }
    }
    impl Poolable for Outer {
        fn create() -> Self {
            // Uses a pool while this thread is inside another pool's `get`.
            let name = INNER.get();
            Outer(vec![name.clone()])
        }
    }
    let pool: Pool<Outer> = Pool::new();
    assert_eq!(pool.get().0.len(), 1);
    let inner: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    let for_create = Arc::clone(&inner);
    let outer = Pool::builder()
        .create_with(move || vec![for_create.get().len()])
        .build();
    // `create` for `outer` calls `get` on another pool; both stay consistent.
    assert_eq!(*outer.get(), [0]);
    assert_eq!(inner.stats().returned, 1);
    assert_eq!(outer.stats().returned, 1);
}

/// A value whose reset panics when told to, to check the pool survives it.
#[derive(Default)]
struct Touchy {
    panic_on_reset: bool,
    data: Vec<u8>,
}

impl Reset for Touchy {
    fn reset(&mut self) {
        if std::mem::take(&mut self.panic_on_reset) {
            panic!("reset failed");
        }
        self.data.clear();
    }
}

impl Poolable for Touchy {
    fn create() -> Self {
        Touchy::default()
    }
}

#[test]
fn a_panicking_reset_drops_that_value_and_the_pool_stays_usable() {
    let pool: Pool<Touchy> = Pool::new();
    drop(pool.get()); // one idle
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut t = pool.get();
        t.panic_on_reset = true;
        t.data.push(1);
    }));
    assert!(result.is_err());
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.idle, stats.in_use), (1, 0, 0));
    assert_balanced(stats);
    let mut t = pool.get();
    t.data.push(2);
    drop(t);
    assert_eq!(pool.idle(), 1);
    assert!(pool.get().data.is_empty());
}

#[test]
fn a_guard_dropped_while_unwinding_returns_a_reset_value() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut buf = pool.get();
        buf.extend_from_slice(b"secret");
        panic!("request handler failed");
    }));
    assert!(result.is_err());
    assert_eq!(pool.idle(), 1);
    let buf = pool.get();
    assert!(buf.is_empty(), "no stale data after an unwind");
    assert!(buf.capacity() >= 6);
}

#[test]
fn static_pools_work_from_many_threads() {
    static NAMES: Pool<String> = Pool::with_max_idle(8);
    let workers: Vec<_> = (0..3)
        .map(|i| {
            thread::spawn(move || {
                for _ in 0..100 {
                    let mut name = NAMES.get();
                    assert!(name.is_empty());
                    name.push_str(&i.to_string());
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    assert!(NAMES.idle() <= 8);
    assert_balanced(NAMES.stats());
}

#[test]
fn owned_guards_cross_threads_and_come_back() {
    let pool = Arc::new(Pool::<Vec<u64>>::new());
    let guards: Vec<OwnedPooled<Vec<u64>>> = (0..8).map(|_| pool.get_owned()).collect();
    let workers: Vec<_> = guards
        .into_iter()
        .enumerate()
        .map(|(i, mut guard)| {
            thread::spawn(move || {
                guard.push(i as u64);
                assert_eq!(OwnedPooled::pool(&guard).max_idle(), DEFAULT_MAX_IDLE);
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let stats = pool.stats();
    assert_eq!((stats.created, stats.in_use, stats.returned), (8, 0, 8));
    assert!(stats.idle <= 8);
    assert_balanced(stats);
    let kept = OwnedPooled::detach(pool.get_owned());
    assert!(kept.is_empty());
    OwnedPooled::discard(pool.get_owned());
}

/// Counts its drops in `DROPS[N]`: one counter for each test that uses it, since tests run in
/// parallel.
struct Counted<const N: usize>;

static DROPS: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

impl<const N: usize> Drop for Counted<N> {
    fn drop(&mut self) {
        DROPS[N].fetch_add(1, Ordering::Relaxed);
    }
}

impl<const N: usize> Reset for Counted<N> {
    fn reset(&mut self) {}
}

impl<const N: usize> Poolable for Counted<N> {
    fn create() -> Self {
        Counted
    }
}

#[test]
fn dropping_a_pool_drops_its_idle_values() {
    let pool: Pool<Counted<0>> = Pool::new();
    pool.prefill(3);
    drop(pool.get());
    drop(pool);
    assert_eq!(DROPS[0].load(Ordering::Relaxed), 3);
}

#[test]
fn guards_deref_and_debug() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut buf = pool.get();
    buf.push(7);
    assert_eq!(format!("{buf:?}"), "[7]");
    assert_eq!(buf.as_ref(), &[7]);
    buf.as_mut().push(8);
    assert_eq!(&**buf, &[7, 8]);
    assert!(std::ptr::eq(Pooled::pool(&buf), &pool));
    assert!(format!("{pool:?}").contains("max_idle"));
}

#[test]
fn hit_rate_reports_reuse() {
    let pool: Pool<String> = Pool::new();
    assert_eq!(pool.stats().hit_rate(), 0.0);
    for _ in 0..4 {
        drop(pool.get());
    }
    assert_eq!(pool.stats().hit_rate(), 0.75);
}

#[test]
fn a_producer_thread_does_not_starve_a_consumer_of_slots() {
    // One thread gets every value and hands it to another, which drops it: the classic
    // producer/consumer. The producer's cache ends up holding reserved slots and no values;
    // when the consumer finds the budget empty, the producer must give those slots back, or
    // every return would be discarded and every get would allocate.
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(8));
    let (to_consumer, values) = std::sync::mpsc::channel::<pool_core::OwnedPooled<Vec<u8>>>();
    let (to_producer, acks) = std::sync::mpsc::channel::<()>();
    let consumer = thread::spawn(move || {
        for value in values {
            drop(value);
            to_producer.send(()).unwrap();
        }
    });
    for _ in 0..1000 {
        to_consumer.send(pool.get_owned()).unwrap();
        acks.recv().unwrap(); // strictly alternate: no timing in the outcome
    }
    drop(to_consumer);
    consumer.join().unwrap();
    let stats = pool.stats();
    assert!(stats.reused >= 900, "{stats:?}");
    assert_balanced(stats);
}

#[test]
fn threads_holding_empty_reserved_slots_give_them_up_under_pressure() {
    // With max_idle 8, a cache holds at most 2 values and keeps up to 1 empty reserved slot
    // on its own. Eight threads each return a value (reserving a slot), take it again and hand
    // it to the main thread: together they hold the whole budget as empty slots. The main
    // thread's first return finds the budget empty (and is discarded); once those threads have
    // used the pool again, they have given their empty slots back and the main thread's
    // returns are kept.
    const THREADS: usize = 8;
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(THREADS));
    let (to_main, from_threads) = std::sync::mpsc::channel();
    let mut go_again = Vec::new();
    let mut workers = Vec::new();
    for _ in 0..THREADS {
        let (pool, to_main) = (Arc::clone(&pool), to_main.clone());
        let (go, wait) = std::sync::mpsc::channel::<()>();
        go_again.push(go);
        workers.push(thread::spawn(move || {
            drop(pool.get()); // a slot reserved here
            to_main.send(Some(pool.get_owned())).unwrap();
            wait.recv().unwrap();
            // A pool operation under pressure gives back the empty slot. (The value is kept
            // out, so it takes no slot of its own.)
            let held = pool.get();
            to_main.send(None).unwrap();
            wait.recv().unwrap(); // stay alive: an exiting thread would give it back anyway
            Pooled::discard(held);
        }));
    }
    let mut values: Vec<_> = (0..THREADS)
        .filter_map(|_| from_threads.recv().unwrap())
        .collect();
    drop(values.pop()); // the budget is all reserved by the other threads: discarded
    assert_eq!(pool.stats().discarded, 1);
    for go in &go_again {
        go.send(()).unwrap();
    }
    for _ in 0..THREADS {
        from_threads.recv().unwrap();
    }
    drop(values); // seven returns: now there are slots for them
    let kept = pool.idle();
    for go in &go_again {
        go.send(()).unwrap();
    }
    for worker in workers {
        worker.join().unwrap();
    }
    assert!(
        kept >= 2,
        "kept {kept} of 7 after the other threads gave up their empty slots"
    );
    assert_balanced(pool.stats());
}

#[test]
fn a_dropped_pools_values_cached_by_a_live_thread_are_freed() {
    let pool = Arc::new(Pool::<Counted<1>>::new());
    let (to_main, from_worker) = std::sync::mpsc::channel::<()>();
    let (to_worker, from_main) = std::sync::mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            drop((pool.get(), pool.get(), pool.get())); // three idle in this thread's cache
            drop(pool);
            to_main.send(()).unwrap();
            from_main.recv().unwrap(); // the pool is gone now
            let before = DROPS[1].load(Ordering::Relaxed);
            let other: Pool<String> = Pool::new();
            drop(other.get()); // a new pool's cache sweeps out the dead pool's
            DROPS[1].load(Ordering::Relaxed) - before
        })
    };
    from_worker.recv().unwrap();
    drop(pool);
    to_worker.send(()).unwrap();
    let freed = worker.join().unwrap();
    assert_eq!(
        freed, 3,
        "the live thread's cached values of the dropped pool"
    );
}
