use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[pool(clear)]
    data: Vec<u8>,
}

fn main() {}
