//! The ecosystem's types under pool-core's features, one module per feature (run them all with
//! `cargo test --workspace --all-features`): reset keeps capacity, a pool creates and reuses
//! them, and `max_capacity` caps the ones that can shrink.

#[cfg(feature = "bytes")]
mod bytes {
    use bytes::{BufMut, BytesMut};
    use pool_core::{Pool, Reset, Shrink};
    use pool_tests::assert_settled;

    #[test]
    fn reset_clears_and_keeps_capacity() {
        let mut buf = BytesMut::with_capacity(1024);
        buf.put_slice(b"last request");
        buf.reset();
        assert!(buf.is_empty());
        assert!(buf.capacity() >= 1024);
    }

    #[test]
    fn pool_reuses_the_buffer() {
        let pool: Pool<BytesMut> = Pool::new();
        let mut buf = pool.get();
        buf.put_slice(&[1; 1000]);
        let address = buf.as_ptr();
        drop(buf);
        let buf = pool.get();
        assert!(buf.is_empty() && buf.capacity() >= 1000);
        assert_eq!(buf.as_ptr(), address, "the same allocation comes back");
        drop(buf);
        assert_settled(pool.stats());
    }

    #[test]
    fn max_capacity_replaces_a_buffer_over_the_cap() {
        let pool: Pool<BytesMut> = Pool::builder().max_capacity(4096).build();
        let mut buf = pool.get();
        buf.put_bytes(0, 1 << 20);
        drop(buf);
        let buf = pool.get();
        assert!(
            buf.is_empty() && buf.capacity() <= 4096,
            "{}",
            buf.capacity()
        );
        assert_eq!(pool.stats().discarded, 0, "kept, not dropped");

        // Called directly, the contents survive, and a buffer within the cap is left alone.
        let mut buf = BytesMut::with_capacity(1 << 16);
        buf.put_slice(b"kept");
        buf.shrink_to_max(64);
        assert_eq!((&buf[..], buf.capacity() <= 64), (&b"kept"[..], true));
        let address = buf.as_ptr();
        buf.shrink_to_max(64);
        assert_eq!(buf.as_ptr(), address);
    }
}

#[cfg(feature = "smallvec")]
mod smallvec {
    use pool_core::{Pool, Reset, Shrink};
    use pool_tests::assert_settled;
    use smallvec::SmallVec;

    #[test]
    fn reset_clears_and_keeps_the_spilled_buffer() {
        let mut items: SmallVec<[u32; 4]> = (0..100).collect();
        assert!(items.spilled());
        let capacity = items.capacity();
        items.reset();
        assert!(items.is_empty());
        assert_eq!(items.capacity(), capacity);
    }

    #[test]
    fn pool_creates_inline_and_reuses() {
        let pool: Pool<SmallVec<[String; 2]>> = Pool::new();
        let mut items = pool.get();
        assert!(!items.spilled());
        items.extend((0..10).map(|i| i.to_string()));
        drop(items);
        let items = pool.get();
        assert!(items.is_empty() && items.capacity() >= 10);
        drop(items);
        assert_settled(pool.stats());
    }

    #[test]
    fn max_capacity_shrinks_or_moves_back_inline() {
        let pool: Pool<SmallVec<[u8; 16]>> = Pool::builder().max_capacity(64).build();
        let mut items = pool.get();
        items.extend(std::iter::repeat(1).take(1 << 16));
        drop(items);
        let items = pool.get();
        assert!(
            items.is_empty() && items.capacity() <= 64,
            "{}",
            items.capacity()
        );

        // Below the inline capacity the items go back inline.
        let mut items: SmallVec<[u8; 16]> = (0..100).collect();
        items.truncate(3);
        items.shrink_to_max(8);
        assert!(!items.spilled());
        assert_eq!(items.as_slice(), [0, 1, 2]);
        // Never below the length.
        let mut items: SmallVec<[u8; 4]> = (0..100).collect();
        items.shrink_to_max(10);
        assert_eq!((items.len(), items.capacity()), (100, 100));
    }
}

#[cfg(feature = "arrayvec")]
mod arrayvec {
    use arrayvec::{ArrayString, ArrayVec};
    use pool_core::{Pool, Reset};
    use pool_tests::assert_settled;

    #[test]
    fn reset_clears() {
        let mut items: ArrayVec<String, 4> = ArrayVec::new();
        items.push("a".to_owned());
        items.reset();
        assert!(items.is_empty());
        let mut text: ArrayString<16> = ArrayString::from("hello").unwrap();
        text.reset();
        assert!(text.is_empty());
    }

    #[test]
    fn pool_creates_and_reuses() {
        let pool: Pool<ArrayVec<u64, 32>> = Pool::new();
        let mut items = pool.get();
        items.extend(0..32);
        drop(items);
        assert!(pool.get().is_empty());

        let pool: Pool<ArrayString<64>> = Pool::new();
        let mut text = pool.get();
        text.push_str("request id 42");
        drop(text);
        let text = pool.get();
        assert!(text.is_empty());
        drop(text);
        let stats = pool.stats();
        assert_eq!((stats.created, stats.reused), (1, 1), "{stats:?}");
        assert_settled(stats);
    }
}

#[cfg(feature = "hashbrown")]
mod hashbrown {
    use std::hash::{BuildHasherDefault, DefaultHasher};

    use hashbrown::{HashMap, HashSet, HashTable};
    use pool_core::{Pool, Poolable, Reset};
    use pool_tests::assert_settled;

    #[test]
    fn reset_clears_and_keeps_capacity() {
        let mut map: HashMap<u32, String> = (0..100).map(|i| (i, i.to_string())).collect();
        let capacity = map.capacity();
        map.reset();
        assert!(map.is_empty());
        assert_eq!(map.capacity(), capacity);

        let mut set: HashSet<u32> = (0..100).collect();
        let capacity = set.capacity();
        set.reset();
        assert!(set.is_empty() && set.capacity() == capacity);

        let mut table: HashTable<u64> = HashTable::with_capacity(100);
        table.insert_unique(7, 7, |&v| v);
        let capacity = table.capacity();
        table.reset();
        assert!(table.is_empty() && table.capacity() == capacity);
        assert!(<HashTable<u64> as Poolable>::create().is_empty());
    }

    #[test]
    fn pool_creates_with_any_default_hasher_and_reuses() {
        type Map = HashMap<String, u32, BuildHasherDefault<DefaultHasher>>;
        let pool: Pool<Map> = Pool::new();
        let mut map = pool.get();
        map.insert("a".to_owned(), 1);
        drop(map);
        assert!(pool.get().is_empty());

        let pool: Pool<HashSet<u64>> = Pool::new();
        let mut set = pool.get();
        set.extend(0..1000);
        drop(set);
        let set = pool.get();
        assert!(set.is_empty() && set.capacity() >= 1000);
        drop(set);
        assert_settled(pool.stats());
    }

    #[test]
    fn max_capacity_shrinks_the_table() {
        let pool: Pool<HashMap<u64, u64>> = Pool::builder().max_capacity(16).build();
        let mut map = pool.get();
        map.extend((0..10_000).map(|i| (i, i)));
        drop(map);
        assert!(pool.get().capacity() <= 32, "rounded up to buckets only");

        let pool: Pool<HashSet<u64>> = Pool::builder().max_capacity(16).build();
        let mut set = pool.get();
        set.extend(0..10_000);
        drop(set);
        assert!(pool.get().capacity() <= 32);
    }
}

#[cfg(feature = "indexmap")]
mod indexmap {
    use std::hash::{BuildHasherDefault, DefaultHasher};

    use indexmap::{IndexMap, IndexSet};
    use pool_core::{Pool, Reset, Shrink};
    use pool_tests::assert_settled;

    #[test]
    fn reset_clears_and_keeps_capacity() {
        let mut map: IndexMap<u32, String> = (0..100).map(|i| (i, i.to_string())).collect();
        let capacity = map.capacity();
        map.reset();
        assert!(map.is_empty());
        assert_eq!(map.capacity(), capacity);

        let mut set: IndexSet<u32> = (0..100).collect();
        let capacity = set.capacity();
        set.reset();
        assert!(set.is_empty() && set.capacity() == capacity);
    }

    #[test]
    fn pool_creates_with_any_default_hasher_and_reuses() {
        type Map = IndexMap<String, u32, BuildHasherDefault<DefaultHasher>>;
        let pool: Pool<Map> = Pool::new();
        let mut map = pool.get();
        map.insert("a".to_owned(), 1);
        drop(map);
        assert!(pool.get().is_empty());

        let pool: Pool<IndexSet<u64>> = Pool::new();
        let mut set = pool.get();
        set.extend(0..1000);
        drop(set);
        let set = pool.get();
        assert!(set.is_empty() && set.capacity() >= 1000);
        drop(set);
        assert_settled(pool.stats());
    }

    #[test]
    fn max_capacity_shrinks_entries_and_table() {
        let pool: Pool<IndexMap<u64, u64>> = Pool::builder().max_capacity(16).build();
        let mut map = pool.get();
        map.extend((0..10_000).map(|i| (i, i)));
        drop(map);
        assert!(pool.get().capacity() <= 32, "rounded up to buckets only");

        // Called directly, the entries and their order survive.
        let mut set: IndexSet<u64> = (0..10_000).rev().collect();
        set.truncate(3);
        set.shrink_to_max(8);
        assert!(set.capacity() <= 16);
        assert_eq!(
            set.iter().copied().collect::<Vec<_>>(),
            [9_999, 9_998, 9_997]
        );
    }
}
