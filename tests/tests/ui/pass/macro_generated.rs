//! Types declared by `macro_rules!`, with the type, field names and field types passed in as
//! arguments: the generated code must resolve `self` and its own bindings at the derive, not in
//! the macro that wrote the field.
#![deny(warnings)]
#![allow(dead_code)]

use pool_core::{Poolable, Reset};

macro_rules! pooled_struct {
    ($name:ident, $field:ident: $ty:ty) => {
        #[derive(Poolable, Default)]
        pub struct $name {
            $field: $ty,
            #[pool(max_capacity = 4)]
            bounded: String,
        }
    };
}

macro_rules! tuple_struct {
    ($name:ident, $($ty:tt)*) => {
        #[derive(Reset)]
        pub struct $name($($ty)*, #[pool(max_capacity = 8)] Vec<u8>);
    };
}

macro_rules! reset_enum {
    ($name:ident, $($ty:tt)*) => {
        #[derive(Reset)]
        pub enum $name {
            #[default]
            Data($($ty)*, Vec<u8>),
            Empty,
        }
    };
}

macro_rules! named_enum {
    ($name:ident, $field:ident: $ty:ty) => {
        #[derive(Reset)]
        pub enum $name {
            #[default]
            Data {
                $field: $ty,
                #[pool(max_capacity = 8)]
                buf: Vec<u8>,
            },
            Empty,
        }
    };
}

pooled_struct!(FromMacro, field: Vec<u8>);
tuple_struct!(Pair, Vec<u16>);
reset_enum!(Body, Vec<u16>);
named_enum!(Named, items: Vec<String>);

fn main() {
    let mut value = FromMacro::create();
    value.field.push(1);
    value.reset();
    assert!(value.field.is_empty());

    let mut pair = Pair(vec![1], vec![2]);
    pair.reset();
    assert!(pair.0.is_empty() && pair.1.is_empty());

    let mut body = Body::Data(vec![1], vec![2]);
    body.reset();
    assert!(matches!(body, Body::Data(ref a, ref b) if a.is_empty() && b.is_empty()));

    let mut named = Named::Empty;
    named.reset();
    assert!(matches!(named, Named::Data { .. }));
}
