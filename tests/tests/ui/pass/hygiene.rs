//! The derives in a module that shadows prelude and std names, under `#![deny(warnings)]`.
#![deny(warnings)]
#![allow(dead_code)]

mod shadow {
    #![allow(non_camel_case_types, non_snake_case)]

    pub struct Option;
    pub struct Result;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct Default;
    pub struct Send;
    pub struct Sized;
    pub struct Vec;
    pub struct Box;
    pub struct String;
    pub struct Reset;
    pub struct Poolable;
    pub struct Shrink;
    pub struct Pool;
    pub mod core {}
    pub mod std {}
    pub mod pool_core {}
    pub mod __pool {}
    pub fn reset_with() {}
    pub fn create() {}

    // A blanket `build` method for every type: the method call the derive makes to build an
    // enum's default variant must not pick it up.
    pub trait Build {
        fn build(&self) -> u8 {
            0
        }
    }
    impl<T: ?::core::marker::Sized> Build for T {}
}

mod user {
    // In scope, unused: generated code that named any of them unqualified would not compile.
    #[allow(unused_imports)]
    use crate::shadow::*;

    fn rewind(cursor: &mut u32) {
        *cursor = 0;
    }

    #[derive(::pool_core::Poolable)]
    #[pool(global(max_idle = 4))]
    pub struct Task {
        id: u64,
        data: ::std::vec::Vec<u8>,
        note: ::std::option::Option<::std::string::String>,
        #[pool(max_capacity = 16)]
        bounded: ::std::vec::Vec<u8>,
        #[pool(default)]
        fresh: ::std::vec::Vec<u8>,
        #[pool(reset_with = rewind)]
        cursor: u32,
        #[pool(reset_with = |bytes| bytes.fill(0))]
        zeroed: [u8; 4],
        #[pool(skip)]
        generation: u64,
        boxed: ::std::boxed::Box<[u8; 4]>,
    }

    impl ::std::default::Default for Task {
        fn default() -> Self {
            Task {
                id: 0,
                data: ::std::vec::Vec::new(),
                note: ::std::option::Option::None,
                bounded: ::std::vec::Vec::new(),
                fresh: ::std::vec::Vec::new(),
                cursor: 0,
                zeroed: [0; 4],
                generation: 0,
                boxed: ::std::boxed::Box::new([0; 4]),
            }
        }
    }

    #[derive(::pool_core::Poolable, ::std::default::Default)]
    pub enum Body {
        #[default]
        Empty,
        Bytes(::std::vec::Vec<u8>),
    }

    #[derive(::pool_core::Reset)]
    pub enum Slot<T> {
        #[default]
        Full(::std::vec::Vec<T>, #[pool(skip)] u8),
        Gone,
    }

    #[derive(::pool_core::Reset)]
    pub struct Pair(pub u8, pub ::std::vec::Vec<u8>);

    #[derive(::pool_core::Reset)]
    pub struct Unit;

    #[derive(::pool_core::Poolable)]
    #[pool(new = || Made { items: ::std::vec::Vec::new() })]
    pub struct Made {
        items: ::std::vec::Vec<u8>,
    }

    #[derive(::pool_core::Poolable)]
    pub enum Message {
        #[default]
        Body(::std::vec::Vec<u8>, #[pool(default)] ::std::option::Option<u8>),
        Closed,
    }

    // Built with `Poolable::create`: arrays over 32 elements have no `Default`.
    #[derive(::pool_core::Poolable)]
    pub enum Frame {
        #[default]
        Scratch([u8; 40], #[pool(skip)] ::std::option::Option<u8>),
        Done,
    }

    pub fn use_them() {
        let _ = Task::pool().get();
        let mut body = <Body as ::pool_core::Poolable>::create();
        ::pool_core::Reset::reset(&mut body);
        let mut slot: Slot<u8> = Slot::Gone;
        ::pool_core::Reset::reset(&mut slot);
        let _ = <Made as ::pool_core::Poolable>::create();
        let _ = <Message as ::pool_core::Poolable>::create();
        let mut frame = Frame::Done;
        ::pool_core::Reset::reset(&mut frame);
    }
}

fn main() {
    user::use_them();
}
