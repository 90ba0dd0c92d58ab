use pool_core::Poolable;

#[derive(Poolable, Default)]
#[pool(global)]
struct Batch<T> {
    items: Vec<T>,
}

fn main() {}
