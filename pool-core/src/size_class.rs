//! [`SizeClasses`]: the power-of-two classes of a [`BufPool`](crate::BufPool), and the two
//! rules that map a size to one of them.
//!
//! Class `i` of a pool whose smallest class is `2^s` has size `2^(s + i)`. A request goes to the
//! smallest class at least as large as it ([`for_request`](SizeClasses::for_request)), so a
//! buffer of class `k` must hold at least `2^k` bytes; a buffer coming back is filed by its
//! capacity ([`for_capacity`](SizeClasses::for_capacity)): class `k` holds the capacities in
//! `[2^k, 2^(k+1))`. Both rules are a `leading_zeros` and a subtraction.

/// The classes `2^smallest ..= 2^largest` (both exponents, `smallest <= largest < usize::BITS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SizeClasses {
    smallest: u32,
    largest: u32,
}

impl SizeClasses {
    /// The classes from `smallest` to `largest` bytes, each rounded up to a power of two
    /// (`0` counts as `1`; a size above the largest power of two a `usize` holds, as that).
    ///
    /// # Panics
    ///
    /// If `largest`, rounded, is below `smallest`, rounded.
    pub(crate) fn new(smallest: usize, largest: usize) -> Self {
        let (smallest, largest) = (ceil_log2(smallest), ceil_log2(largest));
        assert!(
            smallest <= largest,
            "`BufPool`: the largest class ({} B) is below the smallest ({} B)",
            1usize << largest,
            1usize << smallest,
        );
        SizeClasses { smallest, largest }
    }

    /// How many classes there are.
    pub(crate) fn len(self) -> usize {
        (self.largest - self.smallest + 1) as usize
    }

    /// The size of class `index`: every buffer it holds has at least this capacity.
    pub(crate) fn size(self, index: usize) -> usize {
        1 << (self.smallest as usize + index)
    }

    /// The exponent of class `index`'s size.
    pub(crate) fn log2(self, index: usize) -> u32 {
        self.smallest + index as u32
    }

    /// The index of the class of size `2^log2`.
    #[inline]
    pub(crate) fn index_of(self, log2: u32) -> usize {
        (log2 - self.smallest) as usize
    }

    /// Whether a buffer of `capacity` bytes belongs in the class of size `2^log2`: whether
    /// `capacity` is in `[2^log2, 2^(log2+1))`, as [`for_capacity`](SizeClasses::for_capacity)
    /// decides, for a buffer whose class is known (one shift).
    #[inline]
    pub(crate) fn holds(log2: u32, capacity: usize) -> bool {
        capacity >> log2 == 1
    }

    /// The size of the smallest class.
    pub(crate) fn smallest(self) -> usize {
        1 << self.smallest
    }

    /// The size of the largest class: a larger request is served outside the classes.
    pub(crate) fn largest(self) -> usize {
        1 << self.largest
    }

    /// The most bytes one idle buffer of class `index` can hold: its capacity is below twice
    /// the class's size, so at most `2 * size - 1` (which a `usize` holds for every class).
    pub(crate) fn most_bytes(self, index: usize) -> usize {
        let size = self.size(index);
        size + (size - 1)
    }

    /// The class serving a request for `min_capacity` bytes: the smallest class of at least
    /// that size. `None` above the largest class.
    #[inline]
    pub(crate) fn for_request(self, min_capacity: usize) -> Option<usize> {
        // The bit length of `min_capacity - 1` is `ceil(log2(min_capacity))` for
        // `min_capacity > 1`, and 0 for 0 and 1; one comparison left, and none for a constant
        // request once the compiler has folded it.
        let log2 =
            (usize::BITS - min_capacity.saturating_sub(1).leading_zeros()).max(self.smallest);
        (log2 <= self.largest).then(|| (log2 - self.smallest) as usize)
    }

    /// The class a buffer of `capacity` bytes is filed in: `floor(log2(capacity))`, so that
    /// every buffer of a class serves every request the class serves. `None` below the
    /// smallest class or at twice the largest and above: such a buffer is not kept.
    #[inline]
    pub(crate) fn for_capacity(self, capacity: usize) -> Option<usize> {
        if capacity == 0 {
            return None;
        }
        let log2 = usize::BITS - 1 - capacity.leading_zeros();
        if self.smallest <= log2 && log2 <= self.largest {
            Some((log2 - self.smallest) as usize)
        } else {
            None
        }
    }
}

/// `ceil(log2(n))`, with `0` as `1` and anything above the top power of two as that.
fn ceil_log2(n: usize) -> u32 {
    match n.max(1).checked_next_power_of_two() {
        Some(power) => power.trailing_zeros(),
        None => usize::BITS - 1,
    }
}

/// A class size for people: `64 B`, `4 KiB`, `1 MiB` (every class size is a power of two, so
/// the largest unit that divides it is exact).
pub(crate) fn label(size: usize) -> String {
    const UNITS: [(usize, &str); 4] = [
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
        (1, "B"),
    ];
    let (unit, name) = UNITS
        .into_iter()
        .find(|&(unit, _)| size >= unit && size % unit == 0)
        .unwrap_or((1, "B"));
    format!("{} {name}", size / unit)
}

#[cfg(test)]
mod tests {
    use super::{label, SizeClasses};

    #[test]
    fn a_request_goes_to_the_smallest_class_that_holds_it() {
        let classes = SizeClasses::new(64, 1 << 20);
        assert_eq!(classes.len(), 15);
        for (request, class) in [
            (0, Some(0)),
            (1, Some(0)),
            (64, Some(0)),
            (65, Some(1)),
            (128, Some(1)),
            (129, Some(2)),
            (4096, Some(6)),
            (4097, Some(7)),
            ((1 << 20) - 1, Some(14)),
            (1 << 20, Some(14)),
            ((1 << 20) + 1, None),
            (usize::MAX, None),
        ] {
            assert_eq!(classes.for_request(request), class, "request {request}");
            if let Some(class) = class {
                assert!(classes.size(class) >= request);
            }
        }
    }

    #[test]
    fn a_capacity_is_filed_in_the_class_whose_range_holds_it() {
        let classes = SizeClasses::new(64, 1 << 20);
        for (capacity, class) in [
            (0, None),
            (63, None),
            (64, Some(0)),
            (127, Some(0)),
            (128, Some(1)),
            (1000, Some(3)),
            (1 << 20, Some(14)),
            ((2 << 20) - 1, Some(14)),
            (2 << 20, None),
            (usize::MAX, None),
        ] {
            assert_eq!(classes.for_capacity(capacity), class, "capacity {capacity}");
            if let Some(class) = class {
                assert!(classes.size(class) <= capacity && capacity <= classes.most_bytes(class));
            }
            for index in 0..classes.len() {
                let holds = SizeClasses::holds(classes.log2(index), capacity);
                assert_eq!(
                    holds,
                    class == Some(index),
                    "capacity {capacity}, class {index}"
                );
            }
        }
    }

    #[test]
    fn sizes_round_up_to_powers_of_two_and_the_extremes_hold() {
        let classes = SizeClasses::new(0, 1000);
        assert_eq!((classes.smallest(), classes.largest()), (1, 1024));
        let all = SizeClasses::new(1, usize::MAX);
        assert_eq!(all.len(), usize::BITS as usize);
        assert_eq!(all.largest(), 1 << (usize::BITS - 1));
        assert_eq!(all.most_bytes(all.len() - 1), usize::MAX);
        assert_eq!(all.for_capacity(usize::MAX), Some(all.len() - 1));
        assert_eq!(all.for_request(usize::MAX), None);
    }

    #[test]
    #[should_panic(expected = "below the smallest")]
    fn a_largest_class_below_the_smallest_is_refused() {
        SizeClasses::new(4096, 64);
    }

    #[test]
    fn labels_use_the_largest_exact_unit() {
        assert_eq!(label(64), "64 B");
        assert_eq!(label(4096), "4 KiB");
        assert_eq!(label(512 << 10), "512 KiB");
        assert_eq!(label(1 << 20), "1 MiB");
        assert_eq!(label(8 << 30), "8 GiB");
    }
}
