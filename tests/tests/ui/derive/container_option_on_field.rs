use pool_core::Poolable;

#[derive(Poolable, Default)]
struct Task {
    #[pool(new = Vec::new)]
    data: Vec<u8>,
}

fn main() {}
