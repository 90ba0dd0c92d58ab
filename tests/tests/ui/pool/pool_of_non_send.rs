// A pool shares its values between threads, so it cannot hold a type that is not `Send`.
use std::rc::Rc;

use pool_core::Pool;

fn shared_counters(_pool: &Pool<Rc<u8>>) {}

fn main() {}
