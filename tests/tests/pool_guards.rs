//! The guards: `Pooled` and `OwnedPooled` deref to the value, detach it or discard it, and an
//! owned guard crosses threads and still comes back.

use std::sync::Arc;
use std::thread;

use pool_core::{OwnedPooled, Pool, Pooled, DEFAULT_MAX_IDLE};
use pool_tests::assert_balanced;

#[test]
fn detach_and_discard_leave_the_pool() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut a = pool.get();
    a.push(1);
    let a: Vec<u8> = Pooled::detach(a);
    assert_eq!(a, [1]);
    Pooled::discard(pool.get());
    let stats = pool.stats();
    assert_eq!(
        (stats.detached, stats.discarded, stats.idle, stats.in_use),
        (1, 1, 0, 0)
    );
    assert_balanced(stats);
}

#[test]
fn owned_guards_cross_threads_and_come_back() {
    let pool = Arc::new(Pool::<Vec<u64>>::new());
    let guards: Vec<OwnedPooled<Vec<u64>>> = (0..8).map(|_| pool.get_owned()).collect();
    let workers: Vec<_> = guards
        .into_iter()
        .enumerate()
        .map(|(i, mut guard)| {
            thread::spawn(move || {
                guard.push(i as u64);
                assert_eq!(OwnedPooled::pool(&guard).max_idle(), DEFAULT_MAX_IDLE);
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let stats = pool.stats();
    assert_eq!((stats.created, stats.in_use, stats.returned), (8, 0, 8));
    assert!(stats.idle <= 8);
    assert_balanced(stats);
    let kept = OwnedPooled::detach(pool.get_owned());
    assert!(kept.is_empty());
    OwnedPooled::discard(pool.get_owned());
}

#[test]
fn guards_deref_and_debug() {
    let pool: Pool<Vec<u8>> = Pool::new();
    let mut buf = pool.get();
    buf.push(7);
    assert_eq!(format!("{buf:?}"), "[7]");
    assert_eq!(buf.as_ref(), &[7]);
    buf.as_mut().push(8);
    assert_eq!(&**buf, &[7, 8]);
    assert!(std::ptr::eq(Pooled::pool(&buf), &pool));
    assert!(format!("{pool:?}").contains("max_idle"));
}

#[test]
fn guards_print_compare_and_hash_like_their_value() {
    use std::borrow::Borrow;
    use std::hash::{BuildHasher, RandomState};
    let names: Pool<String> = Pool::new();
    let mut ada = names.get();
    ada.push_str("ada");
    assert_eq!(format!("{ada}"), "ada", "Display");
    let expected = String::from("ada");
    assert!(ada == expected, "PartialEq<T>");
    let mut bob = names.get();
    bob.push_str("bob");
    assert!(
        ada != bob && ada < bob,
        "PartialEq and PartialOrd between guards"
    );
    assert_eq!(ada.cmp(&bob), std::cmp::Ordering::Less, "Ord");
    let hasher = RandomState::new();
    assert_eq!(
        hasher.hash_one(&ada),
        hasher.hash_one("ada".to_owned()),
        "Hash agrees with String's"
    );
    let borrowed: &String = ada.borrow();
    assert_eq!(borrowed, "ada", "Borrow<T>");

    let shared = Arc::new(Pool::<String>::new());
    let mut owned = shared.get_owned();
    owned.push_str("cy");
    assert_eq!(owned.to_string(), "cy");
    let expected = String::from("cy");
    assert!(owned == expected);
}

#[test]
fn guards_read_and_write_like_their_value() {
    use std::collections::VecDeque;
    use std::fmt::Write as _;
    use std::io::{BufRead, Read, Write};
    let buffers: Pool<Vec<u8>> = Pool::new();
    let mut buf = buffers.get();
    write!(buf, "{}-{}", 1, 2).unwrap();
    buf.flush().unwrap();
    assert!(buf == b"1-2".to_vec(), "io::Write");

    let texts: Pool<String> = Pool::new();
    let mut text = texts.get();
    write!(text, "{:>3}", 7).unwrap();
    assert_eq!(*text, "  7", "fmt::Write");

    // `VecDeque<u8>` reads and buffers: so does a guard of one.
    let queues: Pool<VecDeque<u8>> = Pool::new();
    let mut reader = queues.get();
    reader.extend(b"line one\nline two\n");
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert_eq!(first, "line one\n", "io::BufRead");
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "line two\n", "io::Read");
}

#[test]
// Each comparison goes through a different impl on purpose, references and both directions
// included.
#[allow(clippy::op_ref, clippy::nonminimal_bool)]
fn guards_compare_with_str_slices_arrays_and_the_other_guard() {
    let names: Pool<String> = Pool::new();
    let mut ada = names.get();
    ada.push_str("ada");
    assert!(ada == "ada" && ada == *"ada", "with &str and str");
    let buffers = Arc::new(Pool::<Vec<u8>>::new());
    let mut a = buffers.get();
    a.extend_from_slice(b"xy");
    assert!(
        a == b"xy" && a == &b"xy"[..] && a == b"xy"[..],
        "with arrays and slices"
    );
    let mut b = buffers.get_owned();
    b.extend_from_slice(b"xy");
    assert!(a == b && b == a, "Pooled with OwnedPooled");
}
