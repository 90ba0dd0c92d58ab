//! [`Claim`]: who may touch a thread's cache right now, its owner or another thread reaching in.
//!
//! Every operation on a cache, the owner's fast get and return included, holds its claim, so a
//! cache is never out of reach: `trim`, `clear`, `stats`, a dropped pool, and another thread's
//! get or return can take values and slots from the cache of a thread that is parked.
//!
//! The claim is biased towards the owner, which holds it millions of times a second while
//! visitors come rarely. The owner holds it with plain stores: it marks itself busy, runs the
//! light half of an asymmetric barrier (a compiler fence) and checks that no visitor holds the
//! lock. A visitor takes the lock with a compare-exchange, runs the heavy half (a process-wide
//! barrier, see `barrier.rs`), then waits until the owner is not busy. Either the owner sees the
//! lock taken, or the visitor sees the owner busy: never neither. So the owner's fast path has no
//! locked instruction, which on x86 would stop every later memory access from overlapping the
//! cache misses before it.
//!
//! Giving the claim back publishes what the cache holds, its length and reserved slots, so other
//! threads can see, without taking the claim, whether reaching in is worth it: the owner in its
//! busy word, a visitor in the lock word (marked visited, which sends the owner's next operation
//! the slow way once, to clear the mark).

use crate::barrier;
use crate::budget::LOCAL_CAP;
use crate::sync::{fence, yield_now, AtomicUsize, Ordering};

/// A cache's claim: the owner's busy word and the visitors' lock.
#[derive(Debug)]
pub(crate) struct Claim {
    /// Written by the owner thread only: [`BUSY`] while it holds the cache, otherwise the
    /// [`Hint`] it left (or [`ASIDE`], while it waits for a visitor).
    state: AtomicUsize,
    /// [`FREE`] (or [`FENCED`], without an asymmetric barrier); [`HELD`] by a visitor, or by
    /// the owner clearing a visit; or free with the [`VISITED`] mark and the [`Hint`] the last
    /// visitor left.
    lock: AtomicUsize,
}

const BUSY: usize = usize::MAX;
/// The owner's busy word while it stands aside for a visitor ([`Claim::step_aside`]): not busy,
/// and what the cache holds unknown (a visitor may be changing it), so [`Claim::hint`] says
/// nothing rather than "empty", which would turn steals and reclaims away from it.
const ASIDE: usize = usize::MAX - 1;
// Every hint is below `ASIDE` and `BUSY`, 32-bit targets included: a cache holds at most
// `LOCAL_CAP` slots.
const _: () = assert!((LOCAL_CAP << FIELD) | LOCAL_CAP < ASIDE && LOCAL_CAP <= MASK);
const FREE: usize = 0;
const HELD: usize = usize::MAX;
/// The lock word's mark of a visit since the owner last held the cache; the bits below it are
/// the visitor's hint.
const VISITED: usize = 1 << (usize::BITS - 1);
/// The free lock where there is no asymmetric barrier: the owner must claim with a real fence
/// ([`Claim::try_hold_own_fenced`]). A visit marks it [`VISITED`] as it does [`FREE`].
const FENCED: usize = 1 << (usize::BITS - 2);
/// The lock word's marks that a visitor asked the owner to share at its next operation
/// ([`Claim::ask`]): free again, they send the owner's fast claim the slow way, which reports
/// them ([`Claim::hold_own`]).
const ASKED: usize = Ask::Slots.bit() | Ask::Values.bit();

/// What a visitor asks an owner to share, rather than reach into its cache: a running owner
/// gives it at its next operation, which costs far less than the visitor's barrier (an
/// interrupt of every running thread).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ask {
    /// The cache's empty slots, back to the budget, for a return.
    Slots,
    /// Half its values, to the depot, for a get.
    Values,
}

impl Ask {
    /// The ask's mark in the lock word.
    const fn bit(self) -> usize {
        match self {
            Ask::Slots => 1 << (usize::BITS - 3),
            Ask::Values => 1 << (usize::BITS - 4),
        }
    }
}

/// What visitors asked of an owner, reported when it next holds its cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Asked(usize);

impl Asked {
    /// Whether `ask` was asked.
    pub(crate) fn contains(self, ask: Ask) -> bool {
        self.0 & ask.bit() != 0
    }
}
/// How long a waiter spins before it yields its core: a claim is held for a pop or a push, or at
/// most one batch moved under the depot's lock.
const SPINS_BEFORE_YIELD: u32 = 200;
/// Bits per field of a hint: a cache holds at most 64 values (`budget::LOCAL_CAP`).
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

    fn encode(len: usize, reserved: usize) -> usize {
        debug_assert!(len <= reserved && reserved <= LOCAL_CAP);
        (reserved << FIELD) | len
    }

    fn decode(word: usize) -> Hint {
        Hint {
            len: word & MASK,
            reserved: (word >> FIELD) & MASK,
        }
    }
}

/// Who holds a claim, which decides how it is given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    /// The cache's own thread, through its busy word.
    Owner,
    /// Any thread, the owner included, through the lock.
    Visitor,
}

impl Claim {
    /// A claim nobody holds. Where the system has no asymmetric barrier ([`barrier::available`]
    /// is false) the lock is [`FENCED`] when free, so the owner's fast claim always fails and
    /// the owner claims with [`Claim::try_hold_own_fenced`] instead.
    pub(crate) fn new() -> Self {
        Claim {
            state: AtomicUsize::new(Hint::encode(0, 0)),
            lock: AtomicUsize::new(free()),
        }
    }

    /// The owner's fast claim: succeeds unless a visitor holds the lock or has left its mark
    /// (or the system has no asymmetric barrier: see [`Claim::new`]). Never waits.
    ///
    /// # Safety
    ///
    /// Only the cache's own thread may call it (the busy word has one writer), and not while
    /// it holds the claim.
    #[inline(always)]
    pub(crate) unsafe fn try_hold_own(&self) -> bool {
        self.state.store(BUSY, Ordering::Relaxed);
        barrier::light();
        // A visitor's writes to the cache are published by its release store of the lock, with
        // the `VISITED` mark; this load returns `FREE` only if no visitor came since the owner
        // last cleared the mark, so it needs no acquire.
        if self.lock.load(Ordering::Relaxed) == FREE {
            return true;
        }
        self.step_aside();
        false
    }

    /// The owner's claim where there is no asymmetric barrier: [`Claim::try_hold_own`] with a
    /// full fence, pairing with the visitor's, which is a fence too then. Never waits.
    ///
    /// # Safety
    ///
    /// As [`Claim::try_hold_own`].
    #[inline]
    pub(crate) unsafe fn try_hold_own_fenced(&self) -> bool {
        self.state.store(BUSY, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        // As in `try_hold_own`: a visitor leaves its mark, which the slow path clears.
        if self.lock.load(Ordering::Relaxed) == FENCED {
            return true;
        }
        self.step_aside();
        false
    }

    /// The owner's claim when the fast one failed: waits for a visitor holding the lock, and
    /// clears a visit's mark.
    ///
    /// # Safety
    ///
    /// As [`Claim::try_hold_own`].
    pub(crate) unsafe fn hold_own(&self) -> Asked {
        let free = free();
        let mut spins = 0_u32;
        loop {
            self.state.store(BUSY, Ordering::Relaxed);
            if free == FREE {
                barrier::light();
            } else {
                fence(Ordering::SeqCst);
            }
            let lock = self.lock.load(Ordering::Relaxed);
            if lock == free {
                return Asked::default();
            }
            // Acquire: the visitor's writes to the cache. Release: a visitor that takes the lock
            // after this sees the owner busy, barrier or not.
            if lock != HELD
                && self
                    .lock
                    .compare_exchange(lock, free, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                return Asked(lock & ASKED);
            }
            self.step_aside();
            while self.lock.load(Ordering::Relaxed) == HELD {
                wait(&mut spins);
            }
        }
    }

    /// The owner backs off from a lock a visitor holds: not busy, so the visitor can go on.
    #[inline(always)]
    fn step_aside(&self) {
        // Release: the owner's writes of its last operation, for the visitor that reads this.
        self.state.store(ASIDE, Ordering::Release);
    }

    /// Asks the owner to share at its next operation; false if a visitor holds the cache now
    /// (it is being reached into anyway). The ask is served once the owner's slow claim clears
    /// it ([`Claim::hold_own`]), or a visitor takes the lock and does the work itself.
    pub(crate) fn ask(&self, ask: Ask) -> bool {
        let mut lock = self.lock.load(Ordering::Relaxed);
        loop {
            if lock == HELD {
                return false;
            }
            if lock & ask.bit() != 0 {
                return true;
            }
            match self.lock.compare_exchange_weak(
                lock,
                lock | ask.bit(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => lock = now,
            }
        }
    }

    /// Takes the claim from any thread, the owner's included, waiting for its holder: a holder
    /// keeps it for a bounded time (it runs no user code and takes only the depot's lock; only
    /// a snapshot or a walk, which holds the list of caches, waits for a second claim).
    pub(crate) fn hold(&self) {
        self.lock();
        // Either the owner's next claim sees the lock held, or this sees the owner busy.
        barrier::heavy();
        self.wait_for_owner();
    }

    /// The first step of [`Claim::hold`]: takes the lock, which keeps other visitors out and
    /// turns the owner's next claim away. The claim is held once a [`barrier::heavy`] has run
    /// after this, and then [`Claim::wait_for_owner`]; a snapshot runs one barrier for many.
    pub(crate) fn lock(&self) {
        let mut spins = 0_u32;
        loop {
            // Waits reading, not swapping, so the line does not bounce between the cores.
            let lock = self.lock.load(Ordering::Relaxed);
            if lock != HELD
                && self
                    .lock
                    .compare_exchange(lock, HELD, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return;
            }
            wait(&mut spins);
        }
    }

    /// The last step of [`Claim::hold`]: waits until the owner is not busy.
    pub(crate) fn wait_for_owner(&self) {
        let mut spins = 0_u32;
        // Acquire: the owner's writes, published by its release store of a hint.
        while self.state.load(Ordering::Acquire) == BUSY {
            wait(&mut spins);
        }
    }

    /// Gives the claim back, publishing what the cache now holds.
    #[inline(always)]
    pub(crate) fn give_back(&self, holder: Holder, len: usize, reserved: usize) {
        let hint = Hint::encode(len, reserved);
        // Release: the next holder sees this holder's writes to the cache.
        match holder {
            Holder::Owner => self.state.store(hint, Ordering::Release),
            Holder::Visitor => self.lock.store(free() | VISITED | hint, Ordering::Release),
        }
    }

    /// What the cache held at its last release, or `None` while someone holds it (or its owner
    /// stands aside for a visitor, and what it holds is not known).
    pub(crate) fn hint(&self) -> Option<Hint> {
        match self.lock.load(Ordering::Relaxed) {
            HELD => None,
            visited if visited & VISITED != 0 => Some(Hint::decode(visited)),
            _ => match self.state.load(Ordering::Relaxed) {
                BUSY | ASIDE => None,
                state => Some(Hint::decode(state)),
            },
        }
    }
}

/// The lock word when nobody holds it and no visitor has been in: [`FREE`], or [`FENCED`]
/// where there is no asymmetric barrier.
fn free() -> usize {
    if barrier::available() {
        FREE
    } else {
        FENCED
    }
}

/// One round of waiting for a claim: the holder is mid-operation on another core, done within
/// a few hundred cycles, so spin that long; past it the holder was preempted: give it the core.
fn wait(spins: &mut u32) {
    if *spins < SPINS_BEFORE_YIELD && !cfg!(loom) {
        *spins += 1;
        std::hint::spin_loop();
    } else {
        yield_now();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// An owner turned away by a visitor's mark steps aside until its slow claim; meanwhile
    /// its hint must not say the cache is empty, or a steal or reclaim skips a cache that
    /// holds what it looks for (a get then creates, a return is discarded, while values and
    /// slots sit idle).
    #[test]
    fn an_owner_stepping_aside_does_not_hide_what_its_cache_holds() {
        for ask in [Ask::Values, Ask::Slots] {
            let claim = Claim::new();
            // SAFETY: this thread is the claim's only owner, and holds it nowhere else.
            unsafe {
                claim.hold_own();
            }
            claim.give_back(Holder::Owner, 5, 8);
            assert_eq!(
                claim.hint(),
                Some(Hint {
                    len: 5,
                    reserved: 8
                })
            );
            assert!(claim.ask(ask));
            // SAFETY: as above; a failed claim is not held.
            let fast = unsafe { claim.try_hold_own() };
            // SAFETY: as above.
            let fenced = unsafe { claim.try_hold_own_fenced() };
            assert!(!fast, "an ask turns the fast claim away");
            assert!(!fenced, "and the fenced one");
            let hint = claim.hint();
            assert!(
                hint.map_or(true, |hint| hint.len == 5 && hint.reserved == 8),
                "{ask:?}: hint {hint:?} while the owner stands aside"
            );
            // A visitor holding the lock turns the owner away too, and gets past an owner
            // standing aside (it would wait forever for one it took for busy).
            claim.lock();
            // SAFETY: as above.
            assert!(!unsafe { claim.try_hold_own() }, "a visitor holds the lock");
            claim.wait_for_owner();
            assert_eq!(claim.hint(), None, "held by the visitor");
            claim.give_back(Holder::Visitor, 3, 8);
            assert_eq!(
                claim.hint(),
                Some(Hint {
                    len: 3,
                    reserved: 8
                })
            );
        }
    }
}
