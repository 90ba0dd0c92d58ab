//! This pool against its peers and fresh allocation, in one run:
//! `cargo bench -p pool-core --bench pool`.
//!
//! On a machine whose speed moves between runs (a shared VM), the same rows with every peer
//! interleaved give steadier ratios: `cargo bench -p pool-core --bench pool -- --interleaved`
//! times one block of each peer per round, in turn, and prints each peer's median and the
//! median of pool-core's time over the peer's in the same round (see [`interleaved`]). And
//! `-- --sweep [processes] [rounds] [filter]` runs that comparison of each row in processes of
//! its own, 5 by default, and gives the medians over the processes (see [`sweep`]).
//!
//! Every pool does the same work per operation, including clearing the value it gets back, so
//! each peer is set up to reset values as this pool does (object-pool has no reset hook: the
//! benchmark clears by hand before the guard returns the value; poolshark resets through its
//! `Poolable::reset`, implemented below for `Task` and for `Buf`, its 1 KiB buffer).
//!
//! poolshark comes twice: `poolshark_global` is one of its global pools (`global::Pool`, a
//! lock-free queue every thread returns to), `poolshark_local` its thread-local pools
//! (`LPooled`, returned to the pool of whichever thread drops the value).
//!
//! The task and tokio rows, where pool-core and lockfree-object-pool are level, run each of the
//! two a second time, with a pool of its own made after the first: `pool_core_again` and
//! `lockfree_again`, the same code and work, only placed elsewhere (its values on the heap, its
//! loop in the binary). Their ratios to the first pools show how far placement alone moves a
//! row, which on this machine is a few percent: a ratio inside that spread is a tie. (Adding
//! `lockfree_again` to the task row moved pool-core over the first lockfree-object-pool pool
//! from 1.045 to 1.00, with no change to either.)

use std::future::Future;
use std::hint::black_box;
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use pool_core::{BufPool, Pool, Poolable, Reset};
use poolshark::local::LPooled;

const BUF: usize = 1024;

/// The capacity `Task::create` gives `data`. poolshark keeps a task only if its capacity
/// (`data`'s, below) is at most its pool's element limit, set to this.
const TASK_DATA: usize = 4096;

/// The task of the issue: get, set id, extend 512 bytes, push a tag, set note, return.
#[derive(Default)]
struct Task {
    id: u64,
    data: Vec<u8>,
    tags: Vec<String>,
    note: Option<String>,
}

impl Reset for Task {
    fn reset(&mut self) {
        self.id.reset();
        self.data.reset();
        self.tags.reset();
        self.note.reset();
    }
}

impl Poolable for Task {
    fn create() -> Self {
        Task {
            data: line_aligned_data(),
            ..Task::default()
        }
    }
}

/// A `TASK_DATA` buffer that starts on a cache line, as far as the allocator allows. Where a
/// buffer starts decides how many lines the 512-byte fill writes (8, or 9 from a misaligned
/// start, with more instructions in `memset`), and which peer's buffers happened to land
/// aligned depended on the order of the allocations before it (in one program, pool-core's
/// started at 16 mod 64 and lockfree-object-pool's at 0: 7 more instructions per task for
/// pool-core, in `memset` alone). Every peer's tasks come from here.
fn line_aligned_data() -> Vec<u8> {
    let mut missed = Vec::new();
    for _ in 0..64 {
        let data = Vec::with_capacity(TASK_DATA);
        if data.as_ptr() as usize % 64 == 0 {
            return data;
        }
        // Kept until an aligned one comes, so the allocator does not hand the same one back.
        missed.push(data);
    }
    Vec::with_capacity(TASK_DATA)
}

fn fill_task(task: &mut Task, i: u64) {
    task.id = i;
    task.data.extend_from_slice(&[7u8; 512]);
    task.tags.push(String::from("tag"));
    task.note = Some(String::from("note"));
}

/// The guard of the floors below (`bare`, `magazine`): a boxed buffer that `H` takes back,
/// cleared, when the guard drops. Floors keep values boxed, as a pool does so that taking and
/// returning one moves a pointer, not the value.
#[allow(clippy::box_collection, clippy::vec_box)]
mod floor {
    use std::marker::PhantomData;
    use std::ops::{Deref, DerefMut};

    /// Where a floor's buffers go back to.
    pub(crate) trait Home {
        fn put(value: Box<Vec<u8>>);
    }

    pub(crate) struct Guard<H: Home>(Option<Box<Vec<u8>>>, PhantomData<H>);

    impl<H: Home> Guard<H> {
        /// A guard of `value`, or of a new buffer.
        pub(crate) fn new(value: Option<Box<Vec<u8>>>) -> Self {
            let value = value.unwrap_or_else(|| Box::new(Vec::with_capacity(super::BUF)));
            Guard(Some(value), PhantomData)
        }
    }

    impl<H: Home> Deref for Guard<H> {
        type Target = Vec<u8>;
        fn deref(&self) -> &Vec<u8> {
            self.0.as_ref().expect("taken only in drop")
        }
    }

    impl<H: Home> DerefMut for Guard<H> {
        fn deref_mut(&mut self) -> &mut Vec<u8> {
            self.0.as_mut().expect("taken only in drop")
        }
    }

    impl<H: Home> Drop for Guard<H> {
        fn drop(&mut self) {
            if let Some(mut value) = self.0.take() {
                value.clear();
                H::put(value);
            }
        }
    }
}

/// The least a pool with a thread-local fast path can do: a bare per-thread stack of boxed
/// buffers, with no bound on idle values, no statistics, no trimming, and room for one pool
/// per program. Not a usable pool: a floor under any design like this one.
#[allow(clippy::box_collection, clippy::vec_box)]
mod bare {
    use std::cell::RefCell;

    use super::floor::{Guard, Home};

    thread_local! {
        static STACK: RefCell<Vec<Box<Vec<u8>>>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) struct Stack;

    impl Home for Stack {
        fn put(value: Box<Vec<u8>>) {
            STACK.with(|stack| stack.borrow_mut().push(value));
        }
    }

    pub(crate) fn get() -> Guard<Stack> {
        Guard::new(STACK.with(|stack| stack.borrow_mut().pop()))
    }
}

/// The floor under a pool whose values cross threads: a thread-local magazine of up to 32
/// buffers, handed whole to a mutex-guarded list when full and taken whole from it when empty
/// (Bonwick's magazines at their simplest). One lock per 32 values on each side, no bound, no
/// statistics, no trimming, one pool per program: the least a pool can do to move values from
/// the thread that returns them to the thread that takes them.
#[allow(clippy::box_collection, clippy::vec_box)]
mod magazine {
    use std::cell::RefCell;
    use std::mem;
    use std::sync::Mutex;

    use super::floor::{Guard, Home};

    type Value = Box<Vec<u8>>;
    const SIZE: usize = 32;
    static FULL: Mutex<Vec<Vec<Value>>> = Mutex::new(Vec::new());
    static EMPTY: Mutex<Vec<Vec<Value>>> = Mutex::new(Vec::new());

    thread_local! {
        static LOCAL: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) struct Magazines;

    impl Home for Magazines {
        fn put(value: Value) {
            LOCAL.with(|local| {
                let mut local = local.borrow_mut();
                if local.len() >= SIZE {
                    let empty = EMPTY.lock().expect("not poisoned").pop();
                    let empty = empty.unwrap_or_else(|| Vec::with_capacity(SIZE));
                    let full = mem::replace(&mut *local, empty);
                    FULL.lock().expect("not poisoned").push(full);
                }
                local.push(value);
            });
        }
    }

    pub(crate) fn get() -> Guard<Magazines> {
        Guard::new(LOCAL.with(|local| {
            let mut local = local.borrow_mut();
            if local.is_empty() {
                let full = FULL.lock().expect("not poisoned").pop();
                if let Some(full) = full {
                    let empty = mem::replace(&mut *local, full);
                    EMPTY.lock().expect("not poisoned").push(empty);
                }
            }
            local.pop()
        }))
    }
}

struct VecAlloc;
impl opool::PoolAllocator<Vec<u8>> for VecAlloc {
    fn allocate(&self) -> Vec<u8> {
        Vec::with_capacity(BUF)
    }
    fn reset(&self, v: &mut Vec<u8>) {
        v.clear();
    }
}

struct TaskAlloc;
impl opool::PoolAllocator<Task> for TaskAlloc {
    fn allocate(&self) -> Task {
        Task::create()
    }
    fn reset(&self, t: &mut Task) {
        t.reset();
    }
}

impl poolshark::Poolable for Task {
    fn empty() -> Self {
        Task::create()
    }
    fn reset(&mut self) {
        Reset::reset(self);
    }
    fn capacity(&self) -> usize {
        self.data.capacity()
    }
}

// SAFETY: `Task` has no type parameters and its own location id, so its local pool holds only
// `Task`s, and `reset` leaves one with no elements in any of its containers.
unsafe impl poolshark::IsoPoolable for Task {
    const DISCRIMINANT: Option<poolshark::Discriminant> =
        poolshark::Discriminant::new(poolshark::location_id!());
}

/// A 1 KiB buffer for poolshark. Its pools make values with `Poolable::empty`, and the one for
/// `Vec` makes an empty `Vec` with no capacity (which its global pools then refuse to keep), so
/// this type creates buffers as the other pools' create functions do.
struct Buf(Vec<u8>);

impl poolshark::Poolable for Buf {
    fn empty() -> Self {
        Buf(Vec::with_capacity(BUF))
    }
    fn reset(&mut self) {
        self.0.clear();
    }
    fn capacity(&self) -> usize {
        self.0.capacity()
    }
}

// SAFETY: `Buf` has no type parameters and its own location id, so its local pool holds only
// `Buf`s, and `reset` leaves one empty.
unsafe impl poolshark::IsoPoolable for Buf {
    const DISCRIMINANT: Option<poolshark::Discriminant> =
        poolshark::Discriminant::new(poolshark::location_id!());
}

impl std::ops::Deref for Buf {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl std::ops::DerefMut for Buf {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

/// How many values the pools of the producer/consumer and tokio rows may keep idle: as many as
/// can be out at once there (every batch full in the first, 256 in the second), so that no pool
/// drops a return for want of room.
const ROOM: usize = BATCHES * BATCH;

/// The limits of poolshark's thread-local pools, for pools made on a thread after this call
/// (each thread makes its own on its first take): as many values as `ROOM`, of the capacity
/// the values are created with.
fn poolshark_local_limits() {
    poolshark::local::set_size::<Buf>(ROOM, BUF);
    poolshark::local::set_size::<Task>(ROOM, TASK_DATA);
}

/// What a peer's benchmark runs: `iters` iterations of its work, timed.
type Run = Box<dyn FnMut(u64) -> Duration>;

/// One row of the table: the same work done through each peer, this pool first.
struct Row {
    group: &'static str,
    /// Values each iteration takes and returns (the burst row's 64), for per-value figures.
    values: u64,
    /// Iterations per block in the interleaved comparison: a millisecond or more of work.
    block: u64,
    peers: Vec<(String, Run)>,
}

impl Row {
    fn new(group: &'static str, values: u64, block: u64) -> Row {
        Row {
            group,
            values,
            block,
            peers: Vec::new(),
        }
    }

    fn add(&mut self, name: impl Into<String>, run: impl FnMut(u64) -> Duration + 'static) {
        self.peers.push((name.into(), Box::new(run)));
    }
}

/// A [`Run`] of `op`, as criterion's `iter` times it.
fn each(mut op: impl FnMut()) -> impl FnMut(u64) -> Duration {
    move |iters| {
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        start.elapsed()
    }
}

fn vec1k() -> Row {
    let mut row = Row::new("vec1k_get_write16_return", 1, 200_000);
    let payload = [1u8; 16];
    let ours: Pool<Vec<u8>> = Pool::builder()
        .create_with(|| Vec::with_capacity(BUF))
        .build();
    row.add(
        "pool_core",
        each(move || {
            let mut v = ours.get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    // The same buffers from `BufPool`, its class chosen from the request on every get.
    let bufs = BufPool::new();
    row.add(
        "buf_pool",
        each(move || {
            let mut v = bufs.get(BUF);
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    let op = object_pool::Pool::new(64, || Vec::with_capacity(BUF));
    row.add(
        "object_pool",
        each(move || {
            let mut v = op.pull(|| Vec::with_capacity(BUF));
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
            v.clear();
        }),
    );
    let lf = lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    );
    row.add(
        "lockfree_object_pool",
        each(move || {
            let mut v = lf.pull();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    let oo = opool::Pool::new(64, VecAlloc);
    row.add(
        "opool",
        each(move || {
            let mut v = oo.get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    let psg = poolshark::global::Pool::<Buf>::new(64, BUF);
    row.add(
        "poolshark_global",
        each(move || {
            let mut v = psg.take();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    row.add(
        "poolshark_local",
        each(move || {
            let mut v = LPooled::<Buf>::take();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    row.add(
        "fresh_alloc",
        each(move || {
            let mut v: Vec<u8> = Vec::with_capacity(BUF);
            v.extend_from_slice(black_box(&payload));
            black_box(&mut v);
        }),
    );
    row.add(
        "floor_bare_thread_local_stack",
        each(move || {
            let mut v = bare::get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    // No pool at all: one buffer kept in a local, cleared and written. The floor under any
    // pool's figure, since every pool does this work too.
    let mut kept: Box<Vec<u8>> = Box::new(Vec::with_capacity(BUF));
    row.add(
        "floor_one_kept_buffer",
        each(move || {
            kept.clear();
            kept.extend_from_slice(black_box(&payload));
            black_box(&mut *kept);
        }),
    );
    row
}

fn task() -> Row {
    let mut row = Row::new("task_get_fill_return", 1, 50_000);
    let ours: Pool<Task> = Pool::new();
    let mut i = 0u64;
    row.add(
        "pool_core",
        each(move || {
            i += 1;
            let mut t = ours.get();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    // The same pool again, made second: placement alone (see the module's docs).
    let again: Pool<Task> = Pool::new();
    row.add(
        "pool_core_again",
        each(move || {
            i += 1;
            let mut t = again.get();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    let op = object_pool::Pool::new(64, Task::create);
    row.add(
        "object_pool",
        each(move || {
            i += 1;
            let mut t = op.pull(Task::create);
            fill_task(&mut t, i);
            black_box(&mut *t);
            t.reset();
        }),
    );
    let lf = lockfree_object_pool::LinearObjectPool::new(Task::create, |t| t.reset());
    row.add(
        "lockfree_object_pool",
        each(move || {
            i += 1;
            let mut t = lf.pull();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    // And lockfree-object-pool again, the same way.
    let lf2 = lockfree_object_pool::LinearObjectPool::new(Task::create, |t| t.reset());
    row.add(
        "lockfree_again",
        each(move || {
            i += 1;
            let mut t = lf2.pull();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    let oo = opool::Pool::new(64, TaskAlloc);
    row.add(
        "opool",
        each(move || {
            i += 1;
            let mut t = oo.get();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    let psg = poolshark::global::Pool::<Task>::new(64, TASK_DATA);
    row.add(
        "poolshark_global",
        each(move || {
            i += 1;
            let mut t = psg.take();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    row.add(
        "poolshark_local",
        each(move || {
            i += 1;
            let mut t = LPooled::<Task>::take();
            fill_task(&mut t, i);
            black_box(&mut *t);
        }),
    );
    row.add(
        "fresh_alloc",
        each(move || {
            i += 1;
            let mut t = Task {
                data: Vec::with_capacity(TASK_DATA),
                ..Task::default()
            };
            fill_task(&mut t, i);
            black_box(&mut t);
        }),
    );
    // No pool: one task kept in a local, reset and filled; the work every pool row does too.
    let mut kept = Box::new(Task::create());
    row.add(
        "floor_one_kept_task",
        each(move || {
            i += 1;
            kept.reset();
            fill_task(&mut kept, i);
            black_box(&mut *kept);
        }),
    );
    row
}

/// 64 values out, then 64 back; criterion reports per batch, the note divides by 64.
fn burst64() -> Row {
    const N: usize = 64;
    let mut row = Row::new("burst64_out_then_back", N as u64, 5_000);
    // Leaked, as in the rows below, so the guards each run holds between its iterations are
    // `'static`.
    let ours: &'static Pool<Vec<u8>> = leak(
        Pool::builder()
            .create_with(|| Vec::with_capacity(BUF))
            .build(),
    );
    let mut held = Vec::with_capacity(N);
    row.add(
        "pool_core",
        each(move || {
            held.extend((0..N).map(|_| ours.get()));
            black_box(&mut held);
            held.clear();
        }),
    );
    let op = leak(object_pool::Pool::new(N, || Vec::<u8>::with_capacity(BUF)));
    let mut held = Vec::with_capacity(N);
    row.add(
        "object_pool",
        each(move || {
            held.extend((0..N).map(|_| op.pull(|| Vec::with_capacity(BUF))));
            black_box(&mut held);
            held.iter_mut().for_each(|v| v.clear());
            held.clear();
        }),
    );
    let lf = leak(lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    ));
    let mut held = Vec::with_capacity(N);
    row.add(
        "lockfree_object_pool",
        each(move || {
            held.extend((0..N).map(|_| lf.pull()));
            black_box(&mut held);
            held.clear();
        }),
    );
    let oo = leak(opool::Pool::new(N, VecAlloc));
    let mut held = Vec::with_capacity(N);
    row.add(
        "opool",
        each(move || {
            held.extend((0..N).map(|_| oo.get()));
            black_box(&mut held);
            held.clear();
        }),
    );
    let psg = poolshark::global::Pool::<Buf>::new(N, BUF);
    let mut held = Vec::with_capacity(N);
    row.add(
        "poolshark_global",
        each(move || {
            held.extend((0..N).map(|_| psg.take()));
            black_box(&mut held);
            held.clear();
        }),
    );
    let mut held = Vec::with_capacity(N);
    row.add(
        "poolshark_local",
        each(move || {
            held.extend((0..N).map(|_| LPooled::<Buf>::take()));
            black_box(&mut held);
            held.clear();
        }),
    );
    let mut held: Vec<Vec<u8>> = Vec::with_capacity(N);
    row.add(
        "fresh_alloc",
        each(move || {
            held.extend((0..N).map(|_| Vec::with_capacity(BUF)));
            black_box(&mut held);
            held.clear();
        }),
    );
    let mut held = Vec::with_capacity(N);
    row.add(
        "floor_bare_thread_local_stack",
        each(move || {
            held.extend((0..N).map(|_| bare::get()));
            black_box(&mut held);
            held.clear();
        }),
    );
    // No pool: 64 boxed buffers moved from a local stack and back, each cleared on the way.
    let mut stack: Vec<Box<Vec<u8>>> = (0..N).map(|_| Box::new(Vec::with_capacity(BUF))).collect();
    let mut held: Vec<Box<Vec<u8>>> = Vec::with_capacity(N);
    row.add(
        "floor_two_local_stacks",
        each(move || {
            held.extend((0..N).map_while(|_| stack.pop()));
            black_box(&mut held);
            for mut value in held.drain(..) {
                value.clear();
                stack.push(value);
            }
        }),
    );
    row
}

/// Runs `op` `iters` times on each of `threads` threads at once; returns the wall time, so
/// criterion's per-iteration figure is the per-op cost each thread sees.
fn concurrently(threads: usize, iters: u64, op: Arc<dyn Fn() + Send + Sync>) -> Duration {
    let barrier = Arc::new(Barrier::new(threads + 1));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (barrier, op) = (Arc::clone(&barrier), Arc::clone(&op));
            thread::spawn(move || {
                barrier.wait();
                for _ in 0..iters {
                    op();
                }
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    for worker in workers {
        worker.join().expect("benchmark thread panicked");
    }
    start.elapsed()
}

/// `threads` threads taking from and returning to one pool at once (poolshark's local pools
/// aside, which give each thread its own).
fn threads(threads: usize) -> Row {
    let mut row = Row::new("vec1k_threads_sharing_one_pool", 1, 200_000);
    let payload = [1u8; 16];
    let mut add = |name: &str, op: Arc<dyn Fn() + Send + Sync>| {
        row.add(format!("{name}/{threads}"), move |iters| {
            concurrently(threads, iters, Arc::clone(&op))
        });
    };
    let ours: Arc<Pool<Vec<u8>>> = Arc::new(
        Pool::builder()
            .create_with(|| Vec::with_capacity(BUF))
            .build(),
    );
    add(
        "pool_core",
        Arc::new(move || {
            let mut v = ours.get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    let lf = Arc::new(lockfree_object_pool::LinearObjectPool::new(
        || Vec::with_capacity(BUF),
        |v: &mut Vec<u8>| v.clear(),
    ));
    add(
        "lockfree_object_pool",
        Arc::new(move || {
            let mut v = lf.pull();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    let psg = poolshark::global::Pool::<Buf>::new(64, BUF);
    add(
        "poolshark_global",
        Arc::new(move || {
            let mut v = psg.take();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    // Not one pool shared: each thread takes from and returns to a pool of its own.
    add(
        "poolshark_local",
        Arc::new(move || {
            let mut v = LPooled::<Buf>::take();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        }),
    );
    row
}

/// Values in one batch of the producer/consumer row.
const BATCH: usize = 32;
/// Full batches the channel holds before the producer blocks. Deep enough that the threads
/// seldom park: a park and the wake that ends it cost about 15 us on a 2-vCPU VM, which at 4
/// batches deep came to about 120 ns per value, more than any pool's own cost.
const CHANNEL_BOUND: usize = 64;
/// Batches in circulation: the channel's, one being filled, one being emptied.
const BATCHES: usize = CHANNEL_BOUND + 2;

/// Moves `iters` values from this thread to a consumer thread: `fill` makes a batch hold `n`
/// values (taken and written here), a bounded channel carries it, and `drain` gives its values
/// back on the consumer thread; the emptied batch comes back for reuse, so the harness allocates
/// nothing while timed. Returns the time from the first take until the consumer has given back
/// the last value; starting and joining the consumer thread are outside it.
fn producer_consumer<G, F, D>(iters: u64, mut fill: F, drain: D) -> Duration
where
    G: Send,
    F: FnMut(&mut Vec<G>, usize),
    D: Fn(&mut Vec<G>) + Send,
{
    let (full_tx, full_rx) = mpsc::sync_channel::<Vec<G>>(CHANNEL_BOUND);
    let (back_tx, back_rx) = mpsc::sync_channel::<Vec<G>>(BATCHES);
    for _ in 0..BATCHES {
        back_tx
            .send(Vec::with_capacity(BATCH))
            .expect("the channel has room for every batch");
    }
    let ready = &Barrier::new(2);
    thread::scope(|s| {
        let consumer = s.spawn(move || {
            ready.wait();
            for mut batch in full_rx {
                drain(&mut batch);
                if back_tx.send(batch).is_err() {
                    break;
                }
            }
        });
        ready.wait();
        let start = Instant::now();
        let mut left = iters;
        while left > 0 {
            let n = left.min(BATCH as u64) as usize;
            let mut batch = back_rx.recv().expect("the consumer hung up");
            fill(&mut batch, n);
            full_tx.send(batch).expect("the consumer hung up");
            left -= n as u64;
        }
        drop(full_tx);
        // The consumer drops its sender once it has drained every batch.
        let mut returned = Vec::with_capacity(BATCHES);
        returned.extend(back_rx.iter());
        let elapsed = start.elapsed();
        // Joining waits for the thread's exit too, thread-local destructors included.
        consumer.join().expect("the consumer panicked");
        drop(returned);
        elapsed
    })
}

/// Values taken on one thread and returned on another: the bench thread takes 32 values, writes
/// 16 bytes into each and sends them as a batch through a bounded channel (64 batches deep); a
/// consumer thread drops them, returning them to their pool. ns per value, get + cross-thread
/// return. poolshark's local pools do not fit: a value goes back to the pool of the thread that
/// drops it, so the producer would create every value it takes.
fn producer_consumer_row() -> Row {
    let mut row = Row::new("vec1k_producer_consumer_batch32", 1, 100_000);
    let payload = [1u8; 16];
    let ours: Pool<Vec<u8>> = Pool::builder()
        .max_idle(ROOM)
        .create_with(|| Vec::with_capacity(BUF))
        .build();
    row.add("pool_core", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v = ours.get();
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            Vec::clear,
        )
    });
    let op = object_pool::Pool::new(64, || Vec::<u8>::with_capacity(BUF));
    row.add("object_pool", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v = op.pull(|| Vec::with_capacity(BUF));
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            |batch| {
                batch.iter_mut().for_each(|v| v.clear());
                batch.clear();
            },
        )
    });
    let lf = lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    );
    row.add("lockfree_object_pool", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v = lf.pull();
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            Vec::clear,
        )
    });
    let oo = opool::Pool::new(ROOM, VecAlloc);
    row.add("opool", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v = oo.get();
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            Vec::clear,
        )
    });
    let psg = poolshark::global::Pool::<Buf>::new(ROOM, BUF);
    row.add("poolshark_global", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v = psg.take();
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            Vec::clear,
        )
    });
    row.add("fresh_alloc", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v: Vec<u8> = Vec::with_capacity(BUF);
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            Vec::clear,
        )
    });
    // No pool: the consumer clears the values and they ride back in their batch, so the
    // producer writes into them again. The channel traffic and the writing and clearing every
    // pool row does too, without a pool's cross-thread return.
    row.add("floor_values_ride_back", move |iters| {
        producer_consumer(
            iters,
            |batch: &mut Vec<Box<Vec<u8>>>, n| {
                batch.truncate(n);
                for v in batch.iter_mut() {
                    v.extend_from_slice(black_box(&payload));
                }
                while batch.len() < n {
                    let mut v = Box::new(Vec::with_capacity(BUF));
                    v.extend_from_slice(black_box(&payload));
                    batch.push(v);
                }
            },
            |batch| batch.iter_mut().for_each(|v| v.clear()),
        )
    });
    // The least a pool can do here (see `magazine`): the values go back through shared memory,
    // 32 at a time under a lock, rather than riding back in their batch.
    row.add("floor_magazine_exchange", move |iters| {
        producer_consumer(
            iters,
            |batch, n| {
                batch.extend((0..n).map(|_| {
                    let mut v = magazine::get();
                    v.extend_from_slice(black_box(&payload));
                    v
                }))
            },
            Vec::clear,
        )
    });
    row
}

/// Tasks spawned per iteration of the tokio row.
const TASKS: u32 = 256;

/// Spawns `TASKS` tasks made by `task` on `rt` and waits for them all, `iters` times; returns
/// the time divided by `TASKS`, so criterion's figure is per task.
fn tokio_tasks<Fut>(rt: &tokio::runtime::Runtime, iters: u64, task: impl Fn() -> Fut) -> Duration
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut handles = Vec::with_capacity(TASKS as usize);
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..iters {
            handles.extend((0..TASKS).map(|_| tokio::spawn(task())));
            for handle in handles.drain(..) {
                handle.await.expect("a task panicked");
            }
        }
        start.elapsed() / TASKS
    })
}

/// Gives a pool the `'static` life a spawned task needs without an `Arc` clone per task (the
/// guard's own clone aside). The few pools leaked live until the bench process ends.
fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// A tokio runtime with 2 workers, 256 tasks per iteration: each task takes an owned guard,
/// writes 16 bytes, holds it across `yield_now` (so the task may resume, and return the value,
/// on the other worker) and drops it. ns per task, spawning and joining included.
fn tokio_row() -> Row {
    let mut row = Row::new("vec1k_tokio_256_tasks_across_yield", 1, 40);
    let payload = [1u8; 16];
    let rt = leak(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("a tokio runtime"),
    );
    let ours: &'static Arc<Pool<Vec<u8>>> = leak(Arc::new(
        Pool::builder()
            .max_idle(ROOM)
            .create_with(|| Vec::with_capacity(BUF))
            .build(),
    ));
    row.add("pool_core", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = ours.get_owned();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    // The same pool again, made second: placement alone (see the module's docs).
    let again: &'static Arc<Pool<Vec<u8>>> = leak(Arc::new(
        Pool::builder()
            .max_idle(ROOM)
            .create_with(|| Vec::with_capacity(BUF))
            .build(),
    ));
    row.add("pool_core_again", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = again.get_owned();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    let op = leak(Arc::new(object_pool::Pool::new(64, || {
        Vec::<u8>::with_capacity(BUF)
    })));
    row.add("object_pool", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = op.pull_owned(|| Vec::with_capacity(BUF));
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
            v.clear();
        })
    });
    let lf = leak(Arc::new(lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    )));
    row.add("lockfree_object_pool", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = lf.pull_owned();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    // And lockfree-object-pool again, the same way.
    let lf2 = leak(Arc::new(lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    )));
    row.add("lockfree_again", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = lf2.pull_owned();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    // `get_rc` takes the `Arc` by value, hence the clone.
    let oo = leak(Arc::new(opool::Pool::new(ROOM, VecAlloc)));
    row.add("opool", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = Arc::clone(oo).get_rc();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    let psg = leak(poolshark::global::Pool::<Buf>::new(ROOM, BUF));
    row.add("poolshark_global", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = psg.take();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    row.add("poolshark_local", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = LPooled::<Buf>::take();
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut *v);
        })
    });
    row.add("fresh_alloc", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v: Vec<u8> = Vec::with_capacity(BUF);
            v.extend_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut v);
        })
    });
    // No value at all: 16 bytes written to the task's own state, held across the yield. The
    // runtime's cost every row pays too.
    row.add("floor_task_alone", move |iters| {
        tokio_tasks(rt, iters, || async move {
            let mut v = [0u8; 16];
            v.copy_from_slice(black_box(&payload));
            tokio::task::yield_now().await;
            black_box(&mut v);
        })
    });
    row
}

/// Request sizes for the mixed-sizes row: `64 B × 16384^(u³)` for `u` uniform in `[0, 1)`,
/// from 64 B to 1 MiB and skewed to the small end (three in four at most 4 KiB, one in ten
/// above 64 KiB), as in the `size_classes` example; a fixed sequence, the same every run.
fn mixed_sizes(n: usize) -> Vec<usize> {
    let mut x = 23_199u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let u = (x >> 40) as f64 / (1u64 << 24) as f64;
            ((64.0 * 16384f64.powf(u * u * u)) as usize).clamp(64, 1 << 20)
        })
        .collect()
}

/// Buffers of mixed sizes: `BufPool` (its power-of-two classes) against one `Pool<Vec<u8>>`
/// capped with `max_capacity` (and, for its idle bytes, one without), and against allocating
/// each buffer. Each iteration takes a buffer for the next size in a fixed skewed sequence,
/// makes sure it holds that size, writes 16 bytes and gives it back. The idle bytes each pool
/// holds afterwards are printed to stderr.
fn buf_mixed_sizes(c: &mut Criterion) {
    const CAP: usize = 64 * 1024;
    let mut group = c.benchmark_group("mixed_sizes_get_write16_return");
    let payload = [1u8; 16];
    let sizes = mixed_sizes(4096);
    let next = {
        let sizes = sizes.clone();
        move |i: &mut usize| {
            *i = (*i + 1) % sizes.len();
            sizes[*i]
        }
    };
    let buf_pool = BufPool::new();
    let mut i = 0;
    group.bench_function("buf_pool", |b| {
        b.iter(|| {
            let mut v = buf_pool.get(next(&mut i));
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    let capped: Pool<Vec<u8>> = Pool::builder().max_capacity(CAP).build();
    group.bench_function("pool_core_max_capacity_64k", |b| {
        b.iter(|| {
            let mut v = capped.get();
            v.reserve(next(&mut i));
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    let uncapped: Pool<Vec<u8>> = Pool::new();
    group.bench_function("pool_core_uncapped", |b| {
        b.iter(|| {
            let mut v = uncapped.get();
            v.reserve(next(&mut i));
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    group.bench_function("fresh_alloc", |b| {
        b.iter(|| {
            let mut v: Vec<u8> = Vec::with_capacity(next(&mut i));
            v.extend_from_slice(black_box(&payload));
            black_box(&mut v);
        })
    });
    group.finish();
    eprintln!(
        "mixed_sizes idle bytes after the run: buf_pool {} ({} buffers, bound {}), \
         pool_core_max_capacity_64k {} ({} buffers), pool_core_uncapped {} ({} buffers)",
        buf_pool.stats().idle_bytes,
        buf_pool.stats().idle,
        buf_pool.idle_bytes_bound(),
        capped.stats().idle_bytes,
        capped.stats().idle,
        uncapped.stats().idle_bytes,
        uncapped.stats().idle,
    );
}

/// Every row but the mixed sizes, in the order they run. Each is made just before it runs and
/// dropped after, with its pools.
const ROWS: [fn() -> Row; 7] = [
    vec1k,
    task,
    burst64,
    || threads(1),
    || threads(2),
    producer_consumer_row,
    tokio_row,
];

/// The rows under criterion, each peer a benchmark of its own.
fn peers(c: &mut Criterion) {
    poolshark_local_limits();
    for make in ROWS {
        let mut row = make();
        let mut group = c.benchmark_group(row.group);
        if row.values > 1 {
            group.throughput(Throughput::Elements(row.values));
        }
        for (name, run) in &mut row.peers {
            group.bench_function(name.as_str(), |b| b.iter_custom(&mut *run));
        }
        group.finish();
    }
}

/// The rows with their peers interleaved: `rounds` rounds, each timing one block of every
/// peer, the order turning from round to round. A peer's figure is its median block; the
/// ratio is the median over rounds of pool-core's block against the peer's in the same round,
/// so a change in the machine's speed between rounds (a 2-vCPU VM moves by a third) falls on
/// both sides of each ratio. Rows whose group does not contain `filter` are skipped.
fn interleaved(rounds: usize, filter: &str) {
    poolshark_local_limits();
    for make in ROWS {
        let mut row = make();
        if !row.group.contains(filter) {
            continue;
        }
        let per_block = (row.block * row.values) as f64;
        // One block of each first: pools warm, threads' caches made.
        for (_, run) in &mut row.peers {
            run(row.block);
        }
        let n = row.peers.len();
        let mut ns = vec![Vec::with_capacity(rounds); n];
        for round in 0..rounds {
            for k in 0..n {
                let peer = (round + k) % n;
                let elapsed = (row.peers[peer].1)(row.block);
                ns[peer].push(elapsed.as_secs_f64() * 1e9 / per_block);
            }
        }
        println!(
            "\n{} ({rounds} rounds of {} interleaved)",
            row.group, row.block
        );
        println!(
            "{:<32} {:>10} {:>16}",
            "peer", "median ns", "pool-core / it"
        );
        for (peer, (name, _)) in row.peers.iter().enumerate() {
            let mut ratios: Vec<f64> = (0..rounds).map(|r| ns[0][r] / ns[peer][r]).collect();
            println!(
                "{name:<32} {:>10.2} {:>16.3}",
                median(&mut ns[peer].clone()),
                median(&mut ratios)
            );
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = peers, buf_mixed_sizes
}

/// The interleaved comparison of each row in processes of its own, `processes` times: where
/// the values land on the heap and how the row's loops sit in memory move a ratio by several
/// percent from one process to the next (the task and tokio rows' second pools show it), and a
/// row run after others inherits their heap. For each peer: the median over the processes of
/// its median ns, and of its ratio, and the range of the ratio.
fn sweep(processes: usize, rounds: usize, filter: &str) {
    let exe = std::env::current_exe().expect("the bench's own path");
    let mut groups: Vec<&'static str> = Vec::new();
    for make in ROWS {
        let group = make().group;
        if group.contains(filter) && !groups.contains(&group) {
            groups.push(group);
        }
    }
    for group in groups {
        // (peer, medians, ratios), in the order the rows print them.
        let mut peers: Vec<(String, Vec<f64>, Vec<f64>)> = Vec::new();
        for _ in 0..processes {
            let output = std::process::Command::new(&exe)
                .args(["--bench", "--interleaved", &rounds.to_string(), group])
                .output()
                .expect("running the bench again");
            let stdout = String::from_utf8_lossy(&output.stdout);
            for line in stdout.lines() {
                let fields: Vec<&str> = line.split_whitespace().collect();
                let [name, median_ns, ratio] = fields[..] else {
                    continue;
                };
                let (Ok(median_ns), Ok(ratio)) = (median_ns.parse(), ratio.parse()) else {
                    continue;
                };
                match peers.iter_mut().find(|(peer, ..)| peer == name) {
                    Some((_, medians, ratios)) => {
                        medians.push(median_ns);
                        ratios.push(ratio);
                    }
                    None => peers.push((name.to_string(), vec![median_ns], vec![ratio])),
                }
            }
        }
        println!("\n{group} ({processes} processes of {rounds} interleaved rounds)");
        println!(
            "{:<32} {:>10} {:>16} {:>14}",
            "peer", "median ns", "pool-core / it", "range"
        );
        for (name, mut medians, mut ratios) in peers {
            let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let high = ratios.iter().copied().fold(0.0, f64::max);
            println!(
                "{name:<32} {:>10.2} {:>16.3} {:>14}",
                median(&mut medians),
                median(&mut ratios),
                format!("{low:.3}-{high:.3}")
            );
        }
    }
}

/// `cargo bench -p pool-core --bench pool` runs criterion. With `-- --interleaved [rounds]
/// [filter]` (31 rounds, every row by default) it runs the interleaved comparison instead, and
/// with `-- --sweep [processes] [rounds] [filter]` (5 processes of 21 rounds) that comparison
/// of each row in processes of its own.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let numbers_and_filter = |at: usize| {
        let rest = &args[at + 1..];
        let numbers: Vec<usize> = rest.iter().filter_map(|arg| arg.parse().ok()).collect();
        let filter = rest
            .iter()
            .find(|arg| arg.parse::<usize>().is_err() && !arg.starts_with("--"))
            .map_or("", String::as_str);
        (numbers, filter)
    };
    if let Some(at) = args.iter().position(|arg| arg == "--interleaved") {
        let (numbers, filter) = numbers_and_filter(at);
        interleaved(numbers.first().copied().unwrap_or(31), filter);
        return;
    }
    if let Some(at) = args.iter().position(|arg| arg == "--sweep") {
        let (numbers, filter) = numbers_and_filter(at);
        let processes = numbers.first().copied().unwrap_or(5);
        sweep(processes, numbers.get(1).copied().unwrap_or(21), filter);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
