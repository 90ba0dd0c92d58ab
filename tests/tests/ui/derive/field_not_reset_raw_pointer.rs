use pool_core::Reset;

#[derive(Reset)]
struct Cursor {
    position: usize,
    base: *mut u8,
}

fn main() {}
