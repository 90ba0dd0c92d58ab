//! Two threads sharing one pool for a million get/return pairs each, with trims racing them:
//! every value carries an owner marker that proves no value is held by two at once, and that
//! every value arrives reset.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
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

fn hammer(pool: &Pool<Marked>, me: u64) {
    let mut held = Vec::new();
    for i in 0..OPS_PER_THREAD {
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
    let workers: Vec<_> = [1, 2]
        .into_iter()
        .map(|me| {
            let pool = Arc::clone(&pool);
            thread::spawn(move || hammer(&pool, me))
        })
        .collect();
    let trimmer = {
        let (pool, done) = (Arc::clone(&pool), Arc::clone(&done));
        thread::spawn(move || {
            let mut trims = 0u64;
            while !done.load(Ordering::Relaxed) {
                pool.trim();
                trims += 1;
                thread::yield_now();
            }
            trims
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
    assert_settled(stats);
}
