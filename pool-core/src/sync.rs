//! The one place that names `std::sync`'s concurrent types, `UnsafeCell`, thread-locals,
//! `static` locks and thread yielding for the pool's machinery, so that loom can stand in for
//! them in the models (`RUSTFLAGS="--cfg loom"`), as tokio's `src/loom/` does. Under loom,
//! `Pool::new` is not a `const fn` ([`const_fn!`]): loom's types have no `const` constructors.
//!
//! What stays `std` elsewhere, outside everything the models drive: the barrier's choice of
//! mode (`barrier.rs`, once per process, before any pool is made), the process-wide directory of
//! pools (`directory.rs`, not built under loom), the trim timer's thread (`timer.rs`),
//! `BufPool`'s table of size classes (`buf_pool.rs`, a `Pool` per class), the `Arc` of the
//! public API ([`StdArc`]), and the `Reset` impls for std's own types (`reset.rs`).

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

#[cfg(not(loom))]
pub(crate) use std::sync::OnceLock;

#[cfg(loom)]
pub(crate) use self::once::OnceLock;

/// `fn`s that are `const` outside loom (`Pool::new`, so a pool can be a `static`), and plain
/// `fn`s under loom, whose types have no `const` constructors.
#[cfg(not(loom))]
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        $(#[$attr])* $vis const fn $($rest)*
    };
}

#[cfg(loom)]
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        $(#[$attr])* $vis fn $($rest)*
    };
}

pub(crate) use const_fn;

/// A `static` mutex: std's, `const`-initialized, or loom's, made afresh for each execution of a
/// model (`loom::lazy_static!`).
#[cfg(not(loom))]
macro_rules! static_mutex {
    ($(#[$attr:meta])* static $name:ident: $t:ty = $init:expr;) => {
        $(#[$attr])* static $name: $crate::sync::Mutex<$t> = $crate::sync::Mutex::new($init);
    };
}

#[cfg(loom)]
macro_rules! static_mutex {
    ($(#[$attr:meta])* static $name:ident: $t:ty = $init:expr;) => {
        loom::lazy_static! {
            $(#[$attr])* static ref $name: $crate::sync::Mutex<$t> = $crate::sync::Mutex::new($init);
        }
    };
}

pub(crate) use static_mutex;

/// std's `OnceLock` as loom sees it: the value published by a release store of its pointer
/// and read with an acquire load, as std's is, and made under a lock, so that two threads
/// racing to make it are modelled too.
#[cfg(loom)]
mod once {
    use loom::sync::atomic::{AtomicPtr, Ordering};
    use loom::sync::Mutex;

    #[derive(Debug)]
    pub(crate) struct OnceLock<T> {
        value: AtomicPtr<T>,
        making: Mutex<()>,
    }

    // SAFETY: as std's `OnceLock`: the value is shared between threads once made (`Sync`),
    // and made or dropped on any thread (`Send`).
    unsafe impl<T: Send + Sync> Sync for OnceLock<T> {}
    // SAFETY: as above.
    unsafe impl<T: Send> Send for OnceLock<T> {}

    impl<T> OnceLock<T> {
        pub(crate) fn new() -> Self {
            OnceLock {
                value: AtomicPtr::new(std::ptr::null_mut()),
                making: Mutex::new(()),
            }
        }

        pub(crate) fn get(&self) -> Option<&T> {
            // SAFETY: a non-null pointer is a `Box` published by `get_or_init` and dropped only
            // by `drop`, which `&self` rules out.
            unsafe { self.value.load(Ordering::Acquire).as_ref() }
        }

        pub(crate) fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
            if let Some(value) = self.get() {
                return value;
            }
            let _making = self.making.lock().unwrap();
            if let Some(value) = self.get() {
                return value;
            }
            let value = Box::into_raw(Box::new(make()));
            self.value.store(value, Ordering::Release);
            // SAFETY: just made, and kept until `drop`.
            unsafe { &*value }
        }
    }

    impl<T> Drop for OnceLock<T> {
        fn drop(&mut self) {
            let value = self.value.with_mut(|value| *value);
            if !value.is_null() {
                // SAFETY: made by `Box::into_raw` in `get_or_init`, and dropped only here.
                drop(unsafe { Box::from_raw(value) });
            }
        }
    }
}

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
