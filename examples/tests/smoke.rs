//! Runs every example's code at a tiny size, so `cargo test --workspace` keeps the examples
//! working. Each example file is compiled here as a module: the test calls the same functions
//! its `main` does.
//!
//! The tests hold one lock while they run, so the process-wide allocation counts each example
//! reads are not mixed with another test's.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

#[allow(dead_code)] // `main` and the printing run only in the example binary
#[path = "../examples/task_queue.rs"]
mod task_queue;

#[allow(dead_code)]
#[path = "../examples/http_buffers.rs"]
mod http_buffers;

#[allow(dead_code)]
#[path = "../examples/capped_pool.rs"]
mod capped_pool;

#[allow(dead_code)]
#[path = "../examples/size_classes.rs"]
mod size_classes;

#[allow(dead_code)]
#[path = "../examples/log_entries.rs"]
mod log_entries;

#[allow(dead_code)]
#[path = "../examples/when_not_to_pool.rs"]
mod when_not_to_pool;

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

#[test]
fn task_queue_pools_tasks_and_allocates_less() {
    let _serial = serial();
    let config = task_queue::Config {
        tasks: 2_000,
        workers: 2,
        rounds: 1,
    };
    let report = task_queue::run(config);
    assert_eq!(report.pool.created + report.pool.reused, 2_000);
    assert!(report.pool.hit_rate() > 0.5, "{:?}", report.pool);
    assert_eq!(report.pool.in_use, 0);
    assert!(report.pooled.allocs.allocations < report.unpooled.allocs.allocations);
    let (speed, pool) = task_queue::tables(&report);
    assert_eq!((speed.rows().len(), pool.rows().len()), (2, 1));
}

#[test]
fn http_buffers_serves_every_request_from_the_pool() {
    let _serial = serial();
    let runs = http_buffers::run(40).expect("loopback server and client");
    assert_eq!(runs.len(), 2);
    let pooled = &runs[1];
    let stats = pooled.pool.expect("the pooled run has stats");
    assert_eq!(stats.created + stats.reused, 40);
    assert!(stats.reused > 0);
    // The percentiles come from a sorted list, so `p50 <= p99` holds of any list, an empty one
    // included (both zero): check they were measured, each a request's time within the run's.
    for run in &runs {
        assert!(
            Duration::ZERO < run.p50 && run.p50 <= run.p99 && run.p99 <= run.elapsed,
            "{}: p50 {:?}, p99 {:?}, run {:?}",
            run.name,
            run.p50,
            run.p99,
            run.elapsed
        );
    }
    assert!(pooled.server.allocations < runs[0].server.allocations);
}

#[test]
fn capped_pool_keeps_pooling_where_the_naive_pool_stops() {
    let _serial = serial();
    let windows = capped_pool::compare(100);
    let last = windows.last().expect("at least one window");
    assert_eq!(last.naive_hit_rate, 0.0);
    assert_eq!(last.pool_hit_rate, 1.0);
    assert_eq!(last.pool_allocs, 0);
}

#[test]
fn capped_pool_burst_is_bounded_and_trimmed_away() {
    let _serial = serial();
    let steps = capped_pool::burst_and_trim(1_000);
    assert_eq!(steps[1].idle, 64, "{steps:?}");
    assert_eq!(steps[1].discarded, 1_000 - 64);
    let idle_after_trims: Vec<u64> = steps
        .iter()
        .filter(|s| s.what.starts_with("trim"))
        .map(|s| s.idle)
        .collect();
    assert_eq!(idle_after_trims, [64, 32, 8, 2, 0]);
}

#[test]
fn size_classes_buf_pool_holds_less_than_one_pool_and_allocates_less_than_none() {
    let _serial = serial();
    let (rows, classes) = size_classes::run(1_500);
    assert_eq!(rows.len(), 5);
    let (fresh, uncapped, buf_pool, bounded) = (&rows[0], &rows[1], &rows[3], &rows[4]);
    let idle_bytes = |row: &size_classes::Row| row.stats.expect("a pooled row").idle_bytes;
    assert!(
        idle_bytes(buf_pool) < idle_bytes(uncapped),
        "{buf_pool:?} vs {uncapped:?}"
    );
    assert!(
        buf_pool.allocations < fresh.allocations,
        "{buf_pool:?} vs {fresh:?}"
    );
    assert!(idle_bytes(bounded) <= 4 << 20, "{bounded:?}");
    assert_eq!(classes.len(), 15);
    assert!(classes.iter().all(|(_, stats)| stats.in_use == 0));
}

#[test]
fn log_entries_pools_records() {
    let _serial = serial();
    let report = log_entries::run(log_entries::Config {
        records: 2_000,
        writers: 2,
        rounds: 1,
    });
    assert_eq!(report.pool.created + report.pool.reused, 2_000);
    assert!(report.pooled.allocs.allocations < report.unpooled.allocs.allocations);
    assert_eq!(report.unpooled.bytes_written, report.pooled.bytes_written);
}

#[test]
fn when_not_to_pool_measures_every_way() {
    let _serial = serial();
    let rows = when_not_to_pool::run(1_000);
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.ns_per_op > 0.0));
    let pooled = rows.iter().filter(|r| r.how == "Pool::get");
    assert!(pooled.into_iter().all(|r| r.allocs_per_op == 0.0));
}
