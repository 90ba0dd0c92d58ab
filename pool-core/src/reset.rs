//! The [`Reset`] trait and its implementations for the standard library.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::OsString;
use std::marker::{PhantomData, PhantomPinned};
use std::num::{Saturating, Wrapping};
use std::path::PathBuf;
use std::sync::atomic::{
    AtomicBool, AtomicI16, AtomicI32, AtomicI64, AtomicI8, AtomicIsize, AtomicPtr, AtomicU16,
    AtomicU32, AtomicU64, AtomicU8, AtomicUsize,
};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

/// Puts a value back in its pristine state, keeping its allocations.
///
/// A pool calls `reset` on every value that comes back, so the next user never sees the last
/// one's data. After `reset` a value must be indistinguishable, to safe code that only reads it,
/// from a freshly created one, except for the capacity of the buffers it owns: a `Vec` is
/// cleared, not freed, so the next user does not pay for the allocation again.
///
/// Implement it with `#[derive(Reset)]` (or `#[derive(Poolable)]`), which resets every field and
/// refuses to compile when one cannot be reset. The standard library's types are covered:
///
/// | type | after `reset` |
/// |---|---|
/// | integers, floats | `0` |
/// | `bool`, `char`, `()` | `false`, `'\0'`, `()` |
/// | `String`, `Vec`, `VecDeque`, `LinkedList`, `BinaryHeap`, `HashMap`, `HashSet`, `BTreeMap`, `BTreeSet`, `OsString`, `PathBuf` | empty, capacity kept |
/// | `Option<T>` | `None` |
/// | `[T; N]`, `[T]`, `Box<[T]>` | every element reset |
/// | `Box<T>`, `Wrapping<T>`, `Saturating<T>` | the inner value reset |
/// | tuples up to 12 | every element reset |
/// | `Cell<T: Copy + Default>` | `T::default()` |
/// | `RefCell<T>`, `Mutex<T>`, `RwLock<T>` | the inner value reset, poison cleared |
/// | atomics | `0`, `false`, null |
/// | `Duration` | `Duration::ZERO` |
/// | `io::Cursor<T>` | the inner value reset, position `0` |
/// | with features: `bytes::BytesMut`, `smallvec::SmallVec`, `arrayvec::ArrayVec`/`ArrayString`, `hashbrown` and `indexmap` maps and sets | empty, capacity kept |
/// | `PhantomData`, `PhantomPinned` | nothing to do |
///
/// # Example
///
/// ```
/// use pool_core::Reset;
///
/// let mut buf: Vec<u8> = Vec::with_capacity(4096);
/// buf.extend_from_slice(b"last request");
/// buf.reset();
/// assert!(buf.is_empty());
/// assert!(buf.capacity() >= 4096); // the allocation is kept for the next user
///
/// let mut scratch = [7u8; 64];
/// scratch.reset();
/// assert_eq!(scratch, [0u8; 64]);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Reset`, so it cannot be reset for reuse",
    label = "`{Self}` cannot be reset",
    note = "on a field of a derived type, write `#[pool(skip)]` (keep the value), `#[pool(default)]` (assign `Default::default()`) or `#[pool(reset_with = f)]` (call `f(&mut field)`)",
    note = "a type of your own crate can `#[derive(Reset)]`; types of the `bytes`, `smallvec`, `arrayvec`, `hashbrown` and `indexmap` crates implement `Reset` with pool-core's feature of the same name"
)]
pub trait Reset {
    /// Puts `self` back in its pristine state, keeping its allocations.
    fn reset(&mut self);
}

macro_rules! reset_to {
    ($value:expr => $($ty:ty),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl Reset for $ty {
                #[inline]
                fn reset(&mut self) {
                    *self = $value;
                }
            }
        )*
    };
}

reset_to!(0 => u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);
reset_to!(0.0 => f32, f64);
reset_to!(false => bool);
reset_to!('\0' => char);
reset_to!(() => ());
reset_to!(Duration::ZERO => Duration);

macro_rules! reset_by_clear {
    ($({$($generics:tt)*} $ty:ty),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl<$($generics)*> Reset for $ty {
                #[inline]
                fn reset(&mut self) {
                    self.clear();
                }
            }
        )*
    };
}

reset_by_clear!(
    {} String,
    {} OsString,
    {T} Vec<T>,
    {T} VecDeque<T>,
    {T} LinkedList<T>,
    {T} BinaryHeap<T>,
    {K, V, S} HashMap<K, V, S>,
    {T, S} HashSet<T, S>,
    {K, V} BTreeMap<K, V>,
    {T} BTreeSet<T>,
);

#[diagnostic::do_not_recommend]
impl Reset for PathBuf {
    #[inline]
    fn reset(&mut self) {
        self.as_mut_os_string().clear();
    }
}

#[diagnostic::do_not_recommend]
impl<T> Reset for Option<T> {
    #[inline]
    fn reset(&mut self) {
        *self = None;
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset> Reset for [T] {
    #[inline]
    fn reset(&mut self) {
        for item in self {
            item.reset();
        }
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset, const N: usize> Reset for [T; N] {
    #[inline]
    fn reset(&mut self) {
        self.as_mut_slice().reset();
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset + ?Sized> Reset for Box<T> {
    #[inline]
    fn reset(&mut self) {
        (**self).reset();
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset> Reset for Wrapping<T> {
    #[inline]
    fn reset(&mut self) {
        self.0.reset();
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset> Reset for Saturating<T> {
    #[inline]
    fn reset(&mut self) {
        self.0.reset();
    }
}

#[diagnostic::do_not_recommend]
impl<T: ?Sized> Reset for PhantomData<T> {
    #[inline]
    fn reset(&mut self) {}
}

#[diagnostic::do_not_recommend]
impl Reset for PhantomPinned {
    #[inline]
    fn reset(&mut self) {}
}

#[diagnostic::do_not_recommend]
impl<T: Copy + Default> Reset for Cell<T> {
    #[inline]
    fn reset(&mut self) {
        *self.get_mut() = T::default();
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset + ?Sized> Reset for RefCell<T> {
    #[inline]
    fn reset(&mut self) {
        self.get_mut().reset();
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset + ?Sized> Reset for Mutex<T> {
    /// Resets the inner value through `get_mut` (no locking: `&mut self` proves exclusive
    /// access) and clears poison, so a value poisoned by an earlier user is usable again.
    #[inline]
    fn reset(&mut self) {
        match self.get_mut() {
            Ok(inner) => inner.reset(),
            Err(poisoned) => {
                poisoned.into_inner().reset();
                self.clear_poison();
            }
        }
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset + ?Sized> Reset for RwLock<T> {
    /// Resets the inner value through `get_mut` and clears poison, like `Mutex`.
    #[inline]
    fn reset(&mut self) {
        match self.get_mut() {
            Ok(inner) => inner.reset(),
            Err(poisoned) => {
                poisoned.into_inner().reset();
                self.clear_poison();
            }
        }
    }
}

macro_rules! reset_atomic {
    ($value:expr => $($ty:ty),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl Reset for $ty {
                #[inline]
                fn reset(&mut self) {
                    *self.get_mut() = $value;
                }
            }
        )*
    };
}

reset_atomic!(0 => AtomicU8, AtomicU16, AtomicU32, AtomicU64, AtomicUsize);
reset_atomic!(0 => AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize);
reset_atomic!(false => AtomicBool);

#[diagnostic::do_not_recommend]
impl<T> Reset for AtomicPtr<T> {
    #[inline]
    fn reset(&mut self) {
        *self.get_mut() = std::ptr::null_mut();
    }
}

macro_rules! reset_tuple {
    ($($name:ident)+) => {
        #[diagnostic::do_not_recommend]
        impl<$($name: Reset),+> Reset for ($($name,)+) {
            #[inline]
            #[allow(non_snake_case)] // the bindings reuse the type parameters' names
            fn reset(&mut self) {
                let ($($name,)+) = self;
                $($name.reset();)+
            }
        }
    };
}

reset_tuple!(A);
reset_tuple!(A B);
reset_tuple!(A B C);
reset_tuple!(A B C D);
reset_tuple!(A B C D E);
reset_tuple!(A B C D E F);
reset_tuple!(A B C D E F G);
reset_tuple!(A B C D E F G H);
reset_tuple!(A B C D E F G H I);
reset_tuple!(A B C D E F G H I J);
reset_tuple!(A B C D E F G H I J K);
reset_tuple!(A B C D E F G H I J K L);
