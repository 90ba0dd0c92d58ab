//! `#[pool(crate = path)]` and `#[pool(crate = "path")]` where `::pool_core` is not pool-core:
//! this crate reaches pool-core only as `framework`, and the name `pool_core` is taken by std.
//! Had the derive named `::pool_core` anywhere, whatever the option said, nothing here would
//! compile; each option the derive has, and a generic type's inferred bounds, are used once.
#![deny(warnings)]

extern crate pool_core as framework;
// An `extern crate` item at the root shadows the `--extern pool_core` Cargo passes, so
// `::pool_core::Reset` names `std::Reset`, which does not exist.
extern crate std as pool_core;

use framework::{Pool, Poolable, Reset};

fn rewind(cursor: &mut usize) {
    *cursor = 0;
}

/// Every field option, a global pool, and the path form.
#[derive(Poolable, Default)]
#[pool(crate = framework, global(max_idle = 4))]
struct Task {
    id: u64,
    #[pool(max_capacity = 16)]
    data: Vec<u8>,
    #[pool(default)]
    note: Option<String>,
    #[pool(reset_with = rewind)]
    cursor: usize,
    #[pool(skip)]
    kind: u8,
}

/// The string form, on `Reset`.
#[derive(Reset)]
#[pool(crate = "framework")]
struct Legacy {
    id: u64,
    names: Vec<String>,
}

/// The string form, on `Poolable`, with `new`.
#[derive(Poolable)]
#[pool(crate = "framework", new = Scratch::new)]
struct Scratch {
    bytes: Vec<u8>,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            bytes: Vec::with_capacity(64),
        }
    }
}

/// A generic type: the inferred bounds name `Reset` and `Shrink` through the path.
#[derive(Poolable, Default)]
#[pool(crate = framework)]
struct Batch<T: Send + 'static> {
    items: Vec<T>,
    #[pool(max_capacity = 8)]
    spare: Vec<T>,
    last: Option<T>,
}

/// An enum whose default variant is built by `Poolable::create`, named through the path.
#[derive(Poolable)]
#[pool(crate = "framework")]
enum Frame {
    #[default]
    Scratch([u8; 40], Vec<u8>),
    Done,
}

static BATCHES: Pool<Batch<u64>> = Pool::new();

fn main() {
    let mut task = Task::pool().get();
    task.id = 7;
    task.data.extend_from_slice(&[1; 100]);
    task.note = Some("note".to_owned());
    task.cursor = 3;
    task.kind = 2;
    drop(task);
    let task = Task::pool().get();
    assert_eq!((task.id, task.cursor, task.kind), (0, 0, 2));
    assert!(task.data.is_empty() && task.data.capacity() <= 16);
    assert!(task.note.is_none());

    let mut legacy = Legacy {
        id: 3,
        names: vec!["a".to_owned()],
    };
    legacy.reset();
    assert_eq!(legacy.id, 0);
    assert!(legacy.names.is_empty());

    let mut scratch = Scratch::create();
    assert!(scratch.bytes.capacity() >= 64);
    scratch.bytes.push(1);
    scratch.reset();
    assert!(scratch.bytes.is_empty());

    let mut batch = BATCHES.get();
    batch.items.push(1);
    batch.spare.extend(0..100);
    batch.last = Some(2);
    drop(batch);
    let batch = BATCHES.get();
    assert!(batch.items.is_empty() && batch.last.is_none());
    assert!(batch.spare.capacity() <= 8);

    let mut frame = Frame::Done;
    frame.reset();
    assert!(matches!(frame, Frame::Scratch(bytes, _) if bytes == [0; 40]));
    assert!(matches!(Frame::create(), Frame::Scratch(..)));

    // The name `pool_core` is std's here.
    assert_eq!(pool_core::mem::size_of::<u64>(), 8);
}
