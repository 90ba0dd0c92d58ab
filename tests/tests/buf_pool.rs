//! `BufPool` (issue 10): a size-classed pool of `Vec<u8>`. Requests get an empty buffer big
//! enough; buffers are filed by capacity when they come back (up a class when they grew, out
//! when they grew past the largest class); oversized requests are not kept; each class and
//! the totals keep the stats identity; `max_idle_bytes` holds at every instant across
//! threads; the classes appear in `pool_core::pools()`.
//!
//! Pools are named per test, so tests running in parallel (and the process-wide view they
//! share) do not see each other's classes.

use std::borrow::Borrow;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use pool_core::{BufPool, OwnedPooledBuf, PoolStats, PooledBuf};
use pool_tests::assert_settled;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// The statistics of the class of size `size`.
fn class(pool: &BufPool, size: usize) -> PoolStats {
    pool.class_stats()
        .into_iter()
        .find(|&(s, _)| s == size)
        .unwrap_or_else(|| panic!("no class of {size} bytes"))
        .1
}

/// The classes' `max_idle`, from the process-wide view, by the pool's name.
fn listed_max_idle(name: &str) -> Vec<(String, usize)> {
    let prefix = format!("{name} ");
    let mut listed: Vec<(String, usize)> = pool_core::pools()
        .into_iter()
        .filter(|info| info.name.starts_with(&prefix))
        .map(|info| (info.name.to_string(), info.max_idle))
        .collect();
    listed.sort();
    listed
}

/// Every class settled, and the totals too.
#[track_caller]
fn assert_all_settled(pool: &BufPool) {
    for (size, stats) in pool.class_stats() {
        assert_eq!(stats.in_use, 0, "class {size}: {stats:?}");
        assert_settled(stats);
    }
    assert_settled(pool.stats());
}

/// xorshift64*, so the sizes are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A size from 0 to `max`, log-uniform: as many below 1 KiB as from 1 KiB to 1 MiB.
    fn size(&mut self, max: usize) -> usize {
        let bits = self.below(max.max(1).ilog2() as usize + 2);
        self.below((1usize << bits).min(max) + 1)
    }
}

#[test]
fn every_buffer_is_empty_and_at_least_as_large_as_asked_from_0_to_2_mib() {
    let pool = BufPool::builder().name("buf test: sizes").build();
    let mut sizes: Vec<usize> = (0..=if cfg!(miri) { 300 } else { 4200 }).collect();
    for bits in 0..=21 {
        let power = 1usize << bits;
        sizes.extend([power - 1, power, power + 1]);
    }
    let mut rng = Rng(0x5eed);
    sizes.extend((0..if cfg!(miri) { 20 } else { 2000 }).map(|_| rng.size(2 * MIB)));
    for round in 0..2 {
        for &size in &sizes {
            let mut buf = pool.get(size);
            assert_eq!(buf.len(), 0, "size {size}, round {round}");
            assert!(buf.capacity() >= size, "size {size}, round {round}");
            // Dirty it, so that a reused buffer that was not cleared would show.
            buf.extend_from_slice(&[0xa5; 64][..size.min(64)]);
        }
    }
    assert!(pool.stats().reused > 0);
    assert_all_settled(&pool);
}

#[test]
fn a_request_is_served_by_the_smallest_class_that_holds_it() {
    let pool = BufPool::new();
    for (request, size) in [(0, 64), (64, 64), (65, 128), (3000, 4096), (MIB, MIB)] {
        let buf = pool.get(request);
        assert_eq!(buf.capacity(), size, "request {request}");
        assert_eq!(class(&pool, size).in_use, 1, "request {request}");
    }
    // Requests 0 and 64 share the 64 B class: the second reused the first's buffer.
    let stats = pool.stats();
    assert_eq!(
        (stats.created, stats.reused, stats.in_use, stats.idle),
        (4, 1, 0, 4)
    );
}

#[test]
fn a_grown_buffer_moves_up_a_class_and_serves_requests_there() {
    let pool = BufPool::new();
    let mut buf = pool.get(100); // the 128 B class
    buf.extend_from_slice(&[1; 1000]); // capacity 1000: the 512 B class's range
    assert!((512..1024).contains(&buf.capacity()));
    drop(buf);
    let (from, to) = (class(&pool, 128), class(&pool, 512));
    assert_eq!((from.created, from.detached, from.idle), (1, 1, 0));
    assert_eq!((to.created, to.returned, to.idle), (1, 1, 1));
    assert_eq!(to.idle_bytes, 1000);
    assert_eq!(pool.moved(), 1);

    let again = pool.get(512); // served by the buffer that moved
    assert!(again.is_empty() && again.capacity() == 1000);
    assert_eq!(class(&pool, 512).reused, 1);
    drop(again);

    // An owned guard files by capacity too, and a buffer that doubled moves two classes.
    let pool = Arc::new(BufPool::new());
    let mut owned = pool.get_owned(4096);
    owned.reserve_exact(16 * KIB);
    drop(owned);
    assert_eq!(class(&pool, 4096).detached, 1);
    assert_eq!(class(&pool, 16 * KIB).idle, 1);
    assert_all_settled(&pool);
}

#[test]
fn a_buffer_that_shrank_moves_down_and_one_below_the_smallest_class_is_dropped() {
    let pool = BufPool::builder().smallest_class(256).build();
    let mut buf = pool.get(4096);
    buf.shrink_to(300);
    assert!((256..512).contains(&buf.capacity()));
    drop(buf);
    assert_eq!(class(&pool, 256).idle, 1);
    assert_eq!(class(&pool, 4096).detached, 1);

    let mut buf = pool.get(4096);
    *buf = Vec::with_capacity(100); // below the smallest class: not kept
    drop(buf);
    let big = class(&pool, 4096);
    assert_eq!((big.discarded, big.idle), (1, 0));
    assert_eq!(pool.stats().idle, 1);
    assert_all_settled(&pool);
}

#[test]
fn an_oversized_request_is_allocated_exactly_and_not_kept() {
    let pool = BufPool::new();
    for request in [MIB + 1, 3 * MIB] {
        let mut buf = pool.get(request);
        assert!(buf.is_empty() && buf.capacity() >= request);
        assert!(
            buf.capacity() < 2 * request,
            "allocated exactly, not rounded up"
        );
        buf.shrink_to(1000); // even back in a class's range, it is not kept
        drop(buf);
    }
    let arc = Arc::new(BufPool::new());
    drop(arc.get_owned(2 * MIB));
    assert_eq!(arc.oversized(), 1);
    assert_eq!(pool.oversized(), 2);
    assert_eq!(pool.stats(), PoolStats::default(), "no class saw them");
    assert_eq!(arc.stats(), PoolStats::default());
}

#[test]
fn a_buffer_that_grew_past_the_largest_class_is_dropped() {
    let pool = BufPool::builder().largest_class(4096).build();
    let mut within = pool.get(3000);
    within.reserve_exact(4096 + 100); // still below twice the largest class: kept there
    let mut past = pool.get(4096);
    past.extend_from_slice(&[7; 8192]); // twice the largest class: dropped
    drop((within, past));
    let largest = class(&pool, 4096);
    assert_eq!((largest.idle, largest.discarded), (1, 1));
    assert_eq!(largest.idle_bytes, 4196);
    assert_eq!(pool.stats().idle_bytes, 4196);
    assert_all_settled(&pool);
}

#[test]
fn every_class_and_the_totals_keep_the_identity_through_moves_drops_and_trims() {
    let pool = BufPool::builder()
        .largest_class(64 * KIB)
        .max_idle(8)
        .name("buf test: identity")
        .build();
    let mut rng = Rng(42);
    // Each guard held, with whether it came from a class (not oversized).
    let mut held: Vec<(PooledBuf<'_>, bool)> = Vec::new();
    let mut class_gets = 0u64;
    let mut user_detached = 0u64;
    let steps = if cfg!(miri) { 300 } else { 20_000 };
    for step in 0..steps {
        let size = rng.size(128 * KIB);
        let from_class = size <= 64 * KIB;
        class_gets += u64::from(from_class);
        let mut buf = pool.get(size);
        match rng.below(8) {
            0 => buf.reserve(rng.size(256 * KIB)), // grows, maybe past the largest class
            1 => buf.shrink_to(rng.size(size)),    // shrinks, maybe below the smallest
            _ => buf.extend_from_slice(&[1; 32]),
        }
        held.push((buf, from_class));
        if held.len() > 16 || rng.below(3) == 0 {
            let (buf, from_class) = held.swap_remove(rng.below(held.len()));
            match rng.below(50) {
                0 => {
                    drop(PooledBuf::detach(buf));
                    user_detached += u64::from(from_class);
                }
                1 => PooledBuf::discard(buf),
                _ => drop(buf),
            }
        }
        if step % (steps / 4) == steps / 4 - 1 {
            // Twice in a row: what was idle at the first is dropped by the second.
            pool.trim();
            pool.trim();
        }
    }
    drop(held);
    assert_all_settled(&pool);
    let stats = pool.stats();
    // Each get from a class was a reuse or a creation; every other creation is a move.
    assert_eq!(stats.reused + stats.created - pool.moved(), class_gets);
    assert_eq!(stats.detached - pool.moved(), user_detached);
    let (moved, oversized) = (pool.moved(), pool.oversized());
    assert!(
        moved > 0 && oversized > 0 && stats.discarded > 0 && stats.trimmed > 0,
        "every path taken: moved {moved}, oversized {oversized}, {stats:?}"
    );
}

#[test]
fn max_idle_bytes_holds_at_every_instant_across_threads() {
    const BOUND: usize = 2 * MIB;
    const THREADS: usize = 4;
    let pool = Arc::new(
        BufPool::builder()
            .largest_class(256 * KIB)
            .max_idle(64)
            .max_idle_bytes(BOUND)
            .name("buf test: stress")
            .build(),
    );
    assert!(pool.idle_bytes_bound() <= BOUND as u64);
    let stop = Arc::new(AtomicBool::new(false));
    let most_seen = Arc::new(AtomicU64::new(0));
    let poller = {
        let (pool, stop, most_seen) =
            (Arc::clone(&pool), Arc::clone(&stop), Arc::clone(&most_seen));
        thread::spawn(move || {
            let mut polls = 0u64;
            while !stop.load(Ordering::Relaxed) || polls == 0 {
                let idle_bytes = pool.stats().idle_bytes;
                assert!(idle_bytes <= BOUND as u64, "{idle_bytes} idle bytes");
                most_seen.fetch_max(idle_bytes, Ordering::Relaxed);
                polls += 1;
            }
            polls
        })
    };
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS as u64)
        .map(|seed| {
            let (pool, start) = (Arc::clone(&pool), Arc::clone(&start));
            thread::spawn(move || {
                let mut rng = Rng(seed + 1);
                let mut held: Vec<OwnedPooledBuf> = Vec::new();
                start.wait();
                for _ in 0..if cfg!(miri) { 100 } else { 20_000 } {
                    let mut buf = pool.get_owned(rng.size(512 * KIB));
                    if rng.below(4) == 0 {
                        buf.reserve(rng.size(512 * KIB)); // may change class
                    }
                    buf.push(1);
                    held.push(buf);
                    while held.len() > rng.below(12) {
                        drop(held.swap_remove(rng.below(held.len())));
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let polls = poller.join().unwrap();
    let stats = pool.stats();
    assert!(stats.idle_bytes <= BOUND as u64);
    assert!(most_seen.load(Ordering::Relaxed) > 0 && polls > 0);
    assert!(pool.moved() > 0, "{stats:?}");
    assert_all_settled(&pool);
}

#[test]
fn max_idle_bytes_lowers_each_class_to_fit_its_worst_case() {
    let name = "buf test: split";
    let pool = BufPool::builder()
        .max_idle(1000)
        .max_idle_bytes(MIB)
        .name(name)
        .build();
    let listed = listed_max_idle(name);
    assert_eq!(listed.len(), 15);
    let sum: u64 = pool
        .class_stats()
        .iter()
        .map(|&(size, _)| {
            let max_idle = listed
                .iter()
                .find(|(n, _)| n == &format!("{name} {}", label(size)))
                .unwrap()
                .1;
            max_idle as u64 * (2 * size as u64 - 1)
        })
        .sum();
    assert_eq!(sum, pool.idle_bytes_bound());
    assert!(sum <= MIB as u64, "{sum}");
    // Fill every class past its bound, with buffers at their worst case.
    let held: Vec<_> = pool
        .class_stats()
        .iter()
        .flat_map(|&(size, _)| {
            let max_idle = listed
                .iter()
                .find(|(n, _)| n == &format!("{name} {}", label(size)))
                .unwrap()
                .1;
            (0..=max_idle).map(move |_| size)
        })
        .map(|size| {
            let mut buf = pool.get(size);
            buf.reserve_exact(2 * size - 1);
            buf
        })
        .collect();
    drop(held);
    let stats = pool.stats();
    assert!(
        stats.idle_bytes <= MIB as u64 && stats.idle > 0,
        "{stats:?}"
    );
    assert_all_settled(&pool);
}

/// A class size as the pools' names give it.
fn label(size: usize) -> String {
    match size {
        s if s >= MIB => format!("{} MiB", s / MIB),
        s if s >= KIB => format!("{} KiB", s / KIB),
        s => format!("{s} B"),
    }
}

#[test]
fn the_defaults_are_64_b_to_1_mib_with_decreasing_max_idle() {
    let name = "buf test: defaults";
    let pool = BufPool::builder().name(name).build();
    let sizes: Vec<usize> = pool.class_stats().iter().map(|&(s, _)| s).collect();
    let expected: Vec<usize> = (6..=20).map(|bits| 1 << bits).collect();
    assert_eq!(sizes, expected);
    assert_eq!((pool.smallest_class(), pool.largest_class()), (64, MIB));
    for (size, max_idle) in [
        (64, 256),
        (4096, 256),
        (8192, 128),
        (64 * KIB, 16),
        (MIB, 2),
    ] {
        let listed = listed_max_idle(name);
        let entry = listed
            .iter()
            .find(|(n, _)| n == &format!("{name} {}", label(size)))
            .unwrap();
        assert_eq!(entry.1, max_idle, "class {size}");
    }
    assert_eq!(pool.idle_bytes_bound(), 23_033_856);
    assert_eq!(BufPool::new().idle_bytes_bound(), 23_033_856);
}

#[test]
fn the_builder_sets_classes_and_each_class_bound() {
    let name = "buf test: builder";
    let pool = BufPool::builder()
        .smallest_class(100) // rounded up to 128
        .largest_class(5000) // rounded up to 8192
        .class_max_idle(1000, 3) // the 1 KiB class
        .max_idle(9) // every other class, whatever the order
        .name(name)
        .build();
    let sizes: Vec<usize> = pool.class_stats().iter().map(|&(s, _)| s).collect();
    assert_eq!(sizes, [128, 256, 512, 1024, 2048, 4096, 8192]);
    let listed = listed_max_idle(name);
    for (size, expected) in [(128, 9), (1024, 3), (8192, 9)] {
        let entry = listed
            .iter()
            .find(|(n, _)| n == &format!("{name} {}", label(size)))
            .unwrap();
        assert_eq!(entry.1, expected, "class {size}");
    }
    let held: Vec<_> = (0..20).map(|_| pool.get(1024)).collect();
    drop(held);
    assert_eq!(class(&pool, 1024).idle, 3);
}

#[test]
#[should_panic(expected = "below the smallest")]
fn a_largest_class_below_the_smallest_is_refused() {
    let _ = BufPool::builder()
        .smallest_class(4096)
        .largest_class(1024)
        .build();
}

#[test]
#[should_panic(expected = "no class serves")]
fn a_class_max_idle_above_the_largest_class_is_refused() {
    let _ = BufPool::builder()
        .largest_class(4096)
        .class_max_idle(8192, 1)
        .build();
}

#[test]
fn global_is_one_pool_for_the_whole_process() {
    let here: &'static BufPool = BufPool::global();
    let there = thread::spawn(|| BufPool::global() as *const BufPool as usize)
        .join()
        .unwrap();
    assert_eq!(here as *const BufPool as usize, there);
    assert!(std::ptr::eq(here, BufPool::global()));
    // Its guards are `'static` and `Send`: they move to other threads.
    let mut buf = here.get(100);
    buf.push(1);
    thread::spawn(move || assert_eq!(buf, [1u8]))
        .join()
        .unwrap();
    let names: Vec<String> = pool_core::pools()
        .into_iter()
        .map(|info| info.name.to_string())
        .collect();
    assert!(
        names.iter().any(|n| n == "BufPool::global 64 B"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n == "BufPool::global 1 MiB"),
        "{names:?}"
    );
}

#[test]
fn an_owned_guard_moves_to_another_thread_and_comes_back_to_its_class() {
    fn owned_and_sendable<T: Send + 'static>(value: T) -> T {
        value
    }
    let pool = Arc::new(BufPool::new());
    let mut buf = owned_and_sendable(pool.get_owned(5000));
    buf.extend_from_slice(b"written here, ");
    let len = thread::spawn(move || {
        write!(buf, "and there").unwrap();
        assert_eq!(OwnedPooledBuf::pool(&buf).largest_class(), MIB);
        buf.len()
    })
    .join()
    .unwrap();
    assert_eq!(len, 23);
    let stats = class(&pool, 8192);
    assert_eq!((stats.created, stats.returned, stats.idle), (1, 1, 1));
    let again = pool.get_owned(8192);
    assert!(again.is_empty(), "reset before it was kept");
    drop(again);
    assert_all_settled(&pool);
}

#[test]
fn trim_and_clear_reach_every_class() {
    let pool = BufPool::builder().largest_class(64 * KIB).build();
    let fill = |pool: &BufPool| {
        let held: Vec<_> = pool
            .class_stats()
            .iter()
            .map(|&(size, _)| pool.get(size))
            .collect();
        drop(held);
        assert!(pool.class_stats().iter().all(|(_, s)| s.idle == 1));
    };
    fill(&pool);
    pool.trim();
    assert!(
        pool.class_stats().iter().all(|(_, s)| s.idle == 1),
        "victims, not gone"
    );
    pool.trim();
    assert!(pool
        .class_stats()
        .iter()
        .all(|(_, s)| (s.idle, s.idle_bytes, s.trimmed) == (0, 0, 1)));
    fill(&pool);
    pool.clear();
    assert!(pool
        .class_stats()
        .iter()
        .all(|(_, s)| (s.idle, s.trimmed) == (0, 2)));
    assert_all_settled(&pool);
}

#[test]
fn the_classes_are_listed_in_pools_until_the_pool_is_dropped() {
    let name = "buf test: listed";
    let pool = BufPool::builder().largest_class(4096).name(name).build();
    let names: Vec<String> = listed_max_idle(name).into_iter().map(|(n, _)| n).collect();
    let mut expected: Vec<String> = ["64 B", "128 B", "256 B", "512 B", "1 KiB", "2 KiB", "4 KiB"]
        .iter()
        .map(|size| format!("{name} {size}"))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    drop(pool.get(1000));
    let info = pool_core::pools()
        .into_iter()
        .find(|info| info.name == format!("{name} 1 KiB"))
        .unwrap();
    assert_eq!((info.stats.idle, info.stats.idle_bytes), (1, 1024));
    assert!(pool_core::report()
        .to_string()
        .contains("buf test: listed 1 KiB"));
    drop(pool);
    assert!(listed_max_idle(name).is_empty(), "listed after its drop");
}

#[test]
fn detach_and_discard_are_counted_in_the_class() {
    let pool = BufPool::new();
    let mut buf = pool.get(200);
    buf.extend_from_slice(b"kept");
    let kept = PooledBuf::detach(buf);
    assert_eq!(kept, b"kept");
    PooledBuf::discard(pool.get(200));
    let stats = class(&pool, 256);
    assert_eq!((stats.detached, stats.discarded, stats.idle), (1, 1, 0));
    assert_eq!(PooledBuf::detach(pool.get(2 * MIB)).capacity(), 2 * MIB);
    assert_all_settled(&pool);
}

#[test]
fn owned_guards_detach_and_discard_like_borrowed_ones_and_let_go_of_the_pool() {
    let pool = Arc::new(BufPool::new());
    let mut buf = pool.get_owned(200);
    buf.extend_from_slice(b"kept");
    assert_eq!(Arc::strong_count(&pool), 2);
    assert_eq!(OwnedPooledBuf::detach(buf), b"kept");
    OwnedPooledBuf::discard(pool.get_owned(200));
    let big = OwnedPooledBuf::detach(pool.get_owned(2 * MIB));
    assert_eq!(big.capacity(), 2 * MIB);
    OwnedPooledBuf::discard(pool.get_owned(2 * MIB));
    // Every guard gave its clone of the `Arc` back, and only the class's buffers were counted.
    assert_eq!(Arc::strong_count(&pool), 1);
    let stats = class(&pool, 256);
    assert_eq!((stats.detached, stats.discarded, stats.idle), (1, 1, 0));
    assert_eq!(
        (
            pool.stats().detached,
            pool.stats().discarded,
            pool.oversized()
        ),
        (1, 1, 2)
    );
    assert_all_settled(&pool);
}

#[test]
fn a_guard_is_no_larger_than_three_words() {
    // The pool, its class and the buffer's box: what a get hands back and a return reads, kept
    // small so that it stays in registers (the class's size lives with the class).
    let word = std::mem::size_of::<usize>();
    assert!(std::mem::size_of::<PooledBuf<'static>>() <= 3 * word);
    assert!(std::mem::size_of::<Option<PooledBuf<'static>>>() <= 3 * word);
}

#[test]
fn a_guard_acts_like_its_bytes() {
    let pool = BufPool::new();
    let mut buf = pool.get(16);
    write!(buf, "abc").unwrap();
    assert!(buf == *b"abc" && buf == b"abc"[..] && buf == vec![b'a', b'b', b'c']);
    assert_eq!(format!("{buf:?}"), "[97, 98, 99]");
    let bytes: &[u8] = buf.as_ref();
    assert_eq!(bytes, b"abc");
    // `Borrow<[u8]>` and `Hash` agree, so a map keyed by guards can be looked up by bytes.
    let hash = |value: &dyn Fn(&mut DefaultHasher)| {
        let mut hasher = DefaultHasher::new();
        value(&mut hasher);
        hasher.finish()
    };
    let borrowed: &[u8] = buf.borrow();
    assert_eq!(hash(&|h| buf.hash(h)), hash(&|h| borrowed.hash(h)));
    assert_eq!(hash(&|h| buf.hash(h)), hash(&|h| b"abc"[..].hash(h)));
}
