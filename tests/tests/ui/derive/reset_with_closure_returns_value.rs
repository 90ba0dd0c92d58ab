// A closure that returns something is not a reset: `Vec::pop` would reset one element.
use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(reset_with = |data| data.pop())]
    data: Vec<u8>,
}

fn main() {}
