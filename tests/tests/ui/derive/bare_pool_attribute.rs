use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool]
    data: Vec<u8>,
}

fn main() {}
