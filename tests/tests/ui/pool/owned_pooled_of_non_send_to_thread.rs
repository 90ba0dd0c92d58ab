// An `OwnedPooled` moves to another thread only if its value can: a non-`Send` value is not
// `Poolable`, so there is no pool, and no guard, for it.
use std::rc::Rc;

use pool_core::OwnedPooled;

fn hand_off(guard: OwnedPooled<Vec<Rc<u8>>>) {
    std::thread::spawn(move || drop(guard));
}

fn main() {}
