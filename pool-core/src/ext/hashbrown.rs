//! `hashbrown`'s `HashMap`, `HashSet` and `HashTable`, for the default (global) allocator.
//!
//! `HashTable` has no `Shrink`: shrinking it rehashes, which needs a hasher it does not own.

use std::hash::{BuildHasher, Hash};

use ::hashbrown::{HashMap, HashSet, HashTable};

use crate::reset::hash_table_bytes;
use crate::{Poolable, Reset, Shrink};

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<K, V, S> Reset for HashMap<K, V, S> {
    /// Clears the map, keeping its capacity and its hasher.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// A slot and its control byte for each entry there is room for, as for std's `HashMap`.
    #[inline]
    fn heap_bytes(&self) -> usize {
        hash_table_bytes::<(K, V)>(self.capacity())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<K, V, S> Poolable for HashMap<K, V, S>
where
    K: Eq + Hash + Send + 'static,
    V: Send + 'static,
    S: BuildHasher + Default + Send + 'static,
{
    /// An empty map with `S::default()` as its hasher.
    #[inline]
    fn create() -> Self {
        HashMap::default()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<K: Eq + Hash, V, S: BuildHasher> Shrink for HashMap<K, V, S> {
    /// Shrinks the table to fit `max_capacity` items (rounded up to its bucket count).
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        if self.capacity() > max_capacity {
            self.shrink_to(max_capacity);
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<T, S> Reset for HashSet<T, S> {
    /// Clears the set, keeping its capacity and its hasher.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// A slot and its control byte for each entry there is room for, as for std's `HashMap`.
    #[inline]
    fn heap_bytes(&self) -> usize {
        hash_table_bytes::<T>(self.capacity())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<T, S> Poolable for HashSet<T, S>
where
    T: Eq + Hash + Send + 'static,
    S: BuildHasher + Default + Send + 'static,
{
    /// An empty set with `S::default()` as its hasher.
    #[inline]
    fn create() -> Self {
        HashSet::default()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<T: Eq + Hash, S: BuildHasher> Shrink for HashSet<T, S> {
    /// Shrinks the table to fit `max_capacity` items (rounded up to its bucket count).
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        if self.capacity() > max_capacity {
            self.shrink_to(max_capacity);
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<T> Reset for HashTable<T> {
    /// Clears the table, keeping its capacity.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// A slot and its control byte for each entry there is room for, as for std's `HashMap`.
    #[inline]
    fn heap_bytes(&self) -> usize {
        hash_table_bytes::<T>(self.capacity())
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "hashbrown")))]
#[diagnostic::do_not_recommend]
impl<T: Send + 'static> Poolable for HashTable<T> {
    /// An empty table.
    #[inline]
    fn create() -> Self {
        HashTable::new()
    }
}
