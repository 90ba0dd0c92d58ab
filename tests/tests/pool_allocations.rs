//! After warm-up, a get, a write and a return allocate nothing: checked with a counting global
//! allocator (a count, not a timing, so it is deterministic).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use pool_core::{Pool, Poolable};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to `System` unchanged; only counts, in a thread-local `Cell`
// (const-initialized, so counting itself never allocates).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` through `alloc` above, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: as for `dealloc`; `new_size` is the caller's, valid by contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[derive(Poolable)]
#[pool(new = Task::sized)]
struct Task {
    id: u64,
    data: Vec<u8>,
    scratch: [u8; 64],
    note: Option<&'static str>,
}

impl Task {
    fn sized() -> Self {
        Task {
            id: 0,
            data: Vec::with_capacity(4096),
            scratch: [0; 64],
            note: None,
        }
    }
}

#[test]
fn warm_gets_and_returns_allocate_nothing() {
    let pool: Pool<Vec<u8>> = Pool::builder()
        .create_with(|| Vec::with_capacity(1024))
        .build();
    for _ in 0..100 {
        drop(pool.get()); // warm up: the cache and its slots
    }
    let n = allocations_during(|| {
        for _ in 0..10_000 {
            let mut buf = pool.get();
            buf.extend_from_slice(&[1; 16]);
        }
    });
    assert_eq!(n, 0, "allocations per 10,000 get + write + return");
}

#[test]
fn warm_bursts_of_a_derived_type_allocate_nothing() {
    static TASKS: Pool<Task> = Pool::new();
    let mut held = Vec::with_capacity(64);
    let burst = |held: &mut Vec<_>| {
        for i in 0..64 {
            let mut task = TASKS.get();
            task.id = i;
            task.data.extend_from_slice(&[7; 512]);
            task.scratch[0] = 1;
            task.note = Some("urgent");
            held.push(task);
        }
        held.clear();
    };
    burst(&mut held);
    burst(&mut held);
    let n = allocations_during(|| {
        for _ in 0..100 {
            burst(&mut held);
        }
    });
    assert_eq!(n, 0, "allocations per 100 bursts of 64 tasks");
}
