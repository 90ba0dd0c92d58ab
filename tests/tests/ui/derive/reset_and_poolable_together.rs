use pool_core::{Poolable, Reset};

#[derive(Reset, Poolable, Default)]
struct Task {
    data: Vec<u8>,
}

fn main() {}
