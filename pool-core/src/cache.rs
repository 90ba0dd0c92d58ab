//! [`Cache`]: one thread's private stock of idle values for one pool, reachable by others.
//!
//! The owner thread gets and returns through [`Cache::pop_fast`] and [`Cache::push_fast`]: a
//! pop or a push under the owner's [`Claim`], two plain stores and a load, with no lock and no
//! read-modify-write. Anything
//! more (refilling, spilling, reserving slots, catching up with a trim) happens under a
//! [`Held`] claim in `shared.rs`, and so do other threads reaching in: a trim, a clear, a
//! dropped pool, a `stats()`, a get stealing values or a return looking for a slot.

use std::ops::{Deref, DerefMut};

use crossbeam_utils::CachePadded;

use crate::barrier;
use crate::budget::Budget;
use crate::claim::{Ask, Asked, Claim, Hint, Holder};
use crate::generation::Generation;
use crate::stats::{LocalCounts, Origin};
use crate::sync::{Arc, MutPtr, UnsafeCell};

/// A thread's cache for one pool.
///
/// Padded to a cache line of its own: the owner writes its claim on every get and return, and
/// two threads' caches, made one after the other, would otherwise share a line and stall each
/// other on every operation (this halved the cost of two threads sharing a pool).
#[derive(Debug)]
pub(crate) struct Cache<T>(CachePadded<Parts<T>>);

/// A cache's claim and the data behind it, in one padded block of their own.
#[derive(Debug)]
struct Parts<T> {
    claim: Claim,
    data: UnsafeCell<CacheData<T>>,
}

// SAFETY: `data` is only reached through the claim, which one thread holds at a time and whose
// protocol orders each holder after the last (`claim.rs`); the values in it are `Send`.
unsafe impl<T: Send> Sync for Cache<T> {}
// SAFETY: as above; a cache moves between threads only inside an `Arc`.
unsafe impl<T: Send> Send for Cache<T> {}

/// What a cache holds, reached only through its claim.
#[derive(Debug)]
pub(crate) struct CacheData<T> {
    /// Idle values, newest last. Its capacity is the pool's `local_cap`; it never grows, so
    /// the fast return never calls the allocator. Changed only by the moves below and by
    /// [`Held`]'s `push` and `pop`.
    values: Vec<Box<T>>,
    /// Slots from the pool's budget: room for `reserved - values.len()` more values. Changed
    /// only by the moves below, which keep `values.len() <= reserved <= local_cap`.
    reserved: usize,
    /// The trim generation the values belong to.
    pub(crate) generation: Generation,
    /// The owner's events, counted without atomics.
    pub(crate) counts: LocalCounts,
}

/// Every move of values or slots in or out of a cache, each with both sides of the slot
/// equation it touches (see `budget.rs`): a value leaves with its slot, or the slot goes back to
/// the budget; a value comes in with its slot, or takes one from the budget.
impl<T> CacheData<T> {
    /// The idle values, newest last.
    pub(crate) fn values(&self) -> &[Box<T>] {
        &self.values
    }

    /// The slots the cache holds, used or not.
    pub(crate) fn reserved(&self) -> usize {
        self.reserved
    }

    /// Reserved slots that hold no value.
    pub(crate) fn empty_slots(&self) -> usize {
        self.reserved - self.values.len()
    }

    /// Moves the `n` oldest values to `to`, a list of the depot's, each with its slot.
    pub(crate) fn hand_over(&mut self, n: usize, to: &mut Vec<Box<T>>) {
        to.extend(self.values.drain(..n));
        self.reserved -= n;
        self.check();
    }

    /// Moves every value to `to`, a list of the depot's, each with its slot; returns how many.
    pub(crate) fn hand_over_all(&mut self, to: &mut Vec<Box<T>>) -> usize {
        let n = self.values.len();
        to.append(&mut self.values);
        self.reserved -= n;
        self.check();
        n
    }

    /// Moves every value to `to`, the depot's expired values, and their slots to the budget;
    /// returns how many.
    pub(crate) fn expire_all(&mut self, to: &mut Vec<Box<T>>, budget: &Budget) -> usize {
        let n = self.values.len();
        to.append(&mut self.values);
        self.reserved -= n;
        budget.give(n);
        self.check();
        n
    }

    /// Refills an empty cache with the values `pop_into` moves in from the depot, each with
    /// its slot; the cache's empty slots go back to the budget first. Returns how many came.
    pub(crate) fn refill(
        &mut self,
        budget: &Budget,
        pop_into: impl FnOnce(&mut Vec<Box<T>>) -> usize,
    ) -> usize {
        debug_assert!(self.values.is_empty(), "a refill of a cache holding values");
        self.release_empty(budget);
        let moved = pop_into(&mut self.values);
        self.reserved += moved;
        self.check();
        moved
    }

    /// Gives the empty slots back to the budget; returns how many.
    pub(crate) fn release_empty(&mut self, budget: &Budget) -> usize {
        let n = self.empty_slots();
        self.reserved -= n;
        budget.give(n);
        self.check();
        n
    }

    /// Takes up to `want` slots from the budget, no more than the cache has room for; returns
    /// how many it took.
    pub(crate) fn reserve(&mut self, budget: &Budget, want: usize) -> usize {
        let n = budget.take(want.min(self.values.capacity() - self.reserved));
        self.reserved += n;
        self.check();
        n
    }

    /// The cache's side of the slot equation.
    fn check(&self) {
        debug_assert!(
            self.values.len() <= self.reserved && self.reserved <= self.values.capacity(),
            "a cache holds {} values in {} slots, room for {}",
            self.values.len(),
            self.reserved,
            self.values.capacity()
        );
    }
}

impl<T> Cache<T> {
    /// An empty cache for a pool whose caches hold at most `local_cap` values, at `generation`.
    pub(crate) fn new(local_cap: usize, generation: Generation) -> Self {
        Cache(CachePadded::new(Parts {
            claim: Claim::new(),
            data: UnsafeCell::new(CacheData {
                values: Vec::with_capacity(local_cap),
                reserved: 0,
                generation,
                counts: LocalCounts::default(),
            }),
        }))
    }

    /// The fast get: an idle value, unless the cache is empty or another thread holds it.
    ///
    /// # Safety
    ///
    /// As [`Cache::try_hold_own`].
    #[inline]
    pub(crate) unsafe fn pop_fast(&self) -> Option<Box<T>> {
        // SAFETY: the caller's contract.
        Self::pop_held(unsafe { self.try_hold_own() }?)
    }

    /// The fast return: keeps `value` in a reserved slot, or hands it back (no slot, or another
    /// thread holds the cache).
    ///
    /// # Safety
    ///
    /// As [`Cache::try_hold_own`].
    #[inline]
    pub(crate) unsafe fn push_fast(&self, value: Box<T>, origin: Origin) -> Result<(), Box<T>> {
        // SAFETY: the caller's contract.
        match unsafe { self.try_hold_own() } {
            Some(mut held) => held.push(value, origin),
            None => Err(value),
        }
    }

    /// [`Cache::pop_fast`] where the system has no asymmetric barrier, whose fast claim always
    /// fails: the owner's claim with a full fence ([`Claim::try_hold_own_fenced`]).
    ///
    /// # Safety
    ///
    /// As [`Cache::try_hold_own`].
    pub(crate) unsafe fn pop_fenced(&self) -> Option<Box<T>> {
        // SAFETY: the caller's contract.
        let held = unsafe { self.0.claim.try_hold_own_fenced() }.then(|| self.held(Holder::Owner));
        Self::pop_held(held?)
    }

    /// [`Cache::push_fast`] where the system has no asymmetric barrier, as [`Cache::pop_fenced`].
    ///
    /// # Safety
    ///
    /// As [`Cache::try_hold_own`].
    pub(crate) unsafe fn push_fenced(&self, value: Box<T>, origin: Origin) -> Result<(), Box<T>> {
        // SAFETY: the caller's contract.
        if unsafe { self.0.claim.try_hold_own_fenced() } {
            self.held(Holder::Owner).push(value, origin)
        } else {
            Err(value)
        }
    }

    #[inline]
    fn pop_held(mut held: Held<'_, T>) -> Option<Box<T>> {
        held.pop()
    }

    /// The owner's fast claim on its own cache, unless a visitor holds it or has been in.
    ///
    /// # Safety
    ///
    /// As [`Claim::try_hold_own`]: only the thread that owns this cache may call it, and not
    /// while it holds the claim.
    #[inline]
    pub(crate) unsafe fn try_hold_own(&self) -> Option<Held<'_, T>> {
        // SAFETY: the caller's contract.
        unsafe { self.0.claim.try_hold_own() }.then(|| self.held(Holder::Owner))
    }

    /// The owner's claim on its own cache, once a visitor that holds it lets go.
    ///
    /// # Safety
    ///
    /// As [`Cache::try_hold_own`].
    pub(crate) unsafe fn hold_own(&self) -> Held<'_, T> {
        // SAFETY: the caller's contract.
        let asked = unsafe { self.0.claim.hold_own() };
        let mut held = self.held(Holder::Owner);
        held.asked = asked;
        held
    }

    /// The cache, from any thread, once whoever holds it lets go.
    pub(crate) fn hold(&self) -> Held<'_, T> {
        self.0.claim.hold();
        self.held(Holder::Visitor)
    }

    /// Every cache of `caches` at once, from any thread, for a snapshot or a walk (whose
    /// caller holds the list of caches, so no other thread holds more than one claim): each
    /// lock taken, then one barrier for all, then each owner waited for.
    pub(crate) fn hold_all<'a>(caches: &'a [Arc<Cache<T>>]) -> Vec<Held<'a, T>> {
        // Allocated before any lock is taken, so a failed allocation leaves none held.
        let mut held = Vec::with_capacity(caches.len());
        caches.iter().for_each(|cache| cache.0.claim.lock());
        barrier::heavy();
        for cache in caches {
            cache.0.claim.wait_for_owner();
            held.push(cache.held(Holder::Visitor));
        }
        held
    }

    #[inline]
    fn held(&self, holder: Holder) -> Held<'_, T> {
        Held {
            claim: &self.0.claim,
            holder,
            asked: Asked::default(),
            data: self.0.data.get_mut(),
        }
    }

    /// Asks the owner to share (see [`Claim::ask`]); false if a visitor holds the cache now.
    pub(crate) fn ask(&self, ask: Ask) -> bool {
        self.0.claim.ask(ask)
    }

    /// What the cache held at its last release; `None` while a thread holds it.
    pub(crate) fn hint(&self) -> Option<Hint> {
        self.0.claim.hint()
    }
}

/// A held claim on a cache: the only way to its data. Gives the claim back on drop.
pub(crate) struct Held<'a, T> {
    claim: &'a Claim,
    holder: Holder,
    /// What visitors asked of the owner since it last held the cache (`Shared::share`).
    pub(crate) asked: Asked,
    data: MutPtr<CacheData<T>>,
}

impl<T> Held<'_, T> {
    /// Keeps `value` in a reserved slot, counting it; hands it back if there is none.
    #[inline]
    pub(crate) fn push(&mut self, value: Box<T>, origin: Origin) -> Result<(), Box<T>> {
        // `reserved` never exceeds the capacity; the bound says so to the compiler too, which
        // then leaves the growing out of the push (a call that would make the fast return
        // save registers).
        debug_assert!(self.reserved <= self.values.capacity());
        if self.values.len() >= self.reserved.min(self.values.capacity()) {
            return Err(value);
        }
        self.values.push(value);
        self.counts.returned(origin);
        Ok(())
    }

    /// Takes an idle value, counting it reused.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Box<T>> {
        let value = self.values.pop()?;
        self.counts.reused += 1;
        Some(value)
    }
}

impl<T> Deref for Held<'_, T> {
    type Target = CacheData<T>;

    #[inline]
    fn deref(&self) -> &CacheData<T> {
        // SAFETY: this guard holds the claim, so no other thread or guard reaches the data.
        unsafe { self.data.deref() }
    }
}

impl<T> DerefMut for Held<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut CacheData<T> {
        // SAFETY: as in `deref`, and `&mut self` makes this the only borrow through the guard.
        unsafe { self.data.deref() }
    }
}

impl<T> Drop for Held<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let (len, reserved) = (self.values.len(), self.reserved);
        self.claim.give_back(self.holder, len, reserved);
    }
}
