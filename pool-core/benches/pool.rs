//! This pool against its peers and fresh allocation, in one run:
//! `cargo bench -p pool-core --bench pool`.
//!
//! Every pool does the same work per operation, including clearing the value it gets back, so
//! each peer is set up to reset values as this pool does (object-pool has no reset hook: the
//! benchmark clears by hand before the guard returns the value).

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use pool_core::{Pool, Poolable, Reset};

const BUF: usize = 1024;

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
            data: Vec::with_capacity(4096),
            ..Task::default()
        }
    }
}

fn fill_task(task: &mut Task, i: u64) {
    task.id = i;
    task.data.extend_from_slice(&[7u8; 512]);
    task.tags.push(String::from("tag"));
    task.note = Some(String::from("note"));
}

/// The least a pool with a thread-local fast path can do: a bare per-thread stack of boxed
/// buffers, with no bound on idle values, no statistics, no trimming, and room for one pool
/// per program. Not a usable pool: a floor under any design like this one. It keeps values
/// boxed, as a pool does so that taking and returning one moves a pointer, not the value.
#[allow(clippy::box_collection, clippy::vec_box)]
mod bare {
    use std::cell::RefCell;
    use std::ops::{Deref, DerefMut};

    thread_local! {
        static STACK: RefCell<Vec<Box<Vec<u8>>>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) struct Guard(Option<Box<Vec<u8>>>);

    pub(crate) fn get() -> Guard {
        let value = STACK.with(|stack| stack.borrow_mut().pop());
        Guard(Some(
            value.unwrap_or_else(|| Box::new(Vec::with_capacity(super::BUF))),
        ))
    }

    impl Deref for Guard {
        type Target = Vec<u8>;
        fn deref(&self) -> &Vec<u8> {
            self.0.as_ref().expect("taken only in drop")
        }
    }

    impl DerefMut for Guard {
        fn deref_mut(&mut self) -> &mut Vec<u8> {
            self.0.as_mut().expect("taken only in drop")
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            if let Some(mut value) = self.0.take() {
                value.clear();
                STACK.with(|stack| stack.borrow_mut().push(value));
            }
        }
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

fn vec1k(c: &mut Criterion) {
    let mut group = c.benchmark_group("vec1k_get_write16_return");
    let payload = [1u8; 16];
    let ours: Pool<Vec<u8>> = Pool::builder()
        .create_with(|| Vec::with_capacity(BUF))
        .build();
    group.bench_function("pool_core", |b| {
        b.iter(|| {
            let mut v = ours.get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    let op = object_pool::Pool::new(64, || Vec::with_capacity(BUF));
    group.bench_function("object_pool", |b| {
        b.iter(|| {
            let mut v = op.pull(|| Vec::with_capacity(BUF));
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
            v.clear();
        })
    });
    let lf = lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    );
    group.bench_function("lockfree_object_pool", |b| {
        b.iter(|| {
            let mut v = lf.pull();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    let oo = opool::Pool::new(64, VecAlloc);
    group.bench_function("opool", |b| {
        b.iter(|| {
            let mut v = oo.get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    group.bench_function("fresh_alloc", |b| {
        b.iter(|| {
            let mut v: Vec<u8> = Vec::with_capacity(BUF);
            v.extend_from_slice(black_box(&payload));
            black_box(&mut v);
        })
    });
    group.bench_function("floor_bare_thread_local_stack", |b| {
        b.iter(|| {
            let mut v = bare::get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        })
    });
    // No pool at all: one buffer kept in a local, cleared and written. The floor under any
    // pool's figure, since every pool does this work too.
    let mut kept: Box<Vec<u8>> = Box::new(Vec::with_capacity(BUF));
    group.bench_function("floor_one_kept_buffer", |b| {
        b.iter(|| {
            kept.clear();
            kept.extend_from_slice(black_box(&payload));
            black_box(&mut *kept);
        })
    });
    group.finish();
}

fn task(c: &mut Criterion) {
    let mut group = c.benchmark_group("task_get_fill_return");
    let ours: Pool<Task> = Pool::new();
    let mut i = 0u64;
    group.bench_function("pool_core", |b| {
        b.iter(|| {
            i += 1;
            let mut t = ours.get();
            fill_task(&mut t, i);
            black_box(&mut *t);
        })
    });
    let op = object_pool::Pool::new(64, Task::create);
    group.bench_function("object_pool", |b| {
        b.iter(|| {
            i += 1;
            let mut t = op.pull(Task::create);
            fill_task(&mut t, i);
            black_box(&mut *t);
            t.reset();
        })
    });
    let lf = lockfree_object_pool::LinearObjectPool::new(Task::create, |t| t.reset());
    group.bench_function("lockfree_object_pool", |b| {
        b.iter(|| {
            i += 1;
            let mut t = lf.pull();
            fill_task(&mut t, i);
            black_box(&mut *t);
        })
    });
    let oo = opool::Pool::new(64, TaskAlloc);
    group.bench_function("opool", |b| {
        b.iter(|| {
            i += 1;
            let mut t = oo.get();
            fill_task(&mut t, i);
            black_box(&mut *t);
        })
    });
    group.bench_function("fresh_alloc", |b| {
        b.iter(|| {
            i += 1;
            let mut t = Task::create();
            fill_task(&mut t, i);
            black_box(&mut t);
        })
    });
    // No pool: one task kept in a local, reset and filled; the work every pool row does too.
    let mut kept = Box::new(Task::create());
    group.bench_function("floor_one_kept_task", |b| {
        b.iter(|| {
            i += 1;
            kept.reset();
            fill_task(&mut kept, i);
            black_box(&mut *kept);
        })
    });
    group.finish();
}

/// 64 values out, then 64 back; criterion reports per batch, the note divides by 64.
fn burst64(c: &mut Criterion) {
    const N: usize = 64;
    let mut group = c.benchmark_group("burst64_out_then_back");
    group.throughput(criterion::Throughput::Elements(N as u64));
    let ours: Pool<Vec<u8>> = Pool::builder()
        .create_with(|| Vec::with_capacity(BUF))
        .build();
    let mut held = Vec::with_capacity(N);
    group.bench_function("pool_core", |b| {
        b.iter(|| {
            held.extend((0..N).map(|_| ours.get()));
            black_box(&mut held);
            held.clear();
        })
    });
    let op = object_pool::Pool::new(N, || Vec::<u8>::with_capacity(BUF));
    let mut held = Vec::with_capacity(N);
    group.bench_function("object_pool", |b| {
        b.iter(|| {
            held.extend((0..N).map(|_| op.pull(|| Vec::with_capacity(BUF))));
            black_box(&mut held);
            held.iter_mut().for_each(|v| v.clear());
            held.clear();
        })
    });
    let lf = lockfree_object_pool::LinearObjectPool::new(
        || Vec::<u8>::with_capacity(BUF),
        |v| v.clear(),
    );
    let mut held = Vec::with_capacity(N);
    group.bench_function("lockfree_object_pool", |b| {
        b.iter(|| {
            held.extend((0..N).map(|_| lf.pull()));
            black_box(&mut held);
            held.clear();
        })
    });
    let oo = opool::Pool::new(N, VecAlloc);
    let mut held = Vec::with_capacity(N);
    group.bench_function("opool", |b| {
        b.iter(|| {
            held.extend((0..N).map(|_| oo.get()));
            black_box(&mut held);
            held.clear();
        })
    });
    let mut held: Vec<Vec<u8>> = Vec::with_capacity(N);
    group.bench_function("fresh_alloc", |b| {
        b.iter(|| {
            held.extend((0..N).map(|_| Vec::with_capacity(BUF)));
            black_box(&mut held);
            held.clear();
        })
    });
    let mut held = Vec::with_capacity(N);
    group.bench_function("floor_bare_thread_local_stack", |b| {
        b.iter(|| {
            held.extend((0..N).map(|_| bare::get()));
            black_box(&mut held);
            held.clear();
        })
    });
    // No pool: 64 boxed buffers moved from a local stack and back, each cleared on the way.
    let mut stack: Vec<Box<Vec<u8>>> = (0..N).map(|_| Box::new(Vec::with_capacity(BUF))).collect();
    let mut held: Vec<Box<Vec<u8>>> = Vec::with_capacity(N);
    group.bench_function("floor_two_local_stacks", |b| {
        b.iter(|| {
            held.extend((0..N).map_while(|_| stack.pop()));
            black_box(&mut held);
            for mut value in held.drain(..) {
                value.clear();
                stack.push(value);
            }
        })
    });
    group.finish();
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

fn threads(c: &mut Criterion) {
    let mut group = c.benchmark_group("vec1k_threads_sharing_one_pool");
    let payload = [1u8; 16];
    for threads in [1usize, 2] {
        let ours: Arc<Pool<Vec<u8>>> = Arc::new(
            Pool::builder()
                .create_with(|| Vec::with_capacity(BUF))
                .build(),
        );
        let op: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            let mut v = ours.get();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        });
        group.bench_with_input(BenchmarkId::new("pool_core", threads), &threads, |b, &t| {
            b.iter_custom(|iters| concurrently(t, iters, Arc::clone(&op)))
        });
        let lf = Arc::new(lockfree_object_pool::LinearObjectPool::new(
            || Vec::with_capacity(BUF),
            |v: &mut Vec<u8>| v.clear(),
        ));
        let op: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            let mut v = lf.pull();
            v.extend_from_slice(black_box(&payload));
            black_box(&mut *v);
        });
        group.bench_with_input(
            BenchmarkId::new("lockfree_object_pool", threads),
            &threads,
            |b, &t| b.iter_custom(|iters| concurrently(t, iters, Arc::clone(&op))),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = vec1k, task, burst64, threads
}
criterion_main!(benches);
