//! The [`Reset`] trait and its implementations for the standard library.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::OsString;
use std::marker::{PhantomData, PhantomPinned};
use std::mem::{size_of, size_of_val};
use std::num::{Saturating, Wrapping};
use std::path::PathBuf;
use std::sync::atomic::{
    AtomicBool, AtomicI16, AtomicI32, AtomicI64, AtomicI8, AtomicIsize, AtomicPtr, AtomicU16,
    AtomicU32, AtomicU64, AtomicU8, AtomicUsize,
};
use std::sync::{Mutex, RwLock, TryLockError};
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
///
/// # Heap bytes
///
/// [`heap_bytes`](Reset::heap_bytes) estimates, from capacities, the heap memory a value holds,
/// so that a pool can say how many bytes its idle values keep. One rule covers every impl: a
/// value counts the allocations it owns itself, plus what its inner values report where its
/// `Reset` impl already requires them to be `Reset` (`Box<T>`, arrays, tuples, locks). A
/// container whose `Reset` holds for every element type (`Vec<T>`, `HashMap<K, V>`, `Option<T>`)
/// cannot ask its elements, so it counts its own buffer and not what the elements own in turn;
/// once reset it has no elements, so for the idle values of a pool nothing is missed.
///
/// | type | `heap_bytes` |
/// |---|---|
/// | `Vec<T>`, `VecDeque<T>`, `BinaryHeap<T>` | `capacity() * size_of::<T>()` |
/// | `String`, `OsString`, `PathBuf` | `capacity()` |
/// | `HashMap<K, V, S>` (`HashSet<T, S>`) | `capacity() * (size_of::<(K, V)>() + 1)` (`size_of::<T>()` for a set): a slot and its control byte for each entry there is room for |
/// | `BTreeMap<K, V>` (`BTreeSet<T>`) | `len() * size_of::<(K, V)>()` (`size_of::<T>()` for a set): a tree keeps no spare room, and a cleared one frees its nodes |
/// | `LinkedList<T>` | `len() * size_of::<(usize, usize, T)>()`: a node of two links and an element per item |
/// | `Box<T>` | `size_of_val(&*boxed)` plus the inner value's `heap_bytes` (for `Box<[T]>`, the slice's) |
/// | `[T; N]`, `[T]`, tuples | the sum over the elements |
/// | `Wrapping<T>`, `Saturating<T>`, `io::Cursor<T>` | the inner value's |
/// | `RefCell<T>`, `Mutex<T>`, `RwLock<T>` | the inner value's, read without blocking: `0` while it is borrowed mutably or locked elsewhere (a poisoned lock is read all the same) |
/// | `Option<T>` | `0`: a reset `Option` is `None`, and `Option<T>` is `Reset` for every `T`, so a `Some` is not looked into |
/// | `bytes::BytesMut` | `capacity()` |
/// | `smallvec::SmallVec<A>` | `capacity() * size_of::<A::Item>()` once it has spilled to the heap, else `0` |
/// | `hashbrown`'s `HashMap`, `HashSet`, `HashTable` | as std's `HashMap` |
/// | `indexmap`'s `IndexMap<K, V, S>`, `IndexSet<T, S>` | `capacity() * (size_of::<(usize, K, V)>() + size_of::<usize>() + 1)`: an entry with its hash, and an index slot with its control byte |
/// | numbers, `bool`, `char`, `()`, `Duration`, `Cell<T>`, atomics, `PhantomData`, `PhantomPinned`, `arrayvec`'s types | `0`, the default: nothing on the heap |
///
/// These are estimates of what the value asked for, not what the allocator spends: no
/// allocation headers, size classes or fragmentation, a hash table's spare slots beyond its
/// capacity left out. Memory a value shares rather than owns (an `Rc`, an `Arc`, a `BytesMut`
/// split off another) is not its own to give back; the types that share have no `Reset` impl
/// and count `0` in a derived type, and a `BytesMut` counts the capacity it can still use.
/// `#[derive(Reset)]` sums the fields, `#[pool(skip)]` ones included (see
/// [`attributes`](crate::attributes#heap-bytes)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Reset`, so it cannot be reset for reuse",
    label = "`{Self}` cannot be reset",
    note = "on a field of a derived type, write `#[pool(skip)]` (keep the value), `#[pool(default)]` (assign `Default::default()`) or `#[pool(reset_with = f)]` (call `f(&mut field)`)",
    note = "a type of your own crate can `#[derive(Reset)]`; types of the `bytes`, `smallvec`, `arrayvec`, `hashbrown` and `indexmap` crates implement `Reset` with pool-core's feature of the same name"
)]
pub trait Reset {
    /// Puts `self` back in its pristine state, keeping its allocations.
    fn reset(&mut self);

    /// The bytes of heap memory `self` holds, estimated from its capacities (see
    /// [Heap bytes](Reset#heap-bytes) for each std type's rule): what a pool counts as the memory
    /// an idle value keeps.
    ///
    /// The default, `0`, is right for a type that owns no heap memory. A type that owns some
    /// returns the sum over its allocations and its fields; `#[derive(Reset)]` writes that sum
    /// over every field. An estimate, not an exact figure: it must be cheap (a pool may ask on
    /// every return), must not block, and should not allocate.
    ///
    /// # Example
    ///
    /// ```
    /// use pool_core::Reset;
    ///
    /// let mut buf: Vec<u8> = Vec::with_capacity(1024);
    /// buf.extend_from_slice(b"last request");
    /// buf.reset();
    /// assert_eq!(buf.heap_bytes(), buf.capacity()); // kept for the next user, so still held
    /// assert!(buf.heap_bytes() >= 1024);
    /// assert_eq!(7u64.heap_bytes(), 0);
    ///
    /// /// A hand-written impl counts what its fields hold.
    /// struct Ring {
    ///     slots: Box<[u64]>,
    ///     head: usize,
    /// }
    ///
    /// impl Reset for Ring {
    ///     fn reset(&mut self) {
    ///         self.slots.reset();
    ///         self.head = 0;
    ///     }
    ///
    ///     fn heap_bytes(&self) -> usize {
    ///         self.slots.heap_bytes() // 8 bytes per slot
    ///     }
    /// }
    ///
    /// let ring = Ring { slots: vec![0; 16].into_boxed_slice(), head: 0 };
    /// assert_eq!(ring.heap_bytes(), 16 * 8);
    /// ```
    #[inline]
    fn heap_bytes(&self) -> usize {
        0
    }
}

/// The estimate for a SwissTable hash table (std's and hashbrown's) with room for `capacity`
/// entries of type `E`: a slot and a control byte for each. The table itself has up to 8/7 as
/// many slots as its capacity, and a group of control bytes more.
pub(crate) fn hash_table_bytes<E>(capacity: usize) -> usize {
    capacity * (size_of::<E>() + 1)
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

/// `{generics} Type => |value| heap bytes`: a collection reset by `clear`, which keeps its
/// capacity, and what it holds.
macro_rules! reset_by_clear {
    ($({$($generics:tt)*} $ty:ty => |$this:ident| $bytes:expr),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl<$($generics)*> Reset for $ty {
                #[inline]
                fn reset(&mut self) {
                    self.clear();
                }

                #[inline]
                fn heap_bytes(&self) -> usize {
                    let $this = self;
                    $bytes
                }
            }
        )*
    };
}

reset_by_clear!(
    {} String => |string| string.capacity(),
    {} OsString => |string| string.capacity(),
    {T} Vec<T> => |vec| vec.capacity() * size_of::<T>(),
    {T} VecDeque<T> => |deque| deque.capacity() * size_of::<T>(),
    {T} LinkedList<T> => |list| list.len() * size_of::<(usize, usize, T)>(),
    {T} BinaryHeap<T> => |heap| heap.capacity() * size_of::<T>(),
    {K, V, S} HashMap<K, V, S> => |map| hash_table_bytes::<(K, V)>(map.capacity()),
    {T, S} HashSet<T, S> => |set| hash_table_bytes::<T>(set.capacity()),
    {K, V} BTreeMap<K, V> => |map| map.len() * size_of::<(K, V)>(),
    {T} BTreeSet<T> => |set| set.len() * size_of::<T>(),
);

#[diagnostic::do_not_recommend]
impl Reset for PathBuf {
    #[inline]
    fn reset(&mut self) {
        self.as_mut_os_string().clear();
    }

    #[inline]
    fn heap_bytes(&self) -> usize {
        self.capacity()
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

    #[inline]
    fn heap_bytes(&self) -> usize {
        self.iter().map(T::heap_bytes).sum()
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset, const N: usize> Reset for [T; N] {
    #[inline]
    fn reset(&mut self) {
        self.as_mut_slice().reset();
    }

    #[inline]
    fn heap_bytes(&self) -> usize {
        self.as_slice().heap_bytes()
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset + ?Sized> Reset for Box<T> {
    #[inline]
    fn reset(&mut self) {
        (**self).reset();
    }

    /// The boxed value's own size, and the heap bytes it holds in turn.
    #[inline]
    fn heap_bytes(&self) -> usize {
        size_of_val::<T>(self) + (**self).heap_bytes()
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset> Reset for Wrapping<T> {
    #[inline]
    fn reset(&mut self) {
        self.0.reset();
    }

    #[inline]
    fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset> Reset for Saturating<T> {
    #[inline]
    fn reset(&mut self) {
        self.0.reset();
    }

    #[inline]
    fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
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

    /// The inner value's, or `0` while it is borrowed mutably.
    #[inline]
    fn heap_bytes(&self) -> usize {
        self.try_borrow().map_or(0, |inner| inner.heap_bytes())
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

    /// The inner value's, through `try_lock`: `0` while the lock is held (by any thread, this
    /// one included), never a wait. A poisoned lock is read all the same.
    #[inline]
    fn heap_bytes(&self) -> usize {
        match self.try_lock() {
            Ok(inner) => inner.heap_bytes(),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().heap_bytes(),
            Err(TryLockError::WouldBlock) => 0,
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

    /// The inner value's, through `try_read`: `0` while a writer holds the lock, like `Mutex`.
    #[inline]
    fn heap_bytes(&self) -> usize {
        match self.try_read() {
            Ok(inner) => inner.heap_bytes(),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().heap_bytes(),
            Err(TryLockError::WouldBlock) => 0,
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

            #[inline]
            #[allow(non_snake_case)] // as in `reset`
            fn heap_bytes(&self) -> usize {
                let ($($name,)+) = self;
                let mut bytes = 0;
                $(bytes += $name.heap_bytes();)+
                bytes
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
