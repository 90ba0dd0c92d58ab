use pool_core::Poolable;

#[derive(Poolable)]
struct Task {
    id: u64,
    data: Vec<u8>,
}

fn main() {}
