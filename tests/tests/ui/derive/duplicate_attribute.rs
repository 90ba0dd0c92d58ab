use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(max_capacity = 64)]
    #[pool(max_capacity = 128)]
    data: Vec<u8>,
}

fn main() {}
