use pool_core::Poolable;

fn make() -> u8 {
    0
}

#[derive(Poolable)]
#[pool(new = make)]
struct Task {
    id: u8,
}

fn main() {}
