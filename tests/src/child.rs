//! [`run_child`] and [`is_child`]: a scenario that could abort the process, run in a child.

use std::process::Command;

/// The variable that tells a test binary it runs as the child of [`run_child`], and which test.
const CHILD_ENV: &str = "POOL_TESTS_CHILD";

/// Whether this process is the child [`run_child`] spawned to run the scenario of test `name`.
///
/// A test whose scenario might abort the process (a panic out of a thread-local destructor, or
/// out of a destructor while unwinding) is written as two tests: the parent, which calls
/// [`run_child`], and the child, which returns at once unless this is true.
///
/// ```no_run
/// # fn scenario() {}
/// // In a test file: two tests, `#[test]` each.
/// fn a_scenario_does_not_abort() {
///     pool_tests::run_child("child_scenario");
/// }
///
/// fn child_scenario() {
///     if !pool_tests::is_child("child_scenario") {
///         return;
///     }
///     scenario();
/// }
/// # a_scenario_does_not_abort();
/// # child_scenario();
/// ```
pub fn is_child(name: &str) -> bool {
    std::env::var(CHILD_ENV).is_ok_and(|value| value == name)
}

/// Runs test `name` of the current test binary in a child process, with [`is_child`] true for
/// it, and asserts that it passed: an abort, a panic or a test that did not run fails the
/// calling test, with the child's output.
#[track_caller]
pub fn run_child(name: &str) {
    let exe = std::env::current_exe().expect("this test binary's path");
    let output = Command::new(exe)
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, name)
        .output()
        .expect("failed to run this test binary again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the child process running `{name}` failed ({}):\n--- stderr ---\n{stderr}\n--- stdout ---\n{stdout}",
        output.status
    );
    assert!(
        stdout.contains("1 passed"),
        "the child process ran no test named `{name}`:\n{stdout}"
    );
}
