//! `#[derive(Reset)]` and `#[derive(Poolable)]` for [pool-core](https://docs.rs/pool-core).
//!
//! Use them through pool-core, which re-exports both under its default `derive` feature:
//! `use pool_core::{Poolable, Reset};`. Every `#[pool(..)]` option is described, with an example,
//! in pool-core's [attribute reference]; in short:
//!
//! - on a field: `skip`, `default`, `reset_with = f` (a function or a closure called with
//!   `&mut field`) and `max_capacity = N`;
//! - on the type: `new = f`, `bound = "..."`, `crate = path`, `global` and
//!   `global(max_idle = N)`;
//! - on an enum: `#[default]` marks the variant a reset goes back to, and the one
//!   `Poolable::create` builds; each of its fields is built with `Default::default()`, or with
//!   `Poolable::create()` if its type has no `Default` (`[u8; 64]`, a type with only `new = f`),
//!   except a `default` field and, in a generic enum, a field whose type names a type parameter,
//!   which are always built with `Default::default()`.
//!
//! Both derives also write `Reset::heap_bytes`, the heap memory a value holds, as the sum over
//! every field: a field with an option, or of an enum's other variant, counts too, by its type's
//! `heap_bytes` if its type is `Reset` and `0` otherwise, with no bound added for it (a type that
//! names a generic parameter counts only where that is certain; see the reference).
//!
//! ```
//! use pool_core::{Poolable, Reset};
//!
//! #[derive(Poolable, Default)]
//! struct Task {
//!     id: u64,
//!     #[pool(max_capacity = 4096)]
//!     data: Vec<u8>,
//!     #[pool(reset_with = |tags| tags.truncate(1))]
//!     tags: Vec<String>,
//! }
//!
//! let mut task = Task::create();
//! task.id = 7;
//! task.data.resize(1 << 20, 0);
//! task.tags.extend(["kind".to_owned(), "urgent".to_owned()]);
//! task.reset();
//! assert_eq!((task.id, task.data.len(), task.tags.len()), (0, 0, 1));
//! assert!(task.data.capacity() <= 4096);
//! // The buffers kept: `data`'s bytes, and `tags`' own buffer (a `Vec` does not look into its
//! // elements, which a reset usually leaves none of).
//! let tags = task.tags.capacity() * std::mem::size_of::<String>();
//! assert_eq!(task.heap_bytes(), task.data.capacity() + tags);
//! ```
//!
//! [attribute reference]: https://docs.rs/pool-core/latest/pool_core/attributes/index.html
#![forbid(unsafe_code)]

// How the derive is built: parse → validate → expand (serde_derive's `internals/`, thiserror's
// `impl/src/`). `symbol.rs` names the option keywords; `attr.rs` parses `#[pool(..)]` and
// resolves a field's options into one `FieldReset` plus an optional shrink (`callable.rs` reads
// the values of `reset_with` and `new`); `ast.rs` is the model and answers the questions later
// phases ask (`default_variant`, `creation`, ...); `validate.rs` holds the rules that involve the
// type's shape; `bound.rs` writes the where-clauses; `expand/` emits the impls, or stub impls
// built from the raw input next to the errors. Every problem is a spanned error collected in
// `ctxt.rs`; nothing panics.

mod ast;
mod attr;
mod bound;
mod callable;
mod ctxt;
mod expand;
mod respan;
mod symbol;
mod validate;

// Generated inputs and what the expansion must do with them (no panic, every error spanned in
// the input), for the property test; `fuzz/src/lib.rs` compiles these two and every module above
// by `#[path]` for the fuzz target (a module added here goes on its list too), and
// `tests/tests/derive_generated.rs` the generator, to compile a sample of its valid inputs.
#[cfg(test)]
mod fuzz_check;
#[cfg(test)]
mod fuzz_gen;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

use crate::ast::Derive;

/// Derives `pool_core::Reset`: `reset` resets every field by its own `Reset`, keeping its
/// allocations, unless a `#[pool(..)]` option says otherwise, and `heap_bytes` sums what every
/// field holds (see the [attribute reference]).
///
/// [attribute reference]: https://docs.rs/pool-core/latest/pool_core/attributes/index.html
#[proc_macro_derive(Reset, attributes(pool, default))]
pub fn derive_reset(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Derive::Reset).into()
}

/// Derives `pool_core::Poolable` and `pool_core::Reset`: `create` calls `Default::default()`,
/// or the function of `#[pool(new = f)]`, or builds an enum's `#[default]` variant, each field
/// with `Default::default()` or, for a type without `Default`, `Poolable::create()`; `Reset` is
/// derived as `#[derive(Reset)]` does (see the [attribute reference]).
///
/// [attribute reference]: https://docs.rs/pool-core/latest/pool_core/attributes/index.html
#[proc_macro_derive(Poolable, attributes(pool, default))]
pub fn derive_poolable(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, Derive::Poolable).into()
}
