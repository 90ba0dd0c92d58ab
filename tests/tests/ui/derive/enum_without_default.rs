use pool_core::Reset;

#[derive(Reset)]
enum Body {
    Empty,
    Bytes(Vec<u8>),
}

fn main() {}
