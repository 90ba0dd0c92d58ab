use pool_core::Reset;

#[derive(Reset)]
enum Body {
    #[default]
    Empty,
    Bytes(#[pool(max_capacity = 64)] Vec<u8>),
}

fn main() {}
