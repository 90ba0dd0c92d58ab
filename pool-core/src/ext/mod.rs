//! `Reset`, `Poolable` and `Shrink` for types beyond the basics: more of std's, and, behind
//! features, the ecosystem's.
//!
//! One file per crate, each compiled only with the pool-core feature named for that crate; the
//! impls carry `doc(cfg)` so docs.rs shows which feature they need, and
//! `#[diagnostic::do_not_recommend]` so they stay out of rustc's "the following other types
//! implement trait" lists.

mod std;

#[cfg(feature = "arrayvec")]
mod arrayvec;
#[cfg(feature = "bytes")]
mod bytes;
#[cfg(feature = "hashbrown")]
mod hashbrown;
#[cfg(feature = "indexmap")]
mod indexmap;
#[cfg(feature = "smallvec")]
mod smallvec;
