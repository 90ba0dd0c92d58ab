//! [`BufPoolBuilder`]: a [`BufPool`] with chosen classes, bounds and name, and the rule that
//! turns `max_idle_bytes` into a `max_idle` for each class.

use std::borrow::Cow;

use crate::size_class::SizeClasses;
use crate::BufPool;

/// The size of [`BufPool::new`]'s smallest class: 64 bytes.
const DEFAULT_SMALLEST_CLASS: usize = 64;
/// The size of [`BufPool::new`]'s largest class: 1 MiB.
const DEFAULT_LARGEST_CLASS: usize = 1 << 20;
/// By default each class keeps at most this many bytes of buffers at their class's size...
const DEFAULT_CLASS_BYTES: usize = 1 << 20;
/// ...and, whatever its size, at least this many buffers...
const DEFAULT_MIN_IDLE: usize = 2;
/// ...and at most this many.
const DEFAULT_MAX_IDLE: usize = 256;

/// Builds a [`BufPool`]: its smallest and largest class, how many buffers each class keeps
/// idle, a bound on the bytes they hold, and its name.
///
/// ```
/// use pool_core::BufPool;
///
/// let pool = BufPool::builder()
///     .smallest_class(256)
///     .largest_class(64 * 1024)
///     .max_idle(32)                      // each class keeps at most 32 buffers
///     .class_max_idle(64 * 1024, 4)      // but the 64 KiB class at most 4
///     .max_idle_bytes(4 << 20)           // and all of them at most 4 MiB
///     .name("uploads")
///     .build();
/// let sizes: Vec<usize> = pool.class_stats().iter().map(|(size, _)| *size).collect();
/// assert_eq!(sizes, [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
/// assert!(pool.idle_bytes_bound() <= 4 << 20);
/// ```
///
/// # Panics
///
/// [`build`](BufPoolBuilder::build) panics if the largest class is below the smallest, or if
/// [`class_max_idle`](BufPoolBuilder::class_max_idle) names a size no class serves.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct BufPoolBuilder {
    name: Option<Cow<'static, str>>,
    smallest: usize,
    largest: usize,
    /// [`max_idle`](BufPoolBuilder::max_idle), or `None` for the defaults by size.
    max_idle: Option<usize>,
    /// [`class_max_idle`](BufPoolBuilder::class_max_idle), in the order given.
    class_max_idle: Vec<(usize, usize)>,
    max_idle_bytes: Option<usize>,
}

impl BufPoolBuilder {
    /// A builder with [`BufPool::new`]'s defaults: classes from 64 B to 1 MiB, each keeping
    /// at most 1 MiB of buffers at its size (at least 2 and at most 256 buffers), no bound on
    /// bytes beyond that, named `BufPool`.
    pub fn new() -> Self {
        BufPoolBuilder {
            name: None,
            smallest: DEFAULT_SMALLEST_CLASS,
            largest: DEFAULT_LARGEST_CLASS,
            max_idle: None,
            class_max_idle: Vec::new(),
            max_idle_bytes: None,
        }
    }

    /// The size of the smallest class, rounded up to a power of two (default 64 B): every
    /// buffer handed out has at least this capacity, and a buffer that comes back with less is
    /// dropped.
    pub fn smallest_class(mut self, bytes: usize) -> Self {
        self.smallest = bytes;
        self
    }

    /// The size of the largest class, rounded up to a power of two (default 1 MiB). A larger
    /// request gets a buffer of exactly its size, which is dropped when it comes back; a
    /// buffer that grew to twice this size or more is dropped too.
    pub fn largest_class(mut self, bytes: usize) -> Self {
        self.largest = bytes;
        self
    }

    /// The most buffers each class keeps idle, the same for every class. By default it
    /// depends on the class: 1 MiB worth of buffers at the class's size, at least 2 and at
    /// most 256.
    pub fn max_idle(mut self, max_idle: usize) -> Self {
        self.max_idle = Some(max_idle);
        self
    }

    /// The most buffers the class serving `class` bytes keeps idle (the class of size
    /// `class`, rounded up to a power of two), over [`max_idle`](BufPoolBuilder::max_idle)
    /// and the defaults, whatever order they were called in. The last call for a class holds.
    pub fn class_max_idle(mut self, class: usize, max_idle: usize) -> Self {
        self.class_max_idle.push((class, max_idle));
        self
    }

    /// A hard bound on the bytes the idle buffers hold, all classes together, at every
    /// instant and across threads, kept without slowing a get or a return: it lowers each
    /// class's `max_idle` once, when the pool is built.
    ///
    /// A buffer idle in class `c` (of size `2^c`) has a capacity below `2^(c+1)`, so the
    /// classes can hold at most `Σ max_idle_c × (2^(c+1) − 1)` bytes; the builder lowers the
    /// `max_idle`s until that sum is at most `max_idle_bytes`. The bytes are shared evenly
    /// between the classes, and what a class cannot use (its `max_idle` keeps it below its
    /// share) goes to the others; a class whose share is less than one buffer's worst case
    /// keeps none. The bound is conservative: buffers of a class usually have its size, half
    /// that worst case, so the idle bytes stay well below it.
    /// [`BufPool::idle_bytes_bound`] gives the sum the pool was built with.
    ///
    /// ```
    /// use pool_core::BufPool;
    ///
    /// let pool = BufPool::builder().max_idle_bytes(1 << 20).build();
    /// assert!(pool.idle_bytes_bound() <= 1 << 20);
    /// let held: Vec<_> = (0..100).map(|_| pool.get(64 * 1024)).collect();
    /// drop(held); // most are dropped: the 64 KiB class has room for a few only
    /// assert!(pool.stats().idle_bytes <= 1 << 20);
    /// ```
    pub fn max_idle_bytes(mut self, max_idle_bytes: usize) -> Self {
        self.max_idle_bytes = Some(max_idle_bytes);
        self
    }

    /// The pool's name: its classes appear in [`pools`](crate::pools) and
    /// [`report`](crate::report) as `NAME 64 B`, `NAME 128 B`, ... (default `BufPool`).
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The pool.
    ///
    /// # Panics
    ///
    /// If the largest class is below the smallest, or if
    /// [`class_max_idle`](BufPoolBuilder::class_max_idle) names a size above the largest
    /// class.
    pub fn build(self) -> BufPool {
        let classes = SizeClasses::new(self.smallest, self.largest);
        let max_idle = self.max_idle_per_class(classes);
        let name = self.name.unwrap_or(Cow::Borrowed("BufPool"));
        BufPool::from_builder(classes, &max_idle, name)
    }

    /// Each class's `max_idle`: the defaults or `max_idle`, then `class_max_idle`, then
    /// lowered to fit `max_idle_bytes`.
    fn max_idle_per_class(&self, classes: SizeClasses) -> Vec<usize> {
        let mut max_idle: Vec<usize> = (0..classes.len())
            .map(|class| {
                self.max_idle
                    .unwrap_or_else(|| default_max_idle(classes.size(class)))
            })
            .collect();
        for &(size, n) in &self.class_max_idle {
            match classes.for_request(size) {
                Some(class) => max_idle[class] = n,
                None => panic!(
                    "`BufPoolBuilder::class_max_idle({size}, ..)`: no class serves {size} bytes \
                     (the largest is {} B)",
                    classes.largest()
                ),
            }
        }
        if let Some(bytes) = self.max_idle_bytes {
            let most: Vec<usize> = (0..classes.len()).map(|c| classes.most_bytes(c)).collect();
            fit_bytes(&mut max_idle, &most, bytes);
        }
        max_idle
    }
}

impl Default for BufPoolBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// The default `max_idle` of a class of `size` bytes: 1 MiB worth, at least 2, at most 256.
fn default_max_idle(size: usize) -> usize {
    (DEFAULT_CLASS_BYTES / size).clamp(DEFAULT_MIN_IDLE, DEFAULT_MAX_IDLE)
}

/// Lowers `max_idle` so that `Σ max_idle[c] × most_bytes[c] <= budget`, sharing the budget
/// evenly (max-min fair): the classes that need least are served first, each given what it
/// needs if that is within an even share of what is left, else as many buffers as its share
/// holds; what a class does not use is left for the classes after it.
fn fit_bytes(max_idle: &mut [usize], most_bytes: &[usize], budget: usize) {
    let need = |max_idle: &[usize], c: usize| max_idle[c] as u128 * most_bytes[c] as u128;
    let mut order: Vec<usize> = (0..max_idle.len()).collect();
    order.sort_by_key(|&c| need(max_idle, c));
    let mut left = budget as u128;
    for (served, &c) in order.iter().enumerate() {
        let share = left / (order.len() - served) as u128;
        let per_buffer = most_bytes[c] as u128;
        if need(max_idle, c) > share {
            // Below `max_idle[c]`, so it fits a `usize`.
            max_idle[c] = (share / per_buffer) as usize;
        }
        left -= max_idle[c] as u128 * per_buffer;
    }
}

#[cfg(test)]
mod tests {
    use super::{default_max_idle, fit_bytes};

    fn total(max_idle: &[usize], most: &[usize]) -> u128 {
        max_idle
            .iter()
            .zip(most)
            .map(|(&n, &b)| n as u128 * b as u128)
            .sum()
    }

    #[test]
    fn the_default_keeps_a_mebibyte_of_each_class_within_2_and_256() {
        assert_eq!(default_max_idle(64), 256);
        assert_eq!(default_max_idle(4096), 256);
        assert_eq!(default_max_idle(8192), 128);
        assert_eq!(default_max_idle(512 << 10), 2);
        assert_eq!(default_max_idle(1 << 20), 2);
        assert_eq!(default_max_idle(1 << 30), 2);
    }

    #[test]
    fn a_budget_that_covers_everything_changes_nothing() {
        let most = [127, 255, 511];
        let mut max_idle = [10, 10, 10];
        fit_bytes(&mut max_idle, &most, 10 * (127 + 255 + 511));
        assert_eq!(max_idle, [10, 10, 10]);
    }

    #[test]
    fn the_budget_is_shared_evenly_and_what_a_class_leaves_goes_to_the_others() {
        let most = [127, 1023, 8191];
        let mut max_idle = [4, 100, 100];
        fit_bytes(&mut max_idle, &most, 30_000);
        // The smallest class needs 508 bytes, under its 10,000 share: it keeps all 4. The
        // other two share 29,492 evenly: 14,746 each, 14 buffers of 1023 bytes; the last gets
        // what is left, 15,170: one buffer of 8191.
        assert_eq!(max_idle, [4, 14, 1]);
        assert!(total(&max_idle, &most) <= 30_000);
    }

    #[test]
    fn a_budget_below_one_buffer_keeps_nothing_and_the_sum_always_fits() {
        let most = [127, 255, 511, 1023];
        let mut max_idle = [8, 8, 8, 8];
        fit_bytes(&mut max_idle, &most, 100);
        assert_eq!(max_idle, [0, 0, 0, 0]);
        for budget in (0..20_000).step_by(97) {
            let mut max_idle = [8, 3, 50, 8];
            fit_bytes(&mut max_idle, &most, budget);
            assert!(
                total(&max_idle, &most) <= budget as u128,
                "{budget}: {max_idle:?}"
            );
        }
    }
}
