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
    /// For a pool with `max_idle_bytes`, whose values all sit here (`Shared::bounds_bytes`):
    /// the heap bytes of each value of `current` and `victim`, measured once as it came in
    /// (outside the lock: `heap_bytes` is user code), in the same order, and their total.
    /// Empty, and 0, for every other pool.
    current_bytes: Vec<usize>,
    victim_bytes: Vec<usize>,
    pub(crate) bytes: usize,
    /// Whether the pool bounds its bytes, so the depot measures its values.
    measured: bool,
}

impl<T> Depot<T> {
    /// An empty depot with room for `capacity` values, so that steady-state spills never grow
    /// it (a grow is an allocation on a return).
    pub(crate) fn new(capacity: usize, measured: bool) -> Self {
        Depot {
            current: Vec::with_capacity(capacity),
            victim: Vec::new(),
            expired: Vec::new(),
            generation: Generation::default(),
            current_bytes: Vec::new(),
            victim_bytes: Vec::new(),
            bytes: 0,
            measured,
        }
    }

    /// Keeps a value of a pool that bounds its bytes, with its measured heap bytes.
    pub(crate) fn push_measured(&mut self, value: Box<T>, bytes: usize) {
        debug_assert!(self.measured);
        self.current.push(value);
        self.current_bytes.push(bytes);
        self.bytes += bytes;
        self.check_measured();
    }

    /// [`pop`](Depot::pop) for a pool that bounds its bytes.
    pub(crate) fn pop_measured(&mut self) -> Option<Box<T>> {
        let (value, bytes) = match self.current.pop() {
            Some(value) => (value, self.current_bytes.pop()),
            None => (self.victim.pop()?, self.victim_bytes.pop()),
        };
        self.bytes -= bytes.expect("a measured depot measures every value");
        self.check_measured();
        Some(value)
    }

    /// A trim: what is idle now becomes the victims, and the victims are returned, to drop.
    pub(crate) fn trim(&mut self) -> Vec<Box<T>> {
        let dropped = std::mem::replace(&mut self.victim, std::mem::take(&mut self.current));
        let dropped_bytes = std::mem::replace(
            &mut self.victim_bytes,
            std::mem::take(&mut self.current_bytes),
        );
        self.bytes -= dropped_bytes.iter().sum::<usize>();
        self.generation = self.generation.trimmed();
        self.check_measured();
        dropped
    }

    /// A clear: every value is returned, to drop.
    pub(crate) fn clear(&mut self) -> Vec<Box<T>> {
        let dropped = self.drain();
        self.generation = self.generation.cleared();
        dropped
    }

    /// A measured depot holds a measure for each value, and they add up to `bytes`.
    fn check_measured(&self) {
        debug_assert!(
            !self.measured
                || self.current_bytes.len() == self.current.len()
                    && self.victim_bytes.len() == self.victim.len()
                    && self.bytes
                        == self.current_bytes.iter().sum::<usize>()
                            + self.victim_bytes.iter().sum::<usize>(),
            "the depot's measures do not match its values"
        );
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
        self.current_bytes.clear();
        self.victim_bytes.clear();
        self.bytes = 0;
        all
    }
}
