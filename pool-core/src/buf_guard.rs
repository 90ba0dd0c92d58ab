//! The guards [`PooledBuf`] and [`OwnedPooledBuf`]: a buffer out of a [`BufPool`], filed by
//! its capacity when dropped.

use std::borrow::{Borrow, BorrowMut};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::mem;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::size_class::SizeClasses;
use crate::{BufPool, OwnedPooled, Pooled};

/// A buffer from a [`BufPool`], taken by [`BufPool::get`]: an empty `Vec<u8>` with at least
/// the capacity asked for. Dropping it clears the buffer and gives it to the class of its
/// capacity, which keeps it if it has room; a buffer larger than the largest class or
/// smaller than the smallest is dropped.
///
/// It derefs to `Vec<u8>`, and acts like it: `io::Write`, `Debug`, `AsRef`/`AsMut` and
/// `Borrow`/`BorrowMut` of `[u8]`, `PartialEq` with byte slices, arrays and vectors, `Eq`,
/// `Hash`.
///
/// ```
/// use std::io::Write;
/// use pool_core::{BufPool, PooledBuf};
///
/// let pool = BufPool::new();
/// let mut buf = pool.get(64);
/// write!(buf, "{}-{}", 1, 2)?;
/// assert!(buf == b"1-2");
///
/// let kept: Vec<u8> = PooledBuf::detach(buf); // the caller owns it now
/// assert_eq!(kept, b"1-2");
/// assert_eq!(pool.stats().detached, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// The guard borrows its pool; a guard of [`BufPool::global`] is `'static`. For a pool in an
/// `Arc`, [`BufPool::get_owned`] gives an [`OwnedPooledBuf`].
#[must_use = "dropping the guard at once gives the buffer straight back to the pool"]
pub struct PooledBuf<'a> {
    pool: &'a BufPool,
    buf: Slot<Pooled<'a, Vec<u8>>>,
}

/// A buffer from a [`BufPool`] in an [`Arc`], taken by [`BufPool::get_owned`]. Like
/// [`PooledBuf`], but it holds a clone of the `Arc` instead of a borrow, so it is `'static`
/// and can move to another thread or into an async task.
///
/// ```
/// use std::sync::Arc;
/// use pool_core::BufPool;
///
/// let pool = Arc::new(BufPool::new());
/// let mut buf = pool.get_owned(4096);
/// let worker = std::thread::spawn(move || {
///     buf.extend_from_slice(b"from a worker");
///     buf.len()
/// });
/// assert_eq!(worker.join().unwrap(), 13);
/// assert_eq!(pool.stats().returned, 1);
/// ```
#[must_use = "dropping the guard at once gives the buffer straight back to the pool"]
pub struct OwnedPooledBuf {
    pool: Arc<BufPool>,
    buf: Slot<OwnedPooled<Vec<u8>>>,
}

/// Where a guard's buffer comes from: a class's pool (behind that pool's guard), or nowhere,
/// for a request above the largest class.
enum Slot<G> {
    /// From the class of size `2^log2`: back there if its capacity is still in the class's
    /// range, a check of one shift on the way back.
    Class {
        buf: G,
        log2: u32,
    },
    Oversized(Vec<u8>),
}

/// What [`BufPool::refile`] needs of a class's guard, borrowed or owned.
pub(crate) trait ClassBuf: DerefMut<Target = Vec<u8>> + Sized {
    /// Takes the buffer out of its class, counted there as detached.
    fn detach(self) -> Vec<u8>;
    /// Drops the buffer, counted in its class as discarded.
    fn discard(self);
}

impl ClassBuf for Pooled<'_, Vec<u8>> {
    fn detach(self) -> Vec<u8> {
        Pooled::detach(self)
    }

    fn discard(self) {
        Pooled::discard(self);
    }
}

impl ClassBuf for OwnedPooled<Vec<u8>> {
    fn detach(self) -> Vec<u8> {
        OwnedPooled::detach(self)
    }

    fn discard(self) {
        OwnedPooled::discard(self);
    }
}

impl<'a> PooledBuf<'a> {
    #[inline]
    pub(crate) fn from_class(pool: &'a BufPool, buf: Pooled<'a, Vec<u8>>, log2: u32) -> Self {
        PooledBuf {
            pool,
            buf: Slot::Class { buf, log2 },
        }
    }

    pub(crate) fn oversized(pool: &'a BufPool, buf: Vec<u8>) -> Self {
        PooledBuf {
            pool,
            buf: Slot::Oversized(buf),
        }
    }

    /// The pool this buffer came from.
    pub fn pool(this: &Self) -> &'a BufPool {
        this.pool
    }
}

impl OwnedPooledBuf {
    #[inline]
    pub(crate) fn from_class(pool: Arc<BufPool>, buf: OwnedPooled<Vec<u8>>, log2: u32) -> Self {
        OwnedPooledBuf {
            pool,
            buf: Slot::Class { buf, log2 },
        }
    }

    pub(crate) fn oversized(pool: Arc<BufPool>, buf: Vec<u8>) -> Self {
        OwnedPooledBuf {
            pool,
            buf: Slot::Oversized(buf),
        }
    }

    /// The pool this buffer came from.
    pub fn pool(this: &Self) -> &Arc<BufPool> {
        &this.pool
    }
}

/// What both guards implement alike: the buffer's access, `detach`, `discard`, the filing
/// `Drop`, and the traits of the buffer itself.
macro_rules! buf_guard_impls {
    ($guard:ident $(<$lt:lifetime>)?, $class:ty) => {
        impl$(<$lt>)? $guard$(<$lt>)? {
            /// Takes the buffer for good: the caller owns it, and its class counts it as
            /// detached (a buffer above the largest class was in no class).
            pub fn detach(mut this: Self) -> Vec<u8> {
                match this.take() {
                    Slot::Class { buf, .. } => ClassBuf::detach(buf),
                    Slot::Oversized(buf) => buf,
                }
            }

            /// Drops the buffer instead of giving it back, counted in its class as discarded.
            pub fn discard(mut this: Self) {
                match this.take() {
                    Slot::Class { buf, .. } => ClassBuf::discard(buf),
                    Slot::Oversized(buf) => drop(buf),
                }
            }

            /// The buffer out of the guard, leaving an empty one that costs nothing to drop.
            #[inline]
            fn take(&mut self) -> Slot<$class> {
                mem::replace(&mut self.buf, Slot::Oversized(Vec::new()))
            }
        }

        impl$(<$lt>)? Drop for $guard$(<$lt>)? {
            /// Clears the buffer and files it by its capacity: its own class, another, or
            /// dropped.
            #[inline]
            fn drop(&mut self) {
                if let Slot::Class { buf, log2 } = self.take() {
                    if SizeClasses::holds(log2, buf.capacity()) {
                        drop(buf); // back to its own class, as a `Pooled` goes back
                    } else {
                        self.pool.refile(buf);
                    }
                }
            }
        }

        impl$(<$lt>)? Deref for $guard$(<$lt>)? {
            type Target = Vec<u8>;

            #[inline]
            fn deref(&self) -> &Vec<u8> {
                match &self.buf {
                    Slot::Class { buf, .. } => buf,
                    Slot::Oversized(buf) => buf,
                }
            }
        }

        impl$(<$lt>)? DerefMut for $guard$(<$lt>)? {
            #[inline]
            fn deref_mut(&mut self) -> &mut Vec<u8> {
                match &mut self.buf {
                    Slot::Class { buf, .. } => buf,
                    Slot::Oversized(buf) => buf,
                }
            }
        }

        impl$(<$lt>)? fmt::Debug for $guard$(<$lt>)? {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl$(<$lt>)? AsRef<[u8]> for $guard$(<$lt>)? {
            fn as_ref(&self) -> &[u8] {
                self
            }
        }

        impl$(<$lt>)? AsMut<[u8]> for $guard$(<$lt>)? {
            fn as_mut(&mut self) -> &mut [u8] {
                self
            }
        }

        impl$(<$lt>)? AsRef<Vec<u8>> for $guard$(<$lt>)? {
            fn as_ref(&self) -> &Vec<u8> {
                self
            }
        }

        impl$(<$lt>)? AsMut<Vec<u8>> for $guard$(<$lt>)? {
            fn as_mut(&mut self) -> &mut Vec<u8> {
                self
            }
        }

        impl$(<$lt>)? Borrow<[u8]> for $guard$(<$lt>)? {
            fn borrow(&self) -> &[u8] {
                self
            }
        }

        impl$(<$lt>)? BorrowMut<[u8]> for $guard$(<$lt>)? {
            fn borrow_mut(&mut self) -> &mut [u8] {
                self
            }
        }

        impl$(<$lt>)? io::Write for $guard$(<$lt>)? {
            #[inline]
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                (**self).write(buf)
            }

            fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
                (**self).write_vectored(bufs)
            }

            #[inline]
            fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                (**self).write_all(buf)
            }

            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        impl$(<$lt>)? PartialEq for $guard$(<$lt>)? {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl$(<$lt>)? Eq for $guard$(<$lt>)? {}

        impl$(<$lt>)? PartialEq<[u8]> for $guard$(<$lt>)? {
            fn eq(&self, other: &[u8]) -> bool {
                **self == *other
            }
        }

        impl<$($lt,)? 'b> PartialEq<&'b [u8]> for $guard$(<$lt>)? {
            fn eq(&self, other: &&'b [u8]) -> bool {
                **self == **other
            }
        }

        impl<$($lt,)? const N: usize> PartialEq<[u8; N]> for $guard$(<$lt>)? {
            fn eq(&self, other: &[u8; N]) -> bool {
                **self == *other
            }
        }

        impl<$($lt,)? 'b, const N: usize> PartialEq<&'b [u8; N]> for $guard$(<$lt>)? {
            fn eq(&self, other: &&'b [u8; N]) -> bool {
                **self == **other
            }
        }

        impl$(<$lt>)? PartialEq<Vec<u8>> for $guard$(<$lt>)? {
            fn eq(&self, other: &Vec<u8>) -> bool {
                **self == *other
            }
        }

        impl$(<$lt>)? Hash for $guard$(<$lt>)? {
            /// As the bytes hash (`Borrow<[u8]>` requires it).
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_slice().hash(state);
            }
        }
    };
}

buf_guard_impls!(PooledBuf<'a>, Pooled<'a, Vec<u8>>);
buf_guard_impls!(OwnedPooledBuf, OwnedPooled<Vec<u8>>);
