//! Lifetimes of pools and threads: pools used from thread-local destructors, a dropped pool's
//! idle values and those a live thread still caches for it, and cache indexes reused by pools
//! of another type.

use std::cell::RefCell;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;

use pool_core::{Pool, PoolStats, Pooled};
use pool_tests::{assert_balanced, assert_settled, Counted};

static FROM_DESTRUCTORS: Pool<Counted<0>> = Pool::with_max_idle(16);

/// A thread-local whose destructor uses the pool, running before or after the pool's own
/// thread-local registry is torn down, depending on which was first used.
struct UsesPoolOnDrop(Option<Pooled<'static, Counted<0>>>);

impl Drop for UsesPoolOnDrop {
    fn drop(&mut self) {
        drop(self.0.take());
        for _ in 0..10 {
            FROM_DESTRUCTORS.get().data.push(1);
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
    assert_eq!(Counted::<0>::live(), stats.idle as isize, "leaked or lost");
    assert_balanced(stats);
}

/// Dropped after the pool's thread-local table when set before the thread first uses a pool:
/// its get and return find no cache, and take the direct path to the depot. Sends the pool's
/// stats from before and after them.
struct UsesPoolAfterTheTable {
    pool: Arc<Pool<Vec<u8>>>,
    report: mpsc::Sender<(PoolStats, PoolStats)>,
}

impl Drop for UsesPoolAfterTheTable {
    fn drop(&mut self) {
        let before = self.pool.stats();
        let mut buf = self.pool.get(); // from the depot, where this thread's cache went
        buf.push(1);
        drop(buf); // back to the depot
        let _ = self.report.send((before, self.pool.stats()));
    }
}

thread_local! {
    static AFTER_THE_TABLE: RefCell<Option<UsesPoolAfterTheTable>> = const { RefCell::new(None) };
}

#[test]
fn gets_and_returns_after_the_threads_table_is_gone_are_counted() {
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(8));
    let (report, reported) = mpsc::channel();
    {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            // Set first, so it is dropped after the table the pool makes below.
            let user = UsesPoolAfterTheTable {
                pool: Arc::clone(&pool),
                report,
            };
            AFTER_THE_TABLE.with(|slot| *slot.borrow_mut() = Some(user));
            drop(pool.get()); // created, then cached on this thread
        })
        .join()
        .unwrap();
    }
    let (before, after) = reported.recv().expect("the destructor ran");
    assert_eq!(
        (before.created, before.reused, before.returned, before.idle),
        (1, 0, 1, 1),
        "{before:?}"
    );
    assert_eq!(
        (after.reused, after.returned),
        (1, 2),
        "the get and the return on the direct path: {after:?}"
    );
    assert_eq!((after.created, after.idle, after.in_use), (1, 1, 0));
    assert_settled(pool.stats());
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
fn dropping_a_pool_drops_its_idle_values() {
    let pool: Pool<Counted<1>> = Pool::new();
    pool.prefill(3);
    drop(pool.get());
    drop(pool);
    assert_eq!(Counted::<1>::dropped(), 3);
}

#[test]
fn a_dropped_pools_values_cached_by_a_live_thread_are_freed() {
    let pool = Arc::new(Pool::<Counted<2>>::new());
    let (to_main, from_worker) = mpsc::channel::<()>();
    let (to_worker, from_main) = mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            drop((pool.get(), pool.get(), pool.get())); // three idle in this thread's cache
            drop(pool);
            to_main.send(()).unwrap();
            from_main.recv().unwrap(); // the pool is gone now
            let before = Counted::<2>::dropped();
            let other: Pool<String> = Pool::new();
            drop(other.get()); // a new pool's cache sweeps out the dead pool's (empty) one
            Counted::<2>::dropped() - before
        })
    };
    from_worker.recv().unwrap();
    let before = Counted::<2>::dropped();
    drop(pool); // the last handle: frees what the live, waiting thread's cache holds
    assert_eq!(
        Counted::<2>::dropped() - before,
        3,
        "the live thread's cached values of the dropped pool"
    );
    to_worker.send(()).unwrap();
    assert_eq!(worker.join().unwrap(), 0, "nothing was left for the sweep");
}

/// A value whose `Drop` uses the pool it belongs to (a snapshot, a get and a return, and a
/// trim) and the process-wide directory, and counts how often it reached the pool.
struct Reenters {
    pool: std::sync::Weak<pool_core::FnPool<Reenters>>,
    reached: Arc<std::sync::atomic::AtomicUsize>,
}

impl Drop for Reenters {
    fn drop(&mut self) {
        let _ = pool_core::pools();
        let Some(pool) = self.pool.upgrade() else {
            return;
        };
        let stats = pool.stats();
        assert_eq!(stats.idle as usize, pool.idle());
        let mut inner = pool.get();
        inner.reached = Arc::clone(&self.reached);
        drop(inner);
        pool.trim();
        self.reached
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn values_dropped_by_clear_trim_or_the_pools_drop_may_use_the_pool_and_the_directory() {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    let reached = Arc::new(AtomicUsize::new(0));
    let pool = Arc::new_cyclic(|weak: &std::sync::Weak<pool_core::FnPool<Reenters>>| {
        let (weak, reached) = (weak.clone(), Arc::clone(&reached));
        pool_core::PoolBuilder::new()
            .create_with(move || Reenters {
                pool: weak.clone(),
                reached: Arc::clone(&reached),
            })
            .reset_with(|_: &mut Reenters| {})
            .build()
    });
    pool.prefill(4);
    // Each value dropped by the clear runs a get, a return and a trim on this pool, on the
    // thread that runs the clear, after the clear let go of every lock and claim.
    pool.clear();
    assert_eq!(
        reached.load(SeqCst),
        4,
        "each dropped value reached its pool"
    );
    let stats = pool.stats();
    assert_eq!(stats.in_use, 0, "{stats:?}");
    assert_balanced(stats);
    // Values a trim drops do the same.
    pool.prefill(4);
    pool.trim();
    pool.trim();
    assert!(reached.load(SeqCst) >= 8, "{}", reached.load(SeqCst));
    assert_balanced(pool.stats());
    // The pool's own drop: its values find it gone, and still use the directory.
    pool.prefill(4);
    drop(pool);
}
