//! Every thread's cache within reach (issue 8): `stats`, `idle`, `trim`, `clear`, dropping the
//! pool and gets must see the values a live thread, parked or not, holds in its private cache.
//! One test or more for each of the findings 1-6, through the public API only.
//!
//! Threads are ordered with channels, never with sleeps (the race test of finding 4 paces its two
//! threads with a spin on atomics, to make them overlap). A parked thread waits on a channel
//! `recv()` and is released at the end of its test (or exits when a failing test drops the
//! sender). Each test uses a pool of its own.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{OwnedPooled, Pool, Poolable, Reset, DEFAULT_MAX_IDLE};
use pool_tests::{assert_settled, is_child, run_child, Counts, Tracked};

/// A pool of [`Tracked`] values bounded by `max_idle`, and the counts its values report to.
fn tracked_pool(max_idle: usize) -> (Arc<Pool<Tracked>>, Arc<Counts>) {
    let counts = Counts::new();
    let pool = Pool::builder()
        .max_idle(max_idle)
        .create_with(counts.maker())
        .build();
    (Arc::new(pool), counts)
}

/// `Stamped::idle_since` of a value that is not idle.
const IN_USE: usize = usize::MAX;

thread_local! {
    /// Set on the thread that runs `clear` or `trim` in a race test.
    static RUNS_OP: Cell<bool> = const { Cell::new(false) };
}

/// A race between returns on one thread and runs of `clear` (or `trim`) on another, counted.
#[derive(Debug, Default)]
struct RaceLog {
    /// Runs of the operation started, and finished.
    started: AtomicUsize,
    finished: AtomicUsize,
    /// How many runs of the operation, each started after a value became idle, must drop it:
    /// 1 for `clear`, 2 for `trim`.
    gap: usize,
    /// Cycles of gets and returns, and runs of the operation that started while a cycle's
    /// spilling return was under way.
    cycles: AtomicUsize,
    overlapping: AtomicUsize,
    /// Values handed out by a get that started after they should have been dropped.
    stale_handed_out: AtomicUsize,
    /// Values dropped after they should have been, by the thread running the operation...
    stale_dropped_by_op: AtomicUsize,
    /// ... and by another thread.
    stale_dropped_elsewhere: AtomicUsize,
    /// Values dropped by a run that should have left them idle: one that came less than `gap`
    /// runs after the runs finished when the value's last return began (for trims, the run
    /// right after; for a clear, which may drop what it meets, none).
    premature_dropped_by_op: AtomicUsize,
}

impl RaceLog {
    /// Whether a value idle since `since` runs had started should be gone once `done` runs
    /// have finished.
    fn overdue(&self, since: usize, done: usize) -> bool {
        since != IN_USE && done >= since + self.gap
    }
}

/// A value for the race tests: when it became idle, and the log its drop reports to.
struct Stamped {
    log: Arc<RaceLog>,
    /// `RaceLog::started` when the value's last return completed, or `IN_USE`.
    idle_since: Arc<AtomicUsize>,
    /// `RaceLog::finished` when the value's last return began.
    idle_after: Arc<AtomicUsize>,
}

impl Stamped {
    fn new(log: &Arc<RaceLog>) -> Self {
        Stamped {
            log: Arc::clone(log),
            idle_since: Arc::new(AtomicUsize::new(IN_USE)),
            idle_after: Arc::new(AtomicUsize::new(0)),
        }
    }
}

impl Drop for Stamped {
    fn drop(&mut self) {
        let by_op = RUNS_OP.try_with(Cell::get).unwrap_or(false);
        // The run dropping it is the op thread's latest: it counts a run started before it.
        if by_op && self.log.started.load(SeqCst) < self.idle_after.load(SeqCst) + self.log.gap {
            self.log.premature_dropped_by_op.fetch_add(1, SeqCst);
        }
        let since = self.idle_since.load(SeqCst);
        if self.log.overdue(since, self.log.finished.load(SeqCst)) {
            let counter = if by_op {
                &self.log.stale_dropped_by_op
            } else {
                &self.log.stale_dropped_elsewhere
            };
            counter.fetch_add(1, SeqCst);
        }
    }
}

impl Reset for Stamped {
    fn reset(&mut self) {}
}

impl Poolable for Stamped {
    /// Race tests make values with `create_with` and their own log; this fallback reports to a
    /// log no test reads.
    fn create() -> Self {
        Stamped::new(&Arc::default())
    }
}

/// A thread that ran a setup closure, then parked on a channel `recv()` until
/// [`release`](Parked::release). What the setup returned (guards it holds, say) is dropped on
/// that thread once it wakes.
struct Parked {
    wake: mpsc::Sender<()>,
    handle: thread::JoinHandle<()>,
}

impl Parked {
    /// Spawns the thread and returns once its setup has run and it is parked (or about to).
    fn spawn<R: 'static>(setup: impl FnOnce() -> R + Send + 'static) -> Parked {
        let (ready, is_ready) = mpsc::channel::<()>();
        let (wake, wait) = mpsc::channel::<()>();
        let handle = thread::spawn(move || {
            let kept = setup();
            ready.send(()).unwrap();
            // An error means the test failed and dropped `wake`: exit all the same.
            let _ = wait.recv();
            drop(kept);
        });
        is_ready.recv().expect("the parked thread's setup panicked");
        Parked { wake, handle }
    }

    /// Wakes the thread and waits for it to exit.
    fn release(self) {
        self.wake.send(()).unwrap();
        self.handle.join().unwrap();
    }
}

/// A thread that gets `n` values from `pool` (creating them), holds them all, returns them all
/// into its own cache, then parks. `fill` runs on each value before it goes back.
fn cache_then_park<T: Poolable>(
    pool: &Arc<Pool<T>>,
    n: usize,
    fill: impl Fn(&mut T) + Send + 'static,
) -> Parked {
    let pool = Arc::clone(pool);
    Parked::spawn(move || {
        let mut held: Vec<_> = (0..n).map(|_| pool.get()).collect();
        for value in &mut held {
            fill(value);
        }
        drop(held);
    })
}

// Finding 1: stats are wrong while threads live.

#[test]
fn stats_are_exact_while_a_thread_that_used_the_pool_is_parked() {
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    let worker = {
        let pool = Arc::clone(&pool);
        Parked::spawn(move || {
            drop((0..8).map(|_| pool.get()).collect::<Vec<_>>()); // 8 created, 8 returned
            for _ in 0..100 {
                drop(pool.get()); // 100 reused, 100 returned
            }
        })
    };
    let stats = pool.stats();
    assert_eq!(
        (
            stats.created,
            stats.reused,
            stats.returned,
            stats.idle,
            stats.in_use
        ),
        (8, 100, 108, 8, 0),
        "(created, reused, returned, idle, in_use) with the worker parked: {stats:?}"
    );
    assert!(stats.hit_rate() > 0.9, "{stats:?}");
    assert_settled(stats);
    worker.release();
}

#[test]
fn stats_are_exact_between_rounds_of_live_worker_threads() {
    // Like a runtime's worker threads: they stay alive and idle between rounds of tasks, and
    // the stats are read between rounds, with no guard out.
    const WORKERS: usize = 2;
    const TASKS: usize = 16;
    const HELD: usize = 3;
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    let (done, round_done) = mpsc::channel::<()>();
    let mut go = Vec::new();
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (pool, done) = (Arc::clone(&pool), done.clone());
        let (start, wait) = mpsc::channel::<()>();
        go.push(start);
        workers.push(thread::spawn(move || {
            for () in wait {
                for task in 0..TASKS {
                    let mut held: Vec<_> = (0..HELD).map(|_| pool.get()).collect();
                    for value in &mut held {
                        value.push(task as u8);
                    }
                }
                done.send(()).unwrap();
            }
        }));
    }
    let mut gets = 0;
    for round in 0..30 {
        for start in &go {
            start.send(()).unwrap();
        }
        for _ in 0..WORKERS {
            round_done.recv().unwrap();
        }
        gets += (WORKERS * TASKS * HELD) as u64;
        let stats = pool.stats();
        assert_eq!(
            (stats.created + stats.reused, stats.returned, stats.in_use),
            (gets, gets, 0),
            "round {round}: (created + reused, returned, in_use) with the workers idle: {stats:?}"
        );
        assert_eq!(
            stats.idle, stats.created,
            "round {round}: nothing was dropped, so every value made is idle: {stats:?}"
        );
        assert_settled(stats);
    }
    drop(go);
    for worker in workers {
        worker.join().unwrap();
    }
}

#[test]
fn stats_are_exact_right_after_a_thread_scope() {
    // `thread::scope` returns before a scoped thread's thread-local destructors have run.
    for round in 0..if cfg!(miri) { 20 } else { 2000 } {
        let pool: Pool<Vec<u8>> = Pool::new();
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..4 {
                        let (a, b) = (pool.get(), pool.get());
                        drop((a, b));
                    }
                });
            }
        });
        let stats = pool.stats();
        assert_eq!(
            (stats.created + stats.reused, stats.returned, stats.in_use),
            (16, 16, 0),
            "round {round}: (created + reused, returned, in_use) after the scope: {stats:?}"
        );
        assert_settled(stats);
    }
}

#[test]
fn idle_counts_values_cached_by_a_parked_thread() {
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    let worker = cache_then_park(&pool, 16, |_| {});
    assert_eq!(
        pool.idle(),
        16,
        "idle() with 16 in the parked worker's cache"
    );
    assert_eq!(pool.stats().idle, 16, "{:?}", pool.stats());
    worker.release();
}

// Finding 2: clear, trim and dropping the pool free nothing a parked thread holds.

/// A worker caches 16 values and parks; `expire` (named `what` in the messages) must drop them
/// all before it returns, without the worker waking.
fn expire_drops_values_cached_by_a_parked_thread(what: &str, expire: fn(&Pool<Tracked>)) {
    let (pool, counts) = tracked_pool(DEFAULT_MAX_IDLE);
    let worker = cache_then_park(&pool, 16, |_| {});
    expire(&pool);
    assert_eq!(
        counts.dropped(),
        16,
        "values of the parked worker's cache dropped by {what}"
    );
    assert_eq!(pool.idle(), 0);
    let stats = pool.stats();
    assert_eq!((stats.idle, stats.trimmed), (0, 16), "{stats:?}");
    assert_settled(stats);
    worker.release();
}

#[test]
fn clear_drops_values_cached_by_a_parked_thread() {
    expire_drops_values_cached_by_a_parked_thread("clear()", Pool::clear);
}

#[test]
fn two_trims_drop_values_cached_by_a_parked_thread() {
    // The 16 have been idle since the first trim when the second comes.
    expire_drops_values_cached_by_a_parked_thread("two trims", |pool| {
        pool.trim();
        pool.trim();
    });
}

#[test]
fn dropping_the_last_pool_handle_drops_values_cached_by_a_parked_thread() {
    let (pool, counts) = tracked_pool(DEFAULT_MAX_IDLE);
    // The worker's clone of the `Arc` is dropped before it parks.
    let worker = cache_then_park(&pool, 16, |_| {});
    assert_eq!(Arc::strong_count(&pool), 1);
    drop(pool);
    assert_eq!(
        counts.dropped(),
        16,
        "values of the parked worker's cache dropped with the pool"
    );
    worker.release();
}

// Finding 3: parked threads strand the idle budget.

#[test]
fn parked_threads_that_handed_values_over_do_not_strand_the_budget() {
    // 8 threads, each of which has used the pool before (32 values went through its cache),
    // take 32 values, hand them to the main thread and park: 256, the whole default budget.
    const THREADS: usize = 8;
    const EACH: usize = 32;
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    assert_eq!(pool.max_idle(), THREADS * EACH);
    let (to_main, handed) = mpsc::channel::<Vec<OwnedPooled<Vec<u8>>>>();
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (pool, to_main) = (Arc::clone(&pool), to_main.clone());
            Parked::spawn(move || {
                drop((0..EACH).map(|_| pool.get()).collect::<Vec<_>>());
                to_main
                    .send((0..EACH).map(|_| pool.get_owned()).collect())
                    .unwrap();
            })
        })
        .collect();
    let values: Vec<_> = (0..THREADS).flat_map(|_| handed.recv().unwrap()).collect();
    assert_eq!(values.len(), THREADS * EACH);
    drop(values);
    let stats = pool.stats();
    assert_eq!(
        (stats.discarded, pool.idle()),
        (0, THREADS * EACH),
        "(discarded, idle()) after the 256 handed-over values came back: {stats:?}"
    );
    for _ in 0..10_000 {
        drop(pool.get());
    }
    let stats = pool.stats();
    assert_eq!(
        (stats.created, stats.discarded),
        ((THREADS * EACH) as u64, 0),
        "(created, discarded) after 10,000 get/return pairs: {stats:?}"
    );
    for worker in workers {
        worker.release();
    }
}

#[test]
fn a_parked_thread_holding_the_value_of_a_max_idle_1_pool_does_not_starve_the_others() {
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(1));
    let worker = {
        let pool = Arc::clone(&pool);
        Parked::spawn(move || {
            drop(pool.get()); // through this thread's cache
            pool.get_owned() // and taken again: held while parked
        })
    };
    for _ in 0..1000 {
        drop(pool.get());
    }
    let stats = pool.stats();
    assert!(
        stats.created <= 2 && stats.discarded == 0,
        "1,000 get/return pairs next to one parked holder: {stats:?}"
    );
    assert_eq!(pool.idle(), 1);
    worker.release();
}

#[test]
fn a_parked_thread_caching_the_value_of_a_max_idle_1_pool_does_not_starve_the_others() {
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(1));
    let worker = cache_then_park(&pool, 1, |_| {});
    for _ in 0..1000 {
        drop(pool.get());
    }
    let stats = pool.stats();
    assert_eq!(
        (stats.created, stats.discarded),
        (1, 0),
        "(created, discarded) after 1,000 get/return pairs, the one idle value in a parked \
         thread's cache: {stats:?}"
    );
    assert_eq!(pool.idle(), 1);
    worker.release();
}

// Finding 4: the stale-generation race.

/// Spins until `ready()`: a spin, not a sleep, that paces two threads to land in the middle of
/// each other's operations. It yields now and then, so a thread waiting for one that is not
/// running gives it the CPU.
fn spin_until(ready: impl Fn() -> bool) {
    let mut spins = 0_u32;
    while !ready() {
        spins = spins.wrapping_add(1);
        if spins % 256 == 0 {
            thread::yield_now();
        }
        std::hint::spin_loop();
    }
}

/// Stores `usize::MAX` when dropped, even by a panic: tells the other thread of a race to stop
/// rather than spin for ever.
struct StopOnDrop<'a>(&'a AtomicUsize);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(usize::MAX, SeqCst);
    }
}

/// One thread gets and returns values in cycles of 5 (with `max_idle` 16 a cache holds 4, so
/// each cycle's last return spills into the shared store), while this thread runs `op` `gap`
/// times in a row as each cycle comes to that last return, to land in the middle of it. Goes on
/// until enough runs started while a spilling return was under way, or for about a second.
/// Returns the log: values that outlived `gap` runs of `op` that all started after the value
/// had become idle.
fn race_spills_against(op: fn(&Pool<Stamped>), gap: usize) -> Arc<RaceLog> {
    const ENOUGH_OVERLAPS: usize = if cfg!(miri) { 20 } else { 20_000 };
    const MAX_CYCLES: usize = if cfg!(miri) { 200 } else { 200_000 };
    let log = Arc::new(RaceLog {
        gap,
        ..RaceLog::default()
    });
    let pool = {
        let log = Arc::clone(&log);
        Pool::builder()
            .max_idle(16)
            .create_with(move || Stamped::new(&log))
            .build()
    };
    // The last cycle that came to its last return (`usize::MAX`: the worker is gone), the last
    // whose last return is done, and the last whose runs of `op` are done (`usize::MAX`: stop).
    let spilling = AtomicUsize::new(0);
    let returned = AtomicUsize::new(0);
    let answered = AtomicUsize::new(0);
    thread::scope(|s| {
        s.spawn(|| {
            let _gone = StopOnDrop(&spilling);
            for cycle in 1.. {
                spin_until(|| answered.load(SeqCst) >= cycle - 1);
                if answered.load(SeqCst) == usize::MAX {
                    break;
                }
                let done = log.finished.load(SeqCst);
                let held: Vec<_> = (0..5).map(|_| pool.get()).collect();
                for value in &held {
                    if log.overdue(value.idle_since.swap(IN_USE, SeqCst), done) {
                        log.stale_handed_out.fetch_add(1, SeqCst);
                    }
                }
                for (i, value) in held.into_iter().enumerate() {
                    if i == 4 {
                        spilling.store(cycle, SeqCst);
                        // A delay that varies from cycle to cycle, so that the runs of `op`
                        // land at every point of the return.
                        for _ in 0..cycle % 32 {
                            std::hint::spin_loop();
                        }
                    }
                    let idle_since = Arc::clone(&value.idle_since);
                    value.idle_after.store(log.finished.load(SeqCst), SeqCst);
                    drop(value);
                    idle_since.store(log.started.load(SeqCst), SeqCst);
                }
                returned.store(cycle, SeqCst);
            }
        });
        let _stop = StopOnDrop(&answered);
        RUNS_OP.with(|runs_op| runs_op.set(true));
        let budget = Instant::now() + Duration::from_millis(900);
        for cycle in 1.. {
            spin_until(|| spilling.load(SeqCst) >= cycle);
            if spilling.load(SeqCst) == usize::MAX {
                break;
            }
            if returned.load(SeqCst) != cycle {
                log.overlapping.fetch_add(1, SeqCst);
            }
            for _ in 0..gap {
                log.started.fetch_add(1, SeqCst);
                op(&pool);
                log.finished.fetch_add(1, SeqCst);
            }
            log.cycles.store(cycle, SeqCst);
            let enough = log.overlapping.load(SeqCst) >= ENOUGH_OVERLAPS
                || cycle >= MAX_CYCLES
                || Instant::now() > budget;
            answered.store(if enough { usize::MAX } else { cycle }, SeqCst);
            if enough {
                break;
            }
        }
        RUNS_OP.with(|runs_op| runs_op.set(false));
    });
    log
}

#[test]
fn a_clear_or_two_trims_racing_a_spill_leave_no_value_from_before_them_idle_and_drop_none_from_after(
) {
    // One test, not two: each race needs both its threads running at once.
    for (what, op, gap) in [
        ("a whole clear()", Pool::clear as fn(&Pool<Stamped>), 1),
        ("two whole trim()s", Pool::trim, 2),
    ] {
        let log = race_spills_against(op, gap);
        assert_eq!(
            (
                log.stale_handed_out.load(SeqCst),
                log.stale_dropped_by_op.load(SeqCst)
            ),
            (0, 0),
            "(values handed out, values dropped by a later run) that were idle before \
             {what}: {log:?}"
        );
        assert_eq!(
            log.stale_dropped_elsewhere.load(SeqCst),
            0,
            "values that were idle before {what} still alive when it had returned (dropped \
             later by the worker): {log:?}"
        );
        // A trim only makes a value returned after the previous trim a victim; the next one
        // drops it. (A clear may drop what is returned while it runs, and the next clear drops
        // the rest: no drop by a clear is early, and for `gap` 1 the check cannot fire.)
        assert_eq!(
            log.premature_dropped_by_op.load(SeqCst),
            0,
            "values returned after a trim had finished, dropped by the next trim: {log:?}"
        );
    }
}

// Finding 5: a value whose `Drop` panics aborts the process when dropped at thread exit. Each
// scenario runs in a child process (an abort would kill this whole test binary): the parent test
// runs this binary again on the child test, which does nothing unless `is_child` says so.

/// The pool a child scenario works on, in a slot its `on_main` may empty (to drop the pool).
type Slot = Option<Arc<Pool<Tracked>>>;

/// A worker returns an armed value into its cache and parks; `on_main` runs on this thread
/// (a panic from it is tolerated: the pool may or may not pass the `Drop`'s panic on); then the
/// worker exits, which must not abort. Returns the pool, unless `on_main` dropped it.
fn armed_value_cached_by_a_thread_that_exits(on_main: impl FnOnce(&mut Slot)) -> Slot {
    let (pool, counts) = tracked_pool(DEFAULT_MAX_IDLE);
    let worker = {
        let pool = Arc::clone(&pool);
        Parked::spawn(move || pool.get().armed = true)
    };
    let mut slot = Some(pool);
    let _ = panic::catch_unwind(AssertUnwindSafe(|| on_main(&mut slot)));
    worker.release(); // today: "fatal runtime error: thread local panicked on drop"
    assert_eq!(
        (counts.created(), counts.dropped()),
        (1, 1),
        "(created, dropped) of the armed value"
    );
    slot
}

/// The pool's counts are balanced and it stays usable.
fn assert_exact_and_usable(pool: &Pool<Tracked>) {
    let stats = pool.stats();
    assert_eq!(stats.idle, 0, "{stats:?}");
    assert_settled(stats);
    drop(pool.get());
    assert_eq!(pool.idle(), 1, "the pool stays usable");
    assert_settled(pool.stats());
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_panicking_drop_after_clear_does_not_abort_at_thread_exit() {
    run_child("child_panicking_drop_after_clear");
}

#[test]
fn child_panicking_drop_after_clear() {
    if !is_child("child_panicking_drop_after_clear") {
        return;
    }
    let pool = armed_value_cached_by_a_thread_that_exits(|pool| pool.as_ref().unwrap().clear());
    assert_exact_and_usable(&pool.unwrap());
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_panicking_drop_after_two_trims_does_not_abort_at_thread_exit() {
    run_child("child_panicking_drop_after_two_trims");
}

#[test]
fn child_panicking_drop_after_two_trims() {
    if !is_child("child_panicking_drop_after_two_trims") {
        return;
    }
    let pool = armed_value_cached_by_a_thread_that_exits(|pool| {
        let pool = pool.as_ref().unwrap();
        pool.trim();
        pool.trim();
    });
    assert_exact_and_usable(&pool.unwrap());
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot spawn the child process")]
fn a_panicking_drop_after_the_pool_was_dropped_does_not_abort_at_thread_exit() {
    run_child("child_panicking_drop_after_the_pool_was_dropped");
}

#[test]
fn child_panicking_drop_after_the_pool_was_dropped() {
    if !is_child("child_panicking_drop_after_the_pool_was_dropped") {
        return;
    }
    // The last handle of the pool is dropped on this thread while the worker is parked.
    let pool = armed_value_cached_by_a_thread_that_exits(|pool| drop(pool.take()));
    assert!(pool.is_none());
    let other: Pool<Vec<u8>> = Pool::new();
    drop(other.get());
    assert_settled(other.stats());
}

// Finding 6: gets create while values sit idle elsewhere.

#[test]
fn gets_take_values_cached_by_a_parked_thread_before_creating() {
    let pool = Arc::new(Pool::<Vec<u8>>::new());
    let worker = cache_then_park(&pool, 16, |buf: &mut Vec<u8>| buf.resize(1024, 1));
    let held: Vec<_> = (0..16).map(|_| pool.get()).collect();
    let stats = pool.stats();
    assert_eq!(
        (stats.created, stats.reused),
        (16, 16),
        "(created, reused) after 16 gets, with 16 idle in a parked thread's cache: {stats:?}"
    );
    assert!(
        held.iter()
            .all(|buf| buf.is_empty() && buf.capacity() >= 1024),
        "every get handed out one of the worker's reset buffers"
    );
    drop(held);
    worker.release();
}

// `max_idle` stays a hard bound on idle values, pool-wide, at every instant.

#[test]
fn max_idle_bounds_idle_values_pool_wide_including_a_parked_threads_cache() {
    // The worker's 2 idle values are taken by the first gets here (finding 6), so 18 more are
    // made (20 in all); of the 20 returns, 8 fill the budget and 12 are dropped.
    let (pool, counts) = tracked_pool(8);
    let worker = cache_then_park(&pool, 2, |_| {});
    drop((0..20).map(|_| pool.get()).collect::<Vec<_>>());
    let stats = pool.stats();
    assert_eq!(
        (pool.idle(), stats.idle, stats.discarded, stats.created),
        (8, 8, 12, 20),
        "(idle(), stats.idle, discarded, created): 8 of the 20 returns fill the budget: {stats:?}"
    );
    assert_eq!(counts.live(), 8, "values alive: all idle");
    assert_settled(stats);
    worker.release();
}

#[test]
fn idle_never_exceeds_max_idle_while_threads_churn() {
    const MAX_IDLE: usize = 16;
    let pool = Arc::new(Pool::<Vec<u8>>::with_max_idle(MAX_IDLE));
    let parked = cache_then_park(&pool, 4, |_| {});
    let running = AtomicUsize::new(2);
    let (samples, most) = thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for i in 0..if cfg!(miri) { 300 } else { 20_000 } {
                    let held: Vec<_> = (0..i % 9).map(|_| pool.get()).collect();
                    drop(held);
                    if i % if cfg!(miri) { 100 } else { 5_000 } == 0 {
                        pool.trim();
                    }
                }
                running.fetch_sub(1, SeqCst);
            });
        }
        let (mut samples, mut most) = (0, 0);
        loop {
            let finished = running.load(SeqCst) == 0;
            let idle = pool.idle();
            assert!(idle <= MAX_IDLE, "idle() {idle} > max_idle {MAX_IDLE}");
            samples += 1;
            most = most.max(idle);
            if finished {
                break (samples, most);
            }
        }
    });
    assert!(samples > 0 && most > 0, "{samples} samples, most {most}");
    parked.release();
}
