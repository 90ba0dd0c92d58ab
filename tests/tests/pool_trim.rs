//! `trim` drops what was idle at the previous trim, in this thread's cache and at their next
//! operation in other threads'; `clear` drops every idle value.

use std::sync::mpsc;
use std::sync::Arc;
use std::thread;

use pool_core::Pool;
use pool_tests::assert_balanced;

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
