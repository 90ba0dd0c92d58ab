use pool_core::Reset;

#[derive(Reset)]
#[default]
struct Task {
    data: Vec<u8>,
}

fn main() {}
