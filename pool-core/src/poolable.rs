//! The [`Poolable`] trait: a [`Reset`] type a pool can create and share between threads.

use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};

use crate::Reset;

/// A type a [`Pool`](crate::Pool) can hold: it can be created from nothing, reset, and sent
/// between threads.
///
/// `create` is Go's `sync.Pool.New`: the pool calls it when it has no idle value to hand out.
/// Derive it with `#[derive(Poolable)]`, which implements both `Poolable` and [`Reset`]
/// (`create` calls `Default::default()`, or what `#[pool(new = f)]` names; an enum creates its
/// `#[default]` variant). See [`attributes`](crate::attributes).
///
/// Implemented for the numbers, `bool`, `char`, `String`, the std collections, `[T; N]`,
/// `Box<T>` and `io::Cursor<T>` of a poolable `T`, and, with pool-core's feature of the same
/// name, for the types of `bytes`, `smallvec`, `arrayvec`, `hashbrown` and `indexmap`.
///
/// # Example
///
/// ```
/// use pool_core::{Poolable, Reset};
///
/// let mut names: Vec<String> = Poolable::create();
/// names.push("ada".to_owned());
/// names.reset();
/// assert!(names.is_empty());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Poolable`, so a pool cannot hold it",
    label = "`{Self}` is not `Poolable`",
    note = "a `Poolable` type is `Reset + Send + 'static` and can create a value; a generic type is `Poolable` for some type arguments only: `Vec<T>` needs `T: Send + 'static`, a `#[derive(Poolable)]` type what its fields and its creation need (such as `Reset`, `Send`, `Default`)",
    note = "a type of your own crate can `#[derive(Poolable)]`; types of the `bytes`, `smallvec`, `arrayvec`, `hashbrown` and `indexmap` crates implement `Poolable` with pool-core's feature of the same name"
)]
pub trait Poolable: Reset + Send + Sized + 'static {
    /// Makes a new value, for a pool that has no idle one to hand out.
    fn create() -> Self;
}

#[diagnostic::do_not_recommend]
impl Poolable for String {
    #[inline]
    fn create() -> Self {
        String::new()
    }
}

macro_rules! poolable_default {
    ($({$($generics:tt)*} $ty:ty),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl<$($generics)*> Poolable for $ty {
                #[inline]
                fn create() -> Self {
                    <$ty>::default()
                }
            }
        )*
    };
}

poolable_default!(
    {T: Send + 'static} Vec<T>,
    {T: Send + 'static} VecDeque<T>,
    {T: Ord + Send + 'static} BinaryHeap<T>,
    {K: Eq + Hash + Send + 'static, V: Send + 'static, S: BuildHasher + Default + Send + 'static} HashMap<K, V, S>,
    {T: Eq + Hash + Send + 'static, S: BuildHasher + Default + Send + 'static} HashSet<T, S>,
    {K: Ord + Send + 'static, V: Send + 'static} BTreeMap<K, V>,
    {T: Ord + Send + 'static} BTreeSet<T>,
);

#[diagnostic::do_not_recommend]
impl<T: Poolable> Poolable for Box<T> {
    #[inline]
    fn create() -> Self {
        Box::new(T::create())
    }
}
