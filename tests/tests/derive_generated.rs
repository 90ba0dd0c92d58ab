//! Generated inputs that the derives accept compile, and run.
//!
//! A fixed sample of valid cases from the generator behind pool-derive's property test and the
//! fuzz target (`pool-derive/src/fuzz_gen.rs`, included here by path), each written out as a
//! program: the support types, the derived type (passed through a `macro_rules!` when it has
//! macro fragments), and a `main` that builds one, resets it, counts its heap bytes and, for a
//! `Poolable` type, creates one and takes one from a pool and returns it. trybuild builds them
//! all in one cargo run, under `#![deny(warnings)]`, and runs each.
//!
//! The valid cases are the ones the expansion accepts: `cargo test -p pool-derive` checks, on
//! every case it generates, that the derive gives no error for a valid one; a refusal here would
//! fail the build with the derive's own message.
//!
//! 24 cases by default; `POOL_DERIVE_GENERATED_CASES` sets how many, `POOL_DERIVE_GENERATED_SEED`
//! the first seed. The programs are in `target/tmp/derive_generated/`, named by seed.

#[path = "../../pool-derive/src/fuzz_gen.rs"]
mod fuzz_gen;

use std::path::{Path, PathBuf};
use std::process::Command;

use arbitrary::Unstructured;

use fuzz_gen::{seeded_bytes, Case, Mode};

#[test]
fn generated_valid_inputs_compile_and_run() {
    let count = env_number("POOL_DERIVE_GENERATED_CASES", 24);
    let first = env_number("POOL_DERIVE_GENERATED_SEED", 0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("derive_generated");
    // Programs of an earlier run with other seeds would be built too.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the directory of the programs");
    let mut seed = first;
    let mut written = 0;
    while written < count {
        let bytes = seeded_bytes(seed, 2048);
        if let Ok(case) = Case::generate(&mut Unstructured::new(&bytes), Mode::Valid) {
            let title = format!(
                "Valid case of seed {seed} (`POOL_DERIVE_GENERATED_SEED={seed} \
                 POOL_DERIVE_GENERATED_CASES=1` builds it alone)."
            );
            let path = dir.join(format!("seed_{seed:06}.rs"));
            std::fs::write(&path, case.program(&title)).expect("write a program");
            format(&path);
            written += 1;
        }
        seed += 1;
    }
    for (name, program) in REGRESSIONS {
        std::fs::write(dir.join(format!("{name}.rs")), program).expect("write a program");
    }
    trybuild::TestCases::new().pass(dir.join("*.rs"));
}

/// What the generated cases found, each as the smallest program that shows it, built in the
/// same trybuild run.
const REGRESSIONS: [(&str, &str); 1] = [(
    "regression_reset_with_closure_from_macro_fragment",
    r#"//! A `reset_with` closure passed through `macro_rules!` as `$f:expr` reaches the derive as
//! one token, a group without delimiters: the derive typed its parameter only when it saw the
//! closure bare, and this failed with "type annotations needed".
#![deny(warnings)]

use pool_core::{Poolable, Reset};

macro_rules! task {
    ($clear:expr, $rewind:expr) => {
        #[derive(Poolable, Default)]
        struct Task {
            #[pool(reset_with = $clear, max_capacity = 16)]
            data: Vec<u8>,
            #[pool(reset_with = $rewind)]
            id: u64,
        }
    };
}

task!(|v| v.clear(), move |id| *id = 0);

fn main() {
    let mut task = Task::create();
    task.data.extend_from_slice(&[1; 64]);
    task.id = 7;
    task.reset();
    assert!(task.data.is_empty() && task.data.capacity() <= 16);
    assert_eq!(task.id, 0);
}
"#,
)];

/// `name` as a number, or `default` if it is not set.
fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} is not a number")),
        Err(_) => default,
    }
}

/// Lays a program out with rustfmt, if it is installed, so that a compiler error is read
/// against lines rather than one long one.
fn format(path: &Path) {
    let _ = Command::new("rustfmt")
        .args(["--edition", "2021"])
        .arg(path)
        .status();
}
