//! `#[derive(Reset)]` on a struct with a field of every kind pool-core covers: dirty every
//! field, reset, and check each is pristine and that buffers keep their capacity.

// Generated code is linted as user code where it carries user spans: keep it pedantic-clean.
#![warn(clippy::pedantic)]
// The test covers every std type (`LinkedList` too), checks exact zeros, and sizes with `CAP`.
#![allow(
    clippy::linkedlist,
    clippy::float_cmp,
    clippy::cast_possible_truncation
)]

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, LinkedList, VecDeque};
use std::marker::PhantomData;
use std::num::Wrapping;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use pool_core::Reset;

/// A nested derived type, reset through its own derive.
#[derive(Reset, Debug, Default, PartialEq)]
struct Inner {
    count: u32,
    name: String,
}

/// Every field kind.
#[derive(Reset, Default)]
struct Everything {
    unsigned: u64,
    signed: i32,
    size: usize,
    big: u128,
    float: f64,
    flag: bool,
    letter: char,
    unit: (),
    array: [u8; 16],
    nested_array: [[u16; 2]; 3],
    vec: Vec<u32>,
    string: String,
    deque: VecDeque<u8>,
    list: LinkedList<u8>,
    heap: BinaryHeap<u8>,
    map: HashMap<String, u32>,
    set: HashSet<u32>,
    btree_map: BTreeMap<u8, String>,
    btree_set: BTreeSet<u8>,
    option: Option<String>,
    boxed: Box<Inner>,
    boxed_slice: Box<[u8]>,
    tuple: (u8, String, Vec<u8>),
    inner: Inner,
    cell: Cell<u32>,
    ref_cell: RefCell<Vec<u8>>,
    mutex: Mutex<String>,
    rw_lock: RwLock<Vec<u8>>,
    atomic: AtomicU64,
    atomic_size: AtomicUsize,
    atomic_flag: AtomicBool,
    duration: Duration,
    wrapping: Wrapping<u8>,
    phantom: PhantomData<fn() -> u8>,
}

/// Sets every field to a non-default value, growing every buffer past `CAP`.
fn dirty(e: &mut Everything) {
    e.unsigned = 1;
    e.signed = -2;
    e.size = 3;
    e.big = 4;
    e.float = 5.5;
    e.flag = true;
    e.letter = 'x';
    e.array = [9; 16];
    e.nested_array = [[7; 2]; 3];
    e.vec.extend(0..CAP as u32);
    e.string.push_str(&"s".repeat(CAP));
    e.deque.extend(std::iter::repeat(1).take(CAP));
    e.list.push_back(1);
    e.heap.push(4);
    e.map.insert("k".to_owned(), 1);
    e.set.insert(2);
    e.btree_map.insert(1, "v".to_owned());
    e.btree_set.insert(3);
    e.option = Some("some".to_owned());
    e.boxed.count = 8;
    e.boxed.name.push_str("boxed");
    e.boxed_slice = vec![1, 2, 3].into_boxed_slice();
    e.tuple = (1, "t".to_owned(), vec![1]);
    e.inner = Inner {
        count: 2,
        name: "inner".to_owned(),
    };
    e.cell.set(6);
    e.ref_cell.borrow_mut().push(1);
    e.mutex.lock().unwrap().push_str("locked");
    e.rw_lock.write().unwrap().push(1);
    e.atomic.store(10, Ordering::Relaxed);
    e.atomic_size.store(11, Ordering::Relaxed);
    e.atomic_flag.store(true, Ordering::Relaxed);
    e.duration = Duration::from_secs(12);
    e.wrapping = Wrapping(13);
}

const CAP: usize = 100;

/// Asserts every field is pristine.
fn assert_pristine(e: &Everything) {
    assert_eq!((e.unsigned, e.signed, e.size, e.big), (0, 0, 0, 0));
    assert_eq!(e.float, 0.0);
    assert!(!e.flag);
    assert_eq!(e.letter, '\0');
    assert_eq!(e.array, [0; 16]);
    assert_eq!(e.nested_array, [[0; 2]; 3]);
    assert!(e.vec.is_empty() && e.string.is_empty() && e.deque.is_empty());
    assert!(e.list.is_empty() && e.heap.is_empty());
    assert!(e.map.is_empty() && e.set.is_empty());
    assert!(e.btree_map.is_empty() && e.btree_set.is_empty());
    assert_eq!(e.option, None);
    assert_eq!(*e.boxed, Inner::default());
    assert_eq!(*e.boxed_slice, [0, 0, 0]);
    assert_eq!(e.tuple, (0, String::new(), Vec::new()));
    assert_eq!(e.inner, Inner::default());
    assert_eq!(e.cell.get(), 0);
    assert!(e.ref_cell.borrow().is_empty());
    assert!(e.mutex.lock().unwrap().is_empty());
    assert!(e.rw_lock.read().unwrap().is_empty());
    assert_eq!(e.atomic.load(Ordering::Relaxed), 0);
    assert_eq!(e.atomic_size.load(Ordering::Relaxed), 0);
    assert!(!e.atomic_flag.load(Ordering::Relaxed));
    assert_eq!(e.duration, Duration::ZERO);
    assert_eq!(e.wrapping, Wrapping(0));
}

#[test]
fn every_field_kind_is_reset() {
    let mut e = Everything::default();
    dirty(&mut e);
    e.reset();
    assert_pristine(&e);
}

#[test]
fn reset_keeps_buffer_capacity() {
    let mut e = Everything::default();
    dirty(&mut e);
    e.reset();
    assert!(e.vec.capacity() >= CAP);
    assert!(e.string.capacity() >= CAP);
    assert!(e.deque.capacity() >= CAP);
    assert!(e.boxed.name.capacity() >= 5);
    assert!(e.inner.name.capacity() >= 5);
    assert!(e.ref_cell.borrow().capacity() >= 1);
}

#[test]
fn reset_is_idempotent() {
    let mut e = Everything::default();
    dirty(&mut e);
    e.reset();
    e.reset();
    assert_pristine(&e);
}

#[test]
fn reset_clears_mutex_poison() {
    let mut e = Everything::default();
    let mutex = &e.mutex;
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _guard = mutex.lock().unwrap();
        panic!("poison the mutex");
    }));
    assert!(e.mutex.is_poisoned());
    e.reset();
    assert!(!e.mutex.is_poisoned());
}

/// A tuple struct and a unit struct.
#[derive(Reset)]
struct Pair(u8, Vec<u8>);

#[derive(Reset)]
struct Marker;

#[derive(Reset)]
struct Empty {}

#[test]
fn tuple_and_unit_structs() {
    let mut pair = Pair(3, Vec::with_capacity(8));
    pair.1.push(1);
    pair.reset();
    assert_eq!(pair.0, 0);
    assert!(pair.1.is_empty() && pair.1.capacity() >= 8);
    Marker.reset();
    Empty {}.reset();
}

/// The sum of every field's own `heap_bytes`, written out field by field.
fn fields_heap_bytes(e: &Everything) -> usize {
    let numbers = [
        e.unsigned.heap_bytes(),
        e.signed.heap_bytes(),
        e.size.heap_bytes(),
        e.big.heap_bytes(),
        e.float.heap_bytes(),
        e.flag.heap_bytes(),
        e.letter.heap_bytes(),
        Reset::heap_bytes(&e.unit),
        e.array.heap_bytes(),
        e.nested_array.heap_bytes(),
    ];
    let collections = [
        e.vec.heap_bytes(),
        e.string.heap_bytes(),
        e.deque.heap_bytes(),
        e.list.heap_bytes(),
        e.heap.heap_bytes(),
        e.map.heap_bytes(),
        e.set.heap_bytes(),
        e.btree_map.heap_bytes(),
        e.btree_set.heap_bytes(),
        e.option.heap_bytes(),
    ];
    let wrappers = [
        e.boxed.heap_bytes(),
        e.boxed_slice.heap_bytes(),
        e.tuple.heap_bytes(),
        e.inner.heap_bytes(),
        e.cell.heap_bytes(),
        e.ref_cell.heap_bytes(),
        e.mutex.heap_bytes(),
        e.rw_lock.heap_bytes(),
        e.atomic.heap_bytes(),
        e.atomic_size.heap_bytes(),
        e.atomic_flag.heap_bytes(),
        e.duration.heap_bytes(),
        e.wrapping.heap_bytes(),
        e.phantom.heap_bytes(),
    ];
    numbers.iter().chain(&collections).chain(&wrappers).sum()
}

#[test]
fn heap_bytes_is_the_sum_over_every_field() {
    let mut e = Everything::default();
    dirty(&mut e);
    let dirty_bytes = e.heap_bytes();
    assert_eq!(dirty_bytes, fields_heap_bytes(&e));
    assert!(
        dirty_bytes >= CAP * (4 + 1 + 1),
        "vec, string and deque at least"
    );
    e.reset();
    // The buffers stay; the trees and the list freed their nodes.
    assert_eq!(e.heap_bytes(), fields_heap_bytes(&e));
    assert_eq!(e.btree_map.heap_bytes() + e.list.heap_bytes(), 0);
    assert!(e.heap_bytes() >= CAP * (4 + 1 + 1));
}
