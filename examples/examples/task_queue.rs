//! A task scheduler whose tasks come from a pool: the same workload run with pooled tasks and
//! with freshly allocated ones (a `Box<Task>` each, as schedulers box their tasks), measured.
//!
//! A producer thread makes tasks and pushes them on a bounded queue (a `Mutex` and two
//! `Condvar`s); worker threads pop them, check their data and drop them. Each task carries a
//! 4 KiB data buffer, a few tags and, for one task in 16, a note. Pooled tasks come from
//! `Task::pool()`, the global pool `#[pool(global)]` generates: a worker dropping a task resets it
//! and keeps it, buffer included, for the producer's next `get`.
//!
//! ```text
//! cargo run --release -p pool-examples --example task_queue [TASKS] [WORKERS]
//! ```
//!
//! `TASKS` defaults to 500,000 and `WORKERS` to 2. The table gives tasks per second, wall-clock
//! nanoseconds per task and, from a counting global allocator, allocations and bytes allocated
//! per task (process-wide, so the queue and threads count too), then the pool's statistics,
//! and last `pool_core::report()`: every pool in the process, in one table.

use std::collections::VecDeque;
use std::hint::black_box;
use std::ops::DerefMut;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{PoolStats, Poolable};
use pool_examples::alloc::{self, AllocCounts};
use pool_examples::args::{exit_with_usage, Args};
use pool_examples::rng::Rng;
use pool_examples::stats::{median_by_key, stats_since};
use pool_examples::table::{self, Table};

const USAGE: &str = "usage: task_queue [TASKS] [WORKERS]
  TASKS    tasks to run in each round (default 500000)
  WORKERS  worker threads (default 2)";

/// The capacity of each task's data buffer.
const DATA_SIZE: usize = 4096;
/// Tasks the queue holds before the producer waits.
const QUEUE_CAPACITY: usize = 256;
/// Tasks the producer submits, or a worker takes, at once.
const BATCH: usize = 32;

/// A unit of work. `#[derive(Poolable)]` writes its `Reset` (every field back to empty, the
/// buffers' capacity kept) and its `Poolable::create`, here `Task::with_buffer`.
#[derive(Poolable, Debug)]
#[pool(new = Task::with_buffer)]
#[pool(global(max_idle = 1024))]
pub(crate) struct Task {
    id: u64,
    data: Vec<u8>,
    tags: Vec<&'static str>,
    note: Option<String>,
}

impl Task {
    /// A task with its 4 KiB buffer and room for a few tags: what both modes start from.
    pub(crate) fn with_buffer() -> Task {
        Task {
            id: 0,
            data: Vec::with_capacity(DATA_SIZE),
            tags: Vec::with_capacity(4),
            note: None,
        }
    }

    /// Fills the task as a producer would: a payload, tags, sometimes a note.
    fn fill(&mut self, id: u64, rng: &mut Rng) {
        const TAGS: [&str; 4] = ["io", "cpu", "retry", "batch"];
        self.id = id;
        let len = rng.between(DATA_SIZE / 4, DATA_SIZE);
        self.data.resize(len, id as u8);
        self.tags.push(TAGS[(id % 4) as usize]);
        if id % 3 == 0 {
            self.tags.push(TAGS[2]);
        }
        if rng.one_in(16) {
            self.note = Some(format!("task {id} was retried"));
        }
    }

    /// The work itself: a checksum of the data, tags and note.
    fn run(&self) -> u64 {
        let words = self.data.chunks_exact(8);
        let tail: u64 = words.remainder().iter().map(|&b| u64::from(b)).sum();
        let sum = words.fold(tail, |acc, w| {
            acc.wrapping_add(u64::from_le_bytes(w.try_into().unwrap_or_default()))
        });
        let note = self.note.as_ref().map_or(0, String::len) as u64;
        sum ^ self.id ^ (self.tags.len() as u64) ^ note
    }
}

/// A bounded multi-consumer queue: a `Mutex` around a `VecDeque`, with `Condvar`s for
/// "not empty" and "not full". Nothing in it allocates once it is built.
struct Queue<T> {
    state: Mutex<QueueState<T>>,
    not_empty: Condvar,
    not_full: Condvar,
}

struct QueueState<T> {
    items: VecDeque<T>,
    closed: bool,
    /// Workers asleep on `not_empty`, and whether the producer sleeps on `not_full`: a
    /// `notify` is a system call, made only when someone waits.
    idle_workers: usize,
    producer_waits: bool,
}

impl<T> Queue<T> {
    fn new() -> Self {
        Queue {
            state: Mutex::new(QueueState {
                items: VecDeque::with_capacity(QUEUE_CAPACITY),
                closed: false,
                idle_workers: 0,
                producer_waits: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds every task of `batch`, waiting while the queue is full. Submitting tasks in
    /// batches takes the lock and wakes a worker once per batch rather than once per task.
    fn push_batch(&self, batch: &mut Vec<T>) {
        let mut state = self.lock();
        while state.items.len() + batch.len() > QUEUE_CAPACITY {
            state.producer_waits = true;
            state = self.not_full.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.items.extend(batch.drain(..));
        let wake = state.idle_workers > 0;
        drop(state);
        if wake {
            self.not_empty.notify_all();
        }
    }

    /// Moves up to `BATCH` tasks into `into`, waiting while the queue is empty; returns
    /// `false` once the queue is closed and drained.
    fn pop_batch(&self, into: &mut Vec<T>) -> bool {
        let mut state = self.lock();
        while state.items.is_empty() && !state.closed {
            state.idle_workers += 1;
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
            state.idle_workers -= 1;
        }
        let n = state.items.len().min(BATCH);
        into.extend(state.items.drain(..n));
        let wake = std::mem::take(&mut state.producer_waits);
        drop(state);
        if wake {
            self.not_full.notify_one();
        }
        n > 0
    }

    /// No more tasks: wakes every worker so they finish.
    fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
    }
}

/// What one round measured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Round {
    pub(crate) elapsed: Duration,
    pub(crate) allocs: AllocCounts,
    checksum: u64,
}

/// Runs `tasks` tasks through the queue to `workers` threads; `make` hands out an empty task:
/// from the pool, or freshly allocated.
fn run_round<J, F>(tasks: u64, workers: usize, mut make: F) -> Round
where
    J: DerefMut<Target = Task> + Send,
    F: FnMut() -> J,
{
    let queue = Queue::<J>::new();
    let before = alloc::snapshot();
    let start = Instant::now();
    let checksum = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(|| work(&queue))).collect();
        let mut rng = Rng::new(42);
        let mut batch = Vec::with_capacity(BATCH);
        for id in 0..tasks {
            let mut task = make();
            task.fill(id, &mut rng);
            batch.push(task);
            if batch.len() == BATCH || id + 1 == tasks {
                queue.push_batch(&mut batch);
            }
        }
        queue.close();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .fold(0, u64::wrapping_add)
    });
    let elapsed = start.elapsed();
    let allocs = alloc::snapshot().since(&before);
    Round {
        elapsed,
        allocs,
        checksum: black_box(checksum),
    }
}

/// A worker: runs tasks until the queue is closed and empty, dropping each when done (a
/// pooled task goes back to its pool).
fn work<J: DerefMut<Target = Task>>(queue: &Queue<J>) -> u64 {
    let mut batch = Vec::with_capacity(BATCH);
    let mut checksum = 0u64;
    while queue.pop_batch(&mut batch) {
        for task in batch.drain(..) {
            checksum = checksum.wrapping_add(black_box(&*task).run());
        }
    }
    checksum
}

/// The workload's size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    pub(crate) tasks: u64,
    pub(crate) workers: usize,
    /// Rounds per mode, alternating; the table shows each mode's median round.
    pub(crate) rounds: usize,
}

/// Both modes' median rounds and what the pool did over all pooled rounds.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) config: Config,
    pub(crate) unpooled: Round,
    pub(crate) pooled: Round,
    pub(crate) pool: PoolStats,
}

/// Runs the workload `rounds` times per mode, alternating unpooled and pooled rounds.
pub(crate) fn run(config: Config) -> Report {
    let (mut unpooled, mut pooled) = (Vec::new(), Vec::new());
    let pool_before = Task::pool().stats();
    for _ in 0..config.rounds {
        unpooled.push(run_round(config.tasks, config.workers, || {
            Box::new(Task::with_buffer())
        }));
        pooled.push(run_round(config.tasks, config.workers, || {
            Task::pool().get()
        }));
    }
    // Every worker has exited, so the pool's counters are exact.
    let pool = stats_since(&pool_before, &Task::pool().stats());
    assert_eq!(
        unpooled[0].checksum, pooled[0].checksum,
        "both modes do the same work"
    );
    Report {
        config,
        unpooled: median_round(&unpooled),
        pooled: median_round(&pooled),
        pool,
    }
}

/// The round with the median time.
fn median_round(rounds: &[Round]) -> Round {
    *median_by_key(rounds, |r| r.elapsed).unwrap_or(&rounds[0])
}

/// The report as the two tables the program prints.
pub(crate) fn tables(report: &Report) -> (Table, Table) {
    let speed = table::throughput(
        "task",
        report.config.tasks,
        &[
            ("unpooled", report.unpooled.elapsed, report.unpooled.allocs),
            ("pooled", report.pooled.elapsed, report.pooled.allocs),
        ],
    );
    (speed, table::pool_stats(&report.pool, true))
}

fn print(report: &Report) {
    let c = &report.config;
    println!(
        "task_queue: {} tasks per round, {} worker threads + 1 producer, {} buffer per task, \
         median of {} rounds",
        table::count(c.tasks),
        c.workers,
        table::bytes(DATA_SIZE as i64),
        c.rounds
    );
    let (speed, pool) = tables(report);
    println!("\n{speed}");
    let ratio = report.unpooled.elapsed.as_secs_f64() / report.pooled.elapsed.as_secs_f64();
    println!("pooled / unpooled throughput: {ratio:.2}x\n");
    println!(
        "Task::pool() over all {} pooled rounds (max_idle 1024):\n\n{pool}",
        c.rounds
    );
    println!(
        "Pooled tasks still allocate for their notes: a note is an `Option<String>`, reset to \
         `None`, so its string is freed."
    );
    println!(
        "\nEvery pool in the process (`pool_core::report()`):\n\n{}",
        pool_core::report()
    );
}

fn main() {
    let args = Args::from_env();
    if args.flag("--help") {
        exit_with_usage(USAGE, None);
    }
    let parsed = args.check(&["--help"], 2).and_then(|()| {
        Ok(Config {
            tasks: args.count(0, "TASKS", 500_000)? as u64,
            workers: args.count(1, "WORKERS", 2)?,
            rounds: 3,
        })
    });
    match parsed {
        Ok(config) => print(&run(config)),
        Err(error) => exit_with_usage(USAGE, Some(&error)),
    }
}
