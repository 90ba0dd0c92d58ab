//! Size classes and `#[pool(max_capacity = N)]`: one huge request must not pin a huge buffer in
//! the pool for ever.
//!
//! Go's `sync.Pool` has this bug in many servers (golang/go#23199): a buffer that grew to serve
//! one huge request goes back to the pool at its huge size and stays there, and soon every idle
//! buffer is huge. Here the same stream of requests (mostly small, some large, one in 500 of
//! 8 MiB, 16 in flight at a time) runs through:
//!
//! 1. fresh buffers, no pool;
//! 2. one pool of buffers, without `max_capacity`;
//! 3. two pools, small (up to 4 KiB) and large, without `max_capacity`;
//! 4. the same two pools, with buffer types whose field is `#[pool(max_capacity = N)]`: on
//!    return a small buffer keeps at most 4 KiB and a large one at most 256 KiB.
//!
//! and the table prints the memory left idle in the pools once every request is done, measured
//! by a counting global allocator, with allocations per request and the hit rate.
//!
//! ```text
//! cargo run --release -p pool-examples --example size_classes [REQUESTS]
//! ```
//!
//! `REQUESTS` defaults to 20,000.

use std::time::{Duration, Instant};

use pool_core::{Pool, PoolStats, Poolable, Pooled};
use pool_examples::alloc;
use pool_examples::args::{exit_with_usage, Args};
use pool_examples::rng::Rng;
use pool_examples::table::{self, Table};

const USAGE: &str = "usage: size_classes [REQUESTS]
  REQUESTS  requests in the stream (default 20000)";

/// The largest request the small class serves, and what a small buffer keeps.
const SMALL_MAX: usize = 4 * 1024;
/// What a large buffer keeps when it goes back.
const LARGE_MAX: usize = 256 * 1024;
/// The rare huge request.
const HUGE: usize = 8 * 1024 * 1024;
/// Requests in flight at once.
const IN_FLIGHT: usize = 16;
/// Each pool's bound on idle buffers.
const MAX_IDLE: usize = 64;

/// A buffer that keeps whatever capacity it grew to: the golang/go#23199 behaviour.
#[derive(Poolable, Default)]
pub(crate) struct Uncapped {
    bytes: Vec<u8>,
}

/// A small-class buffer: back in the pool it keeps at most `SMALL_MAX` bytes.
#[derive(Poolable, Default)]
pub(crate) struct Small {
    #[pool(max_capacity = SMALL_MAX)]
    bytes: Vec<u8>,
}

/// A large-class buffer: back in the pool it keeps at most `LARGE_MAX` bytes, so an 8 MiB
/// request's buffer shrinks when it comes back.
#[derive(Poolable, Default)]
pub(crate) struct Large {
    #[pool(max_capacity = LARGE_MAX)]
    bytes: Vec<u8>,
}

/// The byte buffer inside each buffer type.
trait Buffer: Poolable {
    fn bytes(&mut self) -> &mut Vec<u8>;
}

macro_rules! buffer {
    ($($ty:ty),*) => {
        $(impl Buffer for $ty {
            fn bytes(&mut self) -> &mut Vec<u8> {
                &mut self.bytes
            }
        })*
    };
}
buffer!(Uncapped, Small, Large);

/// The request sizes: 90% up to 4 KiB, the rest up to 256 KiB, and one in 500 of 8 MiB.
fn request_sizes(n: usize) -> Vec<usize> {
    let mut rng = Rng::new(23199);
    (0..n)
        .map(|_| {
            if rng.one_in(500) {
                HUGE
            } else if rng.below(10) < 9 {
                rng.between(64, SMALL_MAX)
            } else {
                rng.between(SMALL_MAX + 1, LARGE_MAX)
            }
        })
        .collect()
}

/// Serves one request: reads `size` bytes into the buffer, a 4 KiB chunk at a time as from a
/// socket.
fn serve(buf: &mut Vec<u8>, size: usize) {
    const CHUNK: [u8; 4096] = [0x5a; 4096];
    while buf.len() < size {
        let n = (size - buf.len()).min(CHUNK.len());
        buf.extend_from_slice(&CHUNK[..n]);
    }
    std::hint::black_box(&*buf);
}

/// A request in flight, holding a buffer from the small or the large pool.
enum InFlight<'a, S: Buffer, L: Buffer> {
    Small(Pooled<'a, S>),
    Large(Pooled<'a, L>),
}

impl<S: Buffer, L: Buffer> InFlight<'_, S, L> {
    /// Finishes the request: the bytes it read. Its buffer goes back to its pool.
    fn finish(self) -> usize {
        match self {
            InFlight::Small(mut buf) => buf.bytes().len(),
            InFlight::Large(mut buf) => buf.bytes().len(),
        }
    }
}

/// One way of serving the stream, measured.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) elapsed: Duration,
    pub(crate) allocations: u64,
    pub(crate) bytes_allocated: u64,
    /// Idle buffers left in the pools at the end.
    pub(crate) idle: u64,
    /// Heap bytes the pools hold at the end: live bytes minus those before they existed.
    pub(crate) idle_bytes: i64,
    pub(crate) hit_rate: Option<f64>,
}

/// Serves `sizes` with `IN_FLIGHT` requests at a time: a request takes a buffer from `small`
/// (when given and the size fits) or `large`, and gives it back `IN_FLIGHT` requests later.
fn serve_pooled<S: Buffer, L: Buffer>(sizes: &[usize], small: Option<&Pool<S>>, large: &Pool<L>) {
    let mut ring: Vec<Option<InFlight<'_, S, L>>> = (0..IN_FLIGHT).map(|_| None).collect();
    let mut served = 0;
    for (i, &size) in sizes.iter().enumerate() {
        // The request that was in this slot is done: its buffer goes back to its pool.
        served += ring[i % IN_FLIGHT].take().map_or(0, InFlight::finish);
        let request = match small {
            Some(small) if size <= SMALL_MAX => {
                let mut buf = small.get();
                serve(buf.bytes(), size);
                InFlight::Small(buf)
            }
            _ => {
                let mut buf = large.get();
                serve(buf.bytes(), size);
                InFlight::Large(buf)
            }
        };
        ring[i % IN_FLIGHT] = Some(request);
    }
    std::hint::black_box(served);
}

/// The same stream with a fresh buffer per request.
fn serve_fresh(sizes: &[usize]) {
    let mut ring: Vec<Vec<u8>> = (0..IN_FLIGHT).map(|_| Vec::new()).collect();
    for (i, &size) in sizes.iter().enumerate() {
        let mut buf = Vec::new();
        serve(&mut buf, size);
        ring[i % IN_FLIGHT] = buf;
    }
}

/// Runs one way of serving and measures it; `run` returns its pools' stats and idle counts
/// while the pools still exist.
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
        idle: result.map_or(0, |(stats, _)| stats.idle),
        idle_bytes: result.map_or(0, |(_, held)| held),
        hit_rate: result.map(|(stats, _)| stats.hit_rate()),
    }
}

/// Serves `sizes` with pools `small` (optional) and `large`, and reports their combined stats
/// and the heap bytes they hold at the end, before they are dropped.
fn with_pools<S: Buffer, L: Buffer>(
    sizes: &[usize],
    small: Option<Pool<S>>,
    large: Pool<L>,
    baseline: i64,
) -> Option<(PoolStats, i64)> {
    serve_pooled(sizes, small.as_ref(), &large);
    let held = alloc::thread_snapshot().live_bytes - baseline;
    let mut stats = large.stats();
    if let Some(small) = &small {
        let s = small.stats();
        stats.created += s.created;
        stats.reused += s.reused;
        stats.idle += s.idle;
    }
    Some((stats, held))
}

/// The four ways of serving the stream of `requests`, measured.
pub(crate) fn run(requests: usize) -> Vec<Row> {
    let sizes = request_sizes(requests);
    let base = || alloc::thread_snapshot().live_bytes;
    vec![
        measure("fresh buffers, no pool", || {
            serve_fresh(&sizes);
            None
        }),
        measure("one pool, no max_capacity", || {
            let b = base();
            with_pools::<Uncapped, _>(&sizes, None, Pool::<Uncapped>::with_max_idle(MAX_IDLE), b)
        }),
        measure("small + large pools, no max_capacity", || {
            let b = base();
            let small = Pool::<Uncapped>::with_max_idle(MAX_IDLE);
            with_pools(
                &sizes,
                Some(small),
                Pool::<Uncapped>::with_max_idle(MAX_IDLE),
                b,
            )
        }),
        measure("small + large pools, max_capacity", || {
            let b = base();
            let small = Pool::<Small>::with_max_idle(MAX_IDLE);
            with_pools(
                &sizes,
                Some(small),
                Pool::<Large>::with_max_idle(MAX_IDLE),
                b,
            )
        }),
    ]
}

fn print(rows: &[Row], requests: usize) {
    println!(
        "size_classes: {} requests, {IN_FLIGHT} in flight; 90% up to {}, the rest up to {}, \
         one in 500 of {}; max_idle {MAX_IDLE} per pool\n",
        table::count(requests as u64),
        table::bytes(SMALL_MAX as i64),
        table::bytes(LARGE_MAX as i64),
        table::bytes(HUGE as i64),
    );
    let mut t = Table::new([
        "buffers",
        "idle",
        "idle memory",
        "hit rate",
        "allocs/req",
        "allocated/req",
        "time",
    ]);
    for r in rows {
        let n = requests as f64;
        t.row([
            r.name.to_owned(),
            table::count(r.idle),
            table::bytes(r.idle_bytes),
            r.hit_rate.map_or("-".to_owned(), table::percent),
            table::fixed(r.allocations as f64 / n, 3),
            table::bytes((r.bytes_allocated as f64 / n) as i64),
            format!("{} ms", r.elapsed.as_millis()),
        ]);
    }
    println!("{t}");
    println!(
        "Idle memory is measured after the last request, while the pools still exist: live \
         heap bytes minus those before the pools were made. With max_capacity, a huge \
         request's buffer is shrunk when it comes back (a realloc, counted above), so it \
         cannot stay pinned."
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
    print(&run(requests), requests);
}
