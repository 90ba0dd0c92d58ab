//! The rows of `Reset`'s table that `derive_fields` does not reach through a derived struct:
//! each type dirtied, reset, and checked pristine, with its buffer kept where it has one; and
//! locks poisoned while holding data, whose value must be reset all the same.

use std::ffi::OsString;
use std::num::Saturating;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{
    AtomicBool, AtomicI16, AtomicI32, AtomicI64, AtomicI8, AtomicIsize, AtomicPtr, AtomicU16,
    AtomicU32, AtomicU8, Ordering,
};
use std::sync::{Mutex, RwLock};

use pool_core::{Poolable, Reset};

/// Runs `f`, which panics while it holds a lock, so the lock is poisoned.
fn poison(f: impl FnOnce()) {
    let outcome = panic::catch_unwind(AssertUnwindSafe(f));
    assert!(outcome.is_err(), "`f` was meant to panic");
}

#[test]
fn a_poisoned_mutex_has_its_value_reset_and_its_poison_cleared() {
    let mut mutex = Mutex::new(vec![1u8, 2, 3]);
    poison(|| {
        let mut inner = mutex.lock().unwrap();
        inner.push(4);
        panic!("poison the mutex while it holds data");
    });
    assert!(mutex.is_poisoned());
    mutex.reset();
    assert!(!mutex.is_poisoned(), "poison cleared");
    let inner = mutex.into_inner().unwrap();
    assert!(
        inner.is_empty(),
        "the value of a poisoned mutex was not reset: {inner:?}"
    );
    assert!(inner.capacity() >= 4, "capacity kept");
}

#[test]
fn a_poisoned_rw_lock_has_its_value_reset_and_its_poison_cleared() {
    let mut lock = RwLock::new(String::from("stale"));
    poison(|| {
        let mut inner = lock.write().unwrap();
        inner.push_str(" data");
        panic!("poison the lock while it holds data");
    });
    assert!(lock.is_poisoned());
    lock.reset();
    assert!(!lock.is_poisoned(), "poison cleared");
    let inner = lock.into_inner().unwrap();
    assert!(
        inner.is_empty(),
        "the value of a poisoned lock was not reset: {inner:?}"
    );
    assert!(inner.capacity() >= 10, "capacity kept");
}

#[test]
fn small_integers_and_f32_reset_to_zero() {
    let mut byte = -5i8;
    let mut short = i16::MIN;
    let mut float = -1.5f32;
    byte.reset();
    short.reset();
    float.reset();
    assert_eq!((byte, short), (0, 0));
    // Positive zero, bit for bit: not -0.0, not NaN.
    assert_eq!(float.to_bits(), 0, "{float}");
    let mut negative_zero = -0.0f32;
    negative_zero.reset();
    assert_eq!(negative_zero.to_bits(), 0);
    assert_eq!(<f32 as Poolable>::create().to_bits(), 0);
    assert_eq!(<i8 as Poolable>::create(), 0);
    assert_eq!(<i16 as Poolable>::create(), 0);
}

#[test]
fn os_string_and_path_buf_are_emptied_and_keep_their_buffer() {
    let mut name = OsString::with_capacity(64);
    name.push("report.txt");
    name.reset();
    assert!(name.is_empty(), "{name:?}");
    assert!(name.capacity() >= 64);

    let mut path = PathBuf::with_capacity(64);
    path.push("var");
    path.push("log");
    path.push("pool.log");
    path.reset();
    assert_eq!(path.as_os_str(), "", "{path:?}");
    assert!(path.capacity() >= 64);
    // Empty, not a root or a dot: pushing starts again from nothing.
    path.push("fresh");
    assert_eq!(path, PathBuf::from("fresh"));
}

#[test]
fn every_atomic_resets_to_zero_false_or_null() {
    let mut i8_ = AtomicI8::new(-1);
    let mut i16_ = AtomicI16::new(-2);
    let mut i32_ = AtomicI32::new(-3);
    let mut i64_ = AtomicI64::new(-4);
    let mut isize_ = AtomicIsize::new(-5);
    let mut u8_ = AtomicU8::new(6);
    let mut u16_ = AtomicU16::new(7);
    let mut u32_ = AtomicU32::new(8);
    let mut flag = AtomicBool::new(true);
    let mut target = 9u64;
    let mut ptr = AtomicPtr::new(&mut target as *mut u64);
    i8_.reset();
    i16_.reset();
    i32_.reset();
    i64_.reset();
    isize_.reset();
    u8_.reset();
    u16_.reset();
    u32_.reset();
    flag.reset();
    ptr.reset();
    let relaxed = Ordering::Relaxed;
    assert_eq!(
        (
            i8_.load(relaxed),
            i16_.load(relaxed),
            i32_.load(relaxed),
            i64_.load(relaxed),
            isize_.load(relaxed)
        ),
        (0, 0, 0, 0, 0)
    );
    assert_eq!(
        (u8_.load(relaxed), u16_.load(relaxed), u32_.load(relaxed)),
        (0, 0, 0)
    );
    assert!(!flag.load(relaxed));
    assert!(ptr.load(relaxed).is_null());
}

#[test]
fn saturating_resets_its_inner_value() {
    let mut small = Saturating(200u8);
    small += Saturating(100); // saturates at 255
    small.reset();
    assert_eq!(small, Saturating(0));
    let mut signed = Saturating(i32::MIN);
    signed.reset();
    assert_eq!(signed.0, 0);
}

#[test]
fn tuples_over_three_reset_every_element() {
    let mut four = (1u8, -2i16, String::from("three"), vec![4u32; 8]);
    four.reset();
    assert_eq!(four, (0, 0, String::new(), Vec::new()));
    assert!(
        four.2.capacity() >= 5 && four.3.capacity() >= 8,
        "capacity kept"
    );

    let mut twelve = (
        1u8,
        2u16,
        3u32,
        4u64,
        5i8,
        6i16,
        7i32,
        8i64,
        true,
        'x',
        String::from("eleven"),
        Some(12u8),
    );
    twelve.reset();
    assert_eq!(
        twelve,
        (0, 0, 0, 0, 0, 0, 0, 0, false, '\0', String::new(), None)
    );
}

#[test]
fn a_slice_resets_every_element_and_keeps_its_length() {
    let mut names = vec![String::from("a"), String::from("bc"), String::new()];
    let slice: &mut [String] = &mut names;
    slice.reset();
    assert_eq!(names, ["", "", ""], "length kept, each element reset");
    assert!(names[1].capacity() >= 2);

    let mut rows: Box<[Vec<u8>]> = vec![vec![1, 2], vec![3]].into_boxed_slice();
    rows.reset();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(Vec::is_empty), "{rows:?}");
    assert!(rows[0].capacity() >= 2);
}
