// serde's habit applied to a closure: the closure written as a string.
use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(reset_with = "|v| v.clear()")]
    data: Vec<u8>,
}

fn main() {}
