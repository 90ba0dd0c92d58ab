use pool_core::Reset;

fn make() -> Task {
    Task { data: Vec::new() }
}

#[derive(Reset)]
#[pool(new = make)]
struct Task {
    data: Vec<u8>,
}

fn main() {}
