use pool_core::Poolable;

#[derive(Poolable, Default)]
struct Task<'a> {
    name: Option<&'a str>,
}

fn main() {}
