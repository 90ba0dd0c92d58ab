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
