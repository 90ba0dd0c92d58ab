//! Reserved for items the derive's generated code may need. Not a public API: it may change in
//! any release.
//!
//! It is empty on purpose. The derives' generated code names only pool-core's public traits and
//! keeps its own helpers (the traits whose `#[diagnostic::on_unimplemented]` words a missing
//! `Default`) inside the derive's output. A helper here would show up in users' compiler errors
//! as `pool_core::__private::..`, with a path into this file, and so in their compile-fail
//! snapshots, which any change here would then break.
