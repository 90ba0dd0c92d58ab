//! `smallvec::SmallVec`, a vector that keeps its first items inline.

use std::mem::size_of;

use ::smallvec::{Array, SmallVec};

use crate::{Poolable, Reset, Shrink};

#[cfg_attr(docsrs, doc(cfg(feature = "smallvec")))]
#[diagnostic::do_not_recommend]
impl<A: Array> Reset for SmallVec<A> {
    /// Clears the vector, keeping its capacity (inline, or on the heap once it spilled).
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// The heap buffer, `capacity() * size_of::<A::Item>()`, once the vector has spilled;
    /// `0` while its items are inline, part of the value itself.
    #[inline]
    fn heap_bytes(&self) -> usize {
        if self.spilled() {
            self.capacity() * size_of::<A::Item>()
        } else {
            0
        }
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "smallvec")))]
#[diagnostic::do_not_recommend]
impl<A> Poolable for SmallVec<A>
where
    A: Array + 'static,
    A::Item: Send + 'static,
{
    /// An empty vector, inline.
    #[inline]
    fn create() -> Self {
        SmallVec::new()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "smallvec")))]
#[diagnostic::do_not_recommend]
impl<A: Array> Shrink for SmallVec<A> {
    /// Shrinks a spilled vector's heap buffer to `max_capacity` (but not below its length), or
    /// moves the items back inline when they fit there. The inline capacity is part of the value
    /// itself, not an allocation, so it stays even when it is above `max_capacity`.
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        if self.capacity() > max_capacity {
            // `grow` sets the capacity to `max(new_cap, inline_size())`, shrinking as well.
            // Older 1.x releases panic below the length, so never ask for less.
            self.grow(max_capacity.max(self.len()));
        }
    }
}
