//! [`Recycle`]: how a pool makes and resets its values, the pool's second type parameter.
//!
//! A pool of a [`Poolable`] type leaves it at its default, [`TraitRecycle`]: `T::create` and
//! `T::reset`, called directly and inlined, so the common pool pays nothing for the choice. A pool
//! of any other type, built with [`PoolBuilder::reset_with`](crate::PoolBuilder::reset_with) and
//! [`create_with`](crate::PoolBuilder::create_with), uses [`FnRecycle`]: the two closures.

use std::fmt;

use crate::Poolable;

/// How a [`Pool`](crate::Pool) makes a value and resets one that comes back.
///
/// Implemented by [`TraitRecycle`], for `Poolable` types, and [`FnRecycle`], for any other type;
/// a pool's type names it only in the second case (`Pool<File, FnRecycle<File>>`, or
/// [`FnPool<File>`](crate::FnPool)).
///
/// ```
/// use pool_core::{Pool, Recycle, TraitRecycle};
///
/// // `Pool<T>` is `Pool<T, TraitRecycle>`: `Poolable::create` and `Reset::reset`.
/// let pool: Pool<Vec<u8>, TraitRecycle> = Pool::new();
/// let mut buf = <TraitRecycle as Recycle<Vec<u8>>>::create_value(&TraitRecycle);
/// buf.push(1);
/// TraitRecycle.reset_value(&mut buf);
/// assert!(buf.is_empty());
/// pool.put(buf);
/// assert_eq!(pool.idle(), 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{T}` does not implement `Poolable`, so a pool cannot hold it",
    label = "`{T}` is not `Poolable`",
    note = "a `Poolable` type is `Reset + Send + 'static` and can create a value; a generic type is `Poolable` for some type arguments only: `Vec<T>` needs `T: Send + 'static`, a `#[derive(Poolable)]` type what its fields and its creation need (such as `Reset`, `Send`, `Default`)",
    note = "a type of your own crate can `#[derive(Poolable)]`; types of the `bytes`, `smallvec`, `arrayvec`, `hashbrown` and `indexmap` crates implement `Poolable` with pool-core's feature of the same name",
    note = "if `{T}` is `Send + 'static`, it can be pooled as it is, in a `FnPool<{T}>` from `PoolBuilder::new().create_with(..).reset_with(..)`"
)]
pub trait Recycle<T>: Send + Sync + 'static {
    /// Makes a value, for a get that found none idle.
    fn create_value(&self) -> T;

    /// Puts `value` back in its pristine state, as [`Reset::reset`](crate::Reset::reset) does.
    fn reset_value(&self, value: &mut T);

    /// The heap bytes `value` holds, for [`PoolStats::idle_bytes`](crate::PoolStats): by default
    /// 0, and [`Reset::heap_bytes`](crate::Reset::heap_bytes) for a [`TraitRecycle`] pool.
    fn heap_bytes(value: &T) -> usize {
        let _ = value;
        0
    }
}

/// The [`Recycle`] of a pool of a [`Poolable`] type: [`Poolable::create`] and
/// [`Reset::reset`](crate::Reset::reset). The default, so `Pool<T>` means `Pool<T, TraitRecycle>`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TraitRecycle;

#[diagnostic::do_not_recommend]
impl<T: Poolable> Recycle<T> for TraitRecycle {
    #[inline]
    fn create_value(&self) -> T {
        T::create()
    }

    #[inline]
    fn reset_value(&self, value: &mut T) {
        value.reset();
    }

    fn heap_bytes(value: &T) -> usize {
        value.heap_bytes()
    }
}

/// The [`Recycle`] of a pool of a type that is not [`Poolable`] (a type from another crate,
/// say): the closures given to [`PoolBuilder::create_with`](crate::PoolBuilder::create_with) and
/// [`PoolBuilder::reset_with`](crate::PoolBuilder::reset_with).
pub struct FnRecycle<T> {
    create: Box<dyn Fn() -> T + Send + Sync>,
    reset: Box<dyn Fn(&mut T) + Send + Sync>,
}

impl<T> FnRecycle<T> {
    pub(crate) fn new(
        create: Box<dyn Fn() -> T + Send + Sync>,
        reset: Box<dyn Fn(&mut T) + Send + Sync>,
    ) -> Self {
        FnRecycle { create, reset }
    }
}

#[diagnostic::do_not_recommend]
impl<T: Send + 'static> Recycle<T> for FnRecycle<T> {
    fn create_value(&self) -> T {
        (self.create)()
    }

    fn reset_value(&self, value: &mut T) {
        (self.reset)(value);
    }
}

impl<T> fmt::Debug for FnRecycle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnRecycle").finish_non_exhaustive()
    }
}
