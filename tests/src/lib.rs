//! Helpers shared by the integration tests in `tests/`, written once here as tokio's
//! `tests/support/` does:
//!
//! - [`assert_balanced`] and [`assert_settled`] check the identity a pool's
//!   [`PoolStats`](pool_core::PoolStats) keep;
//! - [`Counted`] is a pooled value that counts how many of its kind were made and dropped;
//!   [`Tracked`] one that counts into its test's own [`Counts`], keeps a serial number and can
//!   panic in `Drop`;
//! - [`CountingAlloc`] is a global allocator that counts what each thread allocates; a test file
//!   that measures allocations installs it itself;
//! - [`run_child`] and [`is_child`] run a scenario that could abort the process in a child
//!   process.
//!
//! Each test file is its own binary whose tests run in parallel on threads of one process, so
//! nothing here counts across tests: [`Counted`] keeps apart counters per `ID`, and
//! [`CountingAlloc`] counts per thread.

mod alloc;
mod balance;
mod child;
mod counted;
mod tracked;

pub use alloc::CountingAlloc;
pub use balance::{assert_balanced, assert_settled};
pub use child::{is_child, run_child};
pub use counted::Counted;
pub use tracked::{Counts, Tracked};
