//! The one place that names `std::sync`'s concurrent types, so that loom can stand in for them
//! in the models (`RUSTFLAGS="--cfg loom"`), as tokio's `src/loom/` does.

#[cfg(not(loom))]
pub(crate) use std::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

#[cfg(loom)]
pub(crate) use loom::sync::{
    atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    Arc, Mutex, MutexGuard,
};

/// The `Arc` of the public API (`Pool::get_owned`), which stays std's under loom.
pub(crate) use std::sync::Arc as StdArc;

/// Locks `mutex`, ignoring poison: the pool's own critical sections run no user code, so a
/// poisoned lock still guards consistent data.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
