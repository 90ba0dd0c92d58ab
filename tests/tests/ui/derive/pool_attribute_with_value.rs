use pool_core::Poolable;

#[derive(Poolable, Default)]
#[pool = "global"]
struct Task {
    data: Vec<u8>,
}

fn main() {}
