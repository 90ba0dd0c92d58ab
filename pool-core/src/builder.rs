//! [`PoolBuilder`]: a pool with a chosen `max_idle` and create function.

use std::fmt;

use crate::pool::{CreateFn, KeepFn, DEFAULT_MAX_IDLE};
use crate::{Pool, Poolable, Shrink};

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
    keep: Option<KeepFn<T>>,
}

impl<T: Poolable> PoolBuilder<T> {
    pub(crate) fn new() -> Self {
        PoolBuilder {
            max_idle: DEFAULT_MAX_IDLE,
            create: None,
            keep: None,
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

    /// Shrinks each value that comes back to at most `max_capacity` (after its reset), so one
    /// huge request cannot pin a huge buffer in the pool for ever (golang/go#23199): what
    /// `#[pool(max_capacity = N)]` does for a field of a derived type, for the pool's own values.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_capacity(4096).build();
    /// let mut buf = pool.get();
    /// buf.resize(64 << 20, 0); // one 64 MiB request
    /// drop(buf);
    /// assert!(pool.get().capacity() <= 4096);
    /// ```
    pub fn max_capacity(self, max_capacity: usize) -> Self
    where
        T: Shrink,
    {
        self.then_keep(move |value: &mut T| {
            value.shrink_to_max(max_capacity);
            true
        })
    }

    /// Asks `keep` about each value that comes back, after its reset (and `max_capacity`):
    /// `false` drops it, counted as discarded. For values that should not be reused: a buffer
    /// that grew past what the pool should hold, a connection that broke. It runs outside every
    /// lock, on the thread returning the value.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool = Pool::<Vec<u8>>::builder()
    ///     .keep_if(|buf| buf.capacity() <= 1 << 20) // keep buffers of 1 MiB at most
    ///     .build();
    /// let mut big = pool.get();
    /// big.reserve(4 << 20);
    /// drop(big);
    /// assert_eq!((pool.idle(), pool.stats().discarded), (0, 1));
    /// ```
    pub fn keep_if<F>(self, keep: F) -> Self
    where
        F: Fn(&T) -> bool + Send + Sync + 'static,
    {
        self.then_keep(move |value: &mut T| keep(value))
    }

    /// Adds `next` after what the pool already asks of a value coming back.
    fn then_keep(mut self, next: impl Fn(&mut T) -> bool + Send + Sync + 'static) -> Self {
        self.keep = Some(match self.keep.take() {
            None => Box::new(next),
            Some(first) => Box::new(move |value: &mut T| first.keep(value) && next(value)),
        });
        self
    }

    /// The pool.
    pub fn build(self) -> Pool<T> {
        Pool::from_builder(self.max_idle, self.create, self.keep)
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
            .field("keep_if", &self.keep.is_some())
            .finish()
    }
}
