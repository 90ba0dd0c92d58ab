//! Where pooling stops paying: a 16-byte struct pooled and not pooled, and a struct owning a
//! 64 KiB buffer for contrast, measured in nanoseconds per use.
//!
//! A use takes a value, writes to it, reads it back through `std::hint::black_box` (so the
//! compiler cannot skip the work) and lets it go. The 16-byte value is measured on the stack,
//! boxed on the heap, and from a pool; the big one fresh (`Vec::with_capacity`) and from a pool.
//! Each figure is the best of several timed runs, and allocations per use come from a counting
//! global allocator.
//!
//! ```text
//! cargo run --release -p pool-examples --example when_not_to_pool [OPS]
//! ```
//!
//! `OPS` (default 5,000,000) is the number of uses of the small value per timed run; the big
//! value gets a tenth as many.

use std::hint::black_box;
use std::time::{Duration, Instant};

use pool_core::{Pool, Poolable};
use pool_examples::alloc;
use pool_examples::args::{exit_with_usage, Args};
use pool_examples::stats::ns_per;
use pool_examples::table::{self, Table};

const USAGE: &str = "usage: when_not_to_pool [OPS]
  OPS  uses of the 16-byte value per timed run (default 5000000)";

/// Timed runs per measurement; the best one is kept.
const RUNS: usize = 5;
/// The big value's buffer.
const BIG_BUFFER: usize = 64 * 1024;

/// 16 bytes, no heap: the kind of value that should not be pooled.
#[derive(Poolable, Default, Debug, Clone, Copy)]
pub(crate) struct Small {
    id: u64,
    hits: u32,
    misses: u32,
}

/// A value that owns a 64 KiB buffer: the kind pooling is for.
#[derive(Poolable, Debug)]
#[pool(new = Big::new)]
pub(crate) struct Big {
    id: u64,
    data: Vec<u8>,
}

impl Big {
    fn new() -> Big {
        Big {
            id: 0,
            data: Vec::with_capacity(BIG_BUFFER),
        }
    }
}

/// One use of a small value.
#[inline(always)]
fn use_small(s: &mut Small, i: u64) {
    s.id = i;
    s.hits = i as u32;
    s.misses += 1;
    black_box(s);
}

/// One use of a big value: an id and 256 bytes of data.
#[inline(always)]
fn use_big(b: &mut Big, i: u64) {
    b.id = i;
    b.data.extend_from_slice(&[i as u8; 256]);
    black_box(b);
}

/// The best of `RUNS` timings of `ops` calls of `op`, and the allocations per call.
fn measure(ops: u64, mut op: impl FnMut(u64)) -> (Duration, f64) {
    let mut best = Duration::MAX;
    let before = alloc::thread_snapshot();
    for _ in 0..RUNS {
        let start = Instant::now();
        for i in 0..ops {
            op(i);
        }
        best = best.min(start.elapsed());
    }
    let allocs = alloc::thread_snapshot().since(&before).allocations;
    (best, allocs as f64 / (ops * RUNS as u64) as f64)
}

/// One line of the table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) value: &'static str,
    pub(crate) how: &'static str,
    pub(crate) ns_per_op: f64,
    pub(crate) allocs_per_op: f64,
}

fn row(value: &'static str, how: &'static str, ops: u64, op: impl FnMut(u64)) -> Row {
    let (best, allocs_per_op) = measure(ops, op);
    Row {
        value,
        how,
        ns_per_op: ns_per(best, ops),
        allocs_per_op,
    }
}

/// Every measurement; `ops` uses of the small value per run, `ops / 10` of the big one.
pub(crate) fn run(ops: u64) -> Vec<Row> {
    let small_pool: Pool<Small> = Pool::new();
    let big_pool: Pool<Big> = Pool::new();
    drop((small_pool.get(), big_pool.get())); // warm: one value of each is idle
    let big_ops = (ops / 10).max(1);
    let small = "16-byte struct";
    let big = "struct with a 64 KiB buffer";
    vec![
        row(small, "on the stack", ops, |i| {
            let mut s = Small::default();
            use_small(&mut s, i);
        }),
        row(small, "Box::new", ops, |i| {
            let mut s = Box::new(Small::default());
            use_small(&mut s, i);
        }),
        row(small, "Pool::get", ops, |i| {
            let mut s = small_pool.get();
            use_small(&mut s, i);
        }),
        row(big, "fresh", big_ops, |i| {
            let mut b = Big::new();
            use_big(&mut b, i);
        }),
        row(big, "Pool::get", big_ops, |i| {
            let mut b = big_pool.get();
            use_big(&mut b, i);
        }),
    ]
}

fn print(rows: &[Row], ops: u64) {
    println!(
        "when_not_to_pool: get, write, read back, let go; best of {RUNS} runs of {} uses (the big \
         value: {})\n",
        table::count(ops),
        table::count((ops / 10).max(1))
    );
    let mut t = Table::new(["value", "how", "ns/use", "allocs/use"]).left_columns(2);
    for r in rows {
        t.row([
            r.value.to_owned(),
            r.how.to_owned(),
            table::fixed(r.ns_per_op, 2),
            table::fixed(r.allocs_per_op, 2),
        ]);
    }
    println!("{t}");
    let ns = |how: &str, value: &str| {
        rows.iter()
            .find(|r| r.how == how && r.value.starts_with(value))
            .map_or(f64::NAN, |r| r.ns_per_op)
    };
    let (stack, boxed, pooled) = (
        ns("on the stack", "16"),
        ns("Box::new", "16"),
        ns("Pool::get", "16"),
    );
    let (fresh, big_pooled) = (ns("fresh", "struct"), ns("Pool::get", "struct"));
    println!(
        "16-byte struct: the pool costs {:.1}x a stack value and {:.2}x a Box::new. A value \
         this small belongs on the stack: pooling it only pays when it must live on the heap, \
         and then by {:.1} ns a use.",
        pooled / stack,
        pooled / boxed,
        boxed - pooled
    );
    println!(
        "64 KiB-buffer struct: the pool costs {:.2}x a fresh one ({:.1} ns saved a use).",
        big_pooled / fresh,
        fresh - big_pooled
    );
}

fn main() {
    let args = Args::from_env();
    if args.flag("--help") {
        exit_with_usage(USAGE, None);
    }
    let ops = args
        .check(&["--help"], 1)
        .and_then(|()| args.count(0, "OPS", 5_000_000))
        .unwrap_or_else(|error| exit_with_usage(USAGE, Some(&error)));
    print(&run(ops as u64), ops as u64);
}
