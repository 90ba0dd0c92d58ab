//! `indexmap`'s `IndexMap` and `IndexSet`, hash tables that keep insertion order.

use std::hash::{BuildHasher, Hash};
use std::mem::size_of;

use ::indexmap::{IndexMap, IndexSet};

use crate::reset::hash_table_bytes;
use crate::{Poolable, Reset, Shrink};

#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
#[diagnostic::do_not_recommend]
impl<K, V, S> Reset for IndexMap<K, V, S> {
    /// Clears the map, keeping its capacity and its hasher.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// The entries, each stored with its hash, and the index table, a hash table of positions:
    /// `capacity() * (size_of::<(usize, K, V)>() + size_of::<usize>() + 1)`.
    #[inline]
    fn heap_bytes(&self) -> usize {
        index_bytes(self.capacity(), size_of::<(usize, K, V)>())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
#[diagnostic::do_not_recommend]
impl<K, V, S> Poolable for IndexMap<K, V, S>
where
    K: Eq + Hash + Send + 'static,
    V: Send + 'static,
    S: BuildHasher + Default + Send + 'static,
{
    /// An empty map with `S::default()` as its hasher.
    #[inline]
    fn create() -> Self {
        IndexMap::default()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
#[diagnostic::do_not_recommend]
impl<K, V, S> Shrink for IndexMap<K, V, S> {
    /// Shrinks the entries and the index table to fit `max_capacity` items (the table rounded up
    /// to its bucket count).
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        // Unconditional: `capacity()` is the smaller of the two buffers' and would hide a large
        // one; `shrink_to` never grows either, and costs next to nothing on a cleared value.
        self.shrink_to(max_capacity);
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
#[diagnostic::do_not_recommend]
impl<T, S> Reset for IndexSet<T, S> {
    /// Clears the set, keeping its capacity and its hasher.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// The entries, each stored with its hash, and the index table, a hash table of positions:
    /// `capacity() * (size_of::<(usize, T)>() + size_of::<usize>() + 1)`.
    #[inline]
    fn heap_bytes(&self) -> usize {
        index_bytes(self.capacity(), size_of::<(usize, T)>())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
#[diagnostic::do_not_recommend]
impl<T, S> Poolable for IndexSet<T, S>
where
    T: Eq + Hash + Send + 'static,
    S: BuildHasher + Default + Send + 'static,
{
    /// An empty set with `S::default()` as its hasher.
    #[inline]
    fn create() -> Self {
        IndexSet::default()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "indexmap")))]
#[diagnostic::do_not_recommend]
impl<T, S> Shrink for IndexSet<T, S> {
    /// Shrinks the entries and the index table to fit `max_capacity` items (the table rounded up
    /// to its bucket count).
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        // Unconditional: `capacity()` is the smaller of the two buffers' and would hide a large
        // one; `shrink_to` never grows either, and costs next to nothing on a cleared value.
        self.shrink_to(max_capacity);
    }
}

/// The estimate for an index map or set with room for `capacity` entries of `entry` bytes each
/// (a key, or a key and its value, stored with its hash): the entries vector, and the index
/// table, a hash table of positions.
fn index_bytes(capacity: usize, entry: usize) -> usize {
    capacity * entry + hash_table_bytes::<usize>(capacity)
}
