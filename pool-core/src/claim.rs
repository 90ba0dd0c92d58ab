//! [`Claim`]: who may touch a thread's cache right now, its owner or another thread reaching in.
//!
//! Every operation on a cache, the owner's fast get and return included, holds its claim, so a
//! cache is never out of reach: `trim`, `clear`, `stats`, a dropped pool, and another thread's
//! get or return can take values and slots from the cache of a thread that is parked. Taking
//! the claim is one `swap` on a line the owner already has; giving it back is the release store
//! the operation needs anyway, and it publishes the cache's length and reserved slots so other
//! threads can see, without taking the claim, whether reaching in is worth it.

use crate::sync::{yield_now, AtomicUsize, Ordering};

/// The claim word: [`HELD`] while a thread holds the cache, otherwise a [`Hint`] of its contents
/// (`reserved << FIELD | len`, both at most 64, so never `HELD`).
#[derive(Debug)]
pub(crate) struct Claim {
    word: AtomicUsize,
}

const HELD: usize = usize::MAX;
/// How long a waiter spins before it yields its core: a claim is held for a pop or a push, or at
/// most one batch moved under the depot's lock.
const SPINS_BEFORE_YIELD: u32 = 200;
/// Bits per field of a hint: a cache holds at most 64 values (`shared::LOCAL_CAP`).
const FIELD: u32 = 16;
const MASK: usize = (1 << FIELD) - 1;

/// What a cache held when its claim was last given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hint {
    /// Idle values in the cache.
    pub(crate) len: usize,
    /// Slots the cache holds, used or not.
    pub(crate) reserved: usize,
}

impl Hint {
    /// Reserved slots that hold no value.
    pub(crate) fn empty_slots(self) -> usize {
        self.reserved - self.len
    }
}

impl Claim {
    pub(crate) fn new() -> Self {
        Claim {
            word: AtomicUsize::new(0),
        }
    }

    /// Takes the claim if nobody holds it. Never waits.
    #[inline]
    pub(crate) fn try_hold(&self) -> bool {
        // A `swap` rather than a compare-exchange: over a held word it writes `HELD` again, which
        // changes nothing. Acquire: the holder sees everything the last holder wrote to the cache
        // before its release in `give_back`.
        self.word.swap(HELD, Ordering::Acquire) != HELD
    }

    /// Takes the claim, waiting for the thread that holds it. A holder keeps it for a bounded
    /// time: it runs no user code, waits for no other claim, and takes only the depot's lock.
    pub(crate) fn hold(&self) {
        // Waits reading, not swapping: a waiter's swaps would only write `HELD` over `HELD`,
        // but they would keep the line bouncing between the cores.
        let mut spins = 0_u32;
        loop {
            let word = self.peek();
            if word != HELD
                && self
                    .word
                    .compare_exchange(word, HELD, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return;
            }
            // Whoever holds it is mid-operation on another core, done within a few hundred
            // cycles: spin that long. Past it the holder was preempted: give up the core to it.
            if spins < SPINS_BEFORE_YIELD && !cfg!(loom) {
                spins += 1;
                std::hint::spin_loop();
            } else {
                yield_now();
            }
        }
    }

    /// The word now, for a waiter.
    #[cfg(not(loom))]
    fn peek(&self) -> usize {
        self.word.load(Ordering::Relaxed)
    }

    /// The word now, for a waiter. loom lets a relaxed load in a loop return a stale value
    /// for ever, and counts every write as progress, so under loom a waiter reads with a
    /// compare-exchange that cannot succeed: it reads the latest value and writes nothing.
    #[cfg(loom)]
    fn peek(&self) -> usize {
        const NEVER: usize = HELD - 1;
        match self
            .word
            .compare_exchange(NEVER, NEVER, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(word) | Err(word) => word,
        }
    }

    /// Gives the claim back, publishing what the cache now holds.
    #[inline]
    pub(crate) fn give_back(&self, len: usize, reserved: usize) {
        debug_assert!(len <= reserved && reserved <= MASK);
        // Release: the next holder sees this holder's writes to the cache.
        self.word
            .store((reserved << FIELD) | len, Ordering::Release);
    }

    /// What the cache held at its last release, or `None` while someone holds it.
    pub(crate) fn hint(&self) -> Option<Hint> {
        let word = self.word.load(Ordering::Relaxed);
        (word != HELD).then_some(Hint {
            len: word & MASK,
            reserved: word >> FIELD,
        })
    }
}
