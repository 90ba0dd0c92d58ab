// `reset_with` pools a type that need not be `Poolable`, so it has no `create` to fall back on:
// without `create_with`, the pool could not make a value, and `build` does not compile.
use pool_core::{FnPool, PoolBuilder};

struct Conn {
    retries: u32,
}

fn main() {
    let conns: FnPool<Conn> = PoolBuilder::new()
        .max_idle(4)
        .reset_with(|c: &mut Conn| c.retries = 0)
        .build();
    drop(conns.get());
}
