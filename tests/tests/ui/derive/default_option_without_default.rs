use std::fs::File;

use pool_core::Reset;

#[derive(Reset)]
struct Task {
    id: u64,
    #[pool(default)]
    handle: File,
}

fn main() {}
