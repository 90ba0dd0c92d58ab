//! [`Generation`]: how many trims a pool has seen, and what a lag behind it means for a value.

/// A pool's trim generation: [`Pool::trim`](crate::Pool::trim) advances it by one,
/// [`Pool::clear`](crate::Pool::clear) by two. The depot holds the pool's; each thread's cache
/// holds the one its values belong to, and is brought up to date under the depot's lock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Generation(u64);

/// What a value idle since generation `then` is, now that the pool is at generation `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Age {
    /// Idle since the last trim: it stays.
    Current,
    /// Idle since before the last trim: a victim, dropped at the next trim unless reused first.
    Victim,
    /// Idle since before the last two trims, or a clear: dropped now.
    Expired,
}

impl Generation {
    /// The count itself, for the lock-free copy the pool keeps.
    pub(crate) fn value(self) -> u64 {
        self.0
    }

    /// The generation after a trim.
    pub(crate) fn trimmed(self) -> Self {
        Generation(self.0 + 1)
    }

    /// The generation after a clear: two trims' worth, so everything idle before it expires.
    pub(crate) fn cleared(self) -> Self {
        Generation(self.0 + 2)
    }

    /// The age, at generation `now`, of a value idle since `self`.
    pub(crate) fn age_at(self, now: Generation) -> Age {
        debug_assert!(self.0 <= now.0, "a cache is ahead of its pool's generation");
        match now.0 - self.0 {
            0 => Age::Current,
            1 => Age::Victim,
            _ => Age::Expired,
        }
    }
}
