//! The [`Shrink`] trait behind `#[pool(max_capacity = N)]`.

use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};

/// A collection that can give memory back: the trait behind `#[pool(max_capacity = N)]`.
///
/// After a field is reset, the derive calls `shrink_to_max(N)`, so one huge request cannot pin a
/// huge buffer in the pool for ever (golang/go#23199 is that bug in Go's `sync.Pool`).
///
/// # Example
///
/// ```
/// use pool_core::{Reset, Shrink};
///
/// let mut buf: Vec<u8> = vec![0; 1 << 20];
/// buf.reset();
/// buf.shrink_to_max(4096);
/// assert!(buf.capacity() <= 4096);
/// ```
#[diagnostic::on_unimplemented(
    message = "`max_capacity` needs a collection that can shrink, and `{Self}` cannot",
    label = "`{Self}` cannot shrink",
    note = "`max_capacity` works on `Vec`, `VecDeque`, `String`, `HashMap`, `HashSet`, `BinaryHeap` and `io::Cursor` of those, on `BytesMut`, `SmallVec` and the `hashbrown` and `indexmap` maps and sets with pool-core's feature of the same name, and on any type that implements `pool_core::Shrink`; remove it, or reset the value yourself: `#[pool(reset_with = f)]` on a field, `PoolBuilder::keep_if` on a pool"
)]
pub trait Shrink {
    /// Shrinks the capacity to at most `max_capacity` if it is larger; a hash table may keep a
    /// little more, rounded up to its bucket count.
    fn shrink_to_max(&mut self, max_capacity: usize);
}

macro_rules! shrink_impl {
    ($({$($generics:tt)*} $ty:ty),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl<$($generics)*> Shrink for $ty {
                #[inline]
                fn shrink_to_max(&mut self, max_capacity: usize) {
                    if self.capacity() > max_capacity {
                        self.shrink_to(max_capacity);
                    }
                }
            }
        )*
    };
}

shrink_impl!(
    {} String,
    {T} Vec<T>,
    {T} VecDeque<T>,
    {T: Ord} BinaryHeap<T>,
    {K: Eq + Hash, V, S: BuildHasher} HashMap<K, V, S>,
    {T: Eq + Hash, S: BuildHasher} HashSet<T, S>,
);
