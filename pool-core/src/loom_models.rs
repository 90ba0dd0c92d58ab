//! loom models that drive the real [`Pool`]: its thread-local tables, claims, depot and list of
//! caches all go through the `sync` facade, so loom explores their interleavings.
//!
//! Run: `LOOM_MAX_PREEMPTIONS=2 RUSTFLAGS="--cfg loom" cargo test -p pool-core --lib --release
//! --target-dir target/loom`. Every model but `first_uses_race` makes the pool's shared part
//! (in a `OnceLock`, loom's model of it under loom) before any thread starts.

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use crate::registry::exit_thread;
use crate::sync::StdArc;
use crate::{Pool, PoolStats, Poolable, Reset};

/// A value that keeps the id it was made with, through resets.
#[derive(Debug)]
struct Tag(usize);

impl Reset for Tag {
    fn reset(&mut self) {}
}

impl Poolable for Tag {
    fn create() -> Self {
        Tag(usize::MAX)
    }
}

/// A pool of `Tag`s numbered from 0 in the order they are made, with its shared part made.
fn tag_pool(max_idle: usize) -> StdArc<Pool<Tag>> {
    let next = Arc::new(AtomicUsize::new(0));
    let pool = Pool::builder()
        .max_idle(max_idle)
        .create_with(move || Tag(next.fetch_add(1, Ordering::Relaxed)))
        .build();
    let _ = pool.stats();
    StdArc::new(pool)
}

/// The ids of every idle value, pool-wide.
fn idle_ids(pool: &Pool<Tag>) -> Vec<usize> {
    let mut ids = Vec::new();
    pool.shared().for_each_idle(|tag| ids.push(tag.0));
    ids
}

/// The invariants of a quiescent pool: the slots add up, and so do the counts.
fn check_quiescent(pool: &Pool<Tag>) -> PoolStats {
    pool.shared().check_slots();
    let stats = pool.stats();
    assert_eq!(stats.in_use, 0, "{stats:?}");
    assert_balanced(stats);
    assert!(stats.idle <= pool.max_idle() as u64, "{stats:?}");
    stats
}

fn assert_balanced(stats: PoolStats) {
    assert_eq!(
        stats.created,
        stats.idle + stats.in_use + stats.discarded + stats.trimmed + stats.detached,
        "{stats:?}"
    );
}

/// Finding 4's race: a thread's return spills a value that was idle into the depot while this
/// thread runs `expire` (a clear, or two trims). Once `expire` returns, that value is idle
/// nowhere, whatever the order.
fn race_a_spill(expire: fn(&Pool<Tag>)) {
    loom::model(move || {
        let pool = tag_pool(2); // a cache holds one value
        let published = Arc::new(AtomicUsize::new(usize::MAX));
        let worker = {
            let (pool, published) = (StdArc::clone(&pool), Arc::clone(&published));
            thread::spawn(move || {
                let held = pool.get();
                let idle = pool.get();
                let id = idle.0;
                drop(idle); // idle in this thread's cache, which is now full
                published.store(id, Ordering::Release);
                drop(held); // spills `idle` to the depot
                exit_thread();
            })
        };
        let was_idle = published.load(Ordering::Acquire);
        expire(&pool);
        if was_idle != usize::MAX {
            assert!(
                !idle_ids(&pool).contains(&was_idle),
                "a value idle before the clear or trims is still idle after them"
            );
        }
        worker.join().unwrap();
        check_quiescent(&pool);
    });
}

#[test]
fn clear_races_a_spill() {
    race_a_spill(Pool::clear);
}

#[test]
fn two_trims_race_a_spill() {
    race_a_spill(|pool| {
        pool.trim();
        pool.trim();
    });
}

#[test]
fn first_uses_race() {
    // Two threads use a pool for the first time at once: one makes its shared part and both
    // use it. Each get is counted once, and the slots and counts add up.
    loom::model(|| {
        let pool = StdArc::new(Pool::<Tag>::with_max_idle(4));
        let worker = {
            let pool = StdArc::clone(&pool);
            thread::spawn(move || {
                drop(pool.get());
                exit_thread();
            })
        };
        drop(pool.get());
        worker.join().unwrap();
        let stats = check_quiescent(&pool);
        assert_eq!(stats.created + stats.reused, 2, "{stats:?}");
    });
}

#[test]
fn a_get_steals_while_the_owner_works() {
    // Another thread's get takes values from a cache whose owner is getting and returning:
    // no value is handed out twice (loom checks every access to the cache's data), and the
    // slots and counts add up.
    loom::model(|| {
        let pool = tag_pool(8); // a cache holds two values
        let worker = {
            let pool = StdArc::clone(&pool);
            thread::spawn(move || {
                drop((pool.get(), pool.get()));
                drop(pool.get());
                exit_thread();
            })
        };
        let taken = pool.get();
        let id = taken.0;
        worker.join().unwrap();
        assert!(
            !idle_ids(&pool).contains(&id),
            "a value both handed out and idle"
        );
        drop(taken);
        exit_thread();
        let stats = check_quiescent(&pool);
        assert_eq!(stats.idle, stats.created);
    });
}

#[test]
fn a_return_asks_a_running_owner_for_its_empty_slots() {
    // A return finds no free slot: the only one sits empty in a running thread's cache. The
    // return asks that thread for it; whether the owner gives it back at its next operation
    // or the return reaches in, the slot is counted once, and the pool ends with one idle
    // value (the last operation is a return, which is dropped only if one is idle already).
    loom::model(|| {
        let pool = tag_pool(1); // one slot in all
        let value = pool.get(); // made here, given back below
        let worker = {
            let pool = StdArc::clone(&pool);
            thread::spawn(move || {
                drop(pool.get()); // kept: this cache takes the only slot
                let held = pool.get(); // the slot is empty now, and still this cache's
                drop(pool.get()); // an empty cache's slow path, which answers an ask
                drop(held);
                exit_thread();
            })
        };
        drop(value);
        worker.join().unwrap();
        exit_thread();
        let stats = check_quiescent(&pool);
        assert_eq!(stats.idle, 1, "{stats:?}");
    });
}

#[test]
fn stats_race_a_retiring_thread() {
    // A thread exits while another reads the stats: its cache's counts and values are seen
    // exactly once, in the cache or in the shared counters and depot, never both or neither.
    loom::model(|| {
        let pool = tag_pool(4);
        let worker = {
            let pool = StdArc::clone(&pool);
            thread::spawn(move || {
                drop(pool.get());
                exit_thread();
            })
        };
        // Mid-flight, a snapshot may lag by the operation in progress (a value counted made
        // but not yet handed out), but a cache counted twice or not at all shows here.
        let stats = pool.stats();
        assert!(stats.created <= 1 && stats.returned <= 1, "{stats:?}");
        assert!(stats.idle <= 1 && stats.in_use <= 1, "{stats:?}");
        assert!(stats.returned >= stats.idle, "{stats:?}");
        worker.join().unwrap();
        let stats = check_quiescent(&pool);
        assert_eq!((stats.created, stats.returned, stats.idle), (1, 1, 1));
    });
}

#[test]
fn clear_reaches_a_parked_threads_cache() {
    // A thread keeps a value in its cache and waits: `clear` on another thread drops it, and
    // the parked thread's next get finds nothing stale.
    loom::model(|| {
        let pool = tag_pool(4);
        let stage = Arc::new(AtomicUsize::new(0));
        let worker = {
            let (pool, stage) = (StdArc::clone(&pool), Arc::clone(&stage));
            thread::spawn(move || {
                drop(pool.get());
                stage.store(1, Ordering::Release);
                while stage.load(Ordering::Acquire) != 2 {
                    thread::yield_now();
                }
                let value = pool.get();
                assert_eq!(value.0, 1, "the cleared value was handed out again");
                drop(value);
                exit_thread();
            })
        };
        while stage.load(Ordering::Acquire) != 1 {
            thread::yield_now();
        }
        pool.clear();
        let stats = pool.stats();
        assert_eq!((stats.idle, stats.trimmed), (0, 1), "{stats:?}");
        stage.store(2, Ordering::Release);
        worker.join().unwrap();
        check_quiescent(&pool);
    });
}

/// A value that counts its drops.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Reset for Counted {
    fn reset(&mut self) {}
}

impl Poolable for Counted {
    fn create() -> Self {
        unreachable!("the models make them with `create_with`")
    }
}

#[test]
fn two_clears_race() {
    // Two clears race: when either returns, no value idle before it is idle, each value is
    // dropped once, and the clears do not interleave (found by review: the first walk used to
    // take the other clear's expired values with its own, leaving that clear nothing to drop).
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = {
            let drops = Arc::clone(&drops);
            Pool::builder()
                .max_idle(4)
                .create_with(move || Counted(Arc::clone(&drops)))
                .build()
        };
        pool.prefill(2);
        let pool = StdArc::new(pool);
        let other = {
            let pool = StdArc::clone(&pool);
            thread::spawn(move || {
                pool.clear();
                exit_thread();
            })
        };
        pool.clear();
        assert_eq!(
            pool.idle(),
            0,
            "a value idle before the clear is idle after it"
        );
        other.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 2, "each value dropped once");
        assert_eq!(pool.stats().trimmed, 2);
        exit_thread();
    });
}

#[test]
fn a_get_racing_a_trim_reuses_the_idle_value() {
    // The only idle value sits in a parked thread's cache while this thread trims and another
    // gets: the get must find it (in that cache, or in the depot where the trim or the get's own
    // steal moved it), not create (found by review: a steal that caught the cache up with the
    // trim reported finding nothing). The parked thread waits on a lock, not in a spin: loom
    // cannot explore two spinning threads at once.
    loom::model(|| {
        let pool = tag_pool(4);
        let gate = Arc::new(loom::sync::Mutex::new(()));
        let parked = Arc::new(AtomicUsize::new(0));
        let closed = gate.lock().unwrap();
        let owner = {
            let (pool, gate, parked) =
                (StdArc::clone(&pool), Arc::clone(&gate), Arc::clone(&parked));
            thread::spawn(move || {
                drop(pool.get());
                parked.store(1, Ordering::Release);
                drop(gate.lock().unwrap());
                exit_thread();
            })
        };
        while parked.load(Ordering::Acquire) == 0 {
            thread::yield_now();
        }
        let getter = {
            let pool = StdArc::clone(&pool);
            thread::spawn(move || {
                let id = pool.get().0;
                exit_thread();
                id
            })
        };
        pool.trim();
        let id = getter.join().unwrap();
        drop(closed);
        owner.join().unwrap();
        exit_thread();
        assert_eq!(id, 0, "a get created while the only value sat idle");
    });
}
