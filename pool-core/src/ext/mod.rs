//! `Reset`, `Poolable` and `Shrink` for types beyond the basics: more of std's, and, behind
//! features, the ecosystem's.

mod std;
