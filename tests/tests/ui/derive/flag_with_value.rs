use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(skip = true)]
    id: u64,
}

fn main() {}
