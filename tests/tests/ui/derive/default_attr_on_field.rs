use pool_core::Reset;

#[derive(Reset)]
struct Task {
    #[default]
    data: Vec<u8>,
}

fn main() {}
