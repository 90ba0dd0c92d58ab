use pool_core::Reset;

#[derive(Reset)]
enum Body {
    #[default]
    #[pool(skip)]
    Empty,
    Bytes(Vec<u8>),
}

fn main() {}
