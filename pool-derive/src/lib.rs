//! `#[derive(Reset)]` and `#[derive(Poolable)]` for [pool-core](https://docs.rs/pool-core).
//!
//! Use them through pool-core, which re-exports both under its default `derive` feature:
//! `use pool_core::{Poolable, Reset};`.
//!
//! - `#[derive(Reset)]` implements `Reset`: `reset` puts every field back in its pristine state
//!   by the field type's own `Reset`, keeping allocations (a `Vec` is cleared, not freed). A
//!   field whose type has no `Reset` does not compile; the error is at the field and names the
//!   way out.
//! - `#[derive(Poolable)]` implements `Poolable` **and** `Reset`. Derive one or the other, not
//!   both: `#[derive(Reset, Poolable)]` implements `Reset` twice, and the compiler reports
//!   "conflicting implementations of trait `Reset`" at the two derive names.
//!
//! ```
//! use pool_core::{Poolable, Reset};
//!
//! #[derive(Poolable, Default)]
//! struct Task {
//!     id: u64,
//!     data: Vec<u8>,
//!     note: Option<String>,
//! }
//!
//! let mut task = Task::create();
//! task.id = 7;
//! task.data.extend_from_slice(b"payload");
//! task.note = Some("urgent".to_owned());
//! task.reset();
//! assert_eq!((task.id, task.data.len(), task.note), (0, 0, None));
//! assert!(task.data.capacity() >= 7); // the buffer is kept for the next user
//! ```
//!
//! # Field options
//!
//! | option | effect |
//! |---|---|
//! | *(none)* | the field's own `Reset` |
//! | `#[pool(skip)]` | left as is (a handle, an id that outlives uses, ...) |
//! | `#[pool(default)]` | assigned `Default::default()` (drops its allocations) |
//! | `#[pool(reset_with = path)]` | `path(&mut field)`, a `fn(&mut FieldType)` |
//! | `#[pool(max_capacity = N)]` | reset, then shrunk to capacity `N` if larger (`Vec`, `VecDeque`, `String`, `HashMap`, `HashSet`, `BinaryHeap`; a hash table may round `N` up) |
//!
//! `reset_with` and `max_capacity` combine (the function resets, then the field shrinks); the
//! other options exclude each other.
//!
//! ```
//! use std::rc::Rc;
//! use pool_core::Reset;
//!
//! fn rewind(cursor: &mut usize) {
//!     *cursor = 0;
//! }
//!
//! #[derive(Reset)]
//! struct Parser {
//!     #[pool(skip)]
//!     config: Rc<String>,          // shared, read-only: kept
//!     #[pool(default)]
//!     depth_limit: Option<u32>,    // back to `None`
//!     #[pool(reset_with = rewind)]
//!     cursor: usize,               // `rewind(&mut self.cursor)`
//!     #[pool(max_capacity = 4096)]
//!     buf: Vec<u8>,                // cleared, and shrunk if a big input grew it
//! }
//!
//! let mut parser = Parser {
//!     config: Rc::new("strict".to_owned()),
//!     depth_limit: Some(8),
//!     cursor: 12,
//!     buf: vec![0; 1 << 20],
//! };
//! parser.reset();
//! assert_eq!(*parser.config, "strict");
//! assert_eq!((parser.depth_limit, parser.cursor), (None, 0));
//! assert!(parser.buf.is_empty() && parser.buf.capacity() <= 4096);
//! ```
//!
//! # Type options
//!
//! | option | effect |
//! |---|---|
//! | `#[pool(new = path)]` | `Poolable::create` calls `path()` (otherwise `Default::default()`) |
//! | `#[pool(crate = path)]` | generated code names pool-core as `path` (for crates that re-export it) |
//! | `#[pool(bound = "T: Reset, ...")]` | replaces the inferred where-clause predicates |
//! | `#[pool(global)]` | `Type::pool()`, a `static` `Pool<Type>` (non-generic `Poolable` types only) |
//! | `#[pool(global(max_idle = N))]` | the same, keeping at most `N` idle values |
//!
//! ```
//! use pool_core::{Poolable, Reset};
//!
//! fn with_room() -> Scratch {
//!     Scratch { lines: Vec::with_capacity(64) }
//! }
//!
//! #[derive(Poolable)]
//! #[pool(new = with_room)]
//! struct Scratch {
//!     lines: Vec<String>,
//! }
//!
//! assert!(Scratch::create().lines.capacity() >= 64);
//! ```
//!
//! # Shapes
//!
//! Named, tuple and unit structs; and enums, which reset to the variant marked `#[default]` (a
//! unit variant, or one whose fields all implement `Default`). An enum that already is its
//! default variant resets that variant's fields in place, keeping their allocations.
//!
//! ```
//! use pool_core::Reset;
//!
//! #[derive(Reset, Debug, PartialEq)]
//! enum Body {
//!     #[default]
//!     Bytes(Vec<u8>),
//!     Text(String),
//! }
//!
//! let mut body = Body::Bytes(Vec::with_capacity(100));
//! body.reset();
//! assert!(matches!(&body, Body::Bytes(bytes) if bytes.capacity() >= 100));
//!
//! let mut body = Body::Text("hello".to_owned());
//! body.reset();
//! assert_eq!(body, Body::Bytes(Vec::new()));
//! ```
//!
//! # Generics
//!
//! Bounds are inferred per field type: a field of type `Vec<T>` adds `Vec<T>: Reset`, which
//! holds for every `T`, so `T` itself needs no bound. `#[derive(Poolable)]` also needs every
//! field `Send`, every type parameter `'static`, and (without `new`) `Self: Default`.
//!
//! ```
//! use pool_core::Reset;
//!
//! #[derive(Reset)]
//! struct Batch<T> {
//!     items: Vec<T>,
//! }
//!
//! struct NotReset;
//! let mut batch = Batch { items: vec![NotReset] };
//! batch.reset();
//! assert!(batch.items.is_empty());
//! ```
//!
//! # Errors
//!
//! Every mistake gives one error at the field, option or parameter at fault: a field type
//! without `Reset`, a non-`Send` field or a lifetime parameter on a `Poolable` type, a union, an
//! enum without `#[default]`, an unknown, repeated or conflicting option, `max_capacity` on a type
//! that cannot shrink, a `reset_with` function of the wrong signature, a `Poolable` type with
//! neither `Default` nor `new`, and `global` on a generic type.
#![forbid(unsafe_code)]

mod ast;
mod attr;
mod bound;
mod callable;
mod ctxt;
mod expand;
mod respan;
mod symbol;
mod validate;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

use crate::ast::Derive;

/// Derives `pool_core::Reset`: every field reset by its own `Reset`, unless a `#[pool(..)]`
/// option says otherwise. See the [crate documentation](crate) for the options.
#[proc_macro_derive(Reset, attributes(pool, default))]
pub fn derive_reset(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Derive::Reset).into()
}

/// Derives `pool_core::Poolable` and `pool_core::Reset`. See the [crate documentation](crate)
/// for the options.
#[proc_macro_derive(Poolable, attributes(pool, default))]
pub fn derive_poolable(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Derive::Poolable).into()
}
