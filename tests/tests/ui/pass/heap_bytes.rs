//! The derived `heap_bytes` under `#![deny(warnings)]`, with the names it uses shadowed: fields
//! of non-`Reset` types counted 0 (skipped, and in another variant), a type parameter without a
//! `Reset` bound, a lifetime, a re-exported crate path and types written by `macro_rules!`.
#![deny(warnings)]
#![allow(dead_code)]

mod shadow {
    #![allow(non_camel_case_types)]

    pub struct usize;
    pub struct Heap;
    pub struct HeapIfReset;
    pub struct HeapOtherwise;
    pub struct Sized;
    pub mod core {}

    // A blanket `heap_bytes` method for every type: the generated code must not pick it up.
    pub trait Other {
        fn heap_bytes(&self) -> u8 {
            1
        }
    }
    impl<T: ?::core::marker::Sized> Other for T {}
}

mod framework {
    pub mod pooling {
        pub use ::pool_core::*;
    }
}

mod user {
    #[allow(unused_imports)]
    use crate::shadow::*;

    use std::fs::File;
    use std::rc::Rc;

    #[derive(::pool_core::Reset)]
    pub struct Task<'a, U> {
        pub data: Vec<u8>,
        #[pool(skip)]
        pub handle: Option<File>,
        #[pool(skip)]
        pub shared: Rc<str>,
        #[pool(skip)]
        pub name: &'a str,
        #[pool(skip)]
        pub kept: U,
    }

    #[derive(crate::framework::pooling::Reset)]
    #[pool(crate = crate::framework::pooling)]
    pub enum Body {
        #[default]
        Bytes(Vec<u8>, #[pool(skip)] Rc<[u8]>),
        Open(File),
        Empty,
    }

    // Each dispatch method alone: neither may be reported unused.
    #[derive(::pool_core::Reset)]
    pub struct OnlyFile {
        #[pool(skip)]
        pub file: File,
    }

    #[derive(::pool_core::Reset)]
    pub struct OnlyBuffer(#[pool(skip)] pub Vec<u8>);

    macro_rules! skipped {
        ($name:ident, $field:ident: $ty:ty) => {
            #[derive(::pool_core::Reset)]
            pub struct $name {
                #[pool(skip)]
                pub $field: $ty,
                pub buf: Vec<u8>,
            }

            #[derive(::pool_core::Reset)]
            pub enum Either {
                #[default]
                Left(Vec<u8>),
                Right($ty),
            }
        };
    }

    skipped!(Cached, cache: Vec<u16>);
}

fn main() {
    use pool_core::Reset as _;
    use std::fs::File;

    let task = user::Task {
        data: Vec::with_capacity(10),
        handle: None,
        shared: "shared".into(),
        name: "task",
        kept: String::with_capacity(100),
    };
    assert_eq!(task.heap_bytes(), 10);

    assert_eq!(
        user::Body::Bytes(Vec::with_capacity(7), [1, 2].into()).heap_bytes(),
        7
    );
    assert_eq!(user::Body::Empty.heap_bytes(), 0);

    let cached = user::Cached {
        cache: Vec::with_capacity(4),
        buf: Vec::with_capacity(3),
    };
    assert_eq!(cached.heap_bytes(), 11);
    assert_eq!(user::Either::Right(Vec::with_capacity(2)).heap_bytes(), 4);

    let file = user::OnlyFile {
        file: File::open(std::env::current_exe().unwrap()).unwrap(),
    };
    assert_eq!(file.heap_bytes(), 0);
    assert_eq!(user::OnlyBuffer(Vec::with_capacity(6)).heap_bytes(), 6);
}
