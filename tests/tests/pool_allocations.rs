//! After warm-up, a get, a write and a return allocate nothing, on one thread and across threads:
//! checked with a counting global allocator (a count, not a timing, so it is deterministic).

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
    let stats = pool.stats();
    // A value made is two allocations (its box and its 1 KiB buffer), and the working set may
    // still grow after warm-up (to the 64 values two batches hold); the pool's own work
    // allocates nothing, on either side.
    let made = stats.created - created_at_warm;
    assert_eq!(
        (steady, consumer_steady),
        (2 * made, 0),
        "allocations by the gets (producer) and returns (consumer) after warm-up: {stats:?}"
    );
    assert!(
        stats.created <= 2 * BATCH as u64 && stats.discarded == 0,
        "more values made than two batches hold, for {} hand-offs: {stats:?}",
        (WARM_UP + ROUNDS) * BATCH
    );
}
