//! `Reset::heap_bytes`: the heap memory a value holds, estimated from capacities. Exact figures
//! for std's types by the rule each documents, and derived types summing their fields (skipped
//! ones too), enums by their current variant, generic types without new bounds.

// Generated code is linted as user code where it carries user spans: keep it pedantic-clean.
#![warn(clippy::pedantic)]
// The test covers every std collection (`LinkedList` too).
#![allow(clippy::linkedlist)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::ffi::OsString;
use std::fs::File;
use std::io::Cursor;
use std::mem::size_of;
use std::num::Wrapping;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use pool_core::{Poolable, Reset};

/// A `File` that exists wherever the tests run: their own executable.
fn a_file() -> File {
    File::open(std::env::current_exe().expect("the test binary has a path"))
        .expect("the test binary can be opened")
}

#[test]
fn vec_counts_its_capacity_in_bytes() {
    assert_eq!(Vec::<u8>::with_capacity(1024).heap_bytes(), 1024);
    assert_eq!(Vec::<u64>::with_capacity(10).heap_bytes(), 80);
    assert_eq!(Vec::<u8>::new().heap_bytes(), 0);
    // A zero-sized element needs no memory, whatever the capacity says.
    assert_eq!(vec![(); 10].heap_bytes(), 0);
}

#[test]
fn a_reset_vec_still_holds_its_buffer() {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    buf.extend_from_slice(b"request");
    buf.reset();
    assert_eq!(buf.heap_bytes(), 1024);
}

#[test]
fn a_vec_counts_its_buffer_not_what_its_elements_own() {
    // `Vec<T>` is `Reset` for every `T`, so it cannot ask its elements; once reset it has none.
    let mut names: Vec<String> = Vec::with_capacity(4);
    names.push("x".repeat(1000));
    assert_eq!(names.heap_bytes(), 4 * size_of::<String>());
    names.reset();
    assert_eq!(names.heap_bytes(), 4 * size_of::<String>());
}

#[test]
fn strings_and_paths_count_their_capacity() {
    assert_eq!(String::with_capacity(100).heap_bytes(), 100);
    assert_eq!(String::new().heap_bytes(), 0);
    assert_eq!(OsString::with_capacity(50).heap_bytes(), 50);
    assert_eq!(PathBuf::with_capacity(60).heap_bytes(), 60);
    let mut text = String::with_capacity(100);
    text.push_str("dirty");
    text.reset();
    assert_eq!(text.heap_bytes(), 100);
}

#[test]
fn deques_and_heaps_count_capacity_times_element_size() {
    let deque: VecDeque<u32> = VecDeque::with_capacity(16);
    assert_eq!(deque.heap_bytes(), deque.capacity() * 4);
    assert!(deque.heap_bytes() >= 64);
    let heap: BinaryHeap<u16> = BinaryHeap::with_capacity(8);
    assert_eq!(heap.heap_bytes(), 16);
}

#[test]
fn hash_tables_count_a_slot_and_a_control_byte_per_entry_of_capacity() {
    let map: HashMap<u64, u32> = HashMap::with_capacity(100);
    assert!(map.capacity() >= 100);
    assert_eq!(
        map.heap_bytes(),
        map.capacity() * (size_of::<(u64, u32)>() + 1)
    );
    let set: HashSet<u8> = HashSet::with_capacity(10);
    assert_eq!(set.heap_bytes(), set.capacity() * 2);
    assert_eq!(HashMap::<u64, u64>::new().heap_bytes(), 0);
    let mut filled: HashMap<u64, u64> = (0..50).map(|i| (i, i)).collect();
    let before = filled.heap_bytes();
    filled.reset();
    assert_eq!(
        filled.heap_bytes(),
        before,
        "a cleared table keeps its slots"
    );
}

#[test]
fn trees_and_lists_count_their_items() {
    let mut map: BTreeMap<u64, u64> = (0..10).map(|i| (i, i)).collect();
    assert_eq!(map.heap_bytes(), 10 * 16);
    map.reset();
    assert_eq!(map.heap_bytes(), 0, "a cleared tree frees its nodes");
    let set: BTreeSet<u32> = (0..5).collect();
    assert_eq!(set.heap_bytes(), 5 * 4);
    let mut list: LinkedList<u64> = (0..3).collect();
    assert_eq!(list.heap_bytes(), 3 * (2 * size_of::<usize>() + 8));
    list.reset();
    assert_eq!(list.heap_bytes(), 0);
}

#[test]
fn a_box_counts_its_value_and_what_the_value_holds() {
    assert_eq!(Box::new([0u8; 64]).heap_bytes(), 64);
    assert_eq!(Box::new(0u64).heap_bytes(), 8);
    assert_eq!(
        Box::new(()).heap_bytes(),
        0,
        "a zero-sized box allocates nothing"
    );
    let boxed_vec = Box::new(Vec::<u8>::with_capacity(100));
    assert_eq!(boxed_vec.heap_bytes(), size_of::<Vec<u8>>() + 100);
    let slice: Box<[u16]> = vec![1, 2, 3].into_boxed_slice();
    assert_eq!(slice.heap_bytes(), 6);
    let strings: Box<[String]> = vec![String::with_capacity(10), String::with_capacity(20)].into();
    assert_eq!(strings.heap_bytes(), 2 * size_of::<String>() + 30);
}

#[test]
fn arrays_and_tuples_sum_their_elements() {
    assert_eq!([0u8; 4096].heap_bytes(), 0, "inline, nothing on the heap");
    let buffers = [Vec::<u8>::with_capacity(8), Vec::with_capacity(16)];
    assert_eq!(buffers.heap_bytes(), 24);
    assert_eq!(buffers[..].heap_bytes(), 24);
    let tuple = (7u8, String::with_capacity(10), Vec::<u32>::with_capacity(5));
    assert_eq!(tuple.heap_bytes(), 30);
    assert_eq!(().heap_bytes(), 0);
}

#[test]
fn option_counts_nothing() {
    // A reset `Option` is `None`; `Option<T>` is `Reset` for every `T`, so a `Some` is not
    // looked into.
    assert_eq!(None::<Vec<u8>>.heap_bytes(), 0);
    assert_eq!(Some(Vec::<u8>::with_capacity(100)).heap_bytes(), 0);
}

#[test]
fn wrappers_count_their_inner_value() {
    assert_eq!(Cursor::new(Vec::<u8>::with_capacity(256)).heap_bytes(), 256);
    assert_eq!(Wrapping(5u32).heap_bytes(), 0);
    assert_eq!(RefCell::new(Vec::<u8>::with_capacity(32)).heap_bytes(), 32);
    assert_eq!(Mutex::new(String::with_capacity(40)).heap_bytes(), 40);
    assert_eq!(RwLock::new(String::with_capacity(48)).heap_bytes(), 48);
}

#[test]
fn cells_and_locks_in_use_count_nothing_rather_than_block() {
    let cell = RefCell::new(Vec::<u8>::with_capacity(32));
    let borrowed = cell.borrow_mut();
    assert_eq!(cell.heap_bytes(), 0);
    drop(borrowed);
    let shared = cell.borrow();
    assert_eq!(cell.heap_bytes(), 32, "a shared borrow can be read");
    drop(shared);

    let mutex = Mutex::new(String::with_capacity(40));
    let guard = mutex.lock().unwrap();
    assert_eq!(mutex.heap_bytes(), 0);
    drop(guard);

    let lock = RwLock::new(String::with_capacity(48));
    let writer = lock.write().unwrap();
    assert_eq!(lock.heap_bytes(), 0);
    drop(writer);
    let reader = lock.read().unwrap();
    assert_eq!(lock.heap_bytes(), 48, "a read lock can be shared");
    drop(reader);
}

#[test]
fn a_poisoned_mutex_is_read_all_the_same() {
    let mutex = Mutex::new(String::with_capacity(40));
    let _ = std::panic::catch_unwind(|| {
        let _guard = mutex.lock().unwrap();
        panic!("poison the mutex");
    });
    assert!(mutex.is_poisoned());
    assert_eq!(mutex.heap_bytes(), 40);
}

#[test]
fn plain_values_hold_nothing() {
    assert_eq!(42u64.heap_bytes(), 0);
    assert_eq!(1.5f64.heap_bytes(), 0);
    assert_eq!('x'.heap_bytes(), 0);
    assert_eq!(true.heap_bytes(), 0);
    assert_eq!(Duration::from_secs(3).heap_bytes(), 0);
    assert_eq!(Cell::new(7u32).heap_bytes(), 0);
    assert_eq!(AtomicU64::new(9).heap_bytes(), 0);
}

/// A hand-written impl that does not override `heap_bytes` reports 0.
struct Counter(u64);

impl Reset for Counter {
    fn reset(&mut self) {
        self.0 = 0;
    }
}

#[test]
fn the_default_is_zero() {
    assert_eq!(Counter(3).heap_bytes(), 0);
}

// ----- derived types -----

/// A nested derived type.
#[derive(Reset, Default)]
struct Inner {
    ids: Vec<u32>,
    count: u64,
}

fn zero(bytes: &mut [u16]) {
    bytes.fill(0);
}

/// Every kind of field: reset by its type, `skip`ped (of a `Reset` type or not), `default`,
/// `reset_with`, nested.
#[derive(Reset)]
struct Request {
    id: u64,
    body: Vec<u8>,
    path: String,
    inner: Inner,
    #[pool(skip)]
    handle: File,
    #[pool(skip)]
    shared: Rc<str>,
    #[pool(skip)]
    cache: Vec<u8>,
    #[pool(default)]
    fresh: String,
    #[pool(reset_with = zero)]
    scratch: Vec<u16>,
    #[pool(reset_with = |words| words.truncate(1), max_capacity = 8)]
    words: Vec<u64>,
}

fn request() -> Request {
    Request {
        id: 7,
        body: Vec::with_capacity(1024),
        path: String::with_capacity(32),
        inner: Inner {
            ids: Vec::with_capacity(4),
            count: 1,
        },
        handle: a_file(),
        shared: Rc::from("shared"),
        cache: Vec::with_capacity(10),
        fresh: String::with_capacity(5),
        scratch: Vec::with_capacity(3),
        words: Vec::with_capacity(2),
    }
}

#[test]
fn a_derived_struct_sums_its_fields() {
    let request = request();
    // body + path + inner.ids + cache (skipped, but `Reset`) + fresh + scratch + words; the
    // skipped `File` and `Rc<str>` are not `Reset` and count 0.
    assert_eq!(request.inner.heap_bytes(), 16);
    assert_eq!(request.heap_bytes(), 1024 + 32 + 16 + 10 + 5 + 6 + 16);
}

#[test]
fn a_derived_struct_counts_what_its_reset_keeps() {
    let mut request = request();
    request.body.extend_from_slice(&[1; 2000]);
    let body = request.body.capacity();
    request.reset();
    // `fresh` was replaced by an empty `String`; the rest kept their buffers.
    assert_eq!(request.heap_bytes(), body + 32 + 16 + 10 + 6 + 16);
}

#[derive(Reset)]
struct Pair(u8, Vec<u8>, #[pool(skip)] Option<File>);

#[derive(Reset)]
struct Marker;

#[derive(Reset)]
struct Empty {}

#[test]
fn tuple_unit_and_empty_structs() {
    assert_eq!(
        Pair(1, Vec::with_capacity(9), Some(a_file())).heap_bytes(),
        9
    );
    assert_eq!(Marker.heap_bytes(), 0);
    assert_eq!(Empty {}.heap_bytes(), 0);
}

/// An enum counts the variant it is: the default one, one whose fields are `Reset`, one
/// whose are not, a unit one.
#[derive(Reset)]
enum Body {
    #[default]
    Bytes {
        data: Vec<u8>,
        #[pool(skip)]
        source: Option<File>,
        #[pool(skip)]
        tag: String,
    },
    Text(String, Box<[u8; 16]>),
    Handle(File),
    Empty,
}

#[test]
fn a_derived_enum_counts_its_current_variant() {
    let bytes = Body::Bytes {
        data: Vec::with_capacity(100),
        source: Some(a_file()),
        tag: String::with_capacity(3),
    };
    assert_eq!(bytes.heap_bytes(), 103);
    assert_eq!(
        Body::Text(String::with_capacity(50), Box::new([0; 16])).heap_bytes(),
        66
    );
    assert_eq!(Body::Handle(a_file()).heap_bytes(), 0);
    assert_eq!(Body::Empty.heap_bytes(), 0);
}

#[test]
fn a_derived_enum_switched_by_reset_counts_the_new_variant() {
    let mut body = Body::Text(String::with_capacity(50), Box::new([0; 16]));
    body.reset();
    assert!(matches!(body, Body::Bytes { .. }));
    assert_eq!(body.heap_bytes(), 0);
}

#[derive(Poolable)]
enum Slot {
    #[default]
    Full([u8; 40], Vec<u32>),
    Gone,
}

#[test]
fn a_poolable_enum_counts_too() {
    let mut slot = Slot::create();
    if let Slot::Full(_, items) = &mut slot {
        items.reserve_exact(10);
    }
    assert_eq!(slot.heap_bytes(), 40);
    assert_eq!(Slot::Gone.heap_bytes(), 0);
}

// ----- generic types -----

/// Not `Reset`: a `Vec` of it still is.
struct NotReset;

#[derive(Reset)]
struct Batch<T> {
    items: Vec<T>,
    value: T,
}

#[test]
fn a_generic_field_reset_by_its_type_counts_by_it() {
    // `value: T` is reset by `T: Reset`, which the impl requires, so it counts.
    let batch = Batch {
        items: Vec::<String>::with_capacity(2),
        value: String::with_capacity(30),
    };
    assert_eq!(batch.heap_bytes(), 2 * size_of::<String>() + 30);
}

#[derive(Reset)]
struct Holder<T, U> {
    items: Vec<T>,
    #[pool(skip)]
    kept: U,
}

#[test]
fn a_skipped_field_of_an_unbounded_type_parameter_counts_zero() {
    // No `U: Reset` where the impl is written, and the derive adds none: `Holder<T, U>` stays
    // `Reset` for every `U`, at the price of not counting `kept`.
    let holder = Holder {
        items: vec![NotReset],
        kept: Vec::<u8>::with_capacity(100),
    };
    assert_eq!(
        holder.heap_bytes(),
        0,
        "`Vec<NotReset>` is zero-sized per item"
    );
    let holder = Holder {
        items: Vec::<u16>::with_capacity(4),
        kept: a_file(),
    };
    assert_eq!(holder.heap_bytes(), 8);
}

#[derive(Reset)]
struct Bounded<U: Reset> {
    #[pool(skip)]
    kept: U,
    #[pool(default)]
    fresh: Vec<U>,
}

#[test]
fn a_skipped_bare_type_parameter_bound_by_reset_counts() {
    // `kept: U` counts, as `U: Reset` says; `fresh: Vec<U>` names `U` inside another type, which
    // the derive does not ask about (see `ast::Count::Zero`): it counts 0.
    let bounded = Bounded {
        kept: String::with_capacity(70),
        fresh: Vec::<String>::with_capacity(1),
    };
    assert_eq!(bounded.heap_bytes(), 70);
}

#[derive(Reset)]
struct Twins<T> {
    value: Vec<T>,
    #[pool(skip)]
    kept: Vec<T>,
}

#[test]
fn a_skipped_field_of_a_type_the_reset_requires_anyway_counts() {
    // `value: Vec<T>` puts `Vec<T>: Reset` in the where-clause, so `kept`, of the same type, is
    // counted by it too.
    let twins = Twins {
        value: Vec::<u32>::with_capacity(2),
        kept: Vec::with_capacity(3),
    };
    assert_eq!(twins.heap_bytes(), 20);
}

/// `Reset` only for `'static` items: a field of it in a generic type, which does not require
/// `T: 'static`, must not be counted by it, or the derived impl would not compile.
struct StaticOnly<T>(Vec<T>);

impl<T: 'static> Reset for StaticOnly<T> {
    fn reset(&mut self) {
        self.0.clear();
    }

    fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }
}

/// `Reset` only when it borrows for `'static`.
struct Borrowed<'a>(&'a str);

impl Reset for Borrowed<'static> {
    fn reset(&mut self) {
        self.0 = "";
    }

    fn heap_bytes(&self) -> usize {
        1000
    }
}

#[derive(Reset)]
struct LifetimeBound<'a, T> {
    #[pool(skip)]
    items: StaticOnly<T>,
    #[pool(skip)]
    text: Borrowed<'a>,
    count: u32,
}

#[test]
fn impls_that_ask_lifetimes_neither_break_the_derive_nor_count() {
    let text = String::from("borrowed");
    let value = LifetimeBound {
        items: StaticOnly(Vec::<u64>::with_capacity(4)),
        text: Borrowed(&text),
        count: 1,
    };
    assert_eq!(value.heap_bytes(), 0);
    assert_eq!((value.items.0.capacity(), value.text.0), (4, "borrowed"));
}

#[derive(Reset)]
enum Either<L, R> {
    #[default]
    Left(Vec<L>),
    Right(R),
}

#[test]
fn a_generic_enum_counts_other_variants_if_their_types_are_reset_where_written() {
    let left: Either<u32, String> = Either::Left(Vec::with_capacity(3));
    assert_eq!(left.heap_bytes(), 12);
    // `R` has no `Reset` bound, so `Right` counts 0 whatever it holds.
    let right: Either<u32, String> = Either::Right(String::with_capacity(10));
    assert_eq!(right.heap_bytes(), 0);
}

/// A lifetime parameter: a skipped borrowed field is not `Reset` and counts 0.
#[derive(Reset)]
struct Parser<'a> {
    #[pool(skip)]
    input: &'a str,
    tokens: Vec<&'a str>,
}

#[test]
fn a_borrowing_type_counts_what_it_owns() {
    let text = String::from("a b c");
    let mut parser = Parser {
        input: &text,
        tokens: Vec::with_capacity(4),
    };
    parser.tokens.extend(parser.input.split(' '));
    assert_eq!(parser.heap_bytes(), 4 * size_of::<&str>());
}

// ----- feature types -----

#[cfg(feature = "bytes")]
#[test]
fn bytes_mut_counts_its_capacity() {
    let buf = bytes::BytesMut::with_capacity(512);
    assert_eq!(buf.heap_bytes(), buf.capacity());
    assert!(buf.heap_bytes() >= 512);
    assert_eq!(bytes::BytesMut::new().heap_bytes(), 0);
}

#[cfg(feature = "smallvec")]
#[test]
fn smallvec_counts_only_once_spilled() {
    let mut small: smallvec::SmallVec<[u32; 4]> = smallvec::SmallVec::new();
    small.extend(0..4);
    assert_eq!(small.heap_bytes(), 0, "inline");
    small.extend(4..10);
    assert!(small.spilled());
    assert_eq!(small.heap_bytes(), small.capacity() * 4);
    small.reset();
    assert_eq!(small.heap_bytes(), small.capacity() * 4, "still spilled");
}

#[cfg(feature = "arrayvec")]
#[test]
fn arrayvec_types_hold_nothing_on_the_heap() {
    let mut array: arrayvec::ArrayVec<u64, 16> = arrayvec::ArrayVec::new();
    array.push(1);
    assert_eq!(array.heap_bytes(), 0);
    assert_eq!(arrayvec::ArrayString::<16>::new().heap_bytes(), 0);
}

#[cfg(feature = "hashbrown")]
#[test]
fn hashbrown_tables_count_like_std() {
    let map: hashbrown::HashMap<u64, u32> = hashbrown::HashMap::with_capacity(20);
    assert!(map.capacity() >= 20);
    assert_eq!(map.heap_bytes(), map.capacity() * 17);
    let set: hashbrown::HashSet<u16> = hashbrown::HashSet::with_capacity(20);
    assert_eq!(set.heap_bytes(), set.capacity() * 3);
    let table: hashbrown::HashTable<u64> = hashbrown::HashTable::with_capacity(20);
    assert_eq!(table.heap_bytes(), table.capacity() * 9);
}

#[cfg(feature = "indexmap")]
#[test]
fn indexmap_counts_entries_and_index() {
    let map: indexmap::IndexMap<u64, u64> = indexmap::IndexMap::with_capacity(10);
    let word = size_of::<usize>();
    assert!(map.capacity() >= 10);
    assert_eq!(
        map.heap_bytes(),
        map.capacity() * (word + 16) + map.capacity() * (word + 1)
    );
    let set: indexmap::IndexSet<u64> = indexmap::IndexSet::with_capacity(10);
    assert_eq!(
        set.heap_bytes(),
        set.capacity() * (word + 8) + set.capacity() * (word + 1)
    );
}
