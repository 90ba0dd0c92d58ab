//! The builder's options on values coming back: `max_capacity` and `keep_if`.

use std::collections::{BinaryHeap, HashSet};
use std::panic::{self, AssertUnwindSafe};

use pool_core::{FnPool, Pool, PoolBuilder};
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
fn max_capacity_shrinks_hash_sets_and_binary_heaps() {
    let sets: Pool<HashSet<u64>> = Pool::builder().max_capacity(16).build();
    let mut set = sets.get();
    set.extend(0..10_000);
    drop(set);
    let set = sets.get();
    // A hash table may round up to its bucket count, but no further.
    assert!(set.is_empty() && set.capacity() <= 32, "{}", set.capacity());
    drop(set);
    assert_settled(sets.stats());

    let heaps: Pool<BinaryHeap<u64>> = Pool::builder().max_capacity(16).build();
    let mut heap = heaps.get();
    heap.extend(0..10_000);
    drop(heap);
    let heap = heaps.get();
    assert!(
        heap.is_empty() && heap.capacity() <= 16,
        "{}",
        heap.capacity()
    );
    drop(heap);
    let stats = heaps.stats();
    assert_eq!((stats.created, stats.reused, stats.discarded), (1, 1, 0));
    assert_settled(stats);
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

/// A type this crate knows nothing of: not `Reset`, not `Poolable`, not `Default`.
struct Conn {
    out: Vec<u8>,
    retries: u32,
    id: u32,
}

fn conn_pool() -> FnPool<Conn> {
    let next = std::sync::atomic::AtomicU32::new(0);
    PoolBuilder::new()
        .max_idle(4)
        .create_with(move || Conn {
            out: Vec::with_capacity(64),
            retries: 0,
            id: next.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
        .reset_with(|c: &mut Conn| {
            c.out.clear();
            c.retries = 0;
        })
        .build()
}

#[test]
fn reset_with_pools_a_type_that_is_not_poolable() {
    let pool = conn_pool();
    let mut conn = pool.get();
    conn.out.extend_from_slice(b"GET /");
    conn.retries = 3;
    let id = conn.id;
    drop(conn);
    let conn = pool.get();
    assert_eq!(conn.id, id, "the same value, reused");
    assert!(conn.out.is_empty() && conn.out.capacity() >= 64 && conn.retries == 0);
    drop(conn);
    let stats = pool.stats();
    assert_eq!(
        (stats.created, stats.reused, stats.idle),
        (1, 1, 1),
        "{stats:?}"
    );
    assert_settled(stats);
}

#[test]
fn reset_with_pools_work_across_threads_and_with_the_other_options() {
    let pool = std::sync::Arc::new(conn_pool());
    let owned = pool.get_owned();
    std::thread::spawn(move || drop(owned)).join().unwrap();
    assert_eq!(pool.idle(), 1);
    assert!(pool.try_get().is_some());
    pool.trim();
    pool.trim();
    assert_eq!(pool.idle(), 0);
    assert_settled(pool.stats());
}

#[test]
fn reset_with_replaces_the_reset_of_a_poolable_type() {
    let pool = Pool::<Vec<u8>>::builder()
        .create_with(Vec::new)
        .reset_with(|buf: &mut Vec<u8>| buf.truncate(1))
        .build();
    let mut buf = pool.get();
    buf.extend_from_slice(b"abc");
    drop(buf);
    assert_eq!(*pool.get(), b"a", "reset by the given function, not Vec's");
}

/// A `Conn` with the given `id` and an empty buffer.
fn conn(id: u32) -> Conn {
    Conn {
        out: Vec::new(),
        retries: 0,
        id,
    }
}

#[test]
fn reset_with_builds_whether_create_with_comes_before_or_after() {
    // Without `create_with`, `build` does not compile (the UI case
    // `builder_reset_with_without_create_with`): either order gives it, to the same effect.
    let create_first: FnPool<Conn> = PoolBuilder::new()
        .create_with(|| conn(1))
        .max_idle(2)
        .reset_with(|c: &mut Conn| c.retries = 0)
        .build();
    let reset_first: FnPool<Conn> = PoolBuilder::new()
        .reset_with(|c: &mut Conn| c.retries = 0)
        .max_idle(2)
        .create_with(|| conn(2))
        .build();
    for (pool, id) in [(&create_first, 1), (&reset_first, 2)] {
        let mut conn = pool.get();
        assert_eq!(conn.id, id, "made by this pool's create_with");
        conn.retries = 5;
        drop(conn);
        assert_eq!(pool.get().retries, 0, "reset by reset_with");
        let stats = pool.stats();
        assert_eq!((stats.created, stats.reused), (1, 1), "{stats:?}");
        assert_eq!(pool.max_idle(), 2);
        assert_settled(stats);
    }
}

#[test]
fn the_last_create_with_holds_before_or_after_reset_with() {
    let pool: FnPool<Conn> = PoolBuilder::new()
        .create_with(|| conn(1))
        .reset_with(|c: &mut Conn| c.retries = 0)
        .create_with(|| conn(2))
        .build();
    assert_eq!(pool.get().id, 2);
    // A `Poolable` type's builder builds with and without `create_with`.
    let plain: Pool<String> = Pool::builder().max_idle(1).build();
    let sized: Pool<String> = Pool::builder()
        .create_with(|| String::with_capacity(32))
        .build();
    assert!(plain.get().capacity() == 0 && sized.get().capacity() >= 32);
}

#[test]
fn max_capacity_runs_before_keep_if_whatever_the_call_order() {
    // Found by review: the checks ran in call order, so a `keep_if` given first saw the value
    // before its shrink and dropped it.
    let pool = Pool::<Vec<u8>>::builder()
        .keep_if(|buf| buf.capacity() <= 64)
        .max_capacity(1024)
        .max_capacity(64) // the last cap holds
        .build();
    let mut big = pool.get();
    big.reserve(10_000);
    drop(big);
    let stats = pool.stats();
    assert_eq!(
        (stats.idle, stats.discarded),
        (1, 0),
        "shrunk, then kept: {stats:?}"
    );
    assert!(pool.get().capacity() <= 64);
}
