use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(max_capacity = 64)]
    scratch: [u8; 64],
}

fn main() {}
