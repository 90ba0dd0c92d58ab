use pool_core::Poolable;

#[derive(Poolable, Default)]
struct Task<'a, 'b> {
    name: Option<&'a str>,
    tag: Option<&'b u8>,
}

fn main() {}
