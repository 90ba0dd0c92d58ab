//! Enums reset to their `#[default]` variant; when already there, its fields are reset in place.

// Generated code is linted as user code where it carries user spans: keep it pedantic-clean.
#![warn(clippy::pedantic)]

use pool_core::{Poolable, Reset};

#[derive(Reset, Debug, PartialEq)]
enum Body {
    Empty,
    #[default]
    Bytes(Vec<u8>, u32),
    Text {
        text: String,
    },
}

#[test]
fn default_variant_is_reset_in_place() {
    let mut body = Body::Bytes(Vec::with_capacity(64), 5);
    if let Body::Bytes(bytes, _) = &mut body {
        bytes.extend_from_slice(b"abc");
    }
    body.reset();
    match &body {
        Body::Bytes(bytes, n) => {
            assert!(bytes.is_empty() && bytes.capacity() >= 64);
            assert_eq!(*n, 0);
        }
        other => panic!("expected Bytes, got {other:?}"),
    }
}

#[test]
fn other_variants_switch_to_the_default() {
    let mut body = Body::Text {
        text: "hi".to_owned(),
    };
    body.reset();
    assert_eq!(body, Body::Bytes(Vec::new(), 0));
    let mut body = Body::Empty;
    body.reset();
    assert_eq!(body, Body::Bytes(Vec::new(), 0));
}

#[derive(Poolable, Default, Debug, PartialEq)]
enum State {
    #[default]
    Idle,
    Busy {
        job: String,
    },
}

#[test]
fn unit_default_variant() {
    let mut state = State::create();
    assert_eq!(state, State::Idle);
    state = State::Busy {
        job: "x".to_owned(),
    };
    state.reset();
    assert_eq!(state, State::Idle);
    state.reset();
    assert_eq!(state, State::Idle);
}

#[derive(Reset, Debug, PartialEq)]
enum Named {
    #[default]
    Buffers {
        #[pool(skip)]
        generation: u64,
        #[pool(default)]
        scratch: Vec<u8>,
        #[pool(max_capacity = 16)]
        bounded: Vec<u8>,
        data: Vec<u8>,
    },
    Closed,
}

#[test]
fn field_options_apply_in_the_default_variant() {
    let mut named = Named::Buffers {
        generation: 3,
        scratch: vec![1; 50],
        bounded: vec![1; 500],
        data: Vec::with_capacity(40),
    };
    named.reset();
    match &named {
        Named::Buffers {
            generation,
            scratch,
            bounded,
            data,
        } => {
            assert_eq!(*generation, 3);
            assert_eq!(scratch.capacity(), 0);
            assert!(bounded.is_empty() && bounded.capacity() <= 16);
            assert!(data.is_empty() && data.capacity() >= 40);
        }
        Named::Closed => panic!("expected Buffers"),
    }
    // Switching builds every field, `skip` included, from `Default`.
    let mut named = Named::Closed;
    named.reset();
    assert_eq!(
        named,
        Named::Buffers {
            generation: 0,
            scratch: Vec::new(),
            bounded: Vec::new(),
            data: Vec::new()
        }
    );
}

/// A single-variant enum is always its default variant.
#[derive(Reset)]
enum Only {
    #[default]
    One(Vec<u8>),
}

#[test]
fn single_variant_enum() {
    let mut only = Only::One(vec![1, 2]);
    only.reset();
    let Only::One(v) = &only;
    assert!(v.is_empty() && v.capacity() >= 2);
}

/// A `#[default]` variant with data: std's `#[derive(Default)]` refuses it, and
/// `#[derive(Poolable)]` needs no `Default` impl: `create` builds the variant from each field's
/// `Default`, the same value a reset from another variant produces.
#[derive(Poolable, Debug, PartialEq)]
enum Message {
    #[default]
    Body {
        bytes: Vec<u8>,
        #[pool(skip)]
        sequence: u64,
    },
    Closed(String),
}

#[test]
fn data_default_variant_is_created_without_a_default_impl() {
    assert_eq!(
        Message::create(),
        Message::Body {
            bytes: Vec::new(),
            sequence: 0
        }
    );
    let pool: pool_core::Pool<Message> = pool_core::Pool::new();
    let mut message = pool.get();
    *message = Message::Closed("bye".to_owned());
    drop(message);
    assert!(matches!(*pool.get(), Message::Body { .. }));
}

/// The same for a generic enum: the variant's fields need `Default`, the enum does not.
#[derive(Poolable, Debug, PartialEq)]
enum Slot<T> {
    #[default]
    Filled(Vec<T>),
    Taken,
}

#[test]
fn generic_data_default_variant_is_created() {
    let mut slot = Slot::<String>::create();
    assert_eq!(slot, Slot::Filled(Vec::new()));
    slot = Slot::Taken;
    slot.reset();
    assert_eq!(slot, Slot::Filled(Vec::new()));
}

/// An enum's `Default` impl is not used: `create` is the `#[default]` variant, as a reset is.
#[derive(Poolable, Debug, PartialEq)]
enum Mode {
    #[default]
    Idle,
    Running(u32),
}

impl Default for Mode {
    fn default() -> Self {
        Mode::Running(1)
    }
}

#[test]
fn create_is_the_default_variant_not_the_default_impl() {
    assert_eq!(Mode::create(), Mode::Idle);
    assert_eq!(Mode::default(), Mode::Running(1));
}

/// A `#[default]` variant whose field has no `Default` but is `Poolable`: arrays over 32 elements
/// have no `Default`, so `create` and a reset that switches variants build the field with
/// `Poolable::create()`.
#[derive(Poolable, Debug, PartialEq)]
enum Frame {
    #[default]
    Scratch([u8; 64]),
    Done,
}

#[test]
fn default_variant_field_without_default_is_created_by_poolable() {
    assert_eq!(Frame::create(), Frame::Scratch([0; 64]));
    let mut frame = Frame::Scratch([7; 64]);
    frame.reset();
    assert_eq!(frame, Frame::Scratch([0; 64]));
    let mut frame = Frame::Done;
    frame.reset();
    assert_eq!(frame, Frame::Scratch([0; 64]));
}

/// A nested derived type with `#[pool(new = f)]` and no `Default`: the enum's default variant
/// builds it with its own `create`, so it starts with the room `new` gives it.
#[derive(Poolable, Debug, PartialEq)]
#[pool(new = Lines::with_room)]
struct Lines {
    lines: Vec<String>,
}

impl Lines {
    fn with_room() -> Self {
        Lines {
            lines: Vec::with_capacity(16),
        }
    }
}

#[derive(Poolable, Debug, PartialEq)]
enum Document {
    #[default]
    Text {
        lines: Lines,
        words: Vec<String>,
        title: Option<String>,
    },
    Binary(Vec<u8>),
}

#[test]
fn default_variant_field_with_only_new_is_created_by_it() {
    let Document::Text {
        lines,
        words,
        title,
    } = Document::create()
    else {
        panic!("expected Text");
    };
    assert!(lines.lines.is_empty() && lines.lines.capacity() >= 16);
    assert!(words.is_empty());
    assert_eq!(title, None);
    let mut document = Document::Binary(vec![1, 2]);
    document.reset();
    assert!(matches!(&document, Document::Text { lines, .. } if lines.lines.capacity() >= 16));
}

/// A `#[derive(Reset)]` enum switching to a default variant whose field is `Poolable` only.
#[derive(Reset, Debug, PartialEq)]
enum Scratchpad {
    #[default]
    Buffer {
        bytes: [u8; 40],
        #[pool(skip)]
        owner: Option<std::rc::Rc<str>>,
    },
    Idle,
}

#[test]
fn reset_enum_switches_to_a_field_without_default() {
    let mut pad = Scratchpad::Idle;
    pad.reset();
    assert_eq!(
        pad,
        Scratchpad::Buffer {
            bytes: [0; 40],
            owner: None
        }
    );
}

/// Fields that have `Default` are built with it, as before `Poolable::create` was a way out:
/// types that are not `Poolable` (`Option`, tuples, non-`Send` or borrowed data in a `Reset`
/// enum) keep working, and a type that is both is built by `Default`, not by its `new`.
#[derive(Reset, Debug, PartialEq)]
enum Borrowed<'a> {
    #[default]
    Words {
        words: Vec<&'a str>,
        shared: Vec<std::rc::Rc<str>>,
        pair: (u8, Option<String>),
        roomy: Roomy,
    },
    Done,
}

#[derive(Poolable, Default, Debug, PartialEq)]
#[pool(new = Roomy::with_room)]
struct Roomy {
    bytes: Vec<u8>,
}

impl Roomy {
    fn with_room() -> Self {
        Roomy {
            bytes: Vec::with_capacity(64),
        }
    }
}

#[test]
fn fields_with_default_are_built_with_it() {
    let text = String::from("a b");
    let mut borrowed = Borrowed::Words {
        words: text.split(' ').collect(),
        shared: vec![std::rc::Rc::from("x")],
        pair: (1, None),
        roomy: Roomy::create(),
    };
    borrowed.reset();
    assert!(matches!(&borrowed, Borrowed::Words { words, .. } if words.is_empty()));
    let mut borrowed = Borrowed::Done;
    borrowed.reset();
    let Borrowed::Words { roomy, pair, .. } = &borrowed else {
        panic!("expected Words");
    };
    assert_eq!((roomy.bytes.capacity(), pair), (0, &(0, None)));
}
