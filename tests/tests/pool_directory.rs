//! The process-wide view of pools (issue 10): `pools()`, `report()`, `trim_all()`,
//! `clear_all()` and `trim_every()`. The directory is shared by every test of this file, and
//! `trim_all`/`clear_all` reach every pool in it, so each test holds [`SERIAL`] and names its
//! pools.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use pool_core::{Pool, PoolInfo, Poolable, Reset};
use pool_tests::{Counts, Tracked};

static SERIAL: Mutex<()> = Mutex::new(());

/// One test of this file at a time.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

fn find(name: &str) -> Option<PoolInfo> {
    pool_core::pools()
        .into_iter()
        .find(|info| info.name == name)
}

#[test]
fn a_built_pool_is_listed_until_it_is_dropped() {
    let _serial = serial();
    let pool: Pool<Vec<u8>> = Pool::builder().name("directory: built").max_idle(8).build();
    let info = find("directory: built").expect("listed as soon as it is built");
    assert_eq!(info.max_idle, 8);
    assert_eq!(info.stats, pool.stats());
    drop(pool.get());
    assert_eq!(find("directory: built").unwrap().stats.idle, 1);
    drop(pool);
    assert!(find("directory: built").is_none(), "listed after its drop");
}

#[test]
fn a_pool_in_an_arc_leaves_the_list_with_its_last_handle_even_while_a_thread_keeps_its_cache() {
    let _serial = serial();
    let pool: Arc<Pool<String>> = Arc::new(Pool::builder().name("directory: arc").build());
    let (ready, wait_ready) = std::sync::mpsc::channel();
    let (release, parked) = std::sync::mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            drop(pool.get()); // this thread's cache now holds an entry for the pool
            drop(pool);
            ready.send(()).unwrap();
            parked.recv().unwrap();
        })
    };
    wait_ready.recv().unwrap();
    assert_eq!(find("directory: arc").unwrap().stats.idle, 1);
    drop(pool);
    assert!(find("directory: arc").is_none());
    release.send(()).unwrap();
    worker.join().unwrap();
}

#[test]
fn a_static_pool_is_listed_from_its_first_use_under_its_type_name() {
    let _serial = serial();
    #[derive(Debug, Default)]
    struct DirectoryStaticScratch(Vec<u8>);
    impl Reset for DirectoryStaticScratch {
        fn reset(&mut self) {
            self.0.clear();
        }
    }
    impl Poolable for DirectoryStaticScratch {
        fn create() -> Self {
            Self::default()
        }
    }
    static POOL: Pool<DirectoryStaticScratch> = Pool::new();
    let named = |info: &PoolInfo| info.name.ends_with("DirectoryStaticScratch");
    assert!(!pool_core::pools().iter().any(named), "listed before use");
    drop(POOL.get());
    let info = pool_core::pools().into_iter().find(named).unwrap();
    assert_eq!(info.name, std::any::type_name::<DirectoryStaticScratch>());
    assert_eq!(info.max_idle, pool_core::DEFAULT_MAX_IDLE);
}

/// A named pool of [`Tracked`] values, counted in `counts`.
fn counted_pool(name: &'static str, counts: &Arc<Counts>) -> Pool<Tracked> {
    Pool::builder()
        .name(name)
        .create_with(counts.maker())
        .build()
}

#[test]
fn trim_all_trims_every_pool_and_two_trims_drop_what_stayed_idle() {
    let _serial = serial();
    let drops = Counts::new();
    let a = counted_pool("directory: trim a", &drops);
    let b = counted_pool("directory: trim b", &drops);
    a.prefill(3);
    b.prefill(2);
    let held = a.get();
    pool_core::trim_all();
    pool_core::trim_all();
    assert_eq!(a.idle(), 0);
    assert_eq!(b.idle(), 0);
    assert_eq!(drops.dropped(), 4);
    assert_eq!(a.stats().trimmed + b.stats().trimmed, 4);
    drop(held);
    assert_eq!(a.idle(), 1, "a value in use is not trimmed");
}

#[test]
fn clear_all_drops_every_idle_value_in_every_pool() {
    let _serial = serial();
    let drops = Counts::new();
    let a = counted_pool("directory: clear a", &drops);
    let b = counted_pool("directory: clear b", &drops);
    a.prefill(2);
    b.prefill(5);
    pool_core::clear_all();
    assert_eq!((a.idle(), b.idle()), (0, 0));
    assert_eq!(drops.dropped(), 7);
}

/// A value whose `Drop` panics once armed.
#[derive(Debug, Default)]
struct Grenade(bool);

impl Drop for Grenade {
    fn drop(&mut self) {
        if self.0 && !thread::panicking() {
            panic!("grenade");
        }
    }
}

#[test]
fn a_panicking_drop_in_one_pool_does_not_stop_clear_all_reaching_the_others() {
    let _serial = serial();
    let drops = Counts::new();
    let grenades: Pool<Grenade, _> = pool_core::PoolBuilder::new()
        .name("directory: grenades")
        .create_with(|| Grenade(true))
        .reset_with(|_: &mut Grenade| {})
        .build();
    let counted = counted_pool("directory: beside grenades", &drops);
    grenades.prefill(1);
    counted.prefill(3);
    let result = catch_unwind(AssertUnwindSafe(pool_core::clear_all));
    assert!(result.is_err(), "the panic is resumed");
    assert_eq!(counted.idle(), 0);
    assert_eq!(drops.dropped(), 3);
    assert_eq!(grenades.idle(), 0);
}

#[test]
fn trim_every_frees_values_idle_through_two_intervals_and_stops_with_its_handle() {
    let _serial = serial();
    let drops = Counts::new();
    let pool = counted_pool("directory: timer", &drops);
    pool.prefill(4);
    let timer = pool_core::trim_every(Duration::from_millis(5));
    assert_eq!(timer.interval(), Duration::from_millis(5));
    // Two of the timer's trims free the values; wait for them, up to a generous deadline.
    let deadline = Instant::now() + Duration::from_secs(20);
    while drops.dropped() < 4 {
        assert!(Instant::now() < deadline, "the timer never trimmed");
        thread::yield_now();
    }
    assert_eq!(pool.idle(), 0);
    assert_eq!(pool.stats().trimmed, 4);
    drop(timer); // stops and joins the thread
}

#[test]
fn dropping_a_timer_does_not_wait_for_its_interval() {
    let _serial = serial();
    // The drop wakes the thread at once: were it to wait out the hour, this test would hang.
    drop(pool_core::trim_every(Duration::from_secs(3600)));
}

#[test]
fn report_lists_the_pools_as_a_table_with_a_header() {
    let _serial = serial();
    let pool: Pool<Vec<u8>> = Pool::builder().name("directory: report").build();
    drop(pool.get());
    drop(pool.get());
    let report = pool_core::report();
    let row = report
        .pools
        .iter()
        .find(|info| info.name == "directory: report")
        .unwrap();
    assert_eq!((row.stats.created, row.stats.reused), (1, 1));
    let table = report.to_string();
    let header = table.lines().next().unwrap();
    for column in [
        "pool",
        "created",
        "reused",
        "hit rate",
        "idle",
        "idle bytes",
        "in use",
        "discarded",
        "trimmed",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let line = table
        .lines()
        .find(|line| line.starts_with("directory: report"))
        .unwrap();
    assert!(line.contains("50.0%"), "{line}");
    let heavy: Pool<Vec<u8>> = Pool::builder().name("directory: report heavy").build();
    heavy.put(Vec::with_capacity(1 << 20));
    let report = pool_core::report();
    let position = |name: &str| {
        report
            .pools
            .iter()
            .position(|info| info.name == name)
            .unwrap()
    };
    assert!(position("directory: report heavy") < position("directory: report"));
    // Sorted by idle bytes, most first.
    let bytes: Vec<u64> = report
        .pools
        .iter()
        .map(|info| info.stats.idle_bytes)
        .collect();
    assert!(bytes.windows(2).all(|pair| pair[0] >= pair[1]), "{bytes:?}");
}

#[test]
fn idle_bytes_adds_the_heap_bytes_of_every_idle_value_wherever_it_sits() {
    let _serial = serial();
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(Pool::builder().name("directory: bytes").build());
    // One value in a parked thread's cache, the others in this thread's cache or the depot.
    let (ready, wait_ready) = std::sync::mpsc::channel();
    let (release, parked) = std::sync::mpsc::channel::<()>();
    let worker = {
        let pool = Arc::clone(&pool);
        thread::spawn(move || {
            pool.put(Vec::with_capacity(1000));
            ready.send(()).unwrap();
            parked.recv().unwrap();
        })
    };
    wait_ready.recv().unwrap();
    pool.put(Vec::with_capacity(200));
    pool.put(Vec::with_capacity(30));
    let stats = pool.stats();
    assert_eq!(stats.idle, 3);
    assert_eq!(stats.idle_bytes, 1000 + 200 + 30);
    assert_eq!(find("directory: bytes").unwrap().stats.idle_bytes, 1230);
    // A value handed out leaves the count; one that comes back grown counts its new capacity.
    let mut taken = pool.get();
    let before = taken.capacity() as u64;
    assert_eq!(pool.stats().idle_bytes, 1230 - before);
    taken.reserve_exact(5000);
    let grown = taken.capacity() as u64;
    drop(taken);
    assert_eq!(pool.stats().idle_bytes, 1230 - before + grown);
    pool.clear();
    assert_eq!(pool.stats().idle_bytes, 0);
    release.send(()).unwrap();
    worker.join().unwrap();
}
