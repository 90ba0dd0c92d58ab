use pool_core::Poolable;

fn make() -> Task {
    Task { data: Vec::new() }
}

#[derive(Poolable)]
#[pool(new = "make")]
struct Task {
    data: Vec<u8>,
}

fn main() {}
