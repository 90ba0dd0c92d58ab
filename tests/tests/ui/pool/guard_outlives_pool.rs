// A `Pooled` borrows its pool: it cannot outlive it. `get_owned` on an `Arc<Pool>` can.
use pool_core::{Pool, Pooled};

fn buffer() -> Pooled<'static, Vec<u8>> {
    let pool: Pool<Vec<u8>> = Pool::new();
    pool.get()
}

fn main() {
    drop(buffer());
}
