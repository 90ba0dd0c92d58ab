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
