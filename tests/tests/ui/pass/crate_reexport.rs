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

// The default variant's array is built with `Poolable::create`, named through the re-export.
#[derive(Poolable)]
#[pool(crate = framework::pooling)]
enum Frame {
    #[default]
    Scratch([u8; 40]),
    Done,
}

fn main() {
    let mut task = Task::create();
    task.data.push(1);
    task.reset();
    let _pooled = Task::pool().get();
    let mut legacy = Legacy { id: 3 };
    legacy.reset();
    let mut frame = Frame::Done;
    frame.reset();
    let _ = Frame::create();
}
