//! The field and type options: `skip`, `default`, `reset_with`, `max_capacity`, `new`, `bound`
//! and `crate`.

// Generated code is linted as user code where it carries user spans: keep it pedantic-clean.
#![warn(clippy::pedantic)]

use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use pool_core::{Poolable, Reset};

fn rewind(cursor: &mut usize) {
    *cursor = 0;
}

fn keep_header(buf: &mut Vec<u8>) {
    buf.truncate(2);
}

#[derive(Reset)]
struct Options {
    #[pool(skip)]
    shared: Rc<String>,
    #[pool(skip)]
    generation: u64,
    #[pool(default)]
    fresh: Vec<u8>,
    #[pool(default)]
    limit: Option<u32>,
    #[pool(reset_with = rewind)]
    cursor: usize,
    #[pool(reset_with = keep_header, max_capacity = 16)]
    framed: Vec<u8>,
    #[pool(max_capacity = 64)]
    bounded: Vec<u8>,
    #[pool(max_capacity = 64)]
    text: String,
    #[pool(max_capacity = 8)]
    queue: VecDeque<u32>,
    #[pool(max_capacity = 8)]
    map: HashMap<u32, u32>,
    #[pool(max_capacity = 1024)]
    small: Vec<u8>,
}

fn options() -> Options {
    Options {
        shared: Rc::new("config".to_owned()),
        generation: 0,
        fresh: Vec::new(),
        limit: None,
        cursor: 0,
        framed: Vec::new(),
        bounded: Vec::new(),
        text: String::new(),
        queue: VecDeque::new(),
        map: HashMap::new(),
        small: Vec::new(),
    }
}

#[test]
fn skip_leaves_the_field() {
    let mut o = options();
    o.generation = 7;
    o.reset();
    assert_eq!(o.generation, 7);
    assert_eq!(*o.shared, "config");
}

#[test]
fn default_assigns_default_and_drops_the_buffer() {
    let mut o = options();
    o.fresh.extend_from_slice(&[1; 100]);
    o.limit = Some(3);
    o.reset();
    assert_eq!(o.fresh.capacity(), 0);
    assert_eq!(o.limit, None);
}

#[test]
fn reset_with_calls_the_function() {
    let mut o = options();
    o.cursor = 9;
    o.framed.extend_from_slice(b"hdbody");
    o.reset();
    assert_eq!(o.cursor, 0);
    assert_eq!(o.framed, b"hd");
}

#[test]
fn max_capacity_shrinks_only_large_buffers() {
    let mut o = options();
    o.bounded.extend_from_slice(&[1; 10_000]);
    o.text.push_str(&"x".repeat(10_000));
    o.queue.extend(0..1000);
    o.map.extend((0..1000).map(|i| (i, i)));
    o.framed.extend_from_slice(&[1; 1000]);
    o.small.reserve_exact(100);
    let small_capacity = o.small.capacity();
    o.reset();
    assert!(o.bounded.is_empty() && o.bounded.capacity() <= 64);
    assert!(o.text.is_empty() && o.text.capacity() <= 64);
    assert!(o.queue.is_empty() && o.queue.capacity() <= 8);
    // A hash table may round up to its bucket count, but no further.
    assert!(o.map.is_empty() && o.map.capacity() < 100);
    assert!(o.framed.len() == 2 && o.framed.capacity() <= 16);
    // Under the limit: the capacity is kept.
    assert_eq!(o.small.capacity(), small_capacity);
}

fn with_room() -> Scratch {
    Scratch {
        lines: Vec::with_capacity(32),
    }
}

#[derive(Poolable)]
#[pool(new = with_room)]
struct Scratch {
    lines: Vec<String>,
}

#[derive(Poolable, Default)]
struct Defaulted {
    id: u64,
    data: Vec<u8>,
}

#[test]
fn create_calls_new_or_default() {
    assert!(Scratch::create().lines.capacity() >= 32);
    let d = Defaulted::create();
    assert_eq!((d.id, d.data.len()), (0, 0));
}

#[test]
fn poolable_also_implements_reset() {
    let mut s = Scratch::create();
    s.lines.push("line".to_owned());
    s.reset();
    assert!(s.lines.is_empty() && s.lines.capacity() >= 32);
}

/// `max_capacity` on the collections `Options` leaves out.
#[derive(Reset, Default)]
struct Sets {
    #[pool(max_capacity = 16)]
    set: HashSet<u32>,
    #[pool(max_capacity = 16)]
    heap: BinaryHeap<u32>,
    #[pool(max_capacity = 4096)]
    roomy: HashSet<u32>,
}

#[test]
fn max_capacity_shrinks_hash_sets_and_binary_heaps() {
    let mut s = Sets::default();
    s.set.extend(0..10_000);
    s.heap.extend(0..10_000);
    s.roomy.extend(0..100);
    let roomy_capacity = s.roomy.capacity();
    s.reset();
    assert!(s.set.is_empty() && s.heap.is_empty());
    // A hash table may round up to its bucket count, but no further.
    assert!(s.set.capacity() <= 32, "{}", s.set.capacity());
    assert!(s.heap.capacity() <= 16, "{}", s.heap.capacity());
    // Under the limit: the capacity is kept.
    assert_eq!(s.roomy.capacity(), roomy_capacity);
}

/// `pool_core` under another name, as a crate re-exporting it would see it.
mod reexport {
    pub(crate) use pool_core as pool;
}

#[derive(Poolable, Default)]
#[pool(crate = reexport::pool)]
struct ThroughReexport {
    data: Vec<u8>,
}

#[test]
fn crate_path_is_used() {
    let mut t = ThroughReexport::create();
    t.data.push(1);
    Reset::reset(&mut t);
    assert!(t.data.is_empty());
}

const KB: usize = 1024;

/// Paths with a qualified self type, method paths, const expressions and raw identifiers.
#[derive(Reset, Default)]
struct Spelling {
    #[pool(reset_with = Vec::clear)]
    method: Vec<u8>,
    #[pool(reset_with = <String as Reset>::reset)]
    qualified: String,
    #[pool(max_capacity = 2 * KB)]
    computed: Vec<u8>,
    r#type: u8,
}

#[test]
fn paths_and_expressions_in_options() {
    let mut s = Spelling::default();
    s.method.push(1);
    s.qualified.push('x');
    s.computed.extend_from_slice(&[0; 10 * KB]);
    s.r#type = 3;
    s.reset();
    assert!(s.method.is_empty() && s.qualified.is_empty() && s.computed.is_empty());
    assert!(s.computed.capacity() <= 2 * KB);
    assert_eq!(s.r#type, 0);
}

/// A type whose reset function is generic: the bound says what the inferred one cannot.
fn clear_all<T>(items: &mut Vec<T>) {
    items.clear();
}

#[derive(Reset)]
#[pool(bound = "")]
struct Bounded<T> {
    #[pool(reset_with = clear_all)]
    items: Vec<T>,
}

#[test]
fn bound_replaces_inferred_bounds() {
    let mut b = Bounded {
        items: vec![Rc::new(1)],
    };
    b.reset();
    assert!(b.items.is_empty());
}

/// What clippy's `ptr_arg` asks for: the slice, not the `Vec`.
fn zero(bytes: &mut [u8]) {
    bytes.fill(0);
}

/// A function that makes the reset function.
fn fill_with(byte: u8) -> impl Fn(&mut [u8]) {
    move |bytes| bytes.fill(byte)
}

/// A generic function, its parameter inferred from the field.
fn clear_any<T: Reset + ?Sized>(value: &mut T) {
    value.reset();
}

/// `reset_with` takes any expression callable with `&mut Field`.
#[derive(Reset, Default)]
struct Callables {
    /// A function taking what `&mut Vec<u8>` derefs to.
    #[pool(reset_with = zero)]
    by_deref: Vec<u8>,
    /// A closure whose parameter type comes from the field.
    #[pool(reset_with = |v| v.fill(7))]
    closure: Vec<u8>,
    /// A closure that assigns through its parameter.
    #[pool(reset_with = |n| *n = 1)]
    assigned: u32,
    /// A closure with its own parameter type, taken by deref.
    #[pool(reset_with = |bytes: &mut [u8]| bytes.fill(9), max_capacity = 4)]
    typed_closure: Vec<u8>,
    /// A `move` closure.
    #[pool(reset_with = move |s| s.truncate(1))]
    moved: String,
    /// A generic function.
    #[pool(reset_with = clear_any)]
    generic: String,
    /// An expression that evaluates to a closure.
    #[pool(reset_with = fill_with(3))]
    computed: Vec<u8>,
}

#[test]
fn reset_with_takes_functions_by_deref_closures_and_expressions() {
    let mut c = Callables {
        by_deref: vec![1, 2, 3],
        closure: vec![1, 2],
        assigned: 5,
        typed_closure: vec![1, 2],
        moved: "abc".to_owned(),
        generic: "abc".to_owned(),
        computed: vec![4],
    };
    c.reset();
    assert_eq!(c.by_deref, [0, 0, 0]);
    assert_eq!(c.closure, [7, 7]);
    assert_eq!(c.assigned, 1);
    assert_eq!(c.typed_closure, [9, 9]);
    assert_eq!(c.moved, "a");
    assert!(c.generic.is_empty());
    assert_eq!(c.computed, [3]);
}

#[derive(Poolable)]
#[pool(new = || Built { lines: Vec::with_capacity(16) })]
struct Built {
    lines: Vec<String>,
}

#[test]
fn new_takes_a_closure() {
    assert!(Built::create().lines.capacity() >= 16);
}

/// The example: the user's bound replaces the field bounds, and `create` still needs
/// `Batch<T>: Default`, which std's derive gives for `T: Default`.
#[derive(Debug, Default, Poolable)]
#[pool(bound = "T: Send + 'static")]
struct Batch<T> {
    items: Vec<T>,
}

#[test]
fn bound_keeps_the_creation_requirement() {
    let pool: pool_core::Pool<Batch<u32>> = pool_core::Pool::new();
    let mut batch = pool.get();
    batch.items.extend([1, 2, 3]);
    drop(batch);
    let batch = pool.get();
    assert!(batch.items.is_empty() && batch.items.capacity() >= 3);
}
