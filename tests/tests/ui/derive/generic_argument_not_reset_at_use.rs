// One mistake, one error at the use site: `File` is not `Reset` (and `Slot` has no `Default`),
// reported as `Slot<File>` not being `Poolable`, not once per unsatisfied predicate.
use std::fs::File;

use pool_core::{Pool, Poolable};

#[derive(Poolable)]
struct Slot<T> {
    value: T,
}

static SLOTS: Pool<Slot<File>> = Pool::new();

fn main() {
    drop(SLOTS.get());
}
