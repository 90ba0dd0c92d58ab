//! How a pool makes values: the builder's create function and bound, and a create or a reset
//! that uses pools itself, its own pool included.

use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{Pool, Poolable, Pooled, Reset};
use pool_tests::assert_settled;

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
fn create_may_use_other_pools() {
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

/// Runs `f` on a thread of its own and returns what it returns, or fails if it has not
/// finished within a minute: a pool operation waiting for a claim or a lock its own thread
/// holds would spin for ever, and should fail the test rather than hang the suite.
fn without_deadlock<R: Send + 'static>(what: &str, f: impl FnOnce() -> R + Send + 'static) -> R {
    let worker = thread::spawn(f);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !worker.is_finished() {
        assert!(
            Instant::now() < deadline,
            "{what} did not finish within a minute: a deadlock"
        );
        thread::sleep(Duration::from_millis(10));
    }
    worker
        .join()
        .unwrap_or_else(|panic| panic::resume_unwind(panic))
}

/// A value whose `create` uses its own pool, [`NODES`]: a snapshot of it (which reaches every
/// thread's cache) and a `try_get` (which takes an idle value if there is one, and never
/// creates, so this does not recurse), whose value goes straight back.
struct Node {
    /// `NODES.stats().created` when this one was made.
    made_after: u64,
}

static NODES: Pool<Node> = Pool::with_max_idle(8);

impl Reset for Node {
    fn reset(&mut self) {}
}

impl Poolable for Node {
    fn create() -> Self {
        let made_after = NODES.stats().created;
        drop(NODES.try_get());
        Node { made_after }
    }
}

#[test]
fn create_may_use_its_own_pool() {
    let stats = without_deadlock("a create that uses its own pool", || {
        // Nothing idle: `get` creates, and the create's `try_get` finds nothing.
        let first = NODES.get();
        assert_eq!(first.made_after, 0);
        drop(first);
        // One idle: each create of `prefill` borrows it and gives it back.
        NODES.prefill(3);
        NODES.stats()
    });
    assert_eq!(
        (stats.created, stats.reused, stats.returned),
        (3, 2, 3),
        "one get, two prefilled, each prefilled create borrowing the idle one: {stats:?}"
    );
    assert_eq!((stats.idle, stats.discarded), (3, 0), "{stats:?}");
    assert_settled(stats);
}

/// A value that may hold another of its own pool, [`PARTS`]: its reset gives that one back to
/// the pool (reset in turn) and takes a snapshot of the pool, while the pool is taking the
/// outer one back.
#[derive(Default)]
struct Part {
    data: Vec<u8>,
    child: Option<Pooled<'static, Part>>,
    /// `PARTS.stats().returned` at this one's last reset.
    returned_at_reset: u64,
}

static PARTS: Pool<Part> = Pool::with_max_idle(8);

impl Reset for Part {
    fn reset(&mut self) {
        self.data.clear();
        self.child = None; // back to `PARTS`, from inside its return of `self`
        self.returned_at_reset = PARTS.stats().returned;
    }
}

impl Poolable for Part {
    fn create() -> Self {
        Part::default()
    }
}

#[test]
fn a_reset_may_use_its_own_pool() {
    let stats = without_deadlock("a reset that uses its own pool", || {
        let mut parent = PARTS.get();
        parent.data.push(1);
        let mut child = PARTS.get();
        child.data.push(2);
        parent.child = Some(child);
        drop(parent); // resets the parent, which returns the child, then keeps the parent
        let (a, b) = (PARTS.get(), PARTS.get());
        assert!(a.child.is_none() && b.child.is_none());
        assert!(a.data.is_empty() && b.data.is_empty());
        // The child came back first, while its parent was being reset.
        let mut seen = [a.returned_at_reset, b.returned_at_reset];
        seen.sort_unstable();
        assert_eq!(seen, [0, 1]);
        drop((a, b));
        PARTS.stats()
    });
    assert_eq!(
        (stats.created, stats.reused, stats.returned),
        (2, 2, 4),
        "{stats:?}"
    );
    assert_eq!((stats.idle, stats.discarded), (2, 0), "{stats:?}");
    assert_settled(stats);
}
