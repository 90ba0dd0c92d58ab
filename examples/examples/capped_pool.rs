//! A bounded pool done right, against the common hand-written one that goes wrong.
//!
//! The hand-written bounded pool below counts how many values were *put back* and stops keeping
//! them after `max` puts, but never counts the *gets* that free room again: after `max` returns
//! it drops everything for good, and its hit rate falls to zero. `Pool` bounds what is idle
//! *now*: a burst of 10,000 values out at once leaves at most `max_idle` idle when they come
//! back. Then `trim()`, called here between phases of falling load as a timer would, gives the
//! memory back generation by generation: each trim drops what stayed idle since the previous one.
//!
//! ```text
//! cargo run --release -p pool-examples --example capped_pool [REQUESTS] [BURST]
//! ```
//!
//! `REQUESTS` (default 10,000) is how many requests, each taking 8 buffers of 4 KiB and giving
//! them back, run through both pools; `BURST` (default 10,000) is how many buffers are out at
//! once in the burst. Memory figures are measured by a counting global allocator (this
//! thread's allocations: the program runs on one thread).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pool_core::Pool;
use pool_examples::alloc;
use pool_examples::args::{exit_with_usage, Args};
use pool_examples::table::{self, Table};

const USAGE: &str = "usage: capped_pool [REQUESTS] [BURST]
  REQUESTS  requests of 8 buffers each through both pools (default 10000)
  BURST     buffers out at once in the burst (default 10000)";

/// The bound of both pools.
const MAX_IDLE: usize = 64;
/// Buffers one request holds at once.
const PER_REQUEST: usize = 8;
/// Each buffer's capacity.
const BUFFER_SIZE: usize = 4096;

fn new_buffer() -> Vec<u8> {
    Vec::with_capacity(BUFFER_SIZE)
}

/// The bounded pool as it is often written: it counts puts, and never gets.
struct NaiveBoundedPool {
    items: Mutex<Vec<Vec<u8>>>,
    /// Values ever put back. The bug: a get does not decrement it, so after `max` puts the
    /// pool believes it is full for ever and drops every value given back.
    puts: AtomicUsize,
    max: usize,
}

impl NaiveBoundedPool {
    fn new(max: usize) -> Self {
        NaiveBoundedPool {
            items: Mutex::new(Vec::new()),
            puts: AtomicUsize::new(0),
            max,
        }
    }

    /// An idle buffer, or a new one; the `bool` says whether it was reused.
    fn get(&self) -> (Vec<u8>, bool) {
        let popped = self.items.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match popped {
            Some(buf) => (buf, true),
            None => (new_buffer(), false),
        }
    }

    fn put(&self, mut buf: Vec<u8>) {
        if self.puts.fetch_add(1, Ordering::Relaxed) < self.max {
            buf.clear();
            self.items
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(buf);
        }
    }
}

/// One request: takes `PER_REQUEST` buffers, writes to them, gives them back.
fn naive_request(pool: &NaiveBoundedPool) -> u64 {
    let mut hits = 0;
    let bufs: [Vec<u8>; PER_REQUEST] = std::array::from_fn(|_| {
        let (mut buf, hit) = pool.get();
        hits += u64::from(hit);
        buf.extend_from_slice(b"request data");
        buf
    });
    bufs.into_iter().for_each(|buf| pool.put(buf));
    hits
}

/// The same request on `Pool`.
fn pool_request(pool: &Pool<Vec<u8>>) {
    let bufs: [_; PER_REQUEST] = std::array::from_fn(|_| {
        let mut buf = pool.get();
        buf.extend_from_slice(b"request data");
        buf
    });
    // Dropping the guards resets the buffers and gives them back.
    drop(bufs);
}

/// One window of requests in the comparison.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    pub(crate) first: u64,
    pub(crate) last: u64,
    pub(crate) naive_hit_rate: f64,
    pub(crate) naive_allocs: u64,
    pub(crate) pool_hit_rate: f64,
    pub(crate) pool_allocs: u64,
}

/// Runs `requests` requests through both pools, measuring windows of growing length.
pub(crate) fn compare(requests: u64) -> Vec<Window> {
    let naive = NaiveBoundedPool::new(MAX_IDLE);
    let pool = Pool::builder()
        .max_idle(MAX_IDLE)
        .create_with(new_buffer)
        .build();
    let mut windows = Vec::new();
    let mut first = 1;
    while first <= requests {
        // Windows 1-10, 11-100, 101-1,000, ...
        let last = if first == 1 { 10 } else { (first - 1) * 10 };
        let last = last.min(requests);
        let n = last - first + 1;
        let before = alloc::thread_snapshot();
        let hits: u64 = (0..n).map(|_| naive_request(&naive)).sum();
        let naive_allocs = alloc::thread_snapshot().since(&before).allocations;
        let (stats_before, before) = (pool.stats(), alloc::thread_snapshot());
        (0..n).for_each(|_| pool_request(&pool));
        let pool_allocs = alloc::thread_snapshot().since(&before).allocations;
        let stats = pool_examples::stats::stats_since(&stats_before, &pool.stats());
        windows.push(Window {
            first,
            last,
            naive_hit_rate: hits as f64 / (n * PER_REQUEST as u64) as f64,
            naive_allocs,
            pool_hit_rate: stats.hit_rate(),
            pool_allocs,
        });
        first = last + 1;
    }
    windows
}

/// One line of the burst-and-trim story.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) what: String,
    pub(crate) idle: u64,
    pub(crate) trimmed: u64,
    pub(crate) discarded: u64,
    /// Bytes the pool holds, measured: live bytes now minus live bytes before it existed.
    pub(crate) held: i64,
}

/// A burst of `burst` buffers out at once, then load falling phase by phase with a `trim()`
/// after each phase.
pub(crate) fn burst_and_trim(burst: usize) -> Vec<Step> {
    let baseline = alloc::thread_snapshot().live_bytes;
    let pool = Pool::builder()
        .max_idle(MAX_IDLE)
        .create_with(new_buffer)
        .build();
    let mut steps = Vec::new();
    let mut record = |what: String, pool: &Pool<Vec<u8>>| {
        let stats = pool.stats();
        steps.push(Step {
            what,
            idle: stats.idle,
            trimmed: stats.trimmed,
            discarded: stats.discarded,
            held: alloc::thread_snapshot().live_bytes - baseline,
        });
    };
    let out: Vec<_> = (0..burst).map(|_| pool.get()).collect();
    record(
        format!("burst: {} buffers out", table::count(burst as u64)),
        &pool,
    );
    drop(out);
    record("burst over: all given back".to_owned(), &pool);
    for (trim, peak) in [32, 8, 2, 0, 0].into_iter().enumerate() {
        pool.trim();
        record(format!("trim #{}", trim + 1), &pool);
        use_at_once(&pool, peak);
        record(format!("  then {peak} in use at the peak"), &pool);
    }
    steps.retain(|s| !s.what.ends_with(" 0 in use at the peak"));
    steps
}

/// A phase of load: `n` buffers in use at once, then given back.
fn use_at_once(pool: &Pool<Vec<u8>>, n: usize) {
    let bufs: Vec<_> = (0..n).map(|_| pool.get()).collect();
    drop(bufs);
}

fn print_compare(windows: &[Window]) {
    println!(
        "1. {PER_REQUEST} buffers of {} per request, both pools bounded to {MAX_IDLE} idle\n",
        table::bytes(BUFFER_SIZE as i64)
    );
    let mut t = Table::new([
        "requests",
        "naive hit rate",
        "naive allocs",
        "Pool hit rate",
        "Pool allocs",
    ]);
    for w in windows {
        t.row([
            format!("{}-{}", table::count(w.first), table::count(w.last)),
            table::percent(w.naive_hit_rate),
            table::count(w.naive_allocs),
            table::percent(w.pool_hit_rate),
            table::count(w.pool_allocs),
        ]);
    }
    println!("{t}");
    println!(
        "The naive pool stops keeping buffers after {MAX_IDLE} puts, so from then on every \
         request allocates {PER_REQUEST} new buffers. Pool's first allocations are its buffers \
         and its own bookkeeping.\n"
    );
}

fn print_steps(steps: &[Step]) {
    println!("2. a burst, then trim() after each phase of falling load (max_idle {MAX_IDLE})\n");
    let mut t = Table::new(["step", "idle", "discarded", "trimmed", "pool memory"]);
    for s in steps {
        t.row([
            s.what.clone(),
            table::count(s.idle),
            table::count(s.discarded),
            table::count(s.trimmed),
            table::bytes(s.held),
        ]);
    }
    println!("{t}");
    println!(
        "Each trim drops the buffers that stayed idle since the previous trim; the ones used in \
         between survive one more. Pool memory is measured: live heap bytes minus those before \
         the pool was made."
    );
}

fn main() {
    let args = Args::from_env();
    if args.flag("--help") {
        exit_with_usage(USAGE, None);
    }
    let parsed = args.check(&["--help"], 2).and_then(|()| {
        Ok((
            args.count(0, "REQUESTS", 10_000)? as u64,
            args.count(1, "BURST", 10_000)?,
        ))
    });
    let (requests, burst) = parsed.unwrap_or_else(|error| exit_with_usage(USAGE, Some(&error)));
    print_compare(&compare(requests));
    print_steps(&burst_and_trim(burst));
}
