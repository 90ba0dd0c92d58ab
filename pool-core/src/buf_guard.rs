//! The guards [`PooledBuf`] and [`OwnedPooledBuf`]: a buffer out of a [`BufPool`], filed by
//! its capacity when dropped.

// A class's pool keeps its buffers boxed, as every `Pool` keeps its values, so a buffer moves
// between the guard, the caches and the depot as one pointer: the box is the pool's, not an
// extra allocation per get.
#![allow(clippy::box_collection)]

use std::borrow::{Borrow, BorrowMut};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::Arc;

use crate::buf_pool::Class;
use crate::size_class::SizeClasses;
use crate::{BufPool, Pool};

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
    /// The class it came from, kept so that the way back computes nothing; `None` for a
    /// request above the largest class.
    class: Option<&'a Class>,
    /// Taken out exactly once: by `Drop`, or by `end`, which skips `Drop`.
    buf: ManuallyDrop<Box<Vec<u8>>>,
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
    /// As in [`PooledBuf`].
    buf: ManuallyDrop<Box<Vec<u8>>>,
    /// The log2 of the size of the class it came from, or [`OVERSIZED`].
    log2: u32,
}

/// An owned guard's class for a request above the largest class: its buffer is in no class,
/// and is dropped at the end (and never counted).
pub(crate) const OVERSIZED: u32 = u32::MAX;

impl<'a> PooledBuf<'a> {
    /// A guard of the buffer `buf` of `class`, or of no class.
    #[inline]
    pub(crate) fn new(pool: &'a BufPool, class: Option<&'a Class>, buf: Box<Vec<u8>>) -> Self {
        PooledBuf {
            pool,
            class,
            buf: ManuallyDrop::new(buf),
        }
    }

    /// The pool of its class, and the log2 of the class's size.
    #[inline]
    fn class(&self) -> Option<(&'a Pool<Vec<u8>>, u32)> {
        self.class.map(|class| (&**class, class.log2))
    }

    /// The pool this buffer came from.
    pub fn pool(this: &Self) -> &'a BufPool {
        this.pool
    }
}

impl OwnedPooledBuf {
    /// A guard of the buffer `buf` of the class of size `2^log2`, or of no class
    /// ([`OVERSIZED`]).
    #[inline]
    pub(crate) fn new(pool: Arc<BufPool>, buf: Box<Vec<u8>>, log2: u32) -> Self {
        OwnedPooledBuf {
            pool,
            buf: ManuallyDrop::new(buf),
            log2,
        }
    }

    /// The pool of its class, and the log2 of the class's size.
    #[inline]
    fn class(&self) -> Option<(&Pool<Vec<u8>>, u32)> {
        (self.log2 != OVERSIZED).then(|| (self.pool.class_pool(self.log2), self.log2))
    }

    /// The pool this buffer came from.
    pub fn pool(this: &Self) -> &Arc<BufPool> {
        &this.pool
    }
}

/// What both guards implement alike: the buffer's access, `detach`, `discard`, the filing
/// `Drop`, and the traits of the buffer itself.
macro_rules! buf_guard_impls {
    ($guard:ident $(<$lt:lifetime>)?) => {
        impl$(<$lt>)? $guard$(<$lt>)? {
            /// Takes the buffer for good: the caller owns it, and its class counts it as
            /// detached (a buffer above the largest class was in no class).
            pub fn detach(this: Self) -> Vec<u8> {
                Self::end(this, Pool::forget_detached)
            }

            /// Drops the buffer instead of giving it back, counted in its class as discarded.
            pub fn discard(this: Self) {
                drop(Self::end(this, Pool::forget_discarded));
            }

            /// Ends the guard without its `Drop`, counted by `count` in its class (if any).
            fn end(this: Self, count: fn(&Pool<Vec<u8>>)) -> Vec<u8> {
                if let Some((class, _)) = this.class() {
                    count(class);
                }
                let mut this = ManuallyDrop::new(this);
                // SAFETY: `this` is never used or dropped again, so the buffer is taken, and
                // the pool handle dropped, exactly once; the buffer first, so that it is ours
                // whatever the handle's drop does. Every other field is a borrow or a number.
                unsafe {
                    let buf = ManuallyDrop::take(&mut this.buf);
                    ptr::drop_in_place(&mut this.pool);
                    *buf
                }
            }
        }

        impl$(<$lt>)? Drop for $guard$(<$lt>)? {
            /// Clears the buffer and gives it to the class of its capacity.
            #[inline]
            fn drop(&mut self) {
                // SAFETY: `drop` runs at most once and `buf` is not used after it; a guard
                // whose buffer `end` took never gets here.
                let buf = unsafe { ManuallyDrop::take(&mut self.buf) };
                match self.class() {
                    // Still in its class's range: straight back, as a `Pooled` goes back.
                    Some((class, log2)) if SizeClasses::holds(log2, buf.capacity()) => {
                        class.recycle(buf);
                    }
                    class => self.pool.refile(buf, class.map(|(class, _)| class)),
                }
            }
        }

        impl$(<$lt>)? Deref for $guard$(<$lt>)? {
            type Target = Vec<u8>;

            #[inline]
            fn deref(&self) -> &Vec<u8> {
                &self.buf
            }
        }

        impl$(<$lt>)? DerefMut for $guard$(<$lt>)? {
            #[inline]
            fn deref_mut(&mut self) -> &mut Vec<u8> {
                &mut self.buf
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

buf_guard_impls!(PooledBuf<'a>);
buf_guard_impls!(OwnedPooledBuf);
