//! The builder's options on values coming back: `max_capacity` and `keep_if`.

use std::panic::{self, AssertUnwindSafe};

use pool_core::Pool;
use pool_tests::assert_settled;

#[test]
fn max_capacity_shrinks_returned_values_and_keeps_them() {
    let pool: Pool<Vec<u8>> = Pool::builder().max_capacity(1024).build();
    let mut big = pool.get();
    big.resize(1 << 20, 7);
    drop(big);
    let stats = pool.stats();
    assert_eq!(
        (stats.idle, stats.discarded),
        (1, 0),
        "kept, shrunk: {stats:?}"
    );
    let again = pool.get();
    assert!(
        again.is_empty() && again.capacity() <= 1024,
        "{}",
        again.capacity()
    );
    // A value within the cap keeps its capacity.
    let pool: Pool<String> = Pool::builder().max_capacity(64).build();
    let mut small = pool.get();
    small.push_str("twelve bytes");
    let capacity = small.capacity();
    drop(small);
    assert_eq!(pool.get().capacity(), capacity);
}

#[test]
fn keep_if_drops_refused_values_and_counts_them_discarded() {
    let pool = Pool::<Vec<u8>>::builder()
        .keep_if(|buf| buf.capacity() <= 4096)
        .build();
    let mut big = pool.get();
    big.reserve(1 << 20);
    let mut small = pool.get();
    small.push(1);
    drop((big, small));
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.discarded), (1, 1), "{stats:?}");
    assert_settled(stats);
    // `put` is asked too.
    pool.put(Vec::with_capacity(1 << 20));
    assert_eq!(pool.stats().discarded, 2);
}

#[test]
fn keep_if_sees_the_value_after_reset_and_max_capacity() {
    let pool = Pool::<Vec<u8>>::builder()
        .max_capacity(16)
        .keep_if(|buf| buf.is_empty() && buf.capacity() <= 16)
        .build();
    let mut buf = pool.get();
    buf.resize(1000, 1);
    drop(buf);
    assert_eq!(pool.idle(), 1, "reset, then shrunk, then asked");
}

#[test]
fn a_panicking_keep_if_drops_that_value_and_counts_it() {
    let pool = Pool::<Vec<u8>>::builder()
        .keep_if(|buf| {
            assert!(buf.capacity() < 1 << 20, "too big to ask about");
            true
        })
        .build();
    let mut big = pool.get();
    big.reserve(1 << 20);
    let result = panic::catch_unwind(AssertUnwindSafe(|| drop(big)));
    assert!(result.is_err());
    let stats = pool.stats();
    assert_eq!((stats.discarded, stats.in_use), (1, 0), "{stats:?}");
    assert_settled(stats);
    drop(pool.get());
    assert_eq!(pool.idle(), 1, "the pool stays usable");
}
