//! Compile-fail and pass cases, checked with trybuild against their `.stderr` snapshots.
//!
//! `ui/derive/`: one derive mistake per file; `ui/pool/`: misuse of the pool API; `ui/pass/`:
//! inputs that must compile cleanly (hygiene, generics, re-exports). The snapshots depend on the
//! compiler's wording, so they are checked on stable only; bless new ones with
//! `TRYBUILD=overwrite cargo test -p pool-tests --test ui` and read the diff as a user would.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/derive/*.rs");
    cases.compile_fail("tests/ui/pool/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
