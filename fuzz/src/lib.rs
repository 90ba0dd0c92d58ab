//! pool-derive's expansion outside a compiler, for the fuzz target `derive`.
//!
//! A proc-macro crate exports its macros and nothing else, so this crate compiles pool-derive's
//! own source files by `#[path]`: each module sits at this crate's root under the name it has
//! there, so the `crate::..` paths between them resolve as they do in pool-derive. Beside them
//! are the input generator and the check of pool-derive's property test, so the fuzzer checks
//! the same properties on the cases it steers to.

#![forbid(unsafe_code)]

#[path = "../../pool-derive/src/ast.rs"]
mod ast;
#[path = "../../pool-derive/src/attr.rs"]
mod attr;
#[path = "../../pool-derive/src/bound.rs"]
mod bound;
#[path = "../../pool-derive/src/callable.rs"]
mod callable;
#[path = "../../pool-derive/src/ctxt.rs"]
mod ctxt;
#[path = "../../pool-derive/src/expand/mod.rs"]
mod expand;
#[path = "../../pool-derive/src/fuzz_check.rs"]
mod fuzz_check;
#[path = "../../pool-derive/src/fuzz_gen.rs"]
mod fuzz_gen;
#[path = "../../pool-derive/src/respan.rs"]
mod respan;
#[path = "../../pool-derive/src/symbol.rs"]
mod symbol;
#[path = "../../pool-derive/src/validate.rs"]
mod validate;

use arbitrary::Unstructured;

use crate::fuzz_gen::{seeded_bytes, Case, Mode};

/// Draws a case from `data` and checks the expansion of it (see pool-derive's
/// `src/fuzz_check.rs`); panics if a property does not hold. Bytes too odd for a case are
/// skipped.
///
/// The generator reads a byte a choice, and libFuzzer starts from inputs of a few bytes and
/// lengthens them slowly (11 bytes after a minute), which alone would give a minute's run only
/// the smallest cases. So the bytes libFuzzer gives decide the first choices, and bytes drawn
/// from a hash of them decide the rest: every input is a whole case, still a function of the
/// input, and the choices libFuzzer controls grow with its inputs.
pub fn run(data: &[u8]) {
    let mut bytes = data.to_vec();
    bytes.extend(seeded_bytes(fnv1a(data), 2048));
    if let Ok(case) = Case::generate(&mut Unstructured::new(&bytes), Mode::Any) {
        fuzz_check::check(&case);
    }
}

/// FNV-1a, a hash of the input for the seed of its tail.
fn fnv1a(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
