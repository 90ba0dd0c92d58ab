//! [`Cache`]: one thread's private stock of idle values for one pool, reachable by others.
//!
//! The owner thread gets and returns through [`Cache::pop_fast`] and [`Cache::push_fast`]: a
//! pop or a push with no lock and no atomic operation but the cache's own [`Claim`]. Anything
//! more (refilling, spilling, reserving slots, catching up with a trim) happens under a
//! [`Held`] claim in `shared.rs`, and so do other threads reaching in: a trim, a clear, a
//! dropped pool, a `stats()`, a get stealing values or a return looking for a slot.

use std::ops::{Deref, DerefMut};

use crate::claim::{Claim, Hint};
use crate::generation::Generation;
use crate::stats::{LocalCounts, Origin};
use crate::sync::{MutPtr, UnsafeCell};

/// A thread's cache for one pool.
#[derive(Debug)]
pub(crate) struct Cache<T> {
    claim: Claim,
    data: UnsafeCell<CacheData<T>>,
}

// SAFETY: `data` is only reached through the claim, which one thread holds at a time and whose
// swap/release pair orders each holder after the last; the values in it are `Send`.
unsafe impl<T: Send> Sync for Cache<T> {}
// SAFETY: as above; a cache moves between threads only inside an `Arc`.
unsafe impl<T: Send> Send for Cache<T> {}

/// What a cache holds, reached only through its claim.
#[derive(Debug)]
pub(crate) struct CacheData<T> {
    /// Idle values, newest last. Its capacity is the pool's `local_cap`; it never grows, so
    /// the fast return never calls the allocator.
    pub(crate) values: Vec<Box<T>>,
    /// Slots from the pool's budget: room for `reserved - values.len()` more values.
    pub(crate) reserved: usize,
    /// The trim generation the values belong to.
    pub(crate) generation: Generation,
    /// The owner's events, counted without atomics.
    pub(crate) counts: LocalCounts,
}

impl<T> Cache<T> {
    /// An empty cache for a pool whose caches hold at most `local_cap` values, at `generation`.
    pub(crate) fn new(local_cap: usize, generation: Generation) -> Self {
        Cache {
            claim: Claim::new(),
            data: UnsafeCell::new(CacheData {
                values: Vec::with_capacity(local_cap),
                reserved: 0,
                generation,
                counts: LocalCounts::default(),
            }),
        }
    }

    /// The fast get: an idle value, unless the cache is empty or another thread holds it.
    #[inline]
    pub(crate) fn pop_fast(&self) -> Option<Box<T>> {
        let mut held = self.try_hold()?;
        let value = held.values.pop()?;
        held.counts.reused += 1;
        Some(value)
    }

    /// The fast return: keeps `value` in a reserved slot, or hands it back (no slot, or another
    /// thread holds the cache).
    #[inline]
    pub(crate) fn push_fast(&self, value: Box<T>, origin: Origin) -> Result<(), Box<T>> {
        let Some(mut held) = self.try_hold() else {
            return Err(value);
        };
        held.push(value, origin)
    }

    /// The cache, if no other thread holds it.
    #[inline]
    pub(crate) fn try_hold(&self) -> Option<Held<'_, T>> {
        self.claim.try_hold().then(|| Held {
            claim: &self.claim,
            data: self.data.get_mut(),
        })
    }

    /// The cache, once the thread that holds it lets go.
    pub(crate) fn hold(&self) -> Held<'_, T> {
        self.claim.hold();
        Held {
            claim: &self.claim,
            data: self.data.get_mut(),
        }
    }

    /// What the cache held at its last release; `None` while a thread holds it.
    pub(crate) fn hint(&self) -> Option<Hint> {
        self.claim.hint()
    }
}

/// A held claim on a cache: the only way to its data. Gives the claim back on drop.
pub(crate) struct Held<'a, T> {
    claim: &'a Claim,
    data: MutPtr<CacheData<T>>,
}

impl<T> Held<'_, T> {
    /// Keeps `value` in a reserved slot, counting it; hands it back if there is none.
    #[inline]
    pub(crate) fn push(&mut self, value: Box<T>, origin: Origin) -> Result<(), Box<T>> {
        if self.values.len() >= self.reserved {
            return Err(value);
        }
        debug_assert!(self.values.len() < self.values.capacity());
        self.values.push(value);
        self.counts.returned(origin);
        Ok(())
    }

    /// Takes an idle value, counting it reused.
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
        self.claim.give_back(len, reserved);
    }
}
