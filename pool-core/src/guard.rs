//! The guards [`Pooled`] and [`OwnedPooled`]: a value out of a pool, given back on drop.

use std::borrow::{Borrow, BorrowMut};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr;

use crate::recycle::{Recycle, TraitRecycle};
use crate::sync::StdArc;
use crate::Pool;

/// A value taken from a [`Pool`] by [`Pool::get`]. Dropping it resets the value and gives it
/// back to the pool.
///
/// It derefs to `T`, and acts like it: where `T` does, a guard implements `Display`,
/// `PartialEq` (with another guard, or with a `T`), `Eq`, `PartialOrd`, `Ord`, `Hash`,
/// `io::Read`, `io::BufRead`, `io::Write`, `fmt::Write`, `AsRef`/`AsMut` and
/// `Borrow`/`BorrowMut`.
///
/// ```
/// use std::io::Write;
/// use pool_core::Pool;
///
/// let names: Pool<String> = Pool::new();
/// let mut name = names.get();
/// name.push_str("ada");
/// assert_eq!(format!("hello, {name}"), "hello, ada");
/// assert!(name == "ada".to_owned());
///
/// let buffers: Pool<Vec<u8>> = Pool::new();
/// let mut buf = buffers.get();
/// write!(buf, "{}-{}", 1, 2)?;
/// assert!(buf == b"1-2".to_vec());
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// [`Pooled::detach`] keeps the value instead, and [`Pooled::discard`] drops it. The guard
/// borrows its pool; to move a value to another thread or an async task with no borrow, use
/// [`Pool::get_owned`].
///
/// ```
/// use pool_core::{Pool, Pooled};
///
/// let pool: Pool<Vec<u8>> = Pool::new();
/// let mut buf = pool.get();
/// buf.extend_from_slice(b"abc");
/// let kept: Vec<u8> = Pooled::detach(buf); // the caller owns it now
/// assert_eq!(kept, b"abc");
/// assert_eq!(pool.stats().detached, 1);
/// ```
#[must_use = "dropping the guard at once gives the value straight back to the pool"]
pub struct Pooled<'a, T: Send + 'static, R: Recycle<T> = TraitRecycle> {
    pool: &'a Pool<T, R>,
    /// Taken out exactly once: by `Drop`, or by `into_parts`, which skips `Drop`.
    value: ManuallyDrop<Box<T>>,
}

/// A value taken from a pool in an [`Arc`](std::sync::Arc) by [`Pool::get_owned`]. Like [`Pooled`], but it
/// holds a clone of the `Arc` instead of a borrow, so it is `'static` and can move to another
/// thread or into an async task.
///
/// ```
/// use std::sync::Arc;
/// use pool_core::{OwnedPooled, Pool};
///
/// let pool = Arc::new(Pool::<String>::new());
/// let mut name = pool.get_owned();
/// let worker = std::thread::spawn(move || {
///     name.push_str("from a worker");
///     name.len()
/// });
/// assert_eq!(worker.join().unwrap(), 13);
/// assert_eq!(pool.stats().returned, 1);
/// ```
#[must_use = "dropping the guard at once gives the value straight back to the pool"]
pub struct OwnedPooled<T: Send + 'static, R: Recycle<T> = TraitRecycle> {
    pool: StdArc<Pool<T, R>>,
    /// Taken out exactly once: by `Drop`, or by `into_parts`, which skips `Drop`.
    value: ManuallyDrop<Box<T>>,
}

impl<'a, T: Send + 'static, R: Recycle<T>> Pooled<'a, T, R> {
    pub(crate) fn new(pool: &'a Pool<T, R>, value: Box<T>) -> Self {
        Pooled {
            pool,
            value: ManuallyDrop::new(value),
        }
    }

    /// The pool this value came from.
    pub fn pool(this: &Self) -> &'a Pool<T, R> {
        this.pool
    }
}

impl<T: Send + 'static, R: Recycle<T>> OwnedPooled<T, R> {
    pub(crate) fn new(pool: StdArc<Pool<T, R>>, value: Box<T>) -> Self {
        OwnedPooled {
            pool,
            value: ManuallyDrop::new(value),
        }
    }

    /// The pool this value came from.
    pub fn pool(this: &Self) -> &StdArc<Pool<T, R>> {
        &this.pool
    }
}

/// `Deref`, `DerefMut`, `AsRef`, `AsMut`, `Debug` and the returning `Drop`, for both guards.
macro_rules! guard_impls {
    (
        $guard:ident $(<$lt:lifetime>)?,
        detach: $(#[$detach_doc:meta])*
        discard: $(#[$discard_doc:meta])*
    ) => {
        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> Deref for $guard<$($lt,)? T, R> {
            type Target = T;

            #[inline]
            fn deref(&self) -> &T {
                &self.value
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> DerefMut for $guard<$($lt,)? T, R> {
            #[inline]
            fn deref_mut(&mut self) -> &mut T {
                &mut self.value
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> $guard<$($lt,)? T, R> {
            $(#[$detach_doc])*
            pub fn detach(this: Self) -> T {
                let (pool, value) = Self::into_parts(this);
                pool.forget_detached();
                *value
            }

            $(#[$discard_doc])*
            pub fn discard(this: Self) {
                let (pool, value) = Self::into_parts(this);
                // Counted first: the value's `Drop` is user code, and may panic.
                pool.forget_discarded();
                drop(value);
            }

            /// Ends the guard without its `Drop`: its pool handle and its value.
            fn into_parts(this: Self) -> (<Self as GuardPool>::Handle, Box<T>) {
                let this = ManuallyDrop::new(this);
                // SAFETY: `this` is never used or dropped again, so each field is read, and
                // its ownership moved out, exactly once.
                unsafe { (ptr::read(&this.pool), ManuallyDrop::into_inner(ptr::read(&this.value))) }
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> AsRef<T> for $guard<$($lt,)? T, R> {
            fn as_ref(&self) -> &T {
                self
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> AsMut<T> for $guard<$($lt,)? T, R> {
            fn as_mut(&mut self) -> &mut T {
                self
            }
        }

        impl<$($lt,)? T: Send + 'static + fmt::Debug, R: Recycle<T>> fmt::Debug for $guard<$($lt,)? T, R> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> Drop for $guard<$($lt,)? T, R> {
            /// Resets the value and gives it back to the pool, which keeps it if it has room.
            #[inline]
            fn drop(&mut self) {
                // SAFETY: `drop` runs at most once and `value` is not used after it; a guard
                // whose value `into_parts` took never gets here.
                let value = unsafe { ManuallyDrop::take(&mut self.value) };
                self.pool.recycle(value);
            }
        }
    };
}

/// What the guards' shared code needs of each: the type of its handle on its pool.
trait GuardPool {
    type Handle;
}

impl<'a, T: Send + 'static, R: Recycle<T>> GuardPool for Pooled<'a, T, R> {
    type Handle = &'a Pool<T, R>;
}

impl<T: Send + 'static, R: Recycle<T>> GuardPool for OwnedPooled<T, R> {
    type Handle = StdArc<Pool<T, R>>;
}

guard_impls!(
    Pooled<'a>,
    detach:
    /// Takes the value out of the pool for good: the caller owns it, and the pool counts it
    /// as detached.
    discard:
    /// Drops the value instead of giving it back, for a value that should not be reused (it
    /// grew too large, or holds something the reset cannot undo).
    ///
    /// ```
    /// use pool_core::{Pool, Pooled};
    ///
    /// let pool: Pool<Vec<u8>> = Pool::new();
    /// let mut buf = pool.get();
    /// buf.resize(1 << 20, 0);
    /// Pooled::discard(buf); // too big to keep around
    /// assert_eq!((pool.idle(), pool.stats().discarded), (0, 1));
    /// ```
);
guard_impls!(
    OwnedPooled,
    detach:
    /// Takes the value out of the pool for good, like [`Pooled::detach`].
    discard:
    /// Drops the value instead of giving it back, like [`Pooled::discard`].
);

/// The traits of the value itself, forwarded so that a guard acts like its value: printing it,
/// comparing it (with another guard or with a plain value), hashing it, and reading or writing
/// through it.
macro_rules! value_impls {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? T: Send + 'static + fmt::Display, R: Recycle<T>> fmt::Display for $guard<$($lt,)? T, R> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }

        impl<$($lt,)? T: Send + 'static + PartialEq, R: Recycle<T>> PartialEq for $guard<$($lt,)? T, R> {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl<$($lt,)? T: Send + 'static + PartialEq, R: Recycle<T>> PartialEq<T> for $guard<$($lt,)? T, R> {
            fn eq(&self, other: &T) -> bool {
                **self == *other
            }
        }

        impl<$($lt,)? T: Send + 'static + Eq, R: Recycle<T>> Eq for $guard<$($lt,)? T, R> {}

        impl<$($lt,)? T: Send + 'static + PartialOrd, R: Recycle<T>> PartialOrd for $guard<$($lt,)? T, R> {
            fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
                (**self).partial_cmp(&**other)
            }
        }

        impl<$($lt,)? T: Send + 'static + PartialOrd, R: Recycle<T>> PartialOrd<T> for $guard<$($lt,)? T, R> {
            fn partial_cmp(&self, other: &T) -> Option<Ordering> {
                (**self).partial_cmp(other)
            }
        }

        impl<$($lt,)? T: Send + 'static + Ord, R: Recycle<T>> Ord for $guard<$($lt,)? T, R> {
            fn cmp(&self, other: &Self) -> Ordering {
                (**self).cmp(&**other)
            }
        }

        impl<$($lt,)? T: Send + 'static + Hash, R: Recycle<T>> Hash for $guard<$($lt,)? T, R> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                (**self).hash(state);
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> Borrow<T> for $guard<$($lt,)? T, R> {
            fn borrow(&self) -> &T {
                self
            }
        }

        impl<$($lt,)? T: Send + 'static, R: Recycle<T>> BorrowMut<T> for $guard<$($lt,)? T, R> {
            fn borrow_mut(&mut self) -> &mut T {
                self
            }
        }

        impl<$($lt,)? T: Send + 'static + io::Read, R: Recycle<T>> io::Read for $guard<$($lt,)? T, R> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                (**self).read(buf)
            }

            fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
                (**self).read_to_end(buf)
            }

            fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<()> {
                (**self).read_exact(buf)
            }
        }

        impl<$($lt,)? T: Send + 'static + io::BufRead, R: Recycle<T>> io::BufRead for $guard<$($lt,)? T, R> {
            fn fill_buf(&mut self) -> io::Result<&[u8]> {
                (**self).fill_buf()
            }

            fn consume(&mut self, amount: usize) {
                (**self).consume(amount);
            }
        }

        impl<$($lt,)? T: Send + 'static + io::Write, R: Recycle<T>> io::Write for $guard<$($lt,)? T, R> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                (**self).write(buf)
            }

            fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                (**self).write_all(buf)
            }

            fn flush(&mut self) -> io::Result<()> {
                (**self).flush()
            }
        }

        impl<$($lt,)? T: Send + 'static + fmt::Write, R: Recycle<T>> fmt::Write for $guard<$($lt,)? T, R> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                (**self).write_str(s)
            }
        }
    };
}

value_impls!(Pooled<'a>);
value_impls!(OwnedPooled);

/// Comparisons with what the value is compared with most: a pooled `String` with a `str`, a
/// pooled `Vec` with a slice or an array, as `String` and `Vec` themselves compare.
macro_rules! content_eq {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl<$($lt,)? R: Recycle<String>> PartialEq<str> for $guard<$($lt,)? String, R> {
            fn eq(&self, other: &str) -> bool {
                **self == *other
            }
        }

        impl<$($lt,)? 'b, R: Recycle<String>> PartialEq<&'b str> for $guard<$($lt,)? String, R> {
            fn eq(&self, other: &&'b str) -> bool {
                **self == **other
            }
        }

        impl<$($lt,)? T: Send + 'static + PartialEq, R: Recycle<Vec<T>>> PartialEq<[T]>
            for $guard<$($lt,)? Vec<T>, R>
        {
            fn eq(&self, other: &[T]) -> bool {
                **self == *other
            }
        }

        impl<$($lt,)? 'b, T: Send + 'static + PartialEq, R: Recycle<Vec<T>>> PartialEq<&'b [T]>
            for $guard<$($lt,)? Vec<T>, R>
        {
            fn eq(&self, other: &&'b [T]) -> bool {
                **self == **other
            }
        }

        impl<$($lt,)? T: Send + 'static + PartialEq, R: Recycle<Vec<T>>, const N: usize>
            PartialEq<[T; N]> for $guard<$($lt,)? Vec<T>, R>
        {
            fn eq(&self, other: &[T; N]) -> bool {
                **self == *other
            }
        }

        impl<$($lt,)? 'b, T: Send + 'static + PartialEq, R: Recycle<Vec<T>>, const N: usize>
            PartialEq<&'b [T; N]> for $guard<$($lt,)? Vec<T>, R>
        {
            fn eq(&self, other: &&'b [T; N]) -> bool {
                **self == **other
            }
        }
    };
}

content_eq!(Pooled<'a>);
content_eq!(OwnedPooled);

impl<T: Send + 'static + PartialEq, R: Recycle<T>> PartialEq<OwnedPooled<T, R>>
    for Pooled<'_, T, R>
{
    fn eq(&self, other: &OwnedPooled<T, R>) -> bool {
        **self == **other
    }
}

impl<T: Send + 'static + PartialEq, R: Recycle<T>> PartialEq<Pooled<'_, T, R>>
    for OwnedPooled<T, R>
{
    fn eq(&self, other: &Pooled<'_, T, R>) -> bool {
        **self == **other
    }
}
