use pool_core::Reset;

#[derive(Reset)]
enum Body {
    #[default]
    Empty,
    Bytes(#[default] Vec<u8>),
}

fn main() {}
