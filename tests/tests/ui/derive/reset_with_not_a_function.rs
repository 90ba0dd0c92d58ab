use pool_core::Reset;

const LIMIT: usize = 8;

#[derive(Reset)]
struct Task {
    #[pool(reset_with = LIMIT)]
    data: Vec<u8>,
}

fn main() {}
