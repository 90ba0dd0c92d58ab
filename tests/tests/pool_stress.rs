//! Two threads sharing one pool for a million get/return pairs each, with trims racing them:
//! every value carries an owner marker that proves no value is held by two at once, and that
//! every value arrives reset. Halfway through, both threads pause until two whole trims have
//! passed, so trims are seen to drop values from the caches of live threads, not only to run.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use pool_core::{Pool, Poolable, Reset};
use pool_tests::assert_settled;

const OPS_PER_THREAD: u64 = 1_000_000;

/// A pooled value that records who holds it.
#[derive(Default)]
struct Marked {
    owner: AtomicU64,
    payload: Vec<u64>,
}

impl Reset for Marked {
    fn reset(&mut self) {
        self.owner.reset();
        self.payload.reset();
    }
}

impl Poolable for Marked {
    fn create() -> Self {
        Marked::default()
    }
}

/// Where the workers meet halfway, and how many trims the trimmer has finished.
struct Halfway {
    both: Barrier,
    trims: AtomicU64,
}

impl Halfway {
    /// Waits for the other worker, then for two trims that both started after the two stopped
    /// (the trim under way when they stopped may have started before), then for the other
    /// worker again. Every value idle at the pause, in either cache or the depot, is dropped.
    fn pause_for_two_trims(&self) {
        self.both.wait();
        let finished = self.trims.load(Ordering::SeqCst);
        while self.trims.load(Ordering::SeqCst) < finished + 3 {
            thread::yield_now();
        }
        self.both.wait();
    }
}

fn hammer(pool: &Pool<Marked>, me: u64, halfway: &Halfway) {
    let mut held = Vec::new();
    for i in 0..OPS_PER_THREAD {
        if i == OPS_PER_THREAD / 2 {
            assert!(held.is_empty());
            halfway.pause_for_two_trims();
        }
        let mut value = pool.get();
        let previous = value.owner.swap(me, Ordering::Relaxed);
        assert_eq!(
            previous, 0,
            "value handed out unreset or to two holders at once"
        );
        assert!(value.payload.is_empty(), "value handed out with stale data");
        value.payload.push(me);
        // Hold a few values at a time now and then, so caches spill and refill.
        if i % 64 < 8 {
            held.push(value);
        } else {
            check_and_release(value, me);
            for value in held.drain(..) {
                check_and_release(value, me);
            }
        }
    }
}

fn check_and_release(value: pool_core::Pooled<'_, Marked>, me: u64) {
    assert_eq!(
        value.owner.load(Ordering::Relaxed),
        me,
        "another holder took it meanwhile"
    );
    assert_eq!(value.payload, [me]);
}

#[test]
fn two_threads_a_million_ops_each_never_share_a_value() {
    let pool = Arc::new(Pool::<Marked>::with_max_idle(32));
    let done = Arc::new(AtomicBool::new(false));
    let halfway = Arc::new(Halfway {
        both: Barrier::new(2),
        trims: AtomicU64::new(0),
    });
    let workers: Vec<_> = [1, 2]
        .into_iter()
        .map(|me| {
            let (pool, halfway) = (Arc::clone(&pool), Arc::clone(&halfway));
            thread::spawn(move || hammer(&pool, me, &halfway))
        })
        .collect();
    let trimmer = {
        let (pool, done, halfway) = (Arc::clone(&pool), Arc::clone(&done), Arc::clone(&halfway));
        thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                pool.trim();
                halfway.trims.fetch_add(1, Ordering::SeqCst);
                thread::yield_now();
            }
            halfway.trims.load(Ordering::SeqCst)
        })
    };
    for worker in workers {
        worker.join().expect("a worker saw a shared or dirty value");
    }
    done.store(true, Ordering::Relaxed);
    let trims = trimmer.join().unwrap();
    let stats = pool.stats();
    assert_eq!(
        stats.reused + stats.created,
        2 * OPS_PER_THREAD,
        "{stats:?} after {trims} trims"
    );
    assert!(stats.idle <= 32);
    // At least the values idle at the pause: the pause is over only once they are dropped.
    assert!(
        stats.trimmed > 0,
        "no trim dropped a value in {trims} trims: {stats:?}"
    );
    assert_settled(stats);
}
