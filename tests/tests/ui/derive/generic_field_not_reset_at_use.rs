use std::rc::Rc;

use pool_core::Reset;

#[derive(Reset)]
struct Holder<T> {
    value: T,
}

fn main() {
    let mut holder = Holder { value: Rc::new(1) };
    holder.reset();
}
