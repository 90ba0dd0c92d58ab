use pool_core::Reset;

#[derive(Reset)]
enum Body {
    #[default]
    Empty,
    #[default]
    Bytes(Vec<u8>),
}

fn main() {}
