// `#[pool(bound = "...")]` replaces the bounds inferred from the fields, not the requirement
// that `create` can make a value: `Batch<T>: Default` holds only for `T: Default`.
use pool_core::{Pool, Poolable};

#[derive(Debug, Default, Poolable)]
#[pool(bound = "T: Send + 'static")]
struct Batch<T> {
    items: Vec<T>,
}

struct Job;

static BATCHES: Pool<Batch<Job>> = Pool::new();

fn main() {
    drop(BATCHES.get());
}
