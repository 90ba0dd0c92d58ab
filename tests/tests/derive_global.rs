//! `#[pool(global)]`: `Type::pool()` returns a `static` pool of the type.

use pool_core::{Pool, Poolable};

#[derive(Poolable, Default)]
#[pool(global)]
struct Task {
    id: u64,
    data: Vec<u8>,
}

#[derive(Poolable, Default)]
#[pool(global(max_idle = 2))]
struct Small {
    data: Vec<u8>,
}

/// `global()` is read as bare `global`.
#[derive(Poolable, Default)]
#[pool(global())]
struct EmptyParens {
    data: Vec<u8>,
}

#[test]
fn global_with_empty_parens_is_bare_global() {
    let pool: &'static Pool<EmptyParens> = EmptyParens::pool();
    assert!(std::ptr::eq(pool, EmptyParens::pool()));
    assert_eq!(pool.max_idle(), Pool::<EmptyParens>::new().max_idle());
}

#[test]
fn pool_returns_one_static_pool() {
    let first: &'static Pool<Task> = Task::pool();
    assert!(std::ptr::eq(first, Task::pool()));
}

#[test]
fn values_come_back_reset_with_their_buffers() {
    {
        let mut task = Task::pool().get();
        task.id = 9;
        task.data.extend_from_slice(&[1; 500]);
    }
    let task = Task::pool().get();
    assert_eq!(task.id, 0);
    assert!(task.data.is_empty());
    assert!(task.data.capacity() >= 500);
}

#[test]
fn max_idle_is_passed_to_the_pool() {
    assert_eq!(Small::pool().max_idle(), 2);
    let mut small = Small::pool().get();
    small.data.push(1);
}
