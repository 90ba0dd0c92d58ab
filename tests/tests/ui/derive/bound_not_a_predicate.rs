use pool_core::Reset;

#[derive(Reset)]
#[pool(bound = "T Reset")]
struct Batch<T> {
    items: Vec<T>,
}

fn main() {}
