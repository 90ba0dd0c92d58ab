use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(skip, default)]
    id: u64,
}

fn main() {}
