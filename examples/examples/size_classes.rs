//! Buffers of many sizes: `BufPool`'s power-of-two classes against one `Pool<Vec<u8>>`, with
//! and without `max_capacity`, and against allocating every buffer.
//!
//! One pool of buffers for requests of every size has Go's bug golang/go#23199: a buffer that
//! grew for a huge request goes back at its huge size, and soon every idle buffer is huge.
//! `PoolBuilder::max_capacity` shrinks what comes back, but then every large request
//! reallocates. `BufPool` files each buffer by its capacity in a class of its own, so a request
//! gets a buffer its size and the idle bytes follow the mix of requests.
//!
//! The same stream of requests, from 64 B to 1 MiB with small ones the most common (three in
//! four at most 4 KiB, one in ten above 64 KiB), 16 in flight at a time, runs through:
//!
//! 1. a fresh `Vec::with_capacity(size)` per request, no pool;
//! 2. one `Pool<Vec<u8>>` (`max_idle` 64), each buffer reserved to the request's size;
//! 3. the same with `max_capacity(64 KiB)`: a buffer coming back is shrunk to 64 KiB;
//! 4. `BufPool::new()`, the defaults `BufPool::global()` has: `get(size)`;
//! 5. a `BufPool` with `max_idle_bytes(4 MiB)`.
//!
//! The table prints what the pools hold once every request is done: idle buffers and their
//! bytes as the pools count them, and the heap they keep as a counting global allocator sees
//! it, with allocations per request and the hit rate; then how the `BufPool`'s classes served
//! the stream.
//!
//! ```text
//! cargo run --release -p pool-examples --example size_classes [REQUESTS]
//! ```
//!
//! `REQUESTS` defaults to 20,000.

use std::time::{Duration, Instant};

use pool_core::{BufPool, Pool, PoolStats};
use pool_examples::alloc;
use pool_examples::args::{exit_with_usage, Args};
use pool_examples::rng::Rng;
use pool_examples::table::{self, Table};

const USAGE: &str = "usage: size_classes [REQUESTS]
  REQUESTS  requests in the stream (default 20000)";

/// The smallest request.
const SMALLEST: usize = 64;
/// The largest request.
const LARGEST: usize = 1 << 20;
/// Requests in flight at once.
const IN_FLIGHT: usize = 16;
/// The single pools' bound on idle buffers.
const MAX_IDLE: usize = 64;
/// What the capped single pool keeps of a buffer.
const MAX_CAPACITY: usize = 64 * 1024;
/// The bytes bound of the last `BufPool`.
const MAX_IDLE_BYTES: usize = 4 << 20;

/// The request sizes: `64 B × 16384^(u³)` for `u` uniform in `[0, 1)`, so from 64 B to 1 MiB,
/// skewed to the small end: 75% at most 4 KiB, 11% above 64 KiB, 2.4% above 512 KiB.
pub(crate) fn request_sizes(n: usize) -> Vec<usize> {
    let mut rng = Rng::new(23199);
    let span = (LARGEST / SMALLEST) as f64;
    (0..n)
        .map(|_| {
            let u = rng.below(1 << 24) as f64 / (1 << 24) as f64;
            let size = SMALLEST as f64 * span.powf(u * u * u);
            (size as usize).clamp(SMALLEST, LARGEST)
        })
        .collect()
}

/// Serves one request: fills the buffer with `size` bytes, as a read from a socket would.
fn serve(buf: &mut Vec<u8>, size: usize) {
    buf.resize(size, 0x5a);
    std::hint::black_box(&*buf);
}

/// Runs `sizes` through `take`, with `IN_FLIGHT` requests at a time: a request's buffer
/// (whatever `take` returns: a guard, or a plain `Vec`) is dropped `IN_FLIGHT` requests later.
fn stream<B>(sizes: &[usize], mut take: impl FnMut(usize) -> B) {
    let mut ring: Vec<Option<B>> = (0..IN_FLIGHT).map(|_| None).collect();
    for (i, &size) in sizes.iter().enumerate() {
        ring[i % IN_FLIGHT] = None; // the request in this slot is done
        ring[i % IN_FLIGHT] = Some(take(size));
    }
}

/// One way of serving the stream, measured.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) elapsed: Duration,
    pub(crate) allocations: u64,
    pub(crate) bytes_allocated: u64,
    /// The pools' statistics at the end, while they still exist; `None` without a pool.
    pub(crate) stats: Option<PoolStats>,
    /// Heap bytes the pools hold at the end: live bytes minus those before they were made.
    pub(crate) held: i64,
}

/// Runs one way of serving and measures it; `run` returns its pools' stats and the heap bytes
/// they hold at the end, taken while the pools still exist.
fn measure(name: &'static str, run: impl FnOnce() -> Option<(PoolStats, i64)>) -> Row {
    let before = alloc::thread_snapshot();
    let start = Instant::now();
    let result = run();
    let elapsed = start.elapsed();
    let spent = alloc::thread_snapshot().since(&before);
    Row {
        name,
        elapsed,
        allocations: spent.allocations,
        bytes_allocated: spent.bytes,
        stats: result.map(|(stats, _)| stats),
        held: result.map_or(0, |(_, held)| held),
    }
}

/// The heap bytes allocated since `baseline` and still live: what the pool holds once every
/// request is done.
fn held_since(baseline: i64) -> i64 {
    alloc::thread_snapshot().live_bytes - baseline
}

/// The stream through one `Pool<Vec<u8>>`: each buffer reserved to the request's size.
fn single_pool(sizes: &[usize], pool: Pool<Vec<u8>>, baseline: i64) -> Option<(PoolStats, i64)> {
    stream(sizes, |size| {
        let mut buf = pool.get();
        buf.reserve(size);
        serve(&mut buf, size);
        buf
    });
    Some((pool.stats(), held_since(baseline)))
}

/// The stream through a `BufPool`: `get(size)`.
fn buf_pool(sizes: &[usize], pool: &BufPool, baseline: i64) -> Option<(PoolStats, i64)> {
    stream(sizes, |size| {
        let mut buf = pool.get(size);
        serve(&mut buf, size);
        buf
    });
    Some((pool.stats(), held_since(baseline)))
}

/// Every way of serving the stream of `requests`, measured, and the default `BufPool`'s
/// classes at the end.
pub(crate) fn run(requests: usize) -> (Vec<Row>, Vec<(usize, PoolStats)>) {
    let sizes = request_sizes(requests);
    let base = || alloc::thread_snapshot().live_bytes;
    let mut classes = Vec::new();
    let rows = vec![
        measure("fresh Vec per request", || {
            stream(&sizes, |size| {
                let mut buf = Vec::with_capacity(size);
                serve(&mut buf, size);
                buf
            });
            None
        }),
        measure("one Pool<Vec<u8>>", || {
            let b = base();
            single_pool(&sizes, Pool::with_max_idle(MAX_IDLE), b)
        }),
        measure("one Pool<Vec<u8>>, max_capacity 64 KiB", || {
            let b = base();
            let pool = Pool::builder()
                .max_idle(MAX_IDLE)
                .max_capacity(MAX_CAPACITY)
                .build();
            single_pool(&sizes, pool, b)
        }),
        measure("BufPool::new()", || {
            let b = base();
            let pool = BufPool::new();
            let result = buf_pool(&sizes, &pool, b);
            classes = pool.class_stats();
            result
        }),
        measure("BufPool, max_idle_bytes 4 MiB", || {
            let b = base();
            let pool = BufPool::builder().max_idle_bytes(MAX_IDLE_BYTES).build();
            buf_pool(&sizes, &pool, b)
        }),
    ];
    (rows, classes)
}

fn print(rows: &[Row], classes: &[(usize, PoolStats)], requests: usize) {
    let sizes = request_sizes(requests);
    let share =
        |limit: usize| sizes.iter().filter(|&&s| s <= limit).count() as f64 / requests as f64;
    println!(
        "size_classes: {} requests from {} to {}, {IN_FLIGHT} in flight; {} at most 4 KiB, {} \
         at most 64 KiB; {} requested in all\n",
        table::count(requests as u64),
        table::bytes(SMALLEST as i64),
        table::bytes(LARGEST as i64),
        table::percent(share(4096)),
        table::percent(share(64 * 1024)),
        table::bytes(sizes.iter().sum::<usize>() as i64),
    );
    let mut t = Table::new([
        "buffers",
        "idle",
        "idle bytes",
        "heap held",
        "hit rate",
        "allocs/req",
        "allocated/req",
        "time",
    ]);
    for r in rows {
        let n = requests as f64;
        t.row([
            r.name.to_owned(),
            r.stats.map_or("-".to_owned(), |s| table::count(s.idle)),
            r.stats
                .map_or("-".to_owned(), |s| table::bytes(s.idle_bytes as i64)),
            r.stats.map_or("-".to_owned(), |_| table::bytes(r.held)),
            r.stats
                .map_or("-".to_owned(), |s| table::percent(s.hit_rate())),
            table::fixed(r.allocations as f64 / n, 3),
            table::bytes((r.bytes_allocated as f64 / n) as i64),
            format!("{} ms", r.elapsed.as_millis()),
        ]);
    }
    println!("{t}");
    let mut c = Table::new([
        "BufPool::new() class",
        "created",
        "reused",
        "idle",
        "idle bytes",
    ]);
    for (size, s) in classes.iter().filter(|(_, s)| s.created > 0) {
        c.row([
            table::bytes(*size as i64),
            table::count(s.created),
            table::count(s.reused),
            table::count(s.idle),
            table::bytes(s.idle_bytes as i64),
        ]);
    }
    println!("{c}");
    println!(
        "Idle bytes are the pools' own count (`PoolStats::idle_bytes`, the idle buffers' \
         capacities); heap held is what the counting allocator saw still live once the last \
         request was done, pool structures included. With max_capacity, every request above \
         64 KiB reallocates the buffer it gets (counted in allocs/req). A BufPool buffer \
         that grows moves up a class, counted as created there."
    );
}

fn main() {
    let args = Args::from_env();
    if args.flag("--help") {
        exit_with_usage(USAGE, None);
    }
    let requests = args
        .check(&["--help"], 1)
        .and_then(|()| args.count(0, "REQUESTS", 20_000))
        .unwrap_or_else(|error| exit_with_usage(USAGE, Some(&error)));
    let (rows, classes) = run(requests);
    print(&rows, &classes, requests);
}
