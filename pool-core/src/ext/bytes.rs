//! `bytes::BytesMut`, the buffer of tokio's codecs and of most network stacks.

use ::bytes::BytesMut;

use crate::{Poolable, Reset, Shrink};

#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[diagnostic::do_not_recommend]
impl Reset for BytesMut {
    /// Clears the buffer, keeping its capacity.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }

    /// `capacity()`: what this handle can still use, which for a buffer whose front was split
    /// off is less than the allocation it keeps alive.
    #[inline]
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[diagnostic::do_not_recommend]
impl Poolable for BytesMut {
    /// An empty buffer, which allocates nothing until it is written to.
    #[inline]
    fn create() -> Self {
        BytesMut::new()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
#[diagnostic::do_not_recommend]
impl Shrink for BytesMut {
    /// `BytesMut` cannot shrink in place (it has no `shrink_to`), so a buffer over the cap is
    /// replaced by a new one of `max_capacity` bytes (or its length, if that is more), holding
    /// the same contents: none, after a reset. The old allocation is freed once no `Bytes` split
    /// off it is alive any more.
    ///
    /// `capacity()` counts what this handle can still use, so a buffer whose front was split off
    /// may hold more memory than it reports, until a `reserve` reclaims it.
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        if self.capacity() > max_capacity {
            let mut smaller = BytesMut::with_capacity(max_capacity.max(self.len()));
            smaller.extend_from_slice(self);
            *self = smaller;
        }
    }
}
