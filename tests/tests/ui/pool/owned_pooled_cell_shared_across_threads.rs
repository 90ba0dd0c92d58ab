// An `OwnedPooled` is only `Sync` when its value is: one of a type with a `Cell` cannot be
// shared between threads, though it can move to one.
use std::cell::Cell;
use std::sync::Arc;

use pool_core::{Pool, Poolable};

#[derive(Poolable, Default)]
struct Counter {
    hits: Cell<u32>,
}

fn main() {
    let pool = Arc::new(Pool::<Counter>::new());
    let counter = pool.get_owned();
    std::thread::scope(|scope| {
        scope.spawn(|| counter.hits.set(1));
    });
}
