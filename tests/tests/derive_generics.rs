//! Generic types: bounds are inferred per field type.

// Generated code is linted as user code where it carries user spans: keep it pedantic-clean.
#![warn(clippy::pedantic)]

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;

use pool_core::{Poolable, Reset};

/// Not `Reset`: `Vec<NotReset>` still is.
#[derive(Debug, PartialEq)]
struct NotReset;

#[derive(Reset)]
struct Batch<T> {
    items: Vec<T>,
    count: usize,
}

#[test]
fn vec_of_any_t_needs_no_bound_on_t() {
    let mut batch = Batch {
        items: vec![NotReset, NotReset],
        count: 2,
    };
    batch.reset();
    assert!(batch.items.is_empty() && batch.items.capacity() >= 2);
    assert_eq!(batch.count, 0);
}

#[derive(Reset)]
struct Holder<T, U: Clone>
where
    T: Copy,
{
    value: T,
    pair: (T, Option<U>),
    _marker: PhantomData<U>,
}

#[test]
fn direct_type_parameters_need_reset() {
    let mut h: Holder<u32, String> = Holder {
        value: 4,
        pair: (5, Some("x".into())),
        _marker: PhantomData,
    };
    h.reset();
    assert_eq!(h.value, 0);
    assert_eq!(h.pair, (0, None));
}

#[derive(Poolable, Default)]
struct Cache<K: Eq + Hash, V> {
    #[pool(max_capacity = 32)]
    map: HashMap<K, V>,
    hits: u64,
}

#[test]
fn generic_poolable() {
    let mut cache: Cache<String, Vec<u8>> = Poolable::create();
    cache.map.insert("a".into(), vec![1]);
    cache.hits = 3;
    cache.reset();
    assert!(cache.map.is_empty());
    assert_eq!(cache.hits, 0);
}

#[derive(Reset)]
struct Fixed<const N: usize> {
    buf: [u8; N],
}

#[test]
fn const_generics() {
    let mut f = Fixed { buf: [3; 8] };
    f.reset();
    assert_eq!(f.buf, [0; 8]);
}

#[derive(Reset)]
struct Borrowed<'a> {
    name: Option<&'a str>,
    scratch: Vec<&'a str>,
}

#[test]
fn lifetimes_are_fine_for_reset() {
    let text = String::from("hello");
    let mut b = Borrowed {
        name: Some(&text),
        scratch: vec![&text],
    };
    b.reset();
    assert_eq!(b.name, None);
    assert!(b.scratch.is_empty());
}

#[derive(Reset, Debug, PartialEq)]
enum Slot<T> {
    #[default]
    Empty,
    Full(T),
}

#[test]
fn generic_enum_switching_to_unit_default_needs_nothing() {
    let mut slot = Slot::Full(NotReset);
    slot.reset();
    assert_eq!(slot, Slot::Empty);
}
