use pool_core::Poolable;

#[derive(Poolable)]
struct Batch<T> {
    items: Vec<T>,
}

fn main() {
    let _batch = Batch::<u8>::create();
}
