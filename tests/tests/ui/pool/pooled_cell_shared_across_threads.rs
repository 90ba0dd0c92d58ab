// A guard is only `Sync` when its value is: a `Pooled` of a type with a `Cell` cannot be
// shared between threads.
use std::cell::Cell;

use pool_core::{Pool, Poolable};

#[derive(Poolable, Default)]
struct Counter {
    hits: Cell<u32>,
}

static COUNTERS: Pool<Counter> = Pool::new();

fn main() {
    let counter = COUNTERS.get();
    std::thread::scope(|scope| {
        scope.spawn(|| counter.hits.set(1));
    });
}
