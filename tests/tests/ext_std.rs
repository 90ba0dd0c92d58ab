//! std types a user pools beyond the collections: arrays (of primitives or of any `Poolable`),
//! boxed arrays and `io::Cursor<Vec<u8>>`, each created by the pool and reset on return.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use pool_core::{Pool, Poolable, Reset, Shrink};
use pool_tests::assert_settled;

#[test]
fn primitives_are_created_as_their_reset_value() {
    assert_eq!(<u8 as Poolable>::create(), 0);
    assert_eq!(<i128 as Poolable>::create(), 0);
    assert_eq!(<usize as Poolable>::create(), 0);
    assert_eq!(<f64 as Poolable>::create(), 0.0);
    assert!(!<bool as Poolable>::create());
    assert_eq!(<char as Poolable>::create(), '\0');
}

#[test]
fn arrays_are_created_element_by_element() {
    assert_eq!(<[u8; 4] as Poolable>::create(), [0; 4]);
    assert_eq!(<[[bool; 2]; 3] as Poolable>::create(), [[false; 2]; 3]);
    assert_eq!(<[char; 0] as Poolable>::create(), []);
    // Elements that are collections: each one created, each one reset.
    let mut names = <[String; 3] as Poolable>::create();
    assert_eq!(names, ["", "", ""]);
    names[1].push_str("ada");
    let capacity = names[1].capacity();
    names.reset();
    assert_eq!(names, ["", "", ""]);
    assert_eq!(names[1].capacity(), capacity, "capacity kept");
}

#[test]
fn a_pool_of_byte_arrays_hands_them_out_zeroed() {
    let pool: Pool<[u8; 4096]> = Pool::new();
    let mut page = pool.get();
    assert_eq!(*page, [0; 4096]);
    page.fill(0xAB);
    page[4095] = 1;
    drop(page);
    let page = pool.get();
    assert_eq!(*page, [0; 4096], "reset on return");
    let stats = pool.stats();
    assert_eq!((stats.created, stats.reused), (1, 1), "{stats:?}");
    drop(page);
    assert_settled(pool.stats());
}

#[test]
fn a_pool_of_boxed_byte_arrays_reuses_the_allocation() {
    let pool: Pool<Box<[u8; 4096]>> = Pool::new();
    let mut page = pool.get();
    assert_eq!(**page, [0; 4096]);
    page[..5].copy_from_slice(b"dirty");
    let address: *const [u8; 4096] = &**page;
    drop(page);
    let page = pool.get();
    assert_eq!(**page, [0; 4096], "reset on return");
    assert!(
        std::ptr::eq(address, &**page),
        "the same allocation comes back"
    );
    drop(page);
    assert_settled(pool.stats());
}

#[test]
fn a_pool_of_cursors_hands_them_out_empty_at_position_zero() {
    let pool: Pool<Cursor<Vec<u8>>> = Pool::new();
    let mut cursor = pool.get();
    assert_eq!((cursor.position(), cursor.get_ref().len()), (0, 0));
    cursor.write_all(&[7; 1000]).unwrap();
    cursor.seek(SeekFrom::Start(10)).unwrap();
    let address = cursor.get_ref().as_ptr();
    drop(cursor);

    let mut cursor = pool.get();
    assert_eq!(cursor.position(), 0, "position back to 0");
    assert!(cursor.get_ref().is_empty(), "contents cleared");
    assert!(cursor.get_ref().capacity() >= 1000, "capacity kept");
    assert_eq!(
        cursor.get_ref().as_ptr(),
        address,
        "the same buffer comes back"
    );
    // A fresh cursor reads nothing and writes from the start.
    let mut read = Vec::new();
    assert_eq!(cursor.read_to_end(&mut read).unwrap(), 0);
    cursor.write_all(b"abc").unwrap();
    assert_eq!(cursor.get_ref().as_slice(), b"abc");
    drop(cursor);
    assert_settled(pool.stats());
}

#[test]
fn a_cursor_over_an_array_is_zeroed_and_rewound() {
    let mut cursor = Cursor::new([1u8; 8]);
    cursor.set_position(5);
    cursor.reset();
    assert_eq!((cursor.position(), *cursor.get_ref()), (0, [0; 8]));
}

#[test]
fn a_pool_of_cursors_can_cap_their_buffers() {
    let pool: Pool<Cursor<Vec<u8>>> = Pool::builder().max_capacity(1024).build();
    let mut cursor = pool.get();
    cursor.write_all(&vec![1; 1 << 20]).unwrap();
    drop(cursor);
    let cursor = pool.get();
    assert_eq!(cursor.position(), 0);
    assert!(cursor.get_ref().capacity() <= 1024);

    // Called directly, `shrink_to_max` keeps the contents and the position.
    let mut cursor = Cursor::new(Vec::with_capacity(4096));
    cursor.write_all(b"kept").unwrap();
    cursor.shrink_to_max(16);
    assert_eq!(
        (cursor.get_ref().as_slice(), cursor.position()),
        (&b"kept"[..], 4)
    );
    assert!(cursor.get_ref().capacity() <= 16);
}
