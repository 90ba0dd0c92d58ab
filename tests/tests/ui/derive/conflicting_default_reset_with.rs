use pool_core::Reset;

fn zero(id: &mut u64) {
    *id = 0;
}

#[derive(Reset)]
struct Task {
    #[pool(default)]
    #[pool(reset_with = zero)]
    id: u64,
}

fn main() {}
