//! Generic inputs compile with inferred bounds, under `#![deny(warnings)]`.
#![deny(warnings)]

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;

use pool_core::{Pool, Poolable, Reset};

struct NotReset;

#[derive(Reset)]
pub struct Batch<T> {
    items: Vec<T>,
}

#[derive(Poolable, Default)]
pub struct Cache<K: Eq + Hash + Send + 'static, V>
where
    V: Clone,
{
    map: HashMap<K, V>,
    hits: u64,
}

#[derive(Poolable)]
#[pool(new = Wrapper::new)]
pub struct Wrapper<T: Send + 'static> {
    inner: Option<T>,
    _marker: PhantomData<fn() -> T>,
}

impl<T: Send + 'static> Wrapper<T> {
    fn new() -> Self {
        Wrapper {
            inner: None,
            _marker: PhantomData,
        }
    }
}

#[derive(Reset)]
pub struct Nested<T> {
    rows: Vec<Vec<T>>,
    pairs: Option<(T, T)>,
    boxed: Box<[u16; 3]>,
}

#[derive(Poolable)]
#[pool(bound = "T: Reset + Send + Default")]
pub struct Explicit<T> {
    value: T,
}

impl<T: Default> Default for Explicit<T> {
    fn default() -> Self {
        Explicit {
            value: T::default(),
        }
    }
}

/// The user's bound replaces the field bounds; creation still needs `Batched<T>: Default`.
#[derive(Debug, Default, Poolable)]
#[pool(bound = "T: Send + 'static")]
pub struct Batched<T> {
    items: Vec<T>,
}

/// An enum is created as its `#[default]` variant, with no `Default` impl.
#[derive(Poolable)]
pub enum Slot<T> {
    #[default]
    Filled(Vec<T>),
    Taken,
}

#[derive(Reset)]
pub struct Sized_<const N: usize, T> {
    buf: [T; N],
}

static CACHES: Pool<Cache<String, u32>> = Pool::new();
static BATCHES: Pool<Batched<u64>> = Pool::new();
static SLOTS: Pool<Slot<NotReset>> = Pool::new();

fn main() {
    let mut batch = Batch {
        items: vec![NotReset],
    };
    batch.reset();
    let _cache = CACHES.get();
    let _batch = BATCHES.get();
    let _slot = SLOTS.get();
    let mut wrapper: Wrapper<String> = Poolable::create();
    wrapper.reset();
    let mut nested: Nested<u8> = Nested {
        rows: vec![vec![1]],
        pairs: None,
        boxed: Box::new([1; 3]),
    };
    nested.reset();
    let mut explicit: Explicit<u64> = Poolable::create();
    explicit.reset();
    let mut sized: Sized_<4, u8> = Sized_ { buf: [1; 4] };
    sized.reset();
}
