//! After warm-up, a get, a write and a return allocate nothing, on one thread and across threads:
//! checked with a counting global allocator (a count, not a timing, so it is deterministic).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;

use pool_core::{OwnedPooled, Pool, Poolable};
use pool_tests::CountingAlloc;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn allocations_during(f: impl FnOnce()) -> u64 {
    ALLOC.allocations_during(f)
}

#[derive(Poolable)]
#[pool(new = Task::sized)]
struct Task {
    id: u64,
    data: Vec<u8>,
    scratch: [u8; 64],
    note: Option<&'static str>,
}

impl Task {
    fn sized() -> Self {
        Task {
            id: 0,
            data: Vec::with_capacity(4096),
            scratch: [0; 64],
            note: None,
        }
    }
}

#[test]
fn warm_gets_and_returns_allocate_nothing() {
    let pool: Pool<Vec<u8>> = Pool::builder()
        .create_with(|| Vec::with_capacity(1024))
        .build();
    for _ in 0..100 {
        drop(pool.get()); // warm up: the cache and its slots
    }
    let n = allocations_during(|| {
        for _ in 0..10_000 {
            let mut buf = pool.get();
            buf.extend_from_slice(&[1; 16]);
        }
    });
    assert_eq!(n, 0, "allocations per 10,000 get + write + return");
}

#[test]
fn warm_bursts_of_a_derived_type_allocate_nothing() {
    static TASKS: Pool<Task> = Pool::new();
    let mut held = Vec::with_capacity(64);
    let burst = |held: &mut Vec<_>| {
        for i in 0..64 {
            let mut task = TASKS.get();
            task.id = i;
            task.data.extend_from_slice(&[7; 512]);
            task.scratch[0] = 1;
            task.note = Some("urgent");
            held.push(task);
        }
        held.clear();
    };
    burst(&mut held);
    burst(&mut held);
    let n = allocations_during(|| {
        for _ in 0..100 {
            burst(&mut held);
        }
    });
    assert_eq!(n, 0, "allocations per 100 bursts of 64 tasks");
}

#[test]
fn warm_producer_consumer_hand_offs_allocate_nothing() {
    // Values taken on one thread and returned on another, in batches of 32 through a bounded
    // channel (the batches' vectors go back and forth, so the test itself allocates nothing
    // after warm-up): the consumer's returns spill and reclaim slots, the producer's gets refill
    // from the depot and steal from the consumer's cache. None of it may allocate.
    const BATCH: usize = 32;
    const WARM_UP: usize = 50;
    const ROUNDS: usize = 500;
    type Batch = Vec<OwnedPooled<Vec<u8>>>;
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(
        Pool::builder()
            .max_idle(64)
            .create_with(|| Vec::with_capacity(1024))
            .build(),
    );
    let (to_consumer, full) = mpsc::sync_channel::<Batch>(2);
    let (to_producer, empty) = mpsc::sync_channel::<Batch>(2);
    for _ in 0..2 {
        to_producer.send(Vec::with_capacity(BATCH)).unwrap();
    }
    let consumer = thread::spawn(move || {
        let mut steady = 0;
        for round in 0..WARM_UP + ROUNDS {
            let mut batch = full.recv().unwrap();
            let n = allocations_during(|| batch.clear()); // the 32 returns
            if round >= WARM_UP {
                steady += n;
            }
            to_producer.send(batch).unwrap();
        }
        steady
    });
    let mut steady = 0;
    let mut created_at_warm = 0;
    for round in 0..WARM_UP + ROUNDS {
        if round == WARM_UP {
            created_at_warm = pool.stats().created;
        }
        let mut batch = empty.recv().unwrap();
        let n = allocations_during(|| {
            for _ in 0..BATCH {
                let mut buf = pool.get_owned();
                buf.extend_from_slice(&[1; 16]);
                batch.push(buf);
            }
        });
        if round >= WARM_UP {
            steady += n;
        }
        to_consumer.send(batch).unwrap();
    }
    let consumer_steady = consumer.join().unwrap();
    assert_only_new_values_allocate(&pool, created_at_warm, steady, consumer_steady, BATCH);
}

/// Asserts that after warm-up the gets allocated only for the values they made (two
/// allocations each: the box and its 1 KiB buffer; the working set may still grow a little),
/// the returns nothing, and that no more values were made than two rounds of `per_round` hold,
/// none of them dropped for want of room.
#[track_caller]
fn assert_only_new_values_allocate(
    pool: &Pool<Vec<u8>>,
    created_at_warm: u64,
    gets: u64,
    returns: u64,
    per_round: usize,
) {
    let stats = pool.stats();
    let made = stats.created - created_at_warm;
    assert_eq!(
        (gets, returns),
        (2 * made, 0),
        "allocations by the gets and by the returns after warm-up: {stats:?}"
    );
    assert!(
        stats.created <= 2 * per_round as u64 && stats.discarded == 0,
        "more values made than two rounds of {per_round} hold: {stats:?}"
    );
}

#[test]
fn warm_tokio_tasks_holding_owned_guards_across_a_yield_allocate_nothing() {
    // The bench's tokio row: 2 workers, 256 tasks a round, each taking an owned guard, writing
    // into it, holding it across a yield (so it may resume, and return the value, on the other
    // worker) and dropping it. The runtime allocates for every task; the counts below are the
    // gets' and the returns' alone, on whichever worker each ran.
    const TASKS: usize = 256;
    const WARM_UP: usize = 20;
    const ROUNDS: usize = 100;
    let pool: Arc<Pool<Vec<u8>>> = Arc::new(
        Pool::builder()
            .max_idle(2 * TASKS)
            .create_with(|| Vec::with_capacity(1024))
            .build(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let gets = Arc::new(AtomicU64::new(0));
    let returns = Arc::new(AtomicU64::new(0));
    let mut created_at_warm = 0;
    for round in 0..WARM_UP + ROUNDS {
        if round == WARM_UP {
            created_at_warm = pool.stats().created;
            gets.store(0, Ordering::Relaxed);
            returns.store(0, Ordering::Relaxed);
        }
        runtime.block_on(async {
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let (pool, gets, returns) =
                        (Arc::clone(&pool), Arc::clone(&gets), Arc::clone(&returns));
                    tokio::spawn(async move {
                        let mut buf = None;
                        let n = allocations_during(|| buf = Some(pool.get_owned()));
                        gets.fetch_add(n, Ordering::Relaxed);
                        let mut buf = buf.unwrap();
                        buf.extend_from_slice(&[1; 16]);
                        tokio::task::yield_now().await;
                        let n = allocations_during(|| drop(buf));
                        returns.fetch_add(n, Ordering::Relaxed);
                    })
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        });
    }
    let (gets, returns) = (
        gets.load(Ordering::Relaxed),
        returns.load(Ordering::Relaxed),
    );
    assert_only_new_values_allocate(&pool, created_at_warm, gets, returns, TASKS);
}
