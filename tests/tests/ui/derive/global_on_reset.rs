use pool_core::Reset;

#[derive(Reset)]
#[pool(global)]
struct Task {
    data: Vec<u8>,
}

fn main() {}
