//! [`CountingAlloc`]: the system allocator, counting the allocations of each thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

thread_local! {
    // `const` and without `Drop`: reading it never allocates nor registers a destructor, which
    // matters inside an allocator.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// Adds one to this thread's count; a no-op once the thread-local is gone, at thread exit.
fn count_one() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

/// The system allocator, counting the allocations (`alloc`, `alloc_zeroed`, `realloc`) each
/// thread makes.
///
/// The counts are per thread because the tests of one file run in parallel in one process: a
/// test counts its own allocations, not its neighbours'. (What other threads allocate on its
/// behalf is not counted.) A library cannot install a global allocator for only some of the
/// binaries that link it, so a test file that counts installs it itself, as below; the counting
/// methods panic if it was not installed, rather than report zero.
///
/// # Example
///
/// ```
/// #[global_allocator]
/// static ALLOC: pool_tests::CountingAlloc = pool_tests::CountingAlloc;
///
/// let n = ALLOC.allocations_during(|| {
///     let mut buf: Vec<u8> = Vec::with_capacity(8);
///     buf.extend_from_slice(b"12345678"); // fits: no more allocations
/// });
/// assert_eq!(n, 1);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

impl CountingAlloc {
    /// How many allocations this thread has made so far.
    pub fn allocations(&self) -> u64 {
        ALLOCATIONS.with(Cell::get)
    }

    /// How many allocations this thread makes while it runs `f`.
    ///
    /// # Panics
    ///
    /// If `CountingAlloc` is not the global allocator, or if `f` panics.
    #[track_caller]
    pub fn allocations_during(&self, f: impl FnOnce()) -> u64 {
        self.assert_installed();
        let before = self.allocations();
        f();
        self.allocations() - before
    }

    /// Panics unless allocating here is counted: a count of zero must not come from a binary
    /// that forgot `#[global_allocator]`.
    #[track_caller]
    fn assert_installed(&self) {
        let before = self.allocations();
        drop(black_box(Box::new(0_u8)));
        assert!(
            self.allocations() > before,
            "`CountingAlloc` is not the global allocator of this test binary: declare \
             `#[global_allocator] static ALLOC: pool_tests::CountingAlloc = pool_tests::CountingAlloc;`"
        );
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so it upholds
// `GlobalAlloc`'s contract exactly as `System` does; counting touches only a `const`
// thread-local `Cell`, and never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller upholds `alloc`'s contract (a non-zero-sized layout).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller upholds `alloc_zeroed`'s contract (a non-zero-sized layout).
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a block this allocator (so `System`) gave, with its layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: the caller passes a block `System` gave, its layout, and a valid new size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
