//! `#[pool(crate = path)]` for a crate that reaches pool-core through a re-export.
#![deny(warnings)]

mod framework {
    pub mod pooling {
        pub use pool_core::*;
    }
}

use framework::pooling::{Poolable, Reset};

#[derive(Poolable, Default)]
#[pool(crate = framework::pooling, global)]
struct Task {
    data: Vec<u8>,
}

#[derive(Reset)]
#[pool(crate = "framework::pooling")]
struct Legacy {
    id: u64,
}

fn main() {
    let mut task = Task::create();
    task.data.push(1);
    task.reset();
    let _pooled = Task::pool().get();
    let mut legacy = Legacy { id: 3 };
    legacy.reset();
}
