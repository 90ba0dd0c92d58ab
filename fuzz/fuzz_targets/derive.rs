//! `cargo +nightly fuzz run derive`: random type definitions, steered by libFuzzer, through
//! `#[derive(Reset)]` and `#[derive(Poolable)]`'s expansion, which must not panic, must point
//! every error at the input, must accept every valid case and refuse every case with a mistake
//! it checks. The same generator and check run, for a bounded number of cases, in
//! `cargo test -p pool-derive`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pool_derive_fuzz::run(data));
