//! The derived `Reset` against a hand-written one on the task struct:
//! `cargo bench -p pool-core --bench reset`. The target is derived / hand-written <= 1.05.
//!
//! Both structs have the same fields and go through the same dirtying (the `dirty!` macro), so
//! the only difference measured is the reset. Two groups:
//! - `dirty_then_reset`: dirty every field (512 bytes of data, one tag, a note, the scratch
//!   array), then reset: the work a pooled task sees per use;
//! - `reset_only`: reset an already pristine task, which isolates the reset code itself.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use pool_core::Reset;

/// The task, reset by the derive.
#[derive(Reset)]
struct Derived {
    id: u64,
    data: Vec<u8>,
    tags: Vec<String>,
    note: Option<String>,
    scratch: [u8; 64],
}

/// The same task, reset by hand the way one would write it.
struct Hand {
    id: u64,
    data: Vec<u8>,
    tags: Vec<String>,
    note: Option<String>,
    scratch: [u8; 64],
}

impl Reset for Hand {
    #[inline]
    fn reset(&mut self) {
        self.id = 0;
        self.data.clear();
        self.tags.clear();
        self.note = None;
        self.scratch = [0; 64];
    }
}

/// A fresh task with the 4096-byte data buffer.
macro_rules! task {
    ($ty:ident) => {
        $ty {
            id: 0,
            data: Vec::with_capacity(4096),
            tags: Vec::with_capacity(8),
            note: None,
            scratch: [0; 64],
        }
    };
}

/// Dirties every field, identically for both structs.
macro_rules! dirty {
    ($task:expr, $i:expr, $payload:expr) => {{
        let task = &mut $task;
        task.id = $i;
        task.data.extend_from_slice($payload);
        task.tags.push(String::from("tag"));
        task.note = Some(String::from("note"));
        task.scratch[($i as usize) % 64] = 1;
    }};
}

fn dirty_then_reset(c: &mut Criterion) {
    let payload = [7u8; 512];
    let mut group = c.benchmark_group("dirty_then_reset");
    group.bench_function("derived", |b| {
        let mut task = task!(Derived);
        let mut i = 0u64;
        b.iter(|| {
            i = i.wrapping_add(1);
            dirty!(task, i, &payload);
            black_box(&mut task).reset();
        });
    });
    group.bench_function("hand_written", |b| {
        let mut task = task!(Hand);
        let mut i = 0u64;
        b.iter(|| {
            i = i.wrapping_add(1);
            dirty!(task, i, &payload);
            black_box(&mut task).reset();
        });
    });
    group.finish();
}

fn reset_only(c: &mut Criterion) {
    let mut group = c.benchmark_group("reset_only");
    group.bench_function("derived", |b| {
        let mut task = task!(Derived);
        b.iter(|| black_box(&mut task).reset());
    });
    group.bench_function("hand_written", |b| {
        let mut task = task!(Hand);
        b.iter(|| black_box(&mut task).reset());
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = dirty_then_reset, reset_only
}
criterion_main!(benches);
