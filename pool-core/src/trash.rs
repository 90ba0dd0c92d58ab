//! [`Trash`]: idle values a trim, clear or closing pool took out, to drop once no lock or
//! claim is held. Their `Drop` is user code: it may use a pool again, and it may panic.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

/// Values to drop outside every lock and claim. They are already counted (as trimmed), so a
/// panicking `Drop` among them skews no count.
#[derive(Debug)]
pub(crate) struct Trash<T> {
    values: Vec<Box<T>>,
}

/// A panic from a dropped value's `Drop`, caught so the other values are dropped too.
pub(crate) type Panic = Box<dyn Any + Send + 'static>;

impl<T> Trash<T> {
    /// Values to drop.
    pub(crate) fn from(values: Vec<Box<T>>) -> Self {
        Trash { values }
    }

    /// Drops every value, each on its own so that one whose `Drop` panics does not keep the
    /// rest alive (or, panicking a second time during the unwinding, abort). Returns the first
    /// panic, for the caller to resume or swallow.
    pub(crate) fn empty(self) -> Result<(), Panic> {
        let mut first = None;
        for value in self.values {
            if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(|| drop(value))) {
                first.get_or_insert(panic);
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Drops every value and resumes the first panic, if any, on the caller (unless the
    /// thread is unwinding already: see [`resume_unless_unwinding`]).
    pub(crate) fn empty_or_resume(self) {
        if let Err(panic) = self.empty() {
            resume_unless_unwinding(panic);
        }
    }
}

/// Drops a value the pool does not keep (refused, or no room for it). Its `Drop` is user code:
/// a panic from it goes on to the caller, unless the thread is unwinding already (the value
/// came from a guard that unwinding dropped), when a second panic would abort the process; then
/// it stops here.
#[cold]
pub(crate) fn drop_value<T>(value: Box<T>) {
    if std::thread::panicking() {
        drop_quietly(value);
    } else {
        drop(value);
    }
}

/// Drops a value whose `Drop` must not panic out (another panic is already on its way): such a
/// panic is reported by the panic hook and stops here.
pub(crate) fn drop_quietly<T>(value: T) {
    swallow(panic::catch_unwind(AssertUnwindSafe(move || drop(value))));
}

/// Ends a caught panic that must not go on: its payload is dropped, and a panic from the
/// payload's own `Drop` is caught too.
pub(crate) fn swallow(caught: Result<(), Panic>) {
    if let Err(panic) = caught {
        let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(panic)));
    }
}

/// Resumes a panic caught from user code on the caller, unless the thread is unwinding already
/// (the pool was reached from a destructor that unwinding runs: a guard's `Drop`, or a pool
/// dropped by it), where a second panic leaving a destructor would abort the process; then
/// the panic stops here (the panic hook has reported it).
pub(crate) fn resume_unless_unwinding(panic: Panic) {
    if std::thread::panicking() {
        swallow(Err(panic));
    } else {
        panic::resume_unwind(panic);
    }
}
