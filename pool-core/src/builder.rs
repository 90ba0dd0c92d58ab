//! [`PoolBuilder`]: a pool with a chosen `max_idle`, create function, checks on values coming
//! back, and, for a type that is not `Poolable`, reset function.

use std::borrow::Cow;
use std::fmt;

use crate::pool::{CreateFn, KeepFn, DEFAULT_MAX_IDLE};
use crate::recycle::{FnRecycle, TraitRecycle};
use crate::{FnPool, Pool, Poolable, Shrink};

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
///
/// Its type records what it was given, so that a pool that could not make its values does not
/// compile: `M` is how values coming back are reset ([`TraitRecycle`], until
/// [`reset_with`](PoolBuilder::reset_with) makes it [`ResetWith<T>`]) and `C` the function that
/// makes new ones (`()`, until [`create_with`](PoolBuilder::create_with) makes it
/// `Box<dyn Fn() -> T + Send + Sync>`). [`Pool::builder`] and [`PoolBuilder::new`] return a
/// `PoolBuilder<T>`, and each method returns the builder with its new type, so a chain of calls
/// never names it.
#[must_use = "a builder does nothing until `build` is called"]
pub struct PoolBuilder<T: Send + 'static, M = TraitRecycle, C = ()> {
    max_idle: usize,
    /// [`name`](PoolBuilder::name), for [`pools`](crate::pools) and [`report`](crate::report).
    name: Option<Cow<'static, str>>,
    /// [`max_idle_bytes`](PoolBuilder::max_idle_bytes).
    max_idle_bytes: Option<usize>,
    /// `()`, or the function given to [`create_with`](PoolBuilder::create_with).
    create: C,
    /// The last [`max_capacity`](PoolBuilder::max_capacity), as a shrink that keeps the value.
    shrink: Option<KeepFn<T>>,
    /// Every [`keep_if`](PoolBuilder::keep_if), all of which must agree.
    keep: Option<KeepFn<T>>,
    /// [`TraitRecycle`], or the reset function of [`reset_with`](PoolBuilder::reset_with).
    mode: M,
}

/// The state of a [`PoolBuilder`] after [`reset_with`](PoolBuilder::reset_with): it builds a
/// pool that resets values with that function and makes them with the one given to
/// [`create_with`](PoolBuilder::create_with), in either order; without `create_with`, `build`
/// does not compile.
pub struct ResetWith<T> {
    reset: Box<dyn Fn(&mut T) + Send + Sync>,
}

/// A builder's `C` (see [`PoolBuilder`]): `()`, or the function given to
/// [`create_with`](PoolBuilder::create_with). Sealed: its module is private, so no other type
/// implements it.
pub trait CreateState<T> {
    /// The function given to `create_with`, if it was called.
    fn into_create(self) -> Option<CreateFn<T>>;

    /// Whether `create_with` was called.
    fn is_given(&self) -> bool;
}

impl<T> CreateState<T> for () {
    fn into_create(self) -> Option<CreateFn<T>> {
        None
    }

    fn is_given(&self) -> bool {
        false
    }
}

impl<T> CreateState<T> for CreateFn<T> {
    fn into_create(self) -> Option<CreateFn<T>> {
        Some(self)
    }

    fn is_given(&self) -> bool {
        true
    }
}

/// A builder's `C` once [`create_with`](PoolBuilder::create_with) was called, which a
/// [`reset_with`](PoolBuilder::reset_with) builder needs in order to build: its type need not be
/// `Poolable`, so it has no `create` to fall back on. Sealed, like [`CreateState`].
#[diagnostic::on_unimplemented(
    message = "`PoolBuilder::reset_with` needs `create_with` too: the pool cannot make a `{T}` without it",
    label = "call `.create_with(|| ...)` before `.build()`, with a function that makes a `{T}`",
    note = "a pool built with `reset_with` makes its values with the function given to `create_with`, called before or after `reset_with`"
)]
pub trait CreateGiven<T> {
    /// The function given to `create_with`.
    fn into_given(self) -> CreateFn<T>;
}

// Its only impl: kept out of the error's "the trait is implemented for" help, which would name
// the boxed closure type instead of the call to add.
#[diagnostic::do_not_recommend]
impl<T> CreateGiven<T> for CreateFn<T> {
    fn into_given(self) -> CreateFn<T> {
        self
    }
}

impl<T: Send + 'static> PoolBuilder<T> {
    /// A builder with the defaults: [`DEFAULT_MAX_IDLE`](crate::DEFAULT_MAX_IDLE), and values
    /// made and reset by their [`Poolable`] impl. [`Pool::builder`] is the same for a `Poolable`
    /// type; a type that is not starts here and gives [`reset_with`](PoolBuilder::reset_with).
    pub fn new() -> Self {
        PoolBuilder {
            max_idle: DEFAULT_MAX_IDLE,
            name: None,
            max_idle_bytes: None,
            create: (),
            shrink: None,
            keep: None,
            mode: TraitRecycle,
        }
    }
}

impl<T: Send + 'static, C> PoolBuilder<T, TraitRecycle, C> {
    /// Resets each value that comes back with `reset` instead of [`Reset::reset`](crate::Reset),
    /// so a type that is not [`Poolable`] (a `File`, a type from a crate this one has no feature
    /// for; it must still be `Send + 'static`) can be pooled as it is, with no newtype: give
    /// [`create_with`] too, before or after, which makes the values (`build` does not compile
    /// without it). It runs outside every lock, like a reset; the pool is a
    /// [`FnPool<T>`](crate::FnPool).
    ///
    /// [`create_with`]: PoolBuilder::create_with
    ///
    /// ```
    /// use pool_core::{FnPool, PoolBuilder};
    ///
    /// // Not `Reset`, not `Poolable`: say it comes from another crate.
    /// struct Parser { buf: String, depth: usize }
    ///
    /// let parsers: FnPool<Parser> = PoolBuilder::new()
    ///     .create_with(|| Parser { buf: String::with_capacity(256), depth: 0 })
    ///     .reset_with(|p: &mut Parser| {
    ///         p.buf.clear();
    ///         p.depth = 0;
    ///     })
    ///     .build();
    /// let mut p = parsers.get();
    /// p.buf.push_str("{[");
    /// p.depth = 2;
    /// drop(p);
    /// let p = parsers.get();
    /// assert!(p.buf.is_empty() && p.buf.capacity() >= 256 && p.depth == 0);
    /// ```
    ///
    /// Without `create_with`, the pool could not make a value, so it does not build:
    ///
    /// ```compile_fail,E0277
    /// use pool_core::{FnPool, PoolBuilder};
    ///
    /// struct Parser { depth: usize }
    ///
    /// let parsers: FnPool<Parser> = PoolBuilder::new()
    ///     .reset_with(|p: &mut Parser| p.depth = 0)
    ///     .build(); // `PoolBuilder::reset_with` needs `create_with` too
    /// ```
    pub fn reset_with<F>(self, reset: F) -> PoolBuilder<T, ResetWith<T>, C>
    where
        F: Fn(&mut T) + Send + Sync + 'static,
    {
        PoolBuilder {
            max_idle: self.max_idle,
            name: self.name,
            max_idle_bytes: self.max_idle_bytes,
            create: self.create,
            shrink: self.shrink,
            keep: self.keep,
            mode: ResetWith {
                reset: Box::new(reset),
            },
        }
    }
}

impl<T: Send + 'static, M, C> PoolBuilder<T, M, C> {
    /// The most values the pool keeps idle (default [`DEFAULT_MAX_IDLE`](crate::DEFAULT_MAX_IDLE));
    /// `0` keeps none.
    pub fn max_idle(mut self, max_idle: usize) -> Self {
        self.max_idle = max_idle;
        self
    }

    /// The pool's name in [`pools`](crate::pools) and [`report`](crate::report); by default,
    /// the type of its values.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().name("upload chunks").build();
    /// assert!(pool_core::pools().iter().any(|info| info.name == "upload chunks"));
    /// ```
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A second hard bound, on the heap bytes the idle values hold (as their
    /// [`Reset::heap_bytes`](crate::Reset::heap_bytes) estimates them): a value coming back
    /// that would take the idle bytes over `max_idle_bytes` is dropped, counted as discarded.
    ///
    /// The bound holds at every instant, across threads, at a price: the pool keeps no
    /// thread-local caches, so every get and return takes the pool's lock (tens of nanoseconds,
    /// more under contention, against a few for a pool without it). Use it for pools of large,
    /// varied values where memory matters more than nanoseconds; for byte buffers,
    /// [`BufPool`](crate::BufPool)'s size classes bound the bytes and keep the fast path. A pool
    /// built with [`reset_with`](PoolBuilder::reset_with) counts every value as 0 bytes.
    ///
    /// ```
    /// use pool_core::Pool;
    ///
    /// let pool: Pool<Vec<u8>> = Pool::builder().max_idle_bytes(64 * 1024).build();
    /// pool.put(Vec::with_capacity(48 * 1024));
    /// pool.put(Vec::with_capacity(32 * 1024)); // 80 KiB in all: over the bound, dropped
    /// let stats = pool.stats();
    /// assert_eq!((stats.idle, stats.idle_bytes, stats.discarded), (1, 48 * 1024, 1));
    /// ```
    pub fn max_idle_bytes(mut self, max_idle_bytes: usize) -> Self {
        self.max_idle_bytes = Some(max_idle_bytes);
        self
    }

    /// Makes new values with `create` instead of [`Poolable::create`], for example to pre-size
    /// buffers. It runs outside every lock, and may itself use the pool. Called again, the last
    /// call's function is the one that holds.
    pub fn create_with<F>(self, create: F) -> PoolBuilder<T, M, CreateFn<T>>
    where
        F: Fn() -> T + Send + Sync + 'static,
    {
        PoolBuilder {
            max_idle: self.max_idle,
            name: self.name,
            max_idle_bytes: self.max_idle_bytes,
            create: Box::new(create),
            shrink: self.shrink,
            keep: self.keep,
            mode: self.mode,
        }
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
    ///
    /// Called again, the last call's cap is the one that holds. It runs after the reset and
    /// before any [`keep_if`](PoolBuilder::keep_if), whatever order they were called in.
    pub fn max_capacity(mut self, max_capacity: usize) -> Self
    where
        T: Shrink,
    {
        self.shrink = Some(Box::new(move |value: &mut T| {
            value.shrink_to_max(max_capacity);
            true
        }));
        self
    }

    /// Asks `keep` about each value that comes back, after its reset and after `max_capacity`
    /// (whatever order they were called in): `false` drops it, counted as discarded. Called
    /// again, both must say `true`. For values that should not be reused: a buffer
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
    pub fn keep_if<F>(mut self, keep: F) -> Self
    where
        F: Fn(&T) -> bool + Send + Sync + 'static,
    {
        self.keep = Some(match self.keep.take() {
            None => Box::new(move |value: &mut T| keep(value)),
            Some(first) => Box::new(move |value: &mut T| first.keep(value) && keep(value)),
        });
        self
    }

    /// What the pool asks of a value coming back, after its reset: the shrink, then the checks.
    fn on_return(shrink: Option<KeepFn<T>>, keep: Option<KeepFn<T>>) -> Option<KeepFn<T>> {
        match (shrink, keep) {
            (None, None) => None,
            (Some(one), None) | (None, Some(one)) => Some(one),
            (Some(shrink), Some(keep)) => Some(Box::new(move |value: &mut T| {
                shrink.keep(value) && keep.keep(value)
            })),
        }
    }
}

impl<T: Poolable, C: CreateState<T>> PoolBuilder<T, TraitRecycle, C> {
    /// The pool.
    pub fn build(self) -> Pool<T> {
        let on_return = Self::on_return(self.shrink, self.keep);
        let create = self.create.into_create();
        Pool::from_builder(
            self.max_idle,
            self.name,
            self.max_idle_bytes,
            create,
            on_return,
            TraitRecycle,
        )
    }
}

impl<T: Send + 'static, C> PoolBuilder<T, ResetWith<T>, C> {
    /// The pool: it makes values with the function given to
    /// [`create_with`](PoolBuilder::create_with) and resets them with the one given to
    /// [`reset_with`](PoolBuilder::reset_with). It compiles only once both were given, in
    /// either order: a type that is not `Poolable` has no `create` to fall back on.
    pub fn build(self) -> FnPool<T>
    where
        C: CreateGiven<T>,
    {
        let recycle = FnRecycle::new(self.create.into_given(), self.mode.reset);
        let on_return = Self::on_return(self.shrink, self.keep);
        Pool::from_builder(
            self.max_idle,
            self.name,
            self.max_idle_bytes,
            None,
            on_return,
            recycle,
        )
    }
}

impl<T: Send + 'static> Default for PoolBuilder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for ResetWith<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetWith").finish_non_exhaustive()
    }
}

impl<T: Send + 'static, M: fmt::Debug, C: CreateState<T>> fmt::Debug for PoolBuilder<T, M, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("max_idle", &self.max_idle)
            .field("custom_create", &self.create.is_given())
            .field("max_capacity", &self.shrink.is_some())
            .field("keep_if", &self.keep.is_some())
            .field("mode", &self.mode)
            .finish()
    }
}
