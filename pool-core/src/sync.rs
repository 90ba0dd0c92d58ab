//! The one place that names `std::sync`'s concurrent types, `UnsafeCell` and thread yielding,
//! so that loom can stand in for them in the models (`RUSTFLAGS="--cfg loom"`), as tokio's
//! `src/loom/` does.

#[cfg(not(loom))]
pub(crate) use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::fence;

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

#[cfg(loom)]
pub(crate) use loom::cell::{MutPtr, UnsafeCell};

#[cfg(loom)]
pub(crate) use loom::thread::yield_now;

#[cfg(not(loom))]
pub(crate) use std::thread::yield_now;

/// `thread_local!` with `const` initializers (no lazy-init check on access), or loom's, which
/// gives each modelled thread its own.
#[cfg(not(loom))]
macro_rules! thread_locals {
    ($(static $name:ident: $t:ty = $init:expr;)*) => {
        std::thread_local! { $(static $name: $t = const { $init };)* }
    };
}

#[cfg(loom)]
macro_rules! thread_locals {
    ($(static $name:ident: $t:ty = $init:expr;)*) => {
        loom::thread_local! { $(static $name: $t = $init;)* }
    };
}

pub(crate) use thread_locals;

/// The `Arc` of the public API (`Pool::get_owned`), which stays std's under loom.
pub(crate) use std::sync::Arc as StdArc;

/// `std`'s `UnsafeCell` with loom's API, so loom checks every access to a cache's data.
#[cfg(not(loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) fn new(value: T) -> Self {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// A pointer to the contents; dereferencing it is the caller's promise of exclusivity.
    #[inline]
    pub(crate) fn get_mut(&self) -> MutPtr<T> {
        MutPtr(self.0.get())
    }
}

/// A pointer from [`UnsafeCell::get_mut`].
#[cfg(not(loom))]
pub(crate) struct MutPtr<T>(*mut T);

#[cfg(not(loom))]
impl<T> MutPtr<T> {
    /// # Safety
    ///
    /// Nothing else may read or write the cell's contents while the returned borrow lives.
    #[inline]
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn deref(&self) -> &mut T {
        // SAFETY: the caller's contract, above.
        unsafe { &mut *self.0 }
    }
}

/// Locks `mutex`, ignoring poison: the pool's own critical sections run no user code, so a
/// poisoned lock still guards consistent data.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
