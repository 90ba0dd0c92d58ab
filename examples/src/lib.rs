//! Helpers shared by the example programs of pool-core: a counting global allocator, table
//! printing, argument parsing, a small random number generator and pool statistics arithmetic.
//!
//! The programs themselves are in `examples/examples/`; run one with
//! `cargo run --release -p pool-examples --example task_queue`.
//!
//! Linking this crate installs [`CountingAlloc`] as the global allocator, so every program (and
//! the smoke test) can measure the allocations a piece of code makes:
//!
//! ```
//! let before = pool_examples::alloc::snapshot();
//! let v: Vec<u8> = Vec::with_capacity(100);
//! let spent = pool_examples::alloc::snapshot().since(&before);
//! assert!(spent.allocations >= 1 && spent.bytes >= 100);
//! drop(v);
//! ```

pub mod alloc;
pub mod args;
pub mod rng;
pub mod stats;
pub mod table;

pub use alloc::CountingAlloc;

/// The allocator of every program that links this crate: the system allocator, counted.
#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;
