//! [`PoolBuilder`]: a pool with a chosen `max_idle` and create function.

use std::fmt;

use crate::pool::{CreateFn, DEFAULT_MAX_IDLE};
use crate::{Pool, Poolable};

/// Builds a [`Pool`] with a chosen `max_idle` and the function that makes new values.
///
/// ```
/// use pool_core::Pool;
///
/// let pool: Pool<Vec<u8>> = Pool::builder()
///     .max_idle(64)
///     .create_with(|| Vec::with_capacity(16 * 1024)) // pre-sized buffers
///     .build();
/// assert_eq!(pool.max_idle(), 64);
/// assert!(pool.get().capacity() >= 16 * 1024);
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct PoolBuilder<T: Poolable> {
    max_idle: usize,
    create: Option<CreateFn<T>>,
}

impl<T: Poolable> PoolBuilder<T> {
    pub(crate) fn new() -> Self {
        PoolBuilder {
            max_idle: DEFAULT_MAX_IDLE,
            create: None,
        }
    }

    /// The most values the pool keeps idle (default [`DEFAULT_MAX_IDLE`](crate::DEFAULT_MAX_IDLE));
    /// `0` keeps none.
    pub fn max_idle(mut self, max_idle: usize) -> Self {
        self.max_idle = max_idle;
        self
    }

    /// Makes new values with `create` instead of [`Poolable::create`], for example to pre-size
    /// buffers. It runs outside every lock, and may itself use the pool.
    pub fn create_with<F>(mut self, create: F) -> Self
    where
        F: Fn() -> T + Send + Sync + 'static,
    {
        self.create = Some(Box::new(create));
        self
    }

    /// The pool.
    pub fn build(self) -> Pool<T> {
        Pool::from_builder(self.max_idle, self.create)
    }
}

impl<T: Poolable> Default for PoolBuilder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Poolable> fmt::Debug for PoolBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("max_idle", &self.max_idle)
            .field("custom_create", &self.create.is_some())
            .finish()
    }
}
