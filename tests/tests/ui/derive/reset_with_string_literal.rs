// serde's habit: a path written as a string.
use pool_core::Reset;

fn rewind(cursor: &mut usize) {
    *cursor = 0;
}

#[derive(Reset)]
struct Parser {
    #[pool(reset_with = "rewind")]
    cursor: usize,
}

fn main() {}
