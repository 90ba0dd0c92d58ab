use pool_core::Poolable;

#[derive(Poolable, Default)]
#[pool(capacity = 16)]
struct Task {
    data: Vec<u8>,
}

fn main() {}
