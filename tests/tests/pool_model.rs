//! `Pool` against a sequential reference model (issue 11): proptest-state-machine draws random
//! sequences of operations on several threads, runs them on a real pool, and after every one
//! compares what the pool shows (every `stats()` field, `idle()`, which values are alive) with
//! what a plain model of a pool says. At the end every thread exits and the pool is dropped:
//! every value must then have been dropped, once. A failing sequence shrinks until no single
//! step can be deleted from it ([`Tighten`]); the message says at which step it failed.
//!
//! **Threads.** Each of [`THREADS`] "threads" is a real `std` thread, a [`Worker`] that runs the
//! commands sent to it and replies, so the pool's per-thread caches, steals, slot reclaims and
//! thread exits are really exercised. Commands go one at a time, each waiting for its reply (a
//! thread exit waits for the join), so the model stays sequential and deterministic: every
//! comparison happens with every worker parked on its channel.
//!
//! **Values.** An [`Item`] carries an id from its case's [`Registry`], which sees every value
//! made and dropped, so the test knows which values are alive, and checks that a value handed out
//! is idle (never one held elsewhere, detached or dropped) and reset.
//!
//! **The model's rules** (what the pool promises of a quiescent pool, see [`Model`]):
//! - a get (or `try_get`) reuses an idle value whenever one is idle anywhere, parked threads'
//!   caches included, and creates one (or `try_get` returns `None`) only when none is. *Which*
//!   idle value is the pool's choice: the model accepts any idle id, then follows that one;
//! - a value coming back (guard drop, `put`) is shrunk to `max_capacity`, then asked `keep_if`;
//!   it is kept if and only if fewer than `max_idle` values are idle and (with `max_idle_bytes`)
//!   its heap bytes fit: "never discarded while the pool holds fewer than `max_idle`" and "idle
//!   never above `max_idle`" together leave the pool no choice;
//! - `prefill(n)` makes `min(n, max_idle) - idle` values, stopping at the first that would take
//!   the idle bytes over their bound (made, then discarded);
//! - `trim` drops exactly the values idle since before the previous trim (each idle value keeps
//!   the generation it became idle in; trim advances it by one, `clear` by two and drops all);
//! - a thread exit returns its guards, in order, and drops nothing idle.
//!
//! `PROPTEST_CASES` sets the number of cases (64 per test unless set); `.ci/deep` runs 20000.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use pool_core::{OwnedPooled, Pool, PoolStats, Poolable, Pooled, Reset, Shrink};
use pool_tests::assert_balanced;
use proptest::prelude::*;
use proptest::sample;
use proptest::strategy::{NewTree, Union, ValueTree};
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};

/// The threads a case drives (each started on its first command, and again after an exit).
const THREADS: usize = 3;

/// The heap bytes of a value the pool makes ([`Item::heap_bytes`]).
const CREATED_CAP: usize = 8;

/// The capacities a held value grows to, or a value handed to `put` has.
const CAPS: [usize; 6] = [0, 8, 16, 24, 64, 200];

/// `max_idle`s to draw from: 0, one value, caches of one slot (batch 1), of 4 (batch 2) and of
/// 10 (batch 5, so that a cache spills and refills within a sequence).
const MAX_IDLES: [usize; 9] = [0, 1, 2, 3, 5, 8, 16, 24, 40];

/// How long a worker may take to answer: far more than any operation, so only a deadlock hits it.
const REPLY_WAIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Values and the registry that watches them
// ---------------------------------------------------------------------------------------------

/// Every value one case made, and which are alive: the test's own view of the pool's values.
#[derive(Debug, Default)]
struct Registry {
    next_id: AtomicU64,
    log: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    /// Made and not yet dropped.
    live: BTreeSet<u64>,
    /// Made since the last [`Registry::take_made`], in order.
    made: Vec<u64>,
    /// Dropped more than once (never, unless the pool frees a value twice).
    dropped_twice: Vec<u64>,
}

impl Registry {
    fn log(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn make(self: &Arc<Self>, cap: usize) -> Item {
        let id = self.next_id.fetch_add(1, SeqCst) + 1;
        let mut log = self.log();
        log.live.insert(id);
        log.made.push(id);
        Item {
            id,
            cap,
            dirty: false,
            registry: Arc::clone(self),
        }
    }

    fn dropped(&self, id: u64) {
        let mut log = self.log();
        if !log.live.remove(&id) {
            log.dropped_twice.push(id);
        }
    }

    /// The ids made since the last call, in order.
    fn take_made(&self) -> Vec<u64> {
        std::mem::take(&mut self.log().made)
    }

    fn live(&self) -> BTreeSet<u64> {
        self.log().live.clone()
    }

    fn dropped_twice(&self) -> Vec<u64> {
        self.log().dropped_twice.clone()
    }
}

thread_local! {
    /// The registry of the case this worker thread belongs to, for [`Item::create`].
    static REGISTRY: RefCell<Option<Arc<Registry>>> = const { RefCell::new(None) };
    /// The guards a worker still holds when it exits: dropped by this thread-local's destructor.
    /// It is first touched before the thread uses the pool, so on Linux (destructors run in
    /// reverse order of registration) it is destroyed after pool-core's own table: those
    /// returns take the path of a thread without a usable cache.
    static AT_EXIT: RefCell<Vec<OwnedPooled<Item>>> = const { RefCell::new(Vec::new()) };
}

/// A pooled value with an identity: `cap` stands for a buffer's capacity (its heap bytes, what
/// `max_capacity` shrinks and `keep_if` looks at), `dirty` for data a user left in it.
struct Item {
    id: u64,
    cap: usize,
    dirty: bool,
    registry: Arc<Registry>,
}

impl fmt::Debug for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Item#{} (cap {}, dirty {})",
            self.id, self.cap, self.dirty
        )
    }
}

impl Drop for Item {
    fn drop(&mut self) {
        self.registry.dropped(self.id);
    }
}

impl Reset for Item {
    /// Clears the data and keeps the capacity, as `Vec::clear` does.
    fn reset(&mut self) {
        self.dirty = false;
    }

    fn heap_bytes(&self) -> usize {
        self.cap
    }
}

impl Shrink for Item {
    fn shrink_to_max(&mut self, max_capacity: usize) {
        self.cap = self.cap.min(max_capacity);
    }
}

impl Poolable for Item {
    fn create() -> Self {
        make(CREATED_CAP)
    }
}

/// A new value in the registry of this worker's case: values are made only on the workers'
/// threads (by the pool, or by the test for `put`).
fn make(cap: usize) -> Item {
    REGISTRY.with(|registry| {
        let registry = registry.borrow();
        let registry = registry.as_ref().expect("values are made on model workers");
        registry.make(cap)
    })
}

/// What a worker saw of a value as it was handed out.
#[derive(Debug, Clone, Copy)]
struct Seen {
    id: u64,
    cap: usize,
    dirty: bool,
}

impl Seen {
    fn of(item: &Item) -> Self {
        Seen {
            id: item.id,
            cap: item.cap,
            dirty: item.dirty,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The operations, and the reference state that generates them
// ---------------------------------------------------------------------------------------------

/// How a pool is built.
#[derive(Debug, Clone)]
struct Setup {
    max_idle: usize,
    /// Through the builder, or `Pool::with_max_idle` (whose shared part is made on first use).
    built: bool,
    max_capacity: Option<usize>,
    /// `keep_if(|item| item.cap <= limit)`.
    keep_up_to: Option<usize>,
    max_idle_bytes: Option<usize>,
}

impl Setup {
    fn build(&self) -> Pool<Item> {
        if !self.built {
            return Pool::with_max_idle(self.max_idle);
        }
        let mut builder = Pool::builder().max_idle(self.max_idle);
        if let Some(max) = self.max_capacity {
            builder = builder.max_capacity(max);
        }
        if let Some(limit) = self.keep_up_to {
            builder = builder.keep_if(move |item: &Item| item.cap <= limit);
        }
        if let Some(max) = self.max_idle_bytes {
            builder = builder.max_idle_bytes(max);
        }
        builder.build()
    }
}

/// How a get inside one operation is made.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    /// `pool.get()`: a borrowing `Pooled`.
    Get,
    /// `pool.try_get()`: never creates.
    TryGet,
}

/// How a guard inside one operation ends.
#[derive(Debug, Clone, Copy)]
enum End {
    Return,
    /// Detached, and the value dropped at once.
    Detach,
    Discard,
}

/// The value a `put` hands in.
#[derive(Debug, Clone, Copy)]
enum Outside {
    /// Made by the test, with this capacity.
    New { cap: usize },
    /// The `index`th value this thread detached.
    Detached { index: usize },
}

/// One step of a sequence. `guard` is an index into the thread's held guards, oldest first.
#[derive(Debug, Clone)]
enum Op {
    /// `get_owned`, the guard kept on the thread.
    Get { thread: usize },
    /// `get` or `try_get`, the value grown to `cap` and dirtied, then the guard ended, all in
    /// one operation.
    Scoped {
        thread: usize,
        attempt: Attempt,
        cap: usize,
        end: End,
    },
    /// The held value grows to `cap` and is dirtied.
    Grow {
        thread: usize,
        guard: usize,
        cap: usize,
    },
    /// The guard is dropped: its value goes back.
    Return { thread: usize, guard: usize },
    /// `OwnedPooled::detach`: the value stays on the thread, outside the pool.
    Detach { thread: usize, guard: usize },
    /// `OwnedPooled::discard`.
    Discard { thread: usize, guard: usize },
    /// The thread hands a guard to another thread.
    Give {
        from: usize,
        guard: usize,
        to: usize,
    },
    /// `put`, of a new value or one this thread detached.
    Put { thread: usize, value: Outside },
    /// `prefill(n)`.
    Prefill { thread: usize, n: usize },
    /// `trim()`, called on the thread: the values it drops are dropped there.
    Trim { thread: usize },
    /// `clear()`, called on the thread.
    Clear { thread: usize },
    /// `stats()` called on the thread (the test calls it on its own thread after every step).
    Stats { thread: usize },
    /// `idle()` called on the thread.
    Idle { thread: usize },
    /// The thread ends, still holding its guards and detached values, and is joined.
    Exit { thread: usize },
}

/// What the generator knows: the setup, and how many guards and detached values each thread
/// holds (these do not depend on the pool's choices, so every generated step is valid).
#[derive(Clone)]
struct Shape {
    setup: Setup,
    guards: [usize; THREADS],
    loose: [usize; THREADS],
}

impl Shape {
    /// Whether `op` is a valid next step: the guard or detached value it names exists.
    fn allows(&self, op: &Op) -> bool {
        match *op {
            Op::Grow { thread, guard, .. }
            | Op::Return { thread, guard }
            | Op::Detach { thread, guard }
            | Op::Discard { thread, guard } => guard < self.guards[thread],
            Op::Give { from, guard, to } => from != to && guard < self.guards[from],
            Op::Put {
                thread,
                value: Outside::Detached { index },
            } => index < self.loose[thread],
            _ => true,
        }
    }

    fn after(mut self, op: &Op) -> Shape {
        match *op {
            Op::Get { thread } => self.guards[thread] += 1,
            Op::Return { thread, .. } | Op::Discard { thread, .. } => self.guards[thread] -= 1,
            Op::Detach { thread, .. } => {
                self.guards[thread] -= 1;
                self.loose[thread] += 1;
            }
            Op::Give { from, to, .. } => {
                self.guards[from] -= 1;
                self.guards[to] += 1;
            }
            Op::Put {
                thread,
                value: Outside::Detached { .. },
            } => self.loose[thread] -= 1,
            Op::Exit { thread } => {
                self.guards[thread] = 0;
                self.loose[thread] = 0;
            }
            _ => {}
        }
        self
    }

    /// `ops` without step `skip`, and without the steps that named what it made.
    fn without(&self, ops: &[Op], skip: usize) -> Vec<Op> {
        let mut shape = self.clone();
        let mut kept = Vec::with_capacity(ops.len());
        for (index, op) in ops.iter().enumerate() {
            if index != skip && shape.allows(op) {
                shape = shape.after(op);
                kept.push(op.clone());
            }
        }
        kept
    }
}

impl fmt::Debug for Shape {
    /// The setup only: a failing case prints its start state, where nothing is held yet.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.setup, f)
    }
}

/// A kind of pool to test: how its [`Setup`] is drawn.
trait Variant: 'static {
    fn setup() -> BoxedStrategy<Setup>;
}

/// `max_idle` alone, built either way.
struct Plain;

/// `max_capacity` and `keep_if`, each or both.
struct Checked;

/// `max_idle_bytes`, with or without the other two.
struct Bytes;

fn max_idle() -> impl Strategy<Value = usize> {
    sample::select(MAX_IDLES.to_vec())
}

fn max_capacity() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(sample::select(vec![0, 16, 64]))
}

fn keep_up_to() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(sample::select(vec![8, 24, 64]))
}

impl Variant for Plain {
    fn setup() -> BoxedStrategy<Setup> {
        (max_idle(), any::<bool>())
            .prop_map(|(max_idle, built)| Setup {
                max_idle,
                built,
                max_capacity: None,
                keep_up_to: None,
                max_idle_bytes: None,
            })
            .boxed()
    }
}

impl Variant for Checked {
    fn setup() -> BoxedStrategy<Setup> {
        (max_idle(), max_capacity(), keep_up_to())
            .prop_map(|(max_idle, max_capacity, keep_up_to)| Setup {
                max_idle,
                built: true,
                max_capacity,
                keep_up_to,
                max_idle_bytes: None,
            })
            .boxed()
    }
}

impl Variant for Bytes {
    fn setup() -> BoxedStrategy<Setup> {
        let bytes = sample::select(vec![0, 8, 24, 48, 120]);
        (max_idle(), max_capacity(), keep_up_to(), bytes)
            .prop_map(|(max_idle, max_capacity, keep_up_to, bytes)| Setup {
                max_idle,
                built: true,
                max_capacity,
                keep_up_to,
                max_idle_bytes: Some(bytes),
            })
            .boxed()
    }
}

/// The state machine: [`Shape`] generates the steps, [`Sut`] runs them on a pool and checks
/// each against its [`Model`].
struct PoolModel<V>(PhantomData<V>);

fn thread_index() -> impl Strategy<Value = usize> {
    0..THREADS
}

fn cap() -> impl Strategy<Value = usize> {
    sample::select(CAPS.to_vec())
}

/// Steps that need nothing held.
fn free_steps() -> Vec<(u32, BoxedStrategy<Op>)> {
    let end = prop_oneof![Just(End::Return), Just(End::Detach), Just(End::Discard)];
    let attempt = prop_oneof![Just(Attempt::Get), Just(Attempt::TryGet)];
    let on = |weight: u32, op: fn(usize) -> Op| (weight, thread_index().prop_map(op).boxed());
    vec![
        on(8, |thread| Op::Get { thread }),
        (
            2,
            (thread_index(), attempt, cap(), end)
                .prop_map(|(thread, attempt, cap, end)| Op::Scoped {
                    thread,
                    attempt,
                    cap,
                    end,
                })
                .boxed(),
        ),
        (
            2,
            (thread_index(), cap())
                .prop_map(|(thread, cap)| Op::Put {
                    thread,
                    value: Outside::New { cap },
                })
                .boxed(),
        ),
        (
            1,
            (thread_index(), 0..=12usize)
                .prop_map(|(thread, n)| Op::Prefill { thread, n })
                .boxed(),
        ),
        on(3, |thread| Op::Trim { thread }),
        on(1, |thread| Op::Clear { thread }),
        on(1, |thread| Op::Stats { thread }),
        on(1, |thread| Op::Idle { thread }),
        on(2, |thread| Op::Exit { thread }),
    ]
}

/// Steps on a held guard, `(thread, index)` drawn from `held`.
fn guard_steps(held: Vec<(usize, usize)>) -> Vec<(u32, BoxedStrategy<Op>)> {
    let pick = move || sample::select(held.clone());
    let on = |weight: u32, op: fn((usize, usize)) -> Op| (weight, pick().prop_map(op).boxed());
    vec![
        on(7, |(thread, guard)| Op::Return { thread, guard }),
        on(1, |(thread, guard)| Op::Detach { thread, guard }),
        on(1, |(thread, guard)| Op::Discard { thread, guard }),
        (
            3,
            (pick(), cap())
                .prop_map(|((thread, guard), cap)| Op::Grow { thread, guard, cap })
                .boxed(),
        ),
        (
            2,
            (pick(), 1..THREADS)
                .prop_map(|((from, guard), step)| Op::Give {
                    from,
                    guard,
                    to: (from + step) % THREADS,
                })
                .boxed(),
        ),
    ]
}

impl<V: Variant> ReferenceStateMachine for PoolModel<V> {
    type State = Shape;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<Shape> {
        V::setup()
            .prop_map(|setup| Shape {
                setup,
                guards: [0; THREADS],
                loose: [0; THREADS],
            })
            .boxed()
    }

    fn transitions(shape: &Shape) -> BoxedStrategy<Op> {
        let mut steps = free_steps();
        let held: Vec<_> = (0..THREADS)
            .flat_map(|t| (0..shape.guards[t]).map(move |g| (t, g)))
            .collect();
        if !held.is_empty() {
            steps.extend(guard_steps(held));
        }
        let loose: Vec<_> = (0..THREADS)
            .flat_map(|t| (0..shape.loose[t]).map(move |i| (t, i)))
            .collect();
        if !loose.is_empty() {
            let put = sample::select(loose).prop_map(|(thread, index)| Op::Put {
                thread,
                value: Outside::Detached { index },
            });
            steps.push((2, put.boxed()));
        }
        Union::new_weighted(steps).boxed()
    }

    /// Shrinking removes steps: a step whose guard or detached value is gone is dropped too.
    fn preconditions(shape: &Shape, op: &Op) -> bool {
        shape.allows(op)
    }

    fn apply(shape: Shape, op: &Op) -> Shape {
        shape.after(op)
    }
}

/// A generated case: the start state, the steps, and proptest-state-machine's count of the steps
/// a failing run got through (which its shrinking uses to drop the steps after the failure).
type Case = (Shape, Vec<Op>, Option<Arc<AtomicUsize>>);

/// The cases of one kind of pool, shrunk by [`Tighten`].
fn cases<V: Variant>() -> Tighten<impl Strategy<Value = Case>> {
    Tighten(PoolModel::<V>::sequential_strategy(1..64))
}

/// proptest-state-machine's shrinking, then more. It tries deleting each step once, from the
/// last to the first, so a step that could go only once an earlier one went stays (and the
/// reported case has steps that are not needed). When it is done, passes over the steps try
/// deleting each (with the steps that named what it made) until a pass deletes nothing: no
/// single step can go from the case reported.
#[derive(Debug)]
struct Tighten<S>(S);

impl<S: Strategy<Value = Case>> Strategy for Tighten<S> {
    type Tree = TightenTree<S::Tree>;
    type Value = Case;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        Ok(TightenTree {
            inner: self.0.new_tree(runner)?,
            best: None,
            trying: None,
            next: 0,
            deleted: false,
        })
    }
}

struct TightenTree<T> {
    inner: T,
    /// Once the inner shrinking is done: the shortest failing case so far.
    best: Option<(Shape, Vec<Op>)>,
    /// The steps being tried: `best`'s without step `.0`.
    trying: Option<(usize, Vec<Op>)>,
    /// The next step of `best` to try deleting.
    next: usize,
    /// Whether this pass deleted a step (then another pass follows).
    deleted: bool,
}

impl<T: ValueTree<Value = Case>> TightenTree<T> {
    /// The inner shrinking is done: its case, which fails, is the best so far.
    fn start(&mut self) -> bool {
        let (shape, ops, _) = self.inner.current();
        self.best = Some((shape, ops));
        self.try_next()
    }

    /// Moves to the next deletion to try; `false` when a whole pass deleted nothing.
    fn try_next(&mut self) -> bool {
        let Some((shape, ops)) = &self.best else {
            return false;
        };
        if self.next >= ops.len() {
            if !std::mem::take(&mut self.deleted) {
                return false;
            }
            self.next = 0;
        }
        if ops.is_empty() {
            return false;
        }
        self.trying = Some((self.next, shape.without(ops, self.next)));
        true
    }
}

impl<T: ValueTree<Value = Case>> ValueTree for TightenTree<T> {
    type Value = Case;

    fn current(&self) -> Case {
        match (&self.best, &self.trying) {
            (None, _) => self.inner.current(),
            (Some((shape, _)), Some((_, ops))) | (Some((shape, ops)), None) => {
                (shape.clone(), ops.clone(), None)
            }
        }
    }

    /// After a failure: the steps tried fail too, so they are the best now.
    fn simplify(&mut self) -> bool {
        if self.best.is_none() {
            return self.inner.simplify() || self.start();
        }
        if let (Some((at, ops)), Some(best)) = (self.trying.take(), &mut self.best) {
            best.1 = ops;
            self.next = at;
            self.deleted = true;
        }
        self.try_next()
    }

    /// After a pass: the step tried is needed; on to the next one.
    fn complicate(&mut self) -> bool {
        if self.best.is_none() {
            return self.inner.complicate() || self.start();
        }
        if let Some((at, _)) = self.trying.take() {
            self.next = at + 1;
        }
        self.try_next()
    }
}

// ---------------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------------

/// A value idle in the model: the generation it became idle in, and its heap bytes.
#[derive(Debug, Clone, Copy)]
struct Idle {
    since: u64,
    cap: usize,
}

/// A value out of the pool in the model: held by a guard, or detached.
#[derive(Debug, Clone, Copy)]
struct Out {
    id: u64,
    cap: usize,
}

/// The counters `stats()` reports that are not read off the idle values.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    created: u64,
    reused: u64,
    returned: u64,
    discarded: u64,
    trimmed: u64,
    detached: u64,
    in_use: u64,
}

/// A sequential pool: idle values by id, what each thread holds, the generation, the counts.
#[derive(Debug)]
struct Model {
    setup: Setup,
    /// Advanced by one per trim, by two per clear, as the pool's generation.
    generation: u64,
    idle: BTreeMap<u64, Idle>,
    /// Each thread's guards, in the worker's order.
    held: [Vec<Out>; THREADS],
    /// Each thread's detached values.
    loose: [Vec<Out>; THREADS],
    /// Values the model saw dropped.
    dropped: BTreeSet<u64>,
    counts: Counts,
}

impl Model {
    fn new(setup: &Setup) -> Self {
        Model {
            setup: setup.clone(),
            generation: 0,
            idle: BTreeMap::new(),
            held: Default::default(),
            loose: Default::default(),
            dropped: BTreeSet::new(),
            counts: Counts::default(),
        }
    }

    fn idle_bytes(&self) -> usize {
        self.idle.values().map(|idle| idle.cap).sum()
    }

    /// Every value alive: idle, held, or detached and not yet dropped.
    fn alive(&self) -> BTreeSet<u64> {
        let out = self.held.iter().chain(&self.loose).flatten();
        self.idle
            .keys()
            .copied()
            .chain(out.map(|out| out.id))
            .collect()
    }

    fn stats(&self) -> PoolStats {
        let c = self.counts;
        PoolStats {
            created: c.created,
            reused: c.reused,
            returned: c.returned,
            discarded: c.discarded,
            trimmed: c.trimmed,
            detached: c.detached,
            idle: self.idle.len() as u64,
            idle_bytes: self.idle_bytes() as u64,
            in_use: c.in_use,
        }
    }

    /// Where the model has value `id`, for messages.
    fn whereabouts(&self, id: u64) -> String {
        let find = |lists: &[Vec<Out>; THREADS]| {
            (0..THREADS).find(|&t| lists[t].iter().any(|out| out.id == id))
        };
        if let Some(idle) = self.idle.get(&id) {
            format!("idle since generation {}", idle.since)
        } else if let Some(t) = find(&self.held) {
            format!("held by a guard on thread {t}")
        } else if let Some(t) = find(&self.loose) {
            format!("detached, on thread {t}")
        } else if self.dropped.contains(&id) {
            "dropped".to_string()
        } else {
            "never seen".to_string()
        }
    }

    /// A get handed out `seen`, making `made`: any idle value if one is idle, else a new one.
    fn hand_out(&mut self, seen: Seen, made: &[u64]) -> Out {
        self.counts.in_use += 1;
        if self.idle.is_empty() {
            assert_eq!(
                made,
                [seen.id],
                "with nothing idle, a get makes exactly the value it hands out"
            );
            assert_eq!(seen.cap, CREATED_CAP, "a new value is as `create` made it");
            self.counts.created += 1;
        } else {
            assert!(
                made.is_empty(),
                "a get made value {made:?} while values {:?} were idle",
                self.idle.keys().collect::<Vec<_>>()
            );
            let Some(idle) = self.idle.remove(&seen.id) else {
                panic!(
                    "a get handed out value {} while it is {}; idle: {:?}",
                    seen.id,
                    self.whereabouts(seen.id),
                    self.idle.keys().collect::<Vec<_>>()
                );
            };
            assert_eq!(seen.cap, idle.cap, "value {} changed while idle", seen.id);
            self.counts.reused += 1;
        }
        assert!(!seen.dirty, "value {} was handed out unreset", seen.id);
        Out {
            id: seen.id,
            cap: seen.cap,
        }
    }

    /// A `try_get`: a value if one is idle, never a new one.
    fn try_hand_out(&mut self, seen: Option<Seen>, made: &[u64]) -> Option<Out> {
        match seen {
            None => {
                assert!(
                    self.idle.is_empty(),
                    "`try_get` found nothing while values {:?} were idle",
                    self.idle.keys().collect::<Vec<_>>()
                );
                assert!(made.is_empty(), "`try_get` made {made:?}");
                None
            }
            Some(seen) => {
                assert!(
                    !self.idle.is_empty(),
                    "`try_get` handed out value {} with nothing idle",
                    seen.id
                );
                Some(self.hand_out(seen, made))
            }
        }
    }

    /// A value coming back (a guard's drop or a `put`): shrunk, asked `keep_if`, then kept if
    /// and only if the bounds leave room.
    fn take_back(&mut self, out: Out) {
        let cap = self
            .setup
            .max_capacity
            .map_or(out.cap, |max| out.cap.min(max));
        let wanted = self.setup.keep_up_to.map_or(true, |limit| cap <= limit);
        if wanted && self.has_room(cap) {
            let since = self.generation;
            self.idle.insert(out.id, Idle { since, cap });
            self.counts.returned += 1;
        } else {
            self.counts.discarded += 1;
            self.dropped.insert(out.id);
        }
    }

    /// Whether a value of `cap` bytes may become idle now.
    fn has_room(&self, cap: usize) -> bool {
        self.idle.len() < self.setup.max_idle
            && (self.setup.max_idle_bytes).map_or(true, |max| self.idle_bytes() + cap <= max)
    }

    fn give_back(&mut self, out: Out) {
        self.counts.in_use -= 1;
        self.take_back(out);
    }

    fn detach(&mut self, thread: usize, out: Out) {
        self.counts.in_use -= 1;
        self.counts.detached += 1;
        self.loose[thread].push(out);
    }

    fn discard(&mut self, out: Out) {
        self.counts.in_use -= 1;
        self.counts.discarded += 1;
        self.dropped.insert(out.id);
    }

    /// `put`: counted as made, then taken back like a guard's value.
    fn put(&mut self, out: Out) {
        self.counts.created += 1;
        self.take_back(out);
    }

    /// `prefill(n)` made `made`: values until `n` (or `max_idle`) are idle, each new one
    /// counted; one that would go over the bytes bound is discarded and ends it.
    fn prefill(&mut self, n: usize, made: &[u64]) {
        let missing = n.min(self.setup.max_idle).saturating_sub(self.idle.len());
        // Whether each value made is kept: all of them, up to the first that does not fit.
        let mut keeps = Vec::with_capacity(missing);
        let mut bytes = self.idle_bytes();
        while keeps.len() < missing {
            bytes += CREATED_CAP;
            let fits = self.setup.max_idle_bytes.map_or(true, |max| bytes <= max);
            keeps.push(fits);
            if !fits {
                break;
            }
        }
        assert_eq!(
            made.len(),
            keeps.len(),
            "values `prefill({n})` made with {} idle",
            self.idle.len()
        );
        for (&id, keep) in made.iter().zip(keeps) {
            self.counts.created += 1;
            if keep {
                let since = self.generation;
                let cap = CREATED_CAP;
                self.idle.insert(id, Idle { since, cap });
            } else {
                self.counts.discarded += 1;
                self.dropped.insert(id);
            }
        }
    }

    /// `trim` (`by` 1) or `clear` (`by` 2): values idle since two generations or more expire.
    fn advance(&mut self, by: u64) {
        self.generation += by;
        let now = self.generation;
        let expired: Vec<u64> = (self.idle.iter())
            .filter(|(_, idle)| now - idle.since >= 2)
            .map(|(&id, _)| id)
            .collect();
        for id in expired {
            self.idle.remove(&id);
            self.dropped.insert(id);
            self.counts.trimmed += 1;
        }
    }

    /// The thread ended: its guards came back in order, its detached values were dropped.
    fn exit(&mut self, thread: usize) {
        for out in std::mem::take(&mut self.held[thread]) {
            self.give_back(out);
        }
        for out in std::mem::take(&mut self.loose[thread]) {
            self.dropped.insert(out.id);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The workers
// ---------------------------------------------------------------------------------------------

/// What the test asks a worker to do.
enum Command {
    Get,
    Scoped {
        attempt: Attempt,
        cap: usize,
        end: End,
    },
    Grow {
        guard: usize,
        cap: usize,
    },
    Return {
        guard: usize,
    },
    Detach {
        guard: usize,
    },
    Discard {
        guard: usize,
    },
    Put(Outside),
    Prefill(usize),
    Trim,
    Clear,
    Stats,
    Idle,
    /// Hand the guard over to the test, to give to another worker.
    Take {
        guard: usize,
    },
    Adopt(OwnedPooled<Item>),
    Exit,
}

#[derive(Debug)]
enum Reply {
    Done,
    Seen(Option<Seen>),
    Put(u64),
    Stats(PoolStats),
    Idle(usize),
    Guard(OwnedPooled<Item>),
}

/// A worker thread's state: the pool, its guards and detached values.
struct WorkerState {
    pool: Arc<Pool<Item>>,
    held: Vec<OwnedPooled<Item>>,
    loose: Vec<Item>,
}

impl WorkerState {
    fn run(&mut self, command: Command) -> Reply {
        let pool = &self.pool;
        match command {
            Command::Get => {
                let guard = pool.get_owned();
                let seen = Seen::of(&guard);
                self.held.push(guard);
                Reply::Seen(Some(seen))
            }
            Command::Scoped { attempt, cap, end } => Reply::Seen(scoped(pool, attempt, cap, end)),
            Command::Grow { guard, cap } => {
                let item = &mut self.held[guard];
                item.cap = cap;
                item.dirty = true;
                Reply::Done
            }
            Command::Return { guard } => {
                drop(self.held.remove(guard));
                Reply::Done
            }
            Command::Detach { guard } => {
                let item = OwnedPooled::detach(self.held.remove(guard));
                self.loose.push(item);
                Reply::Done
            }
            Command::Discard { guard } => {
                OwnedPooled::discard(self.held.remove(guard));
                Reply::Done
            }
            Command::Put(value) => {
                let item = match value {
                    Outside::New { cap } => make(cap),
                    Outside::Detached { index } => self.loose.remove(index),
                };
                let id = item.id;
                pool.put(item);
                Reply::Put(id)
            }
            Command::Prefill(n) => {
                pool.prefill(n);
                Reply::Done
            }
            Command::Trim => {
                pool.trim();
                Reply::Done
            }
            Command::Clear => {
                pool.clear();
                Reply::Done
            }
            Command::Stats => Reply::Stats(pool.stats()),
            Command::Idle => Reply::Idle(pool.idle()),
            Command::Take { guard } => Reply::Guard(self.held.remove(guard)),
            Command::Adopt(guard) => {
                self.held.push(guard);
                Reply::Done
            }
            Command::Exit => unreachable!("handled by `work`"),
        }
    }
}

/// A get that ends within one step.
fn scoped(pool: &Pool<Item>, attempt: Attempt, cap: usize, end: End) -> Option<Seen> {
    let mut guard = match attempt {
        Attempt::Get => pool.get(),
        Attempt::TryGet => pool.try_get()?,
    };
    let seen = Seen::of(&guard);
    guard.cap = cap;
    guard.dirty = true;
    match end {
        End::Return => drop(guard),
        End::Detach => drop(Pooled::detach(guard)),
        End::Discard => Pooled::discard(guard),
    }
    Some(seen)
}

/// A worker's loop: runs each command and replies, until `Exit` (or the test goes away).
fn work(
    pool: Arc<Pool<Item>>,
    registry: Arc<Registry>,
    commands: Receiver<Command>,
    replies: Sender<Reply>,
) {
    AT_EXIT.with(|_| {});
    REGISTRY.with(|slot| *slot.borrow_mut() = Some(registry));
    let mut state = WorkerState {
        pool,
        held: Vec::new(),
        loose: Vec::new(),
    };
    while let Ok(command) = commands.recv() {
        if let Command::Exit = command {
            drop(std::mem::take(&mut state.loose));
            let held = std::mem::take(&mut state.held);
            AT_EXIT.with(|at_exit| *at_exit.borrow_mut() = held);
            return;
        }
        let reply = state.run(command);
        if replies.send(reply).is_err() {
            return;
        }
    }
}

/// The test's end of a worker thread.
struct Worker {
    thread: usize,
    commands: Sender<Command>,
    replies: Receiver<Reply>,
    handle: JoinHandle<()>,
}

impl Worker {
    fn spawn(thread: usize, pool: &Arc<Pool<Item>>, registry: &Arc<Registry>) -> Self {
        let (commands, their_commands) = mpsc::channel();
        let (their_replies, replies) = mpsc::channel();
        let (pool, registry) = (Arc::clone(pool), Arc::clone(registry));
        let handle = thread::Builder::new()
            .name(format!("model-{thread}"))
            .spawn(move || work(pool, registry, their_commands, their_replies))
            .expect("spawn a worker");
        Worker {
            thread,
            commands,
            replies,
            handle,
        }
    }

    /// Sends `command` and waits for the reply; a worker that panicked is joined and its
    /// panic reported.
    fn ask(self, command: Command) -> (Self, Reply) {
        if self.commands.send(command).is_ok() {
            match self.replies.recv_timeout(REPLY_WAIT) {
                Ok(reply) => return (self, reply),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("thread {} did not answer: a deadlock?", self.thread)
                }
                Err(RecvTimeoutError::Disconnected) => {}
            }
        }
        let thread = self.thread;
        self.join();
        panic!("thread {thread} ended without answering");
    }

    /// Joins the thread (after its thread-local destructors), reporting a panic.
    fn join(self) {
        drop(self.commands);
        if let Err(panic) = self.handle.join() {
            panic!(
                "thread {} panicked: {}",
                self.thread,
                panic_message(&*panic)
            );
        }
    }

    fn exit(self) {
        // A send to a thread that already ended fails; the join reports why.
        let _ = self.commands.send(Command::Exit);
        self.join();
    }
}

// ---------------------------------------------------------------------------------------------
// The system under test
// ---------------------------------------------------------------------------------------------

/// A pool, its workers, its registry, and the model it is checked against.
struct Sut {
    pool: Option<Arc<Pool<Item>>>,
    registry: Arc<Registry>,
    workers: [Option<Worker>; THREADS],
    model: Model,
    /// Steps run so far.
    steps: usize,
    /// Where the case is, for messages.
    at: String,
}

impl Sut {
    fn new(setup: &Setup) -> Self {
        Sut {
            pool: Some(Arc::new(setup.build())),
            registry: Arc::default(),
            workers: Default::default(),
            model: Model::new(setup),
            steps: 0,
            at: "at the start".to_string(),
        }
    }

    fn pool(&self) -> &Arc<Pool<Item>> {
        self.pool.as_ref().expect("the pool lives until teardown")
    }

    /// Runs `command` on `thread`, started if it is not running.
    fn ask(&mut self, thread: usize, command: Command) -> Reply {
        let worker = match self.workers[thread].take() {
            Some(worker) => worker,
            None => Worker::spawn(thread, self.pool(), &self.registry),
        };
        let (worker, reply) = worker.ask(command);
        self.workers[thread] = Some(worker);
        reply
    }

    /// Runs a command that answers `Done`.
    fn tell(&mut self, thread: usize, command: Command) {
        match self.ask(thread, command) {
            Reply::Done => {}
            other => panic!("unexpected reply {other:?}"),
        }
    }

    fn seen(&mut self, thread: usize, command: Command) -> Option<Seen> {
        match self.ask(thread, command) {
            Reply::Seen(seen) => seen,
            other => panic!("unexpected reply {other:?}"),
        }
    }

    fn step(&mut self, op: &Op) {
        match *op {
            Op::Get { thread } => {
                let seen = self
                    .seen(thread, Command::Get)
                    .expect("a get hands out a value");
                let out = self.model.hand_out(seen, &self.registry.take_made());
                self.model.held[thread].push(out);
            }
            Op::Scoped {
                thread,
                attempt,
                cap,
                end,
            } => self.scoped(thread, attempt, cap, end),
            Op::Grow { thread, guard, cap } => {
                self.tell(thread, Command::Grow { guard, cap });
                self.model.held[thread][guard].cap = cap;
            }
            Op::Return { thread, guard } => {
                self.tell(thread, Command::Return { guard });
                let out = self.model.held[thread].remove(guard);
                self.model.give_back(out);
            }
            Op::Detach { thread, guard } => {
                self.tell(thread, Command::Detach { guard });
                let out = self.model.held[thread].remove(guard);
                self.model.detach(thread, out);
            }
            Op::Discard { thread, guard } => {
                self.tell(thread, Command::Discard { guard });
                let out = self.model.held[thread].remove(guard);
                self.model.discard(out);
            }
            Op::Give { from, guard, to } => self.give(from, guard, to),
            Op::Put { thread, value } => self.put(thread, value),
            Op::Prefill { thread, n } => {
                self.tell(thread, Command::Prefill(n));
                self.model.prefill(n, &self.registry.take_made());
            }
            Op::Trim { thread } => {
                self.tell(thread, Command::Trim);
                self.model.advance(1);
            }
            Op::Clear { thread } => {
                self.tell(thread, Command::Clear);
                self.model.advance(2);
            }
            Op::Stats { thread } => match self.ask(thread, Command::Stats) {
                Reply::Stats(stats) => {
                    assert_eq!(stats, self.model.stats(), "`stats()` on thread {thread}")
                }
                other => panic!("unexpected reply {other:?}"),
            },
            Op::Idle { thread } => match self.ask(thread, Command::Idle) {
                Reply::Idle(idle) => {
                    assert_eq!(idle, self.model.idle.len(), "`idle()` on thread {thread}")
                }
                other => panic!("unexpected reply {other:?}"),
            },
            Op::Exit { thread } => self.exit(thread),
        }
    }

    fn scoped(&mut self, thread: usize, attempt: Attempt, cap: usize, end: End) {
        let seen = self.seen(thread, Command::Scoped { attempt, cap, end });
        let made = self.registry.take_made();
        let out = match attempt {
            Attempt::Get => Some(self.model.hand_out(seen.expect("a get hands out"), &made)),
            Attempt::TryGet => self.model.try_hand_out(seen, &made),
        };
        let Some(out) = out else { return };
        let out = Out { cap, ..out };
        match end {
            End::Return => self.model.give_back(out),
            End::Detach => {
                self.model.detach(thread, out);
                self.model.loose[thread].pop();
                self.model.dropped.insert(out.id);
            }
            End::Discard => self.model.discard(out),
        }
    }

    fn give(&mut self, from: usize, guard: usize, to: usize) {
        let guard_value = match self.ask(from, Command::Take { guard }) {
            Reply::Guard(held) => held,
            other => panic!("unexpected reply {other:?}"),
        };
        self.tell(to, Command::Adopt(guard_value));
        let out = self.model.held[from].remove(guard);
        self.model.held[to].push(out);
    }

    fn put(&mut self, thread: usize, value: Outside) {
        let id = match self.ask(thread, Command::Put(value)) {
            Reply::Put(id) => id,
            other => panic!("unexpected reply {other:?}"),
        };
        let made = self.registry.take_made();
        let out = match value {
            Outside::New { cap } => {
                assert_eq!(made, [id], "`put` of a new value");
                Out { id, cap }
            }
            Outside::Detached { index } => {
                assert!(made.is_empty(), "`put` of a detached value made {made:?}");
                let out = self.model.loose[thread].remove(index);
                assert_eq!(out.id, id, "the detached value put");
                out
            }
        };
        self.model.put(out);
    }

    fn exit(&mut self, thread: usize) {
        if let Some(worker) = self.workers[thread].take() {
            worker.exit();
            self.model.exit(thread);
        }
    }

    /// Compares every observable with the model, with every worker parked.
    fn check(&self) {
        let pool = self.pool();
        let stats = pool.stats();
        let idle = pool.idle();
        assert_balanced(stats);
        let setup = &self.model.setup;
        let over = stats.idle as usize > setup.max_idle;
        assert!(!over, "idle over `max_idle`: {stats:?}");
        if let Some(max) = setup.max_idle_bytes {
            let over = stats.idle_bytes as usize > max;
            assert!(!over, "idle bytes over `max_idle_bytes`: {stats:?}");
        }
        assert_eq!(
            stats,
            self.model.stats(),
            "`stats()` (left) against the model"
        );
        assert_eq!(idle, self.model.idle.len(), "`idle()` against the model");
        self.check_values();
    }

    /// The values alive are exactly the model's (so a trimmed, cleared or discarded value was
    /// dropped, and nothing else was), each dropped at most once, none made unexpectedly.
    fn check_values(&self) {
        let made = self.registry.take_made();
        assert!(
            made.is_empty(),
            "values made that the model did not expect: {made:?}"
        );
        let twice = self.registry.dropped_twice();
        assert!(twice.is_empty(), "values dropped twice: {twice:?}");
        let live = self.registry.live();
        let alive = self.model.alive();
        let missing: Vec<_> = alive.difference(&live).collect();
        let extra: Vec<_> = live.difference(&alive).collect();
        let whereabouts: Vec<_> = (missing.iter().chain(&extra))
            .map(|&&id| format!("{id}: {}", self.model.whereabouts(id)))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "alive against the model: dropped too soon {missing:?}, alive too long {extra:?} \
             (in the model: {whereabouts:?})"
        );
    }

    /// Every thread exits, then the pool is dropped: every value it made is dropped once.
    fn finish(&mut self) {
        for thread in 0..THREADS {
            self.exit(thread);
        }
        self.check();
        let pool = self.pool.take().expect("finished once");
        let pool = Arc::try_unwrap(pool).unwrap_or_else(|_| panic!("no worker keeps the pool"));
        drop(pool);
        let live = self.registry.live();
        assert!(
            live.is_empty(),
            "values alive after the pool and threads: {live:?}"
        );
        let twice = self.registry.dropped_twice();
        assert!(twice.is_empty(), "values dropped twice: {twice:?}");
    }
}

impl Drop for Sut {
    /// A failing case stops its workers: each sees its channel close, and ends.
    fn drop(&mut self) {
        for worker in self.workers.iter_mut().filter_map(Option::take) {
            let Worker {
                commands, handle, ..
            } = worker;
            drop(commands);
            if !thread::panicking() {
                let _ = handle.join();
            }
        }
    }
}

impl<V: Variant> StateMachineTest for PoolModel<V> {
    type SystemUnderTest = Sut;
    type Reference = Self;

    fn init_test(shape: &Shape) -> Sut {
        Sut::new(&shape.setup)
    }

    fn apply(mut sut: Sut, _: &Shape, op: Op) -> Sut {
        sut.steps += 1;
        sut.at = format!("step {}, {op:?}", sut.steps);
        within(&sut.at.clone(), || sut.step(&op));
        sut.at = format!("after step {}, {op:?}", sut.steps);
        sut
    }

    fn check_invariants(sut: &Sut, shape: &Shape) {
        within(&sut.at, || {
            for thread in 0..THREADS {
                assert_eq!(sut.model.held[thread].len(), shape.guards[thread]);
                assert_eq!(sut.model.loose[thread].len(), shape.loose[thread]);
            }
            sut.check();
        });
    }

    fn teardown(mut sut: Sut, _: Shape) {
        within("at the end, every thread exited", || sut.finish());
    }
}

/// Runs `f`; a panic in it goes on with `at` (where the case is) in front of its message.
fn within(at: &str, f: impl FnOnce()) {
    if let Err(panic) = panic::catch_unwind(AssertUnwindSafe(f)) {
        panic!("{at}: {}", panic_message(&*panic));
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    (panic.downcast_ref::<String>().map(String::as_str))
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic")
}

/// 64 cases per test unless `PROPTEST_CASES` says otherwise (the deep run: 20000, `--release`).
/// A failing case is saved beside this file (`pool_model.proptest-regressions`), and later
/// runs replay it first: commit it with the fix.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

// What `prop_state_machine!` writes, with the shrinking of [`Tighten`].
proptest! {
    #![proptest_config(config())]

    /// `max_idle` alone, through the builder or `Pool::with_max_idle`.
    #[test]
    fn pool_matches_the_model((shape, ops, seen) in cases::<Plain>()) {
        PoolModel::<Plain>::test_sequential(config(), shape, ops, seen);
    }

    /// `max_capacity` and `keep_if` on the values coming back.
    #[test]
    fn pool_with_max_capacity_and_keep_if_matches_the_model(
        (shape, ops, seen) in cases::<Checked>(),
    ) {
        PoolModel::<Checked>::test_sequential(config(), shape, ops, seen);
    }

    /// `max_idle_bytes`: no thread caches, every get and return through the depot.
    #[test]
    fn pool_bounding_idle_bytes_matches_the_model((shape, ops, seen) in cases::<Bytes>()) {
        PoolModel::<Bytes>::test_sequential(config(), shape, ops, seen);
    }
}
