//! More of std's types a user pools: arrays, `io::Cursor`, and the primitives arrays are made of.
//!
//! The primitives (numbers, `bool`, `char`) are `Poolable` so that `[T; N]` can be: pooling a
//! lone `u64` is pointless, but `Pool<[u8; 4096]>` and `Pool<Box<[u8; 4096]>>` are the scratch
//! buffers people reach for. Their `Reset` impls live with the other std impls in `reset.rs`.

use std::io::Cursor;

use crate::{Poolable, Reset, Shrink};

macro_rules! poolable_as {
    ($value:expr => $($ty:ty),* $(,)?) => {
        $(
            #[diagnostic::do_not_recommend]
            impl Poolable for $ty {
                /// The value `reset` leaves behind.
                #[inline]
                fn create() -> Self {
                    $value
                }
            }
        )*
    };
}

poolable_as!(0 => u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);
poolable_as!(0.0 => f32, f64);
poolable_as!(false => bool);
poolable_as!('\0' => char);

#[diagnostic::do_not_recommend]
impl<T: Poolable, const N: usize> Poolable for [T; N] {
    /// Every element made by `T::create()`. The array is built on the stack, also for
    /// `Box<[T; N]>`, which moves it to the heap afterwards: very large arrays can overflow a
    /// thread's stack in an unoptimized build; pool a `Vec` or use `PoolBuilder::create_with`
    /// for those.
    #[inline]
    fn create() -> Self {
        std::array::from_fn(|_| T::create())
    }
}

#[diagnostic::do_not_recommend]
impl<T: Reset> Reset for Cursor<T> {
    /// Resets the inner value (a `Vec<u8>` is cleared, keeping its capacity) and moves the
    /// position back to 0.
    #[inline]
    fn reset(&mut self) {
        self.get_mut().reset();
        self.set_position(0);
    }

    /// The inner value's: a `Vec<u8>`'s capacity.
    #[inline]
    fn heap_bytes(&self) -> usize {
        self.get_ref().heap_bytes()
    }
}

#[diagnostic::do_not_recommend]
impl<T: Poolable> Poolable for Cursor<T> {
    /// A cursor at position 0 over `T::create()`, such as an empty `Vec<u8>`.
    #[inline]
    fn create() -> Self {
        Cursor::new(T::create())
    }
}

#[diagnostic::do_not_recommend]
impl<T: Shrink> Shrink for Cursor<T> {
    /// Shrinks the inner buffer, so a `Pool<Cursor<Vec<u8>>>` can take a `max_capacity`.
    #[inline]
    fn shrink_to_max(&mut self, max_capacity: usize) {
        self.get_mut().shrink_to_max(max_capacity);
    }
}
