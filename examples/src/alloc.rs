//! A global allocator that counts: [`CountingAlloc`] wraps [`System`] and counts allocations,
//! bytes requested, frees and live bytes.
//!
//! Counting must not change what it measures, so the counters are per thread: each thread gets
//! its own cache-line-sized shard and updates it with plain loads and stores (no locked
//! read-modify-write, no contention between threads). [`snapshot`] adds the shards up; it is
//! exact when the threads that allocated are idle or have exited, and close enough while they run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The system allocator, counting every allocation, reallocation and free.
///
/// `pool_examples` installs it as the global allocator; read the counts with [`snapshot`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

/// What the allocator has done since the program started, or between two snapshots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocCounts {
    /// Calls that allocated memory: `alloc`, `alloc_zeroed` and `realloc`.
    pub allocations: u64,
    /// Bytes requested by those calls (the new size, for a `realloc`).
    pub bytes: u64,
    /// Calls to `dealloc`.
    pub frees: u64,
    /// Bytes allocated and not yet freed.
    pub live_bytes: i64,
}

impl AllocCounts {
    /// What happened between `earlier` and `self`.
    pub fn since(&self, earlier: &AllocCounts) -> AllocCounts {
        AllocCounts {
            allocations: self.allocations.wrapping_sub(earlier.allocations),
            bytes: self.bytes.wrapping_sub(earlier.bytes),
            frees: self.frees.wrapping_sub(earlier.frees),
            live_bytes: self.live_bytes.wrapping_sub(earlier.live_bytes),
        }
    }
}

/// The counts so far, added up over every thread.
pub fn snapshot() -> AllocCounts {
    let mut sum = AllocCounts::default();
    for shard in SHARDS.iter().chain(std::iter::once(&OVERFLOW)) {
        sum.allocations = sum.allocations.wrapping_add(load(&shard.allocations));
        sum.bytes = sum.bytes.wrapping_add(load(&shard.bytes));
        sum.frees = sum.frees.wrapping_add(load(&shard.frees));
        // Live bytes go down on the thread that frees, so one shard may hold a "negative"
        // count: they are kept as wrapping u64 and only the sum is meaningful.
        sum.live_bytes = sum.live_bytes.wrapping_add(load(&shard.live) as i64);
    }
    sum
}

/// Threads with their own shard; later threads share [`OVERFLOW`], updated atomically.
const SHARD_COUNT: usize = 256;

/// One thread's counters, on a cache line of their own.
#[repr(align(64))]
struct Shard {
    allocations: AtomicU64,
    bytes: AtomicU64,
    frees: AtomicU64,
    live: AtomicU64,
}

impl Shard {
    const fn new() -> Self {
        Shard {
            allocations: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            frees: AtomicU64::new(0),
            live: AtomicU64::new(0),
        }
    }
}

static SHARDS: [Shard; SHARD_COUNT] = [const { Shard::new() }; SHARD_COUNT];
static OVERFLOW: Shard = Shard::new();
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

/// Marks a thread that has no shard yet.
const UNASSIGNED: usize = usize::MAX;

thread_local! {
    // `const` and without `Drop`: reading it never allocates nor registers a destructor, which
    // matters inside an allocator.
    static SHARD: Cell<usize> = const { Cell::new(UNASSIGNED) };
}

fn load(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

/// Adds `n` to a counter that only this thread writes: a plain load and store.
fn bump_own(counter: &AtomicU64, n: u64) {
    counter.store(load(counter).wrapping_add(n), Ordering::Relaxed);
}

/// Adds `n` to a counter other threads may write too.
fn bump_shared(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

/// Runs `f` on this thread's shard, with the function that adds to one of its counters.
fn with_shard(f: impl FnOnce(&Shard, fn(&AtomicU64, u64))) {
    let index = SHARD
        .try_with(|shard| {
            if shard.get() == UNASSIGNED {
                shard.set(NEXT_SHARD.fetch_add(1, Ordering::Relaxed));
            }
            shard.get()
        })
        .unwrap_or(UNASSIGNED);
    match SHARDS.get(index) {
        Some(shard) => f(shard, bump_own),
        None => f(&OVERFLOW, bump_shared),
    }
}

fn count_alloc(size: usize) {
    with_shard(|shard, bump| {
        bump(&shard.allocations, 1);
        bump(&shard.bytes, size as u64);
        bump(&shard.live, size as u64);
    });
}

fn count_free(size: usize) {
    with_shard(|shard, bump| {
        bump(&shard.frees, 1);
        bump(&shard.live, (size as u64).wrapping_neg());
    });
}

fn count_realloc(old_size: usize, new_size: usize) {
    with_shard(|shard, bump| {
        bump(&shard.allocations, 1);
        bump(&shard.bytes, new_size as u64);
        bump(&shard.live, (new_size as u64).wrapping_sub(old_size as u64));
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so it upholds
// `GlobalAlloc`'s contract exactly as `System` does; counting touches only atomics and a `const`
// thread-local, and never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract (a non-zero-sized layout).
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count_alloc(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc_zeroed`'s contract (a non-zero-sized layout).
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count_alloc(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a block this allocator (so `System`) gave, with its layout.
        unsafe { System.dealloc(ptr, layout) };
        count_free(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller passes a block `System` gave, its layout, and a valid new size.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count_realloc(layout.size(), new_size);
        }
        new
    }
}

/// The counts of the calling thread only: what it allocated and freed. Exact for the first
/// 256 threads of the process; later threads share one shard, so theirs are mixed.
pub fn thread_snapshot() -> AllocCounts {
    let mut counts = AllocCounts::default();
    with_shard(|shard, _| {
        counts = AllocCounts {
            allocations: load(&shard.allocations),
            bytes: load(&shard.bytes),
            frees: load(&shard.frees),
            live_bytes: load(&shard.live) as i64,
        };
    });
    counts
}
