//! The pool across thread lifetimes: pools used from thread-local destructors, cache indexes
//! reused by pools of another type, threads that park holding reserved slots, and `prefill`
//! next to this thread's own cache, and a trimmed value whose `Drop` panics.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;

use pool_core::{Pool, PoolStats, Poolable, Pooled, Reset};

/// Counts its live instances in `LIVE[N]`, one counter for each test (tests run in parallel).
struct Live<const N: usize>(Vec<u8>);

static LIVE: [AtomicIsize; 2] = [const { AtomicIsize::new(0) }; 2];

impl<const N: usize> Drop for Live<N> {
    fn drop(&mut self) {
        LIVE[N].fetch_sub(1, Ordering::SeqCst);
    }
}

impl<const N: usize> Reset for Live<N> {
    fn reset(&mut self) {
        self.0.clear();
    }
}

impl<const N: usize> Poolable for Live<N> {
    fn create() -> Self {
        LIVE[N].fetch_add(1, Ordering::SeqCst);
        Live(Vec::new())
    }
}

fn assert_balanced(s: PoolStats) {
    let accounted = s.idle as u64 + s.in_use as u64 + s.discarded + s.trimmed + s.detached;
    assert_eq!(s.created, accounted, "{s:?}");
}

static FROM_DESTRUCTORS: Pool<Live<0>> = Pool::with_max_idle(16);

/// A thread-local whose destructor uses the pool, running before or after the pool's own
/// thread-local registry is torn down, depending on which was first used.
struct UsesPoolOnDrop(Option<Pooled<'static, Live<0>>>);

impl Drop for UsesPoolOnDrop {
    fn drop(&mut self) {
        drop(self.0.take());
        for _ in 0..10 {
            FROM_DESTRUCTORS.get().0.push(1);
        }
        let held: Vec<_> = (0..20).map(|_| FROM_DESTRUCTORS.get()).collect();
        drop(held);
        FROM_DESTRUCTORS.trim();
        let _ = FROM_DESTRUCTORS.stats();
    }
}

thread_local! {
    static BEFORE_REGISTRY: RefCell<Option<UsesPoolOnDrop>> = const { RefCell::new(None) };
    static AFTER_REGISTRY: RefCell<Option<UsesPoolOnDrop>> = const { RefCell::new(None) };
}

#[test]
fn thread_local_destructors_can_use_a_pool() {
    thread::spawn(|| {
        BEFORE_REGISTRY.with(|slot| *slot.borrow_mut() = Some(UsesPoolOnDrop(None)));
        let held: Vec<_> = (0..20).map(|_| FROM_DESTRUCTORS.get()).collect();
        drop(held);
        let guard = FROM_DESTRUCTORS.get();
        AFTER_REGISTRY.with(|slot| *slot.borrow_mut() = Some(UsesPoolOnDrop(Some(guard))));
    })
    .join()
    .unwrap();
    let stats = FROM_DESTRUCTORS.stats();
    assert_eq!(stats.in_use, 0);
    assert!(stats.idle <= 16);
    assert_eq!(
        LIVE[0].load(Ordering::SeqCst),
        stats.idle as isize,
        "leaked or lost"
    );
    assert_balanced(stats);
}

#[test]
fn a_cache_index_reused_by_a_pool_of_another_type() {
    for _ in 0..50 {
        let first: Arc<Pool<Vec<u64>>> = Arc::new(Pool::with_max_idle(8));
        let (dropped_tx, dropped_rx) = mpsc::channel::<()>();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let worker = {
            let first = Arc::clone(&first);
            thread::spawn(move || {
                first.get().extend([1, 2, 3]);
                drop(first);
                dropped_tx.send(()).unwrap();
                go_rx.recv().unwrap();
                // New pools sweep out the dead pool's cache and may take its index.
                let names: Pool<String> = Pool::with_max_idle(8);
                names.get().push('x');
                let boxes: Pool<Box<Vec<u64>>> = Pool::with_max_idle(8);
                boxes.get().push(1);
                assert!(names.get().is_empty() && boxes.get().is_empty());
                assert_eq!(boxes.stats().reused, 1);
            })
        };
        dropped_rx.recv().unwrap();
        drop(first);
        go_tx.send(()).unwrap();
        worker.join().unwrap();
    }
}

#[test]
fn parked_producer_threads_do_not_strand_the_budget() {
    // Four threads each return 64 values (reserving slots), take 64 more and hand them to the
    // main thread, then park. Their reserved slots hold no values; if they kept them all, the
    // default budget of 256 would be stranded and every return here would be discarded.
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    let (to_main, from_threads) = mpsc::channel();
    let mut unpark = Vec::new();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (pool, to_main) = (Arc::clone(&pool), to_main.clone());
        let (wake, parked) = mpsc::channel::<()>();
        unpark.push(wake);
        workers.push(thread::spawn(move || {
            drop((0..64).map(|_| pool.get()).collect::<Vec<_>>());
            to_main
                .send((0..64).map(|_| pool.get_owned()).collect::<Vec<_>>())
                .unwrap();
            parked.recv().unwrap();
        }));
    }
    let handed_over: Vec<_> = (0..4).flat_map(|_| from_threads.recv().unwrap()).collect();
    drop(handed_over);
    let before = pool.stats();
    for _ in 0..1000 {
        drop(pool.get());
    }
    let after = pool.stats();
    for wake in unpark {
        wake.send(()).unwrap();
    }
    for worker in workers {
        worker.join().unwrap();
    }
    assert!(
        after.created - before.created < 10,
        "gets kept allocating: {after:?}"
    );
    assert!(
        before.returned > 0,
        "the handed-over values were all discarded: {before:?}"
    );
}

#[test]
fn prefill_uses_this_threads_empty_slots_and_wastes_nothing() {
    let pool: Pool<Live<1>> = Pool::with_max_idle(8);
    drop(pool.get());
    let held = pool.get(); // this thread's cache now holds an empty reserved slot
    pool.prefill(8);
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.idle), (0, 8), "{stats:?}");
    drop(held); // the pool is full: this one goes
    assert_eq!(pool.stats().discarded, 1);
    assert_eq!(LIVE[1].load(Ordering::SeqCst), 8);
    assert_balanced(pool.stats());
}

/// Panics in `Drop` while armed; `Reset` leaves it armed, so it stays armed while idle.
#[derive(Default)]
struct Boom {
    armed: bool,
}

impl Drop for Boom {
    fn drop(&mut self) {
        if std::mem::take(&mut self.armed) {
            panic!("Boom dropped while armed");
        }
    }
}

impl Reset for Boom {
    fn reset(&mut self) {}
}

impl Poolable for Boom {
    fn create() -> Self {
        Boom::default()
    }
}

#[test]
fn a_trimmed_value_whose_drop_panics_during_a_get_loses_no_count() {
    let pool = Arc::new(Pool::<Boom>::with_max_idle(8));
    let (to_main, from_worker) = mpsc::channel();
    let (to_worker, from_main) = mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            pool.get().armed = true; // back into this thread's cache, still armed
            to_main.send(()).unwrap();
            from_main.recv().unwrap();
            // The cache catches up with the clear: it drops the armed value, whose `Drop`
            // panics, after it refilled from the shared store.
            let got = panic::catch_unwind(AssertUnwindSafe(|| drop(pool.get())));
            assert!(
                got.is_err(),
                "the armed value's Drop did not run in this get"
            );
            let stats = pool.stats();
            assert_eq!(stats.in_use, 0, "{stats:?}");
            drop(pool.get()); // and the pool stays usable
        })
    };
    from_worker.recv().unwrap();
    pool.clear(); // another thread's cache is cleared at its next operation
    pool.prefill(1); // a value in the shared store for that operation to refill with
    to_worker.send(()).unwrap();
    worker.join().unwrap();
    let stats = pool.stats();
    assert_eq!(stats.in_use, 0, "{stats:?}");
    assert_balanced(stats);
}
