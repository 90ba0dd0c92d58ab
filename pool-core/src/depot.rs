//! [`Depot`]: the idle values no thread's cache holds, behind the pool's one lock.

use crate::generation::Generation;

/// Values idle since the last trim, and values that were idle at the last trim (the victims,
/// dropped by the next trim unless reused first, like Go's victim cache). Each holds a slot of
/// the pool's budget.
///
/// `repr(C)`: `current`, which every refill and spill moves values to or from, comes first, in
/// the first line of the depot's padded block (see `DepotLine` in `shared.rs`).
#[derive(Debug)]
#[repr(C)]
pub(crate) struct Depot<T> {
    pub(crate) current: Vec<Box<T>>,
    pub(crate) victim: Vec<Box<T>>,
    /// Values a trim or clear made expire, counted and with their slots freed, waiting for that
    /// trim or clear to drop them on its own thread once it has walked every cache.
    pub(crate) expired: Vec<Box<T>>,
    /// The pool's trim generation; changed only under the lock.
    pub(crate) generation: Generation,
    /// The heap bytes of `current` and `victim`, kept only for a pool with `max_idle_bytes`,
    /// whose values all sit here (`Shared::bounds_bytes`).
    pub(crate) bytes: usize,
}

impl<T> Depot<T> {
    /// An empty depot with room for `capacity` values, so that steady-state spills never grow
    /// it (a grow is an allocation on a return).
    pub(crate) fn new(capacity: usize) -> Self {
        Depot {
            current: Vec::with_capacity(capacity),
            victim: Vec::new(),
            expired: Vec::new(),
            generation: Generation::default(),
            bytes: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.current.len() + self.victim.len()
    }

    /// Moves up to `n` values idle since the last trim into `into`, newest first; when there
    /// are none, one victim. Victims move one at a time because moving one rescues it from the
    /// next trim: only a victim that is handed out again should be rescued.
    pub(crate) fn pop_into(&mut self, into: &mut Vec<Box<T>>, n: usize) -> usize {
        let from_current = n.min(self.current.len());
        if from_current > 0 {
            into.extend(self.current.drain(self.current.len() - from_current..));
            return from_current;
        }
        if n == 0 {
            return 0;
        }
        match self.victim.pop() {
            Some(value) => {
                into.push(value);
                1
            }
            None => 0,
        }
    }

    /// One value, newest first, victims last.
    pub(crate) fn pop(&mut self) -> Option<Box<T>> {
        self.current.pop().or_else(|| self.victim.pop())
    }

    /// Everything, for a clear or a closing pool.
    pub(crate) fn drain(&mut self) -> Vec<Box<T>> {
        let mut all = std::mem::take(&mut self.current);
        all.append(&mut self.victim);
        all
    }
}
