// A reset_with closure is called with the field alone.
use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(reset_with = |v, n| v.truncate(n))]
    data: Vec<u8>,
}

fn main() {}
