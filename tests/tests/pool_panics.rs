//! Panics: a reset, `keep_if`, shrink or `heap_bytes` that panics (for a guard and for `put`, on
//! a pool with each kind of return path), a guard or a pool dropped while unwinding, and a
//! trimmed value whose `Drop` panics inside a get. The pool loses no count, stays usable, and
//! never turns a panic into an abort.

use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;

use pool_core::{Pool, PoolStats, Poolable, Pooled, Reset, Shrink};
use pool_tests::{assert_balanced, assert_settled};

/// A value whose reset or shrink panics when told to, to check the pool survives it.
#[derive(Default)]
struct Touchy {
    panic_on_reset: bool,
    panic_on_shrink: bool,
    data: Vec<u8>,
}

impl Shrink for Touchy {
    fn shrink_to_max(&mut self, max: usize) {
        if std::mem::take(&mut self.panic_on_shrink) {
            panic!("shrink failed");
        }
        self.data.shrink_to(max);
    }
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
    // The armed value sits in a parked worker's cache. `clear` reaches it there and drops it on
    // the calling thread: the panic surfaces from `clear`, every count stays exact, and both
    // threads go on using the pool.
    let pool = Arc::new(Pool::<Boom>::with_max_idle(8));
    let (to_main, from_worker) = mpsc::channel();
    let (to_worker, from_main) = mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            pool.get().armed = true; // back into this thread's cache, still armed
            to_main.send(()).unwrap();
            from_main.recv().unwrap();
            let stats = pool.stats();
            assert_eq!((stats.in_use, stats.idle), (0, 0), "{stats:?}");
            drop(pool.get()); // and the pool stays usable here
        })
    };
    from_worker.recv().unwrap();
    assert_eq!(
        pool.idle(),
        1,
        "the parked worker's cached value counts as idle"
    );
    let cleared = panic::catch_unwind(AssertUnwindSafe(|| pool.clear()));
    assert!(
        cleared.is_err(),
        "the armed value's Drop did not run in clear"
    );
    let stats = pool.stats();
    assert_eq!(
        (stats.trimmed, stats.idle, stats.in_use),
        (1, 0, 0),
        "{stats:?}"
    );
    to_worker.send(()).unwrap();
    worker.join().unwrap();
    drop(pool.get());
    assert_settled(pool.stats());
}

#[test]
fn discarding_a_value_whose_drop_panics_loses_no_count() {
    // Found by review: `discard` dropped the value before counting it, so a panicking `Drop`
    // left it counted in use for ever.
    let pool: Pool<Boom> = Pool::new();
    let mut armed = pool.get();
    armed.armed = true;
    let discarded = panic::catch_unwind(AssertUnwindSafe(|| Pooled::discard(armed)));
    assert!(discarded.is_err(), "the armed value's Drop did not run");
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.in_use), (1, 0), "{stats:?}");
    assert_settled(stats);
}

/// One pool of each return path: a plain pool returns inline; `keep_if` and `max_capacity` go
/// through the checked return; `max_idle_bytes` keeps no caches.
fn pools_of_every_return_path() -> Vec<(&'static str, Pool<Touchy>)> {
    vec![
        ("plain", Pool::new()),
        (
            "keep_if",
            Pool::builder()
                .keep_if(|t: &Touchy| t.data.len() != 99)
                .build(),
        ),
        ("max_capacity", Pool::builder().max_capacity(1024).build()),
        (
            "max_idle_bytes",
            Pool::builder().max_idle_bytes(1 << 20).build(),
        ),
    ]
}

/// Runs `f`, which must panic while a value goes back to `pool`, with another guard out all
/// along; checks that the value is counted discarded once and the guard still out still
/// counts as in use, and returns the stats once that guard is back.
#[track_caller]
fn panics_counted_once(what: &str, pool: &Pool<Touchy>, f: impl FnOnce()) -> PoolStats {
    let outside = pool.get();
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    assert!(result.is_err(), "{what}: no panic");
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.in_use), (1, 1), "{what}: {stats:?}");
    assert_balanced(stats);
    drop(outside);
    let stats = pool.stats();
    assert_eq!(stats.in_use, 0, "{what}: {stats:?}");
    assert_balanced(stats);
    stats
}

#[test]
fn a_reset_panicking_in_a_guard_or_a_put_is_counted_once_on_every_return_path() {
    for (name, pool) in pools_of_every_return_path() {
        panics_counted_once(&format!("{name}, guard"), &pool, || {
            let mut t = pool.get();
            t.panic_on_reset = true;
        });
    }
    for (name, pool) in pools_of_every_return_path() {
        let stats = panics_counted_once(&format!("{name}, put"), &pool, || {
            pool.put(Touchy {
                panic_on_reset: true,
                ..Touchy::default()
            });
        });
        assert_eq!(stats.created, 2, "{name}, put: {stats:?}");
    }
}

#[test]
fn a_keep_if_or_a_shrink_panicking_in_a_guard_or_a_put_is_counted_once() {
    let refusing = || {
        Pool::builder()
            .keep_if(|t: &Touchy| {
                assert!(t.data.capacity() < 4096, "keep_if failed");
                true
            })
            .build()
    };
    let pool: Pool<Touchy> = refusing();
    panics_counted_once("keep_if, guard", &pool, || {
        pool.get().data.reserve(8192);
    });
    let pool: Pool<Touchy> = refusing();
    let stats = panics_counted_once("keep_if, put", &pool, || {
        pool.put(Touchy {
            data: Vec::with_capacity(8192),
            ..Touchy::default()
        });
    });
    assert_eq!(stats.created, 2, "{stats:?}");
    let pool: Pool<Touchy> = Pool::builder().max_capacity(16).build();
    panics_counted_once("shrink, guard", &pool, || {
        pool.get().panic_on_shrink = true;
    });
    let pool: Pool<Touchy> = Pool::builder().max_capacity(16).build();
    let stats = panics_counted_once("shrink, put", &pool, || {
        pool.put(Touchy {
            panic_on_shrink: true,
            ..Touchy::default()
        });
    });
    assert_eq!(stats.created, 2, "{stats:?}");
}

#[test]
fn values_keep_if_refuses_are_counted_discarded_from_a_guard_and_from_a_put() {
    let pool: Pool<Touchy> = Pool::builder()
        .keep_if(|t: &Touchy| t.data.capacity() < 4096)
        .build();
    let outside = pool.get();
    pool.get().data.reserve(8192);
    pool.put(Touchy {
        data: Vec::with_capacity(8192),
        ..Touchy::default()
    });
    let stats = pool.stats();
    assert_eq!(
        (stats.discarded, stats.in_use, stats.created),
        (2, 1, 3),
        "{stats:?}"
    );
    drop(outside);
    assert_balanced(pool.stats());
}

// A guard dropped while its thread unwinds from a panic of its own, whose reset, `keep_if`,
// shrink or value's `Drop` then panics: a second panic out of a destructor during unwinding
// aborts the process, so each scenario runs in a child process (see `pool_tests::run_child`).

/// The panic of the code holding the guard, which must be the one that reaches the caller.
const CALLERS_PANIC: &str = "the caller's own panic";

/// Runs `f`, which panics with [`CALLERS_PANIC`] while it holds a guard whose return then
/// panics too, with another guard of `pool` out all along: the caller's panic comes through,
/// and the value is counted discarded once. Then the pool is balanced and usable.
#[track_caller]
fn unwinding_return_panics<T: Poolable>(what: &str, pool: &Pool<T>, f: impl FnOnce()) {
    let outside = pool.get();
    let payload = panic::catch_unwind(AssertUnwindSafe(f)).expect_err(what);
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&CALLERS_PANIC),
        "{what}: the caller's panic goes on"
    );
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.in_use), (1, 1), "{what}: {stats:?}");
    assert_balanced(stats);
    drop(outside);
    drop(pool.get());
    assert_settled(pool.stats());
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_reset_panicking_in_a_guard_dropped_while_unwinding_does_not_abort() {
    pool_tests::run_child("child_reset_panicking_in_a_guard_dropped_while_unwinding");
}

#[test]
fn child_reset_panicking_in_a_guard_dropped_while_unwinding() {
    if !pool_tests::is_child("child_reset_panicking_in_a_guard_dropped_while_unwinding") {
        return;
    }
    for (name, pool) in pools_of_every_return_path() {
        unwinding_return_panics(&format!("{name}, guard"), &pool, || {
            let mut t = pool.get();
            t.panic_on_reset = true;
            std::panic::panic_any(CALLERS_PANIC);
        });
    }
    for (name, pool) in pools_of_every_return_path() {
        let pool = Arc::new(pool);
        unwinding_return_panics(&format!("{name}, owned guard"), &pool, || {
            let mut t = pool.get_owned();
            t.panic_on_reset = true;
            std::panic::panic_any(CALLERS_PANIC);
        });
    }
}

/// A panic payload whose own `Drop` panics.
struct PayloadBomb;

impl Drop for PayloadBomb {
    fn drop(&mut self) {
        panic!("the payload's Drop");
    }
}

/// A value whose reset panics with a [`PayloadBomb`].
#[derive(Default)]
struct ThrowsABomb;

impl Reset for ThrowsABomb {
    fn reset(&mut self) {
        std::panic::panic_any(PayloadBomb);
    }
}

impl Poolable for ThrowsABomb {
    fn create() -> Self {
        ThrowsABomb
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_reset_panic_whose_payload_panics_in_drop_while_unwinding_does_not_abort() {
    pool_tests::run_child("child_reset_panic_whose_payload_panics_in_drop_while_unwinding");
}

#[test]
fn child_reset_panic_whose_payload_panics_in_drop_while_unwinding() {
    if !pool_tests::is_child("child_reset_panic_whose_payload_panics_in_drop_while_unwinding") {
        return;
    }
    // The pool stops the reset's panic, and drops its payload, while the caller's unwinds.
    let pool: Pool<ThrowsABomb> = Pool::new();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let _value = pool.get();
        std::panic::panic_any(CALLERS_PANIC);
    }))
    .expect_err("the caller's panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&CALLERS_PANIC));
    let stats = pool.stats();
    assert_eq!(
        (stats.discarded, stats.in_use, stats.idle),
        (1, 0, 0),
        "{stats:?}"
    );
    assert_settled(stats);
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_keep_if_or_a_shrink_panicking_in_a_guard_dropped_while_unwinding_does_not_abort() {
    pool_tests::run_child("child_keep_if_or_shrink_panicking_while_unwinding");
}

#[test]
fn child_keep_if_or_shrink_panicking_while_unwinding() {
    if !pool_tests::is_child("child_keep_if_or_shrink_panicking_while_unwinding") {
        return;
    }
    let pool: Pool<Touchy> = Pool::builder()
        .keep_if(|t: &Touchy| {
            assert!(t.data.capacity() < 4096, "keep_if failed");
            true
        })
        .build();
    unwinding_return_panics("keep_if", &pool, || {
        let mut t = pool.get();
        t.data.reserve(8192);
        std::panic::panic_any(CALLERS_PANIC);
    });
    let pool: Pool<Touchy> = Pool::builder().max_capacity(16).build();
    unwinding_return_panics("shrink", &pool, || {
        let _t = {
            let mut t = pool.get();
            t.panic_on_shrink = true;
            t
        };
        std::panic::panic_any(CALLERS_PANIC);
    });
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_value_whose_drop_panics_dropped_by_a_guard_while_unwinding_does_not_abort() {
    pool_tests::run_child("child_value_whose_drop_panics_dropped_while_unwinding");
}

#[test]
fn child_value_whose_drop_panics_dropped_while_unwinding() {
    if !pool_tests::is_child("child_value_whose_drop_panics_dropped_while_unwinding") {
        return;
    }
    // No room: the guard's value is dropped, from a pool with caches and from one bounding its
    // bytes. And refused by `keep_if`: dropped as well.
    let full: Pool<Boom> = Pool::builder().max_idle(0).build();
    let full_bytes: Pool<Boom> = Pool::builder().max_idle(0).max_idle_bytes(1024).build();
    let refusing: Pool<Boom> = Pool::builder().keep_if(|boom: &Boom| !boom.armed).build();
    for (what, pool) in [
        ("full", &full),
        ("full, bytes bound", &full_bytes),
        ("keep_if", &refusing),
    ] {
        unwinding_return_panics(what, pool, || {
            let _boom = {
                let mut boom = pool.get();
                boom.armed = true;
                boom
            };
            std::panic::panic_any(CALLERS_PANIC);
        });
    }
}

/// A value whose reset, `Drop` and `heap_bytes` each panic once when told to.
#[derive(Default)]
struct Volatile {
    panic_on_reset: bool,
    panic_on_drop: bool,
    panic_on_measure: std::cell::Cell<bool>,
}

impl Drop for Volatile {
    fn drop(&mut self) {
        if std::mem::take(&mut self.panic_on_drop) {
            panic!("Volatile dropped");
        }
    }
}

impl Reset for Volatile {
    fn reset(&mut self) {
        if std::mem::take(&mut self.panic_on_reset) {
            panic!("Volatile reset");
        }
    }

    fn heap_bytes(&self) -> usize {
        if self.panic_on_measure.take() {
            panic!("Volatile measured");
        }
        8
    }
}

impl Poolable for Volatile {
    fn create() -> Self {
        Volatile::default()
    }
}

#[test]
fn a_value_whose_reset_and_drop_both_panic_reports_the_resets_panic_and_is_counted_once() {
    let pool: Pool<Volatile> = Pool::new();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut v = pool.get();
        v.panic_on_reset = true;
        v.panic_on_drop = true;
    }))
    .expect_err("the reset panics");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"Volatile reset"));
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.in_use), (1, 0), "{stats:?}");
    assert_balanced(stats);
    drop(pool.get());
    assert_eq!(pool.idle(), 1, "the pool stays usable");
}

#[test]
fn a_heap_bytes_panicking_on_a_return_to_a_bytes_bound_pool_leaks_no_slot_and_no_count() {
    let pool: Pool<Volatile> = Pool::builder().max_idle(1).max_idle_bytes(1024).build();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let v = pool.get();
        v.panic_on_measure.set(true);
    }))
    .expect_err("heap_bytes panics");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"Volatile measured"));
    let stats = pool.stats();
    assert_eq!(
        (stats.discarded, stats.in_use, stats.idle),
        (1, 0, 0),
        "{stats:?}"
    );
    assert_balanced(stats);
    // The pool's one slot is free: the next return is kept.
    drop(pool.get());
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.idle_bytes), (1, 8), "{stats:?}");
    assert_settled(stats);
}

#[test]
fn a_heap_bytes_panicking_in_stats_or_prefill_leaves_the_pool_exact_and_usable() {
    let pool: Pool<Volatile> = Pool::new();
    drop(pool.get());
    pool.put(Volatile {
        panic_on_measure: std::cell::Cell::new(true),
        ..Volatile::default()
    });
    let payload = panic::catch_unwind(AssertUnwindSafe(|| pool.stats())).expect_err("measured");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"Volatile measured"));
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.idle_bytes), (2, 16), "{stats:?}");
    assert_settled(stats);

    let first = std::sync::atomic::AtomicBool::new(true);
    let bounded = Pool::builder()
        .max_idle(4)
        .max_idle_bytes(1024)
        .create_with(move || Volatile {
            panic_on_measure: std::cell::Cell::new(
                first.swap(false, std::sync::atomic::Ordering::SeqCst),
            ),
            ..Volatile::default()
        })
        .build();
    let payload =
        panic::catch_unwind(AssertUnwindSafe(|| bounded.prefill(4))).expect_err("measured");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"Volatile measured"));
    let stats = bounded.stats();
    assert_eq!(
        (stats.created, stats.discarded, stats.idle),
        (1, 1, 0),
        "{stats:?}"
    );
    bounded.prefill(4);
    let stats = bounded.stats();
    assert_eq!(
        (stats.idle, stats.idle_bytes),
        (4, 32),
        "the slot came back: {stats:?}"
    );
    assert_settled(stats);
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_pool_dropped_while_unwinding_whose_value_panics_in_drop_does_not_abort() {
    pool_tests::run_child("child_pool_dropped_while_unwinding");
}

#[test]
fn child_pool_dropped_while_unwinding() {
    if !pool_tests::is_child("child_pool_dropped_while_unwinding") {
        return;
    }
    // The last handle is an owned guard, dropped by the unwinding: it returns its value, then
    // drops the pool, which drops the value.
    let payload = panic::catch_unwind(|| {
        let pool = Arc::new(Pool::<Boom>::new());
        let mut boom = pool.get_owned();
        boom.armed = true;
        drop(pool);
        std::panic::panic_any(CALLERS_PANIC);
    })
    .expect_err("the caller's panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&CALLERS_PANIC));
    // A pool on the stack, dropped by the unwinding with an armed value idle in it.
    let payload = panic::catch_unwind(|| {
        let pool = Pool::<Boom>::new();
        pool.get().armed = true;
        std::panic::panic_any(CALLERS_PANIC);
    })
    .expect_err("the caller's panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&CALLERS_PANIC));
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_heap_bytes_panicking_in_a_guard_dropped_while_unwinding_does_not_abort() {
    pool_tests::run_child("child_heap_bytes_panicking_while_unwinding");
}

#[test]
fn child_heap_bytes_panicking_while_unwinding() {
    if !pool_tests::is_child("child_heap_bytes_panicking_while_unwinding") {
        return;
    }
    let pool: Pool<Volatile> = Pool::builder().max_idle_bytes(1024).build();
    unwinding_return_panics("heap_bytes", &pool, || {
        let v = pool.get();
        v.panic_on_measure.set(true);
        std::panic::panic_any(CALLERS_PANIC);
    });
}

/// Calls its pool's `stats` or `prefill` from its `Drop`: a destructor that unwinding runs.
struct UsesPoolOnDrop<'a> {
    pool: &'a Pool<Volatile>,
    prefill: bool,
}

impl Drop for UsesPoolOnDrop<'_> {
    fn drop(&mut self) {
        if self.prefill {
            self.pool.prefill(2);
        } else {
            let _ = self.pool.stats();
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_heap_bytes_panicking_in_stats_or_prefill_while_unwinding_does_not_abort() {
    pool_tests::run_child("child_heap_bytes_panicking_in_stats_or_prefill_while_unwinding");
}

#[test]
fn child_heap_bytes_panicking_in_stats_or_prefill_while_unwinding() {
    if !pool_tests::is_child("child_heap_bytes_panicking_in_stats_or_prefill_while_unwinding") {
        return;
    }
    let pool: Pool<Volatile> = Pool::new();
    pool.put(Volatile {
        panic_on_measure: std::cell::Cell::new(true),
        ..Volatile::default()
    });
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let _stats_on_drop = UsesPoolOnDrop {
            pool: &pool,
            prefill: false,
        };
        std::panic::panic_any(CALLERS_PANIC);
    }))
    .expect_err("the caller's panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&CALLERS_PANIC));
    assert_settled(pool.stats());

    let bounded: Pool<Volatile> = Pool::builder()
        .max_idle_bytes(1024)
        .create_with(|| Volatile {
            panic_on_measure: std::cell::Cell::new(true),
            ..Volatile::default()
        })
        .build();
    let payload = panic::catch_unwind(AssertUnwindSafe(|| {
        let _prefill_on_drop = UsesPoolOnDrop {
            pool: &bounded,
            prefill: true,
        };
        std::panic::panic_any(CALLERS_PANIC);
    }))
    .expect_err("the caller's panic");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&CALLERS_PANIC));
    let stats = bounded.stats();
    assert_eq!(
        (stats.created, stats.discarded, stats.idle),
        (1, 1, 0),
        "{stats:?}"
    );
}

#[test]
fn a_heap_bytes_panicking_does_not_stop_the_listing_of_every_pool() {
    let pool: Pool<Volatile> = Pool::builder().name("panics: measured").build();
    drop(pool.get());
    pool.put(Volatile {
        panic_on_measure: std::cell::Cell::new(true),
        ..Volatile::default()
    });
    let listed = pool_core::pools()
        .into_iter()
        .find(|info| info.name == "panics: measured")
        .expect("the pool is listed");
    // One of its two idle values panicked, and counts 0 bytes in the listing.
    assert_eq!(
        (listed.stats.idle, listed.stats.idle_bytes),
        (2, 8),
        "{listed:?}"
    );
    assert_eq!(
        pool.stats().idle_bytes,
        16,
        "measured again, without the panic"
    );
}
