//! A value given back comes out of the next get reset, with its buffers; values handed in from
//! outside with `put` are reset too, and the stats count the reuse.

use pool_core::Pool;

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
fn put_resets_and_counts_outside_values() {
    let pool: Pool<Vec<u32>> = Pool::with_max_idle(1);
    pool.put(vec![1, 2, 3]);
    pool.put(vec![4]); // full
    let stats = pool.stats();
    assert_eq!((stats.created, stats.returned, stats.discarded), (2, 1, 1));
    assert!(pool.get().is_empty());
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
fn try_get_never_creates_and_finds_values_anywhere() {
    use std::sync::{mpsc, Arc};
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    assert!(
        pool.try_get().is_none(),
        "an empty pool has nothing to give"
    );
    assert_eq!(pool.stats().created, 0);
    // A value idle in a parked thread's cache is found.
    let (ready, wait) = mpsc::channel();
    let (release, parked) = mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        std::thread::spawn(move || {
            drop(pool.get());
            ready.send(()).unwrap();
            parked.recv().unwrap();
        })
    };
    wait.recv().unwrap();
    let found = pool.try_get();
    assert!(found.is_some(), "the parked thread's idle value");
    assert!(pool.try_get().is_none(), "and nothing more");
    drop(found);
    let stats = pool.stats();
    assert_eq!((stats.created, stats.reused), (1, 1), "{stats:?}");
    release.send(()).unwrap();
    worker.join().unwrap();
}
