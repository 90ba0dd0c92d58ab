use pool_core::Reset;

#[derive(Reset)]
struct Token<'a> {
    kind: u8,
    text: &'a str,
}

fn main() {}
