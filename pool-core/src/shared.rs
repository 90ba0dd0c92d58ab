//! [`Shared`]: what every thread using a pool shares: the depot, the idle budget, every
//! thread's cache, the trim generation and the counters.
//!
//! Lock order: the list of caches, then a cache's claim, then the depot's lock. Only a snapshot
//! (`stats`, `idle`) or a walk (`trim`, `clear`) holds more than one claim, all taken at once
//! with one barrier, and it holds the list while it does, so no other thread can be holding a
//! second one. A walk over every cache (`trim`, `clear`, `stats`,
//! `idle`) and a retiring cache hold the list throughout; other visits (a steal, a reclaim) lock
//! it only to clone one entry. A claim's holder waits at most for the depot's lock, whose
//! holders wait for nothing, so a claim is held for a bounded time, which is what lets any
//! thread wait for any claim.

use std::borrow::Cow;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;

use crate::barrier;
use crate::budget::{Budget, LOCAL_CAP};
use crate::cache::{Cache, CacheData, Held};
use crate::claim::{Ask, Asked, Hint};
use crate::depot::Depot;
use crate::directory::{Listed, PoolInfo};
use crate::generation::Age;
use crate::id::CacheId;
use crate::stats::{Counters, LocalCounts, Origin, PoolStats};
use crate::sync::{lock, Arc, AtomicBool, AtomicU64, AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::trash::{self, Panic, Trash};

/// How long a visitor waits for the owners it asked to share before it reaches into their
/// caches: a running owner's next operation comes within nanoseconds, and reaching in costs a
/// process-wide barrier (about 0.4 µs here) that interrupts every running thread.
const ASK_WAIT: Duration = Duration::from_micros(2);

/// Waits up to [`ASK_WAIT`] for `ready`; whether it turned true. Under loom, which cannot
/// model time, it looks once.
fn wait_for(ready: impl Fn() -> bool) -> bool {
    if cfg!(loom) {
        return ready();
    }
    let start = Instant::now();
    loop {
        if ready() {
            return true;
        }
        if start.elapsed() >= ASK_WAIT {
            return false;
        }
        std::hint::spin_loop();
    }
}

/// The most slots a new depot reserves up front (8 bytes each).
const MAX_DEPOT_RESERVE: usize = 4096;

/// The depot with the two numbers that every refill and spill writes as well: the budget, which
/// a spilling thread takes slots from and a refilling one gives slots to, and the depot's
/// length. `repr(C)` in this order puts everything a refill or spill writes (the budget, the
/// length, the lock word and `current`'s length) in the block's first 64 bytes, so a thread
/// moving a batch takes one line from the thread that moved the last, not three (when values
/// flow from one thread to another, each batch costs the line transfers on both threads); the
/// rest of the depot, read there, is in the second line of the padded block.
#[derive(Debug)]
#[repr(C)]
struct DepotLine<T> {
    budget: Budget,
    /// A copy of the depot's length, so a get finding it empty skips the lock.
    stored: AtomicUsize,
    depot: Mutex<Depot<T>>,
}

/// What every thread using a pool shares.
///
/// A get or return that stays in its thread's cache reads nothing here. The slow paths read
/// `local_cap`, `batch` and `generation`, and write the depot's line (the depot, `budget`,
/// `stored`) and the counters; each of those two is padded to a cache line of its own, so a
/// thread refilling or spilling does not evict the line the others' slow paths read.
#[derive(Debug)]
pub(crate) struct Shared<T> {
    /// This pool's slot in each thread's cache table.
    pub(crate) id: CacheId,
    /// The bound the slot equation adds up to (see `budget.rs`).
    max_idle: usize,
    /// The pool's name in the process-wide view (`directory.rs`).
    name: Cow<'static, str>,
    /// The heap bytes a value holds, for `idle_bytes` (see `Recycle::heap_bytes`).
    bytes_of: fn(&T) -> usize,
    /// `PoolBuilder::max_idle_bytes`. With it, no thread keeps a cache: every idle value sits in
    /// the depot, whose bytes are counted under its lock (`Depot::bytes`).
    max_idle_bytes: Option<usize>,
    /// The most values one thread's cache holds.
    pub(crate) local_cap: usize,
    /// How many values or slots a cache moves in one step.
    pub(crate) batch: usize,
    /// A copy of the depot's generation, so a cache can tell without the lock that it has a
    /// trim to catch up with; written only by a trim or clear. Only a hint: every move between
    /// a cache and the depot compares the generations again under the lock.
    generation: AtomicU64,
    /// Set when the `Pool` is dropped: nothing is kept any more.
    closed: AtomicBool,
    /// The depot, its lock, the budget and the depot's length, together.
    line: CachePadded<DepotLine<T>>,
    /// Every live thread's cache for this pool.
    caches: Mutex<Vec<Arc<Cache<T>>>>,
    pub(crate) counters: CachePadded<Counters>,
}

impl<T> Shared<T> {
    pub(crate) fn new(
        id: CacheId,
        max_idle: usize,
        name: Cow<'static, str>,
        bytes_of: fn(&T) -> usize,
        max_idle_bytes: Option<usize>,
    ) -> Self {
        barrier::prepare();
        let local_cap = (max_idle / 4).clamp(1, LOCAL_CAP).min(max_idle);
        Shared {
            id,
            max_idle,
            name,
            bytes_of,
            max_idle_bytes,
            local_cap,
            batch: (local_cap / 2).max(1),
            generation: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            line: CachePadded::new(DepotLine {
                // Room for every idle value up to a point: a huge `max_idle` grows it on demand.
                depot: Mutex::new(Depot::new(
                    max_idle.min(MAX_DEPOT_RESERVE),
                    max_idle_bytes.is_some(),
                )),
                budget: Budget::new(max_idle),
                stored: AtomicUsize::new(0),
            }),
            caches: Mutex::new(Vec::new()),
            counters: CachePadded::new(Counters::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Depot<T>> {
        lock(&self.line.depot)
    }

    /// Unlocks the depot after publishing its length for lock-free readers.
    fn unlock(&self, depot: MutexGuard<'_, Depot<T>>) {
        // Only when it changed: every slow path reads this line, on every core.
        let stored = depot.len();
        if self.line.stored.load(Ordering::Relaxed) != stored {
            self.line.stored.store(stored, Ordering::Relaxed);
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Relaxed)
    }

    /// A new cache for the calling thread, in the list every other thread reaches.
    pub(crate) fn register(&self) -> Arc<Cache<T>> {
        // The list stays locked until the cache is in it, so a trim that advances the
        // generation after this read finds the cache when it walks the list.
        let mut caches = lock(&self.caches);
        let generation = self.lock().generation;
        let cache = Arc::new(Cache::new(self.local_cap, generation));

        caches.push(Arc::clone(&cache));
        cache
    }

    /// Brings a cache up to the depot's generation, under the depot's lock: values idle since
    /// before the last trim become victims, those idle since before the last two (or a clear,
    /// or of a closed pool) expire into the depot's `expired`, for the trim or clear that made
    /// them expire to drop. Their slots go with them. Every move between a cache and the depot
    /// starts here, so none acts on a generation read without the lock.
    fn catch_up(&self, depot: &mut Depot<T>, data: &mut CacheData<T>) {
        let age = if self.is_closed() {
            Age::Expired
        } else {
            data.generation.age_at(depot.generation)
        };
        match age {
            Age::Current => return,
            Age::Victim => {
                data.hand_over_all(&mut depot.victim);
            }
            Age::Expired => {
                let n = data.expire_all(&mut depot.expired, &self.line.budget);
                Counters::add(&self.counters.trimmed, n as u64);
            }
        }
        data.generation = depot.generation;
    }

    /// Whether a cache may be behind a trim; if not, nothing needs the depot's lock. (A closed
    /// pool is never asked: its `Pool` is gone.)
    fn behind(&self, data: &CacheData<T>) -> bool {
        data.generation.value() != self.generation.load(Ordering::Relaxed)
    }

    /// A get's second step: this thread's cache, brought up to date, then a batch from the
    /// depot.
    pub(crate) fn pop_or_refill(&self, held: &mut Held<'_, T>) -> Option<Box<T>> {
        let value = self.pop_or_refill_held(held);
        self.share(held);
        value
    }

    fn pop_or_refill_held(&self, held: &mut Held<'_, T>) -> Option<Box<T>> {
        if !self.behind(held) {
            if let Some(value) = held.pop() {
                return Some(value);
            }
            if self.line.stored.load(Ordering::Relaxed) == 0 {
                return None;
            }
        }
        let mut depot = self.lock();
        self.catch_up(&mut depot, held);
        if held.values().is_empty() {
            // The values bring their slots. The cache's empty slots go back to the budget: a
            // thread that only takes (a producer handing values to others) would otherwise
            // sit on the slots its values' returns need, and every return elsewhere would have
            // to reach into this cache to take them back.
            held.refill(&self.line.budget, |values| {
                depot.pop_into(values, self.batch)
            });
        }
        self.unlock(depot);
        prefetch_values(held.values());
        held.pop()
    }

    /// A return's second step: room in this thread's cache, made by spilling its oldest values
    /// to the depot when it is full, or by taking slots from the budget.
    pub(crate) fn push_making_room(
        &self,
        held: &mut Held<'_, T>,
        value: Box<T>,
        origin: Origin,
    ) -> Result<(), Box<T>> {
        if self.behind(held) || held.values().len() >= self.local_cap {
            let mut depot = self.lock();
            self.catch_up(&mut depot, held);
            if held.values().len() >= self.local_cap {
                let n = self.batch.min(held.values().len());
                held.hand_over(n, &mut depot.current);
            }
            self.unlock(depot);
        }
        if held.empty_slots() == 0 {
            let want = self.batch.min(self.local_cap - held.reserved());
            held.reserve(&self.line.budget, want);
        }
        let kept = held.push(value, origin);
        self.share(held);
        kept
    }

    /// An owner's answer to what visitors asked while it was away ([`Ask`]): its empty slots
    /// back to the budget, half its values (up to a batch) to the depot. A visitor waits a
    /// moment for this before it reaches into the cache itself.
    fn share(&self, held: &mut Held<'_, T>) {
        if held.asked.contains(Ask::Slots) {
            held.release_empty(&self.line.budget);
        }
        if held.asked.contains(Ask::Values) && !held.values().is_empty() {
            let mut depot = self.lock();
            self.catch_up(&mut depot, held);
            let n = held.values().len().div_ceil(2).min(self.batch);
            held.hand_over(n, &mut depot.current);
            self.unlock(depot);
        }
        held.asked = Asked::default();
    }

    /// A get's third step: moves values from another thread's cache into the depot, where the
    /// caller's refill finds them. Takes half of the first cache whose hint shows values, or
    /// that is held right now (its holder is mid-operation, and done in a moment: waiting for it
    /// costs less than creating a value). Returns whether the depot has values now.
    pub(crate) fn steal(&self, own: Option<&Cache<T>>) -> bool {
        let moved = self.visit_others(
            own,
            Ask::Values,
            || self.line.stored.load(Ordering::Relaxed) > 0,
            |hint| hint.map_or(true, |h| h.len > 0),
            |held, depot| {
                let n = held.values().len().div_ceil(2).min(self.batch);
                held.hand_over(n, &mut depot.current);
                n
            },
        );
        // Catching a victim cache up with a trim may have moved its values to the depot
        // rather than the steal itself: the caller's refill finds them either way.
        moved > 0 || self.line.stored.load(Ordering::Relaxed) > 0
    }

    /// A return's third step: takes back into the budget the reserved slots other threads'
    /// caches hold but have no value in (a thread that takes more than it returns piles them
    /// up, and may then park for good). Returns how many it freed.
    pub(crate) fn reclaim_slots(&self, own: Option<&Cache<T>>) -> usize {
        self.visit_others(
            own,
            Ask::Slots,
            || self.line.budget.free() > 0,
            |hint| hint.map_or(true, |h| h.empty_slots() > 0),
            |held, _| held.release_empty(&self.line.budget),
        )
    }

    /// Gets what `ready` waits for from caches but `own` whose hint `worth` accepts. First it
    /// asks their owners for it (`ask`) and waits a moment: a running owner shares at its next
    /// operation, and `ready` turns true. Failing that (owners parked, or slow to come back), it
    /// holds each cache in turn, brought up to date under the depot's lock, and runs `f` until
    /// `f` moves something; returns what it moved (1 if the owners' sharing made `ready` true).
    /// Best effort: the list is read one entry at a time, so a cache leaving it meanwhile may be
    /// skipped.
    fn visit_others(
        &self,
        own: Option<&Cache<T>>,
        ask: Ask,
        ready: impl Fn() -> bool,
        worth: impl Fn(Option<Hint>) -> bool,
        mut f: impl FnMut(&mut Held<'_, T>, &mut Depot<T>) -> usize,
    ) -> usize {
        let others = |index: usize| {
            // One entry at a time: this allocates nothing, and never holds the list's lock
            // while waiting for a claim that a walk holding it may be waiting for too.
            let cache = lock(&self.caches).get(index).cloned()?;
            let skip = own.is_some_and(|own| std::ptr::eq(&*cache, own)) || !worth(cache.hint());
            Some((!skip).then_some(cache))
        };
        let mut asked = false;
        for index in 0.. {
            match others(index) {
                Some(Some(cache)) => asked |= cache.ask(ask),
                Some(None) => {}
                None => break,
            }
        }
        if asked && wait_for(&ready) {
            // The owners shared: progress, though another thread may take it first, so the
            // caller looks again rather than give up (a return dropped below `max_idle`).
            return 1;
        }
        for index in 0.. {
            let Some(cache) = others(index) else {
                return 0;
            };
            let Some(cache) = cache else {
                continue;
            };
            let mut held = cache.hold();
            let mut depot = self.lock();
            self.catch_up(&mut depot, &mut held);
            let moved = f(&mut held, &mut depot);
            self.unlock(depot);
            if moved > 0 {
                return moved;
            }
        }
        0
    }

    /// Runs `f` on every cache, each held in turn and brought up to date, then `end` on the
    /// depot, with the list (which the caller holds) locked so that no cache joins or leaves it
    /// meanwhile: a thread retiring its cache waits.
    fn walk_locked<S, R>(
        &self,
        caches: &[Arc<Cache<T>>],
        mut state: S,
        mut f: impl FnMut(&mut S, &mut Held<'_, T>),
        end: impl FnOnce(S, &mut Depot<T>) -> R,
    ) -> R {
        // Every claim taken with one barrier, each given back once its cache is caught up.
        for mut held in Cache::hold_all(caches) {
            let mut depot = self.lock();
            self.catch_up(&mut depot, &mut held);
            self.unlock(depot);
            f(&mut state, &mut held);
        }
        let mut depot = self.lock();
        let result = end(state, &mut depot);
        self.unlock(depot);
        result
    }

    /// Runs `f` on every cache and then the depot as one snapshot: every claim is held until the
    /// depot has been read, so no value moving between a cache and the depot meanwhile is
    /// counted twice or not at all, and a retiring cache (which needs the list) is seen whole.
    /// The claims are taken together, with one process-wide barrier for all of them. Owners
    /// whose cache is held wait for the snapshot (a few hundred nanoseconds a cache): for
    /// `idle` and `stats`, which read, and change nothing.
    ///
    /// Holding several claims is safe here: the list stays locked, so no other thread holds
    /// more than one, and the holder of any claim waits at most for the depot's lock, which this
    /// does not hold while it takes claims.
    fn snapshot<S, R>(
        &self,
        mut state: S,
        mut f: impl FnMut(&mut S, &Held<'_, T>),
        end: impl FnOnce(S, &Depot<T>) -> R,
    ) -> R {
        let caches = lock(&self.caches);
        let mut held = Cache::hold_all(&caches);
        for claim in &mut held {
            let mut depot = self.lock();
            self.catch_up(&mut depot, claim);
            self.unlock(depot);
            f(&mut state, claim);
        }
        let depot = self.lock();
        let result = end(state, &depot);
        drop(depot);
        drop(held);
        result
    }

    /// Whether the pool bounds its idle bytes: then every get and return takes the direct
    /// path ([`Shared::pop_direct`], [`Shared::push_direct`]), and no thread keeps a cache.
    #[inline]
    pub(crate) fn bounds_bytes(&self) -> bool {
        self.max_idle_bytes.is_some()
    }

    /// A get from a thread without a usable cache (or from a pool that bounds its bytes): the
    /// depot, then other threads' caches.
    pub(crate) fn pop_direct(&self) -> Option<Box<T>> {
        let mut value = self.pop_depot();
        if value.is_none() && self.steal(None) {
            value = self.pop_depot();
        }
        let value = value?;
        self.line.budget.give(1);
        Counters::add(&self.counters.reused, 1);
        Counters::add(&self.counters.taken, 1);
        Some(value)
    }

    fn pop_depot(&self) -> Option<Box<T>> {
        let mut depot = self.lock();
        let value = if self.bounds_bytes() {
            depot.pop_measured()
        } else {
            depot.pop()
        };
        self.unlock(depot);
        value
    }

    /// The heap bytes of `value` (`Reset::heap_bytes`, user code, so run outside every lock),
    /// or the panic it raised.
    pub(crate) fn measure(&self, value: &T) -> Result<usize, Panic> {
        panic::catch_unwind(AssertUnwindSafe(|| (self.bytes_of)(value)))
    }

    /// The heap bytes of `values`, for a snapshot taken under claims and the depot's lock: a
    /// `heap_bytes` that panics counts 0, and the first panic is kept in `panicked`, for the
    /// caller to resume once it holds nothing.
    fn measure_all(&self, values: &[Box<T>], panicked: &mut Option<Panic>) -> u64 {
        let mut total = 0;
        for value in values {
            match self.measure(value) {
                Ok(bytes) => total += bytes as u64,
                // Only the first goes on; a later one's payload is dropped here.
                Err(panic) if panicked.is_some() => trash::swallow(Err(panic)),
                Err(panic) => *panicked = Some(panic),
            }
        }
        total
    }

    /// A return from a thread without a usable cache (or to a pool that bounds its bytes,
    /// `bytes` then being the value's [`measure`](Shared::measure)): kept in the depot if a
    /// slot is free, or can be freed from a cache, and the bytes bound allows it; otherwise
    /// handed back to be dropped.
    pub(crate) fn push_direct(
        &self,
        value: Box<T>,
        bytes: usize,
        origin: Origin,
    ) -> Result<(), Box<T>> {
        if !self.take_slot() {
            return Err(value);
        }
        self.push_reserved(value, bytes)?;
        Counters::add(&self.counters.returned, 1);
        Counters::add(&self.counters.ended, u64::from(origin == Origin::Guard));
        Ok(())
    }

    /// Keeps `value` in the depot, in a slot the caller already took from the budget; hands it
    /// back, and the slot to the budget, if it would take the idle bytes over their bound.
    /// `bytes` is the value's [`measure`](Shared::measure) where the pool bounds its bytes,
    /// and unused elsewhere.
    pub(crate) fn push_reserved(&self, value: Box<T>, bytes: usize) -> Result<(), Box<T>> {
        let mut depot = self.lock();
        match self.max_idle_bytes {
            Some(max) if depot.bytes.saturating_add(bytes) > max => {
                drop(depot);
                self.line.budget.give(1);
                return Err(value);
            }
            Some(_) => depot.push_measured(value, bytes),
            None => depot.current.push(value),
        }
        self.unlock(depot);
        Ok(())
    }

    /// One free slot from the budget, taking back other caches' empty slots if need be.
    pub(crate) fn take_slot(&self) -> bool {
        loop {
            if self.line.budget.take(1) == 1 {
                return true;
            }
            if self.reclaim_slots(None) == 0 && self.line.budget.free() == 0 {
                return false;
            }
        }
    }

    /// Whether the budget has a free slot now (another thread may take it first).
    pub(crate) fn any_free_slot(&self) -> bool {
        self.line.budget.free() > 0
    }

    /// Gives back a slot taken by [`take_slot`](Shared::take_slot) and not used.
    pub(crate) fn give_slot(&self) {
        self.line.budget.give(1);
    }

    /// Drops what was idle at the previous trim, wherever it is; what is idle now becomes the
    /// victims. Returns the values to drop, for the caller to drop outside every lock.
    pub(crate) fn trim(&self) -> Trash<T> {
        self.advance(Depot::trim)
    }

    /// Drops every idle value, wherever it is. Returns them, for the caller to drop outside
    /// every lock.
    pub(crate) fn clear(&self) -> Trash<T> {
        self.advance(Depot::clear)
    }

    /// A trim or clear: `step` advances the depot's generation and returns the depot values that
    /// expire; then every cache catches up (its values become victims or expire). The list stays
    /// locked from the step to the end of the walk, so two trims or clears do not interleave:
    /// each takes exactly the values it made expire, those that other threads' caches expired
    /// racing it included, and none is left for another thread to drop.
    fn advance(&self, step: impl FnOnce(&mut Depot<T>) -> Vec<Box<T>>) -> Trash<T> {
        let caches = lock(&self.caches);
        let mut depot = self.lock();
        let dropped = step(&mut depot);
        self.expire(&mut depot, dropped);
        // The one place the generation changes: its copy is written here only, so the line
        // every slow path reads it from stays shared between the cores.
        self.generation
            .store(depot.generation.value(), Ordering::Relaxed);
        self.unlock(depot);
        let expired = self.walk_locked(
            &caches,
            (),
            |(), _| {},
            |(), depot| std::mem::take(&mut depot.expired),
        );
        Trash::from(expired)
    }

    /// Counts depot values as trimmed, frees their slots, and files them as expired.
    fn expire(&self, depot: &mut Depot<T>, mut values: Vec<Box<T>>) {
        self.line.budget.give(values.len());
        Counters::add(&self.counters.trimmed, values.len() as u64);
        depot.expired.append(&mut values);
    }

    /// The pool is dropped: nothing is kept any more, and every idle value, in the depot or
    /// any thread's cache, is returned to be dropped. The caches leave the list; each thread's
    /// table drops its (empty) entry later.
    pub(crate) fn close(&self) -> Trash<T> {
        self.closed.store(true, Ordering::Relaxed);
        // Every cache's values expire as `clear` walks them: the pool is closed.
        let trash = self.clear();
        drop(std::mem::take(&mut *lock(&self.caches)));
        trash
    }

    /// A thread is exiting: its cache's values go to the depot (or expire, if a trim or clear
    /// made them), its slots to the budget, its counts to the shared counters, and the cache
    /// leaves the list, all while the list is locked, so a walk sees it whole (see `walk`).
    pub(crate) fn retire(&self, cache: &Cache<T>) {
        let mut caches = lock(&self.caches);
        let mut held = cache.hold();
        let mut depot = self.lock();
        self.catch_up(&mut depot, &mut held);
        held.hand_over_all(&mut depot.current);
        self.unlock(depot);
        held.release_empty(&self.line.budget);
        self.counters.absorb(&std::mem::take(&mut held.counts));
        drop(held);
        caches.retain(|other| !std::ptr::eq(&**other, cache));
    }

    /// Idle values pool-wide: the depot and every thread's cache.
    pub(crate) fn idle(&self) -> usize {
        self.snapshot(
            0,
            |idle, held| *idle += held.values().len(),
            |idle, depot| idle + depot.len(),
        )
    }

    /// [`stats`](Shared::stats), resuming a `heap_bytes`' panic once nothing is held (or, on a
    /// thread already unwinding, where a second panic would abort, not resuming it).
    pub(crate) fn stats_or_resume(&self) -> PoolStats {
        let (stats, panicked) = self.stats();
        if let Some(panic) = panicked {
            trash::resume_unless_unwinding(panic);
        }
        stats
    }

    /// The counters, every thread's counts and every idle value, pool-wide; and the first
    /// panic of a value's `heap_bytes` (which then counts 0), for the caller to resume.
    pub(crate) fn stats(&self) -> (PoolStats, Option<Panic>) {
        self.snapshot(
            (LocalCounts::default(), 0, 0, None),
            |(counts, idle, idle_bytes, panicked), held| {
                counts.add(&held.counts);
                *idle += held.values().len();
                *idle_bytes += self.measure_all(held.values(), panicked);
            },
            // Read while the list is locked, so a retiring cache's counts are in one place.
            |(counts, idle, mut idle_bytes, mut panicked), depot| {
                if self.bounds_bytes() {
                    // Measured as they came in.
                    idle_bytes += depot.bytes as u64;
                } else {
                    idle_bytes += self.measure_all(&depot.current, &mut panicked);
                    idle_bytes += self.measure_all(&depot.victim, &mut panicked);
                }
                let stats = self
                    .counters
                    .snapshot(&counts, idle + depot.len(), idle_bytes);
                (stats, panicked)
            },
        )
    }

    /// Runs `f` on every idle value, pool-wide; for models.
    #[cfg(loom)]
    pub(crate) fn for_each_idle(&self, mut f: impl FnMut(&T)) {
        self.snapshot(
            &mut f,
            |f, held| held.values().iter().for_each(|value| f(value)),
            |f, depot| {
                let idle = depot.current.iter().chain(&depot.victim);
                idle.for_each(|value| f(value));
            },
        );
    }

    /// Asserts the slot equation (see `budget.rs`); for tests and models, where the pool is
    /// quiescent.
    #[cfg(any(test, loom))]
    pub(crate) fn check_slots(&self) {
        let (reserved, stored) = self.snapshot(
            0,
            |reserved, held| {
                assert!(
                    held.values().len() <= held.reserved(),
                    "a cache holds more than its slots"
                );
                *reserved += held.reserved();
            },
            |reserved, depot| (reserved, depot.len()),
        );
        assert_eq!(
            self.line.budget.free() + stored + reserved,
            self.max_idle,
            "slots leaked or minted: free {} + stored {stored} + reserved {reserved}",
            self.line.budget.free()
        );
    }
}

impl<T: Send + 'static> Listed for Shared<T> {
    fn info(&self) -> Option<PoolInfo> {
        (!self.is_closed()).then(|| PoolInfo {
            name: self.name.clone(),
            max_idle: self.max_idle,
            // The listing of every pool goes on: the panic hook has reported the panic.
            stats: {
                let (stats, panicked) = self.stats();
                trash::swallow(panicked.map_or(Ok(()), Err));
                stats
            },
        })
    }

    fn trim(&self) {
        if !self.is_closed() {
            Shared::trim(self).empty_or_resume();
        }
    }

    fn clear(&self) {
        if !self.is_closed() {
            Shared::clear(self).empty_or_resume();
        }
    }
}

/// Asks the processor to fetch each value's first cache line, after a refill: the values were
/// last written on the thread that returned them, and the caller will write each soon. Fetched
/// now, the transfers overlap, instead of one stall at each get. (A read prefetch: the line
/// comes shared and the write upgrades it. `_MM_HINT_ET0` would fetch it for writing, but only
/// builds with the `prfchw` target feature emit `prefetchw`.)
fn prefetch_values<T>(values: &[Box<T>]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse", not(loom), not(miri)))]
    if std::mem::size_of::<T>() != 0 {
        for value in values {
            let address: *const T = &**value;
            // SAFETY: a prefetch is a hint: it reads no memory the program can see and cannot
            // fault, whatever the address; the `cfg` above guarantees SSE, which it needs.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    address.cast::<i8>(),
                );
            }
        }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse", not(loom), not(miri))))]
    let _ = values;
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Shared;
    use crate::id::CacheId;

    /// What a refill or a spill writes (the budget, the depot's length, its lock word and
    /// `current`'s length) sits in the first 64 bytes of the depot's padded block.
    #[test]
    fn a_refill_or_a_spill_writes_one_cache_line() {
        let shared = Shared::<Vec<u8>>::new(CacheId::acquire(), 16, "line".into(), |_| 0, None);
        let start = std::ptr::addr_of!(*shared.line) as usize;
        let end_of = |field: usize, size: usize| field + size - start;
        let depot = shared.lock();
        let current = std::ptr::addr_of!(depot.current) as usize;
        for (what, end) in [
            (
                "budget",
                end_of(
                    std::ptr::addr_of!(shared.line.budget) as usize,
                    std::mem::size_of_val(&shared.line.budget),
                ),
            ),
            (
                "stored",
                end_of(
                    std::ptr::addr_of!(shared.line.stored) as usize,
                    std::mem::size_of_val(&shared.line.stored),
                ),
            ),
            (
                "current",
                end_of(current, std::mem::size_of_val(&depot.current)),
            ),
        ] {
            assert!(end <= 64, "{what} ends at byte {end} of the depot's block");
        }
    }
}
