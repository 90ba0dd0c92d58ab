use pool_core::Poolable;

#[derive(Poolable, Default)]
#[pool(global)]
struct Task<'a> {
    name: Option<&'a str>,
}

fn main() {}
