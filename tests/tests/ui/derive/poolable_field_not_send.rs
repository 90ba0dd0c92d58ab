use std::rc::Rc;

use pool_core::Poolable;

#[derive(Poolable, Default)]
struct Task {
    id: u64,
    #[pool(skip)]
    shared: Rc<String>,
}

fn main() {}
