//! How a pool makes values: the builder's create function and bound, and a create that uses
//! pools itself.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pool_core::{Pool, Poolable, Reset};

#[test]
fn builder_sets_create_function_and_bound() {
    let made = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&made);
    let pool = Pool::builder()
        .max_idle(2)
        .create_with(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            Vec::<u8>::with_capacity(4096)
        })
        .build();
    assert_eq!(pool.max_idle(), 2);
    let buf = pool.get();
    assert!(buf.capacity() >= 4096);
    drop(buf);
    drop(pool.get());
    assert_eq!(made.load(Ordering::Relaxed), 1);
}

#[test]
fn create_may_use_the_same_pool() {
    static INNER: Pool<String> = Pool::new();
    #[derive(Default)]
    struct Outer(Vec<String>);
    impl Reset for Outer {
        fn reset(&mut self) {
            self.0.clear();
        }
    }
    impl Poolable for Outer {
        fn create() -> Self {
            // Uses a pool while this thread is inside another pool's `get`.
            let name = INNER.get();
            Outer(vec![name.clone()])
        }
    }
    let pool: Pool<Outer> = Pool::new();
    assert_eq!(pool.get().0.len(), 1);
    let inner: Arc<Pool<Vec<u8>>> = Arc::new(Pool::new());
    let for_create = Arc::clone(&inner);
    let outer = Pool::builder()
        .create_with(move || vec![for_create.get().len()])
        .build();
    // `create` for `outer` calls `get` on another pool; both stay consistent.
    assert_eq!(*outer.get(), [0]);
    assert_eq!(inner.stats().returned, 1);
    assert_eq!(outer.stats().returned, 1);
}
