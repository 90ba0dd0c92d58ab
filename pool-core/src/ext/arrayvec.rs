//! `arrayvec::ArrayVec` and `ArrayString`, fixed-capacity collections stored inline.
//!
//! No `Shrink`: their capacity is part of the type and owns no allocation. For the same reason
//! they keep `Reset::heap_bytes`'s default, `0`: their items are inline, part of the value.

use ::arrayvec::{ArrayString, ArrayVec};

use crate::{Poolable, Reset};

#[cfg_attr(docsrs, doc(cfg(feature = "arrayvec")))]
#[diagnostic::do_not_recommend]
impl<T, const CAP: usize> Reset for ArrayVec<T, CAP> {
    /// Clears the vector, dropping its items.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "arrayvec")))]
#[diagnostic::do_not_recommend]
impl<T: Send + 'static, const CAP: usize> Poolable for ArrayVec<T, CAP> {
    /// An empty vector.
    #[inline]
    fn create() -> Self {
        ArrayVec::new()
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "arrayvec")))]
#[diagnostic::do_not_recommend]
impl<const CAP: usize> Reset for ArrayString<CAP> {
    /// Clears the string.
    #[inline]
    fn reset(&mut self) {
        self.clear();
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "arrayvec")))]
#[diagnostic::do_not_recommend]
impl<const CAP: usize> Poolable for ArrayString<CAP> {
    /// An empty string.
    #[inline]
    fn create() -> Self {
        ArrayString::new()
    }
}
