//! `trim` drops what was idle at the previous trim, in this thread's cache and in other
//! threads', before it returns; `clear` drops every idle value, in the caches and in the depot.

use std::sync::mpsc;
use std::sync::Arc;
use std::thread;

use pool_core::Pool;
use pool_tests::{assert_balanced, assert_settled, Counted, Counts, Tracked};

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
    let (to_worker, from_main) = mpsc::channel::<()>();
    let (to_main, from_worker) = mpsc::channel::<(usize, usize)>();
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

/// A pool of [`Tracked`] values, serials from 0, and the counts of their makings and drops.
fn numbered_pool() -> (Arc<Pool<Tracked>>, Arc<Counts>) {
    let counts = Counts::new();
    let pool = Pool::builder().create_with(counts.maker()).build();
    (Arc::new(pool), counts)
}

#[test]
fn a_get_on_another_live_thread_never_hands_out_a_value_idle_through_two_trims() {
    // The worker caches values 0 to 3 and waits, alive; the main thread trims twice. Nothing
    // but the trims touches the pool in between (no `stats()` or `idle()`, which would bring
    // the worker's cache up to date themselves): the trims must reach the cache, and the
    // worker's next get must not find one of the four there.
    const CACHED: usize = 4;
    let (pool, counts) = numbered_pool();
    let (to_worker, from_main) = mpsc::channel::<()>();
    let (to_main, from_worker) = mpsc::channel::<Vec<usize>>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            let held: Vec<_> = (0..CACHED).map(|_| pool.get()).collect();
            let serials = held.iter().map(|value| value.serial).collect();
            drop(held); // idle in this thread's cache
            to_main.send(serials).unwrap();
            from_main.recv().unwrap(); // main trimmed twice meanwhile
            let next = pool.get();
            to_main.send(vec![next.serial]).unwrap();
        })
    };
    assert_eq!(from_worker.recv().unwrap(), [0, 1, 2, 3]);
    pool.trim();
    pool.trim();
    let dropped_by_trims = counts.dropped();
    to_worker.send(()).unwrap();
    let next = from_worker.recv().unwrap()[0];
    worker.join().unwrap();
    assert!(
        next >= CACHED,
        "the worker's get handed out value {next}, idle in its cache through two trims"
    );
    assert_eq!(
        dropped_by_trims, CACHED,
        "the second trim dropped the worker's cached values before it returned"
    );
    let stats = pool.stats();
    assert_eq!((stats.trimmed, stats.created), (4, 5), "{stats:?}");
    assert_settled(stats);
}

#[test]
fn clear_drops_the_values_in_the_depot() {
    // `prefill` puts its values in the shared depot, not in a thread's cache: nothing here
    // takes a value out, so all six are still there when `clear` runs.
    let pool: Pool<Counted<0>> = Pool::new();
    pool.prefill(6);
    assert_eq!(Counted::<0>::live(), 6);
    pool.clear();
    assert_eq!(
        Counted::<0>::live(),
        0,
        "clear left {} values of the depot alive",
        Counted::<0>::live()
    );
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.trimmed), (0, 6), "{stats:?}");
    assert_balanced(stats);
}

#[test]
fn clear_drops_every_value_of_a_pool_that_keeps_them_all_in_the_depot() {
    // A pool with `max_idle_bytes` keeps no thread caches: every return goes to the depot.
    let pool: Pool<Counted<1>> = Pool::builder().max_idle_bytes(1 << 20).build();
    let held: Vec<_> = (0..5).map(|_| pool.get()).collect();
    drop(held);
    pool.put(Counted::new());
    assert_eq!((pool.idle(), Counted::<1>::live()), (6, 6));
    pool.clear();
    assert_eq!(
        Counted::<1>::live(),
        0,
        "clear left {} values of the depot alive",
        Counted::<1>::live()
    );
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.trimmed), (0, 6), "{stats:?}");
    assert_settled(stats);
}
