//! Object pools that cannot hand out dirty values.
//!
//! Pooling temporary objects (request buffers, task structs, log entries, parser scratch space)
//! saves allocations, but hand-rolled pools are easy to get wrong: a value goes back without being
//! reset, a field added later is never reset, the pool keeps its largest buffers for ever, a
//! single mutex makes the pool slower than allocating. This crate answers each of them:
//!
//! - [`Reset`] puts a value back in its pristine state and keeps its allocations;
//!   `#[derive(Reset)]` writes it for every field, and a field that cannot be reset does not
//!   compile.
//! - [`Poolable`] is a `Reset` type the pool can create and share between threads;
//!   `#[derive(Poolable)]` implements both traits.
//! - [`Shrink`] backs `#[pool(max_capacity = N)]` and [`PoolBuilder::max_capacity`], which stop
//!   one huge request from pinning a huge buffer in the pool.
//! - [`BufPool`] is a pool of `Vec<u8>` of every size, in power-of-two classes filed by capacity.
//!
//! Every `#[pool(..)]` option of the derives, with an example each, is in [`attributes`].
//!
//! # Example
//!
//! ```
//! use pool_core::{Poolable, Reset};
//!
//! #[derive(Poolable)]
//! struct Task {
//!     id: u64,
//!     data: Vec<u8>,
//!     tags: Vec<String>,
//!     note: Option<String>,
//!     scratch: [u8; 64],
//! }
//!
//! # impl Default for Task {
//! #     fn default() -> Self {
//! #         Task { id: 0, data: Vec::new(), tags: Vec::new(), note: None, scratch: [0; 64] }
//! #     }
//! # }
//! let mut task = Task::create();
//! task.id = 7;
//! task.data.extend_from_slice(b"payload");
//! task.note = Some("urgent".to_owned());
//! task.scratch[0] = 1;
//!
//! task.reset();
//! assert_eq!(task.id, 0);
//! assert!(task.data.is_empty() && task.data.capacity() >= 7);
//! assert_eq!(task.note, None);
//! assert_eq!(task.scratch, [0; 64]);
//! ```
//!
//! # Features
//!
//! - `derive` (default): `#[derive(Reset)]` and `#[derive(Poolable)]`.
//! - `bytes`: `BytesMut` is `Reset` (cleared, capacity kept), `Poolable` and `Shrink`; `BytesMut`
//!   cannot shrink in place, so `max_capacity` swaps an oversized buffer for one of
//!   `max_capacity` bytes.
//! - `smallvec`: `SmallVec<A>` is `Reset`, `Poolable` and `Shrink` (never below its inline
//!   capacity).
//! - `arrayvec`: `ArrayVec<T, CAP>` and `ArrayString<CAP>` are `Reset` and `Poolable` (no
//!   `Shrink`: their capacity is fixed).
//! - `hashbrown` (Rust 1.85+, as hashbrown 0.17 needs): `HashMap` and `HashSet` with any `S: BuildHasher + Default` are
//!   `Reset`, `Poolable` and `Shrink`; `HashTable` is `Reset` and `Poolable`.
//! - `indexmap` (Rust 1.85+ with indexmap's newest release): `IndexMap` and `IndexSet` with any `S: BuildHasher + Default` are `Reset`,
//!   `Poolable` and `Shrink`.
//!
//! Each feature is named after its crate and supports that crate's current major version. Without
//! a feature, `[T; N]`, `Box<T>` and `io::Cursor<T>` are poolable whenever `T` is, so
//! `Pool<[u8; 4096]>`, `Pool<Box<[u8; 4096]>>` and `Pool<Cursor<Vec<u8>>>` work as they are.
//!
//! # Safety and correctness
//!
//! The crate's `unsafe` code, each block with a `// SAFETY:` comment, rests on two contracts,
//! each stated once as an `unsafe fn`'s `# Safety`:
//!
//! - **A cache is claimed fast only by its own thread.** `registry.rs` is the thread-local table
//!   through which a get or a return finds this thread's cache for a pool without a lock or a
//!   `RefCell` borrow: raw pointers to caches that the table owns, indexed by the pool's id,
//!   which names at most one live pool at a time (`registry::with_fast`). `claim.rs` and
//!   `cache.rs` are the claim that keeps a cache's data to one thread at a time: the owner takes
//!   it with plain stores and a load (`Claim::try_hold_own`, `Cache::pop_fast`, `push_fast`,
//!   `hold_own`), other threads with a compare-exchange and a process-wide barrier. `pool.rs`
//!   calls these `unsafe fn`s on the get and return paths, each call given this thread's own
//!   cache, from the table or from `registry::cache_for`.
//! - **The barrier pairs with the owner's light claim.** `barrier.rs`, on Linux the
//!   `membarrier(2)` system call, so the owner's get and return need no locked instruction.
//!   Setting `POOL_CORE_NO_MEMBARRIER` in the environment (for threads on isolated cores that
//!   must not be interrupted) makes owners claim with a full fence instead, as every owner does
//!   off Linux.
//!
//! And three local ones: `sync.rs` dereferences a cache's data pointer for a caller that holds
//! the claim; `guard.rs` and `buf_guard.rs` take a guard's `ManuallyDrop` value out exactly once;
//! `shared.rs` issues a prefetch hint for the values a refill brings (x86-64), which reads no
//! memory the program sees and cannot fault.
//!
//! The invariants (the slot equation that makes `max_idle` a hard bound across threads, the lock
//! order, trim generations, exact statistics) are stated once in the crate's `DESIGN.md`.
//! What checks them: loom models that drive the real [`Pool`] on modelled threads
//! (`RUSTFLAGS="--cfg loom"`, `src/loom_models.rs`), each ending with the slot equation and
//! balanced counts; integration tests of every thread-crossing promise (parked threads' caches
//! in `stats`, `idle`, `trim`, `clear` and drop; stranded budgets; panics at thread exit); a
//! million-operation stress test with trims racing it; a counting allocator for the
//! no-allocation promise; and the pool tests under Miri and AddressSanitizer.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod barrier;
mod budget;
mod buf_builder;
mod buf_guard;
mod buf_pool;
mod builder;
mod cache;
mod claim;
mod depot;
mod directory;
mod ext;
mod generation;
mod guard;
mod id;
mod pool;
mod poolable;
mod recycle;
mod registry;
mod report;
mod reset;
mod shared;
mod shrink;
mod size_class;
mod stats;
mod sync;
mod timer;
mod trash;

#[cfg(all(test, loom))]
mod loom_models;

#[doc = include_str!("../docs/attributes.md")]
pub mod attributes {}

pub use buf_builder::BufPoolBuilder;
pub use buf_guard::{OwnedPooledBuf, PooledBuf};
pub use buf_pool::BufPool;
pub use builder::{PoolBuilder, ResetWith};
pub use directory::{clear_all, pools, trim_all, PoolInfo};
pub use guard::{OwnedPooled, Pooled};
pub use pool::{Pool, DEFAULT_MAX_IDLE};
pub use recycle::{FnRecycle, Recycle, TraitRecycle};
pub use report::{report, Report};

/// A pool of a type that is not [`Poolable`], built with [`PoolBuilder::reset_with`] and
/// [`PoolBuilder::create_with`]: its guards reset values with the given function.
///
/// ```
/// use std::collections::HashMap;
/// use pool_core::{FnPool, PoolBuilder};
///
/// // A type with no `Reset` or `Poolable` impl (as if from another crate).
/// struct Session {
///     headers: HashMap<String, String>,
///     authenticated: bool,
/// }
///
/// let sessions: FnPool<Session> = PoolBuilder::new()
///     .max_idle(32)
///     .create_with(|| Session { headers: HashMap::with_capacity(16), authenticated: false })
///     .reset_with(|s: &mut Session| {
///         s.headers.clear();
///         s.authenticated = false;
///     })
///     .build();
/// let mut s = sessions.get();
/// s.headers.insert("host".into(), "example.org".into());
/// s.authenticated = true;
/// drop(s);
/// let s = sessions.get();
/// assert!(s.headers.is_empty() && !s.authenticated);
/// assert_eq!(sessions.stats().reused, 1);
/// ```
pub type FnPool<T> = Pool<T, FnRecycle<T>>;
pub use poolable::Poolable;
pub use reset::Reset;
pub use shrink::Shrink;
pub use stats::PoolStats;
pub use timer::{trim_every, TrimTimer};

#[cfg(feature = "derive")]
pub use pool_derive::Reset;

#[cfg(feature = "derive")]
pub use pool_derive::Poolable;

/// The README's examples, compiled and run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
