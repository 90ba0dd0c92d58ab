// A `Pooled` from a local pool borrows it, so it cannot move into `thread::spawn`, which
// needs `'static`: use `Arc<Pool>` and `get_owned`, or a `static` pool.
use pool_core::Pool;

fn main() {
    let pool: Pool<String> = Pool::new();
    let name = pool.get();
    std::thread::spawn(move || drop(name));
}
