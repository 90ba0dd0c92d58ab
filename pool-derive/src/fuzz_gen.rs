//! Random inputs for `#[derive(Reset)]` and `#[derive(Poolable)]`: the one generator behind
//! three checks.
//!
//! - `fuzz_check.rs` (`cargo test -p pool-derive`): a bounded number of cases through the
//!   expansion, which must not panic, must point every error at the input, must accept every
//!   valid case and report a mistake in every case given one;
//! - the fuzz target `fuzz/fuzz_targets/derive.rs` (`cargo +nightly fuzz run derive`): the same
//!   check on the cases libFuzzer steers to; it includes this file, `fuzz_check.rs` and the
//!   derive's modules by `#[path]`, since a proc-macro crate exports nothing else;
//! - `tests/tests/derive_generated.rs`: includes this file by `#[path]` and compiles a sample of
//!   valid cases, each a whole program that derives, resets, creates and pools its type.
//!
//! A case is a function of bytes, read through `arbitrary::Unstructured`: every choice reads a
//! byte and, when the bytes run out, takes its first option, which is always the simplest. So
//! short inputs give small cases, and both libFuzzer and proptest shrink towards them.
//!
//! A *valid* case is written to compile: the generator knows, for each type it writes, whether
//! it is `Reset`, `Default`, `Send`, shrinkable or `Poolable` (type parameters are instantiated
//! with `u32`, which is everything), and gives a field only the options its type allows. A case
//! in the other mode adds what users get wrong: each option family's invalid forms, options in
//! the wrong place, duplicates and conflicts, the derive-level rules, odd types, attributes of
//! random tokens and, rarely, random text. The mistakes the derive itself must report are listed
//! in [`Case::mistakes`]; others only the compiler sees (a `#[pool(default)]` on a type without
//! `Default`), and such a case is neither valid nor expected to be refused.
//!
//! A value written as a macro fragment (`$t:ty`, `$e:expr`, `$p:path`) reaches a derive in a
//! none-delimited group. The generator marks such values `__fuzz_ty!(..)`, `__fuzz_expr!(..)`,
//! `__fuzz_path!(..)`: [`lower_fragments`] turns a mark into that group for the expansion, and
//! [`Case::program`] into a `macro_rules!` fragment for the compiler.
// Each crate that includes this file uses part of it.
#![allow(dead_code)]

use arbitrary::{Result, Unstructured};
use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};

/// The derive a case is written for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Which {
    Reset,
    Poolable,
}

/// What a case may hold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    /// Only inputs the derive accepts and the compiler compiles.
    Valid,
    /// Valid inputs half the time; otherwise anything, mistakes and garbage included.
    Any,
}

/// A generated input and what is known of it.
pub(crate) struct Case {
    /// The derive it is written for.
    pub(crate) derive: Which,
    /// Written to compile: the derive must accept it and the program must build and run.
    pub(crate) valid: bool,
    /// The mistakes in it that the derive itself must report (one error at least, for any).
    pub(crate) mistakes: Vec<&'static str>,
    /// The type definition the derive sees, with its attributes, fragment marks included.
    pub(crate) input: TokenStream,
    /// `#[derive(..)]` as the program writes it (the derive, and `Default` where it is derived).
    pub(crate) derive_attr: TokenStream,
    /// Items the definition refers to (the functions of `new = f`).
    pub(crate) items: TokenStream,
    /// Statements of `main` that build, reset, create and pool a value.
    pub(crate) usage: TokenStream,
}

impl Case {
    /// Draws a case from `u`.
    pub(crate) fn generate(u: &mut Unstructured, mode: Mode) -> Result<Case> {
        let valid = match mode {
            Mode::Valid => true,
            Mode::Any => Gen::byte_chance(u, 1, 2)?,
        };
        if !valid && Gen::byte_chance(u, 1, 32)? {
            return raw_case(u);
        }
        let derive = if Gen::byte_chance(u, 1, 2)? {
            Which::Poolable
        } else {
            Which::Reset
        };
        Gen::new(u, valid, derive).case()
    }

    /// The case as a whole program for the compiler: the support module, the case's items, the
    /// definition under its `#[derive(..)]` (inside a `macro_rules!` that passes the marked
    /// fragments in, if it has any), and a `main` that uses it. `title` is its first doc line.
    pub(crate) fn program(&self, title: &str) -> String {
        let definition = definition_source(&self.derive_attr, &self.input);
        let items = flatten_fragments(self.items.clone());
        let usage = flatten_fragments(self.usage.clone());
        format!(
            "//! {title}\n\
             #![deny(warnings)]\n\
             // Generated fields are written and never read.\n\
             #![allow(dead_code)]\n\n\
             {SUPPORT}\n\n\
             {SHADOWS}\n\
             {items}\n\n\
             {definition}\n\n\
             fn main() {{\n    {usage}\n}}\n"
        )
    }
}

/// Items every program has, which valid cases use: derived and plain types with known traits,
/// a re-export of pool-core for `crate = ..`, a constant and functions for `reset_with`.
pub(crate) const SUPPORT: &str = r#"pub mod support {
    #[derive(::pool_core::Reset, Default)]
    pub struct Counter {
        pub hits: u64,
        pub log: Vec<u8>,
    }

    #[derive(::pool_core::Poolable, Default)]
    pub struct Scratch {
        pub text: String,
        #[pool(max_capacity = 64)]
        pub bytes: Vec<u8>,
    }

    #[derive(::pool_core::Poolable)]
    pub enum Phase {
        #[default]
        Idle,
        Busy(String),
    }

    #[derive(Default)]
    pub struct Plain {
        pub n: u8,
    }

    pub struct Opaque(pub u8);

    #[derive(::pool_core::Reset, Default)]
    pub struct Wrap<T> {
        pub items: Vec<T>,
        pub last: Option<T>,
    }

    pub mod reexport {
        pub use ::pool_core as pool;
    }

    pub const CAP: usize = 32;

    pub fn zero<T: Default>(value: &mut T) {
        *value = T::default();
    }

    pub fn clear_bytes(bytes: &mut [u8]) {
        bytes.fill(0);
    }

    pub fn rewind(position: &mut u64) {
        *position = 0;
    }
}"#;

/// Names the derives' code must not take from the scope it expands in (it writes absolute
/// paths), shadowed there; the generator's own code does not use them either.
pub(crate) const SHADOWS: &str = "mod core {}
mod std {}
struct Result;
struct Ok;
struct Err;
struct Sized;
struct Iterator;
struct Reset;
struct Poolable;
struct Pool;
struct Shrink;
struct Heap;
struct Build;
fn drop() {}";

/// A type of [`SUPPORT`] and what it implements.
#[derive(Debug)]
pub(crate) struct UserTy {
    path: &'static str,
    reset: bool,
    default: bool,
    poolable: bool,
    value: &'static str,
}

const USER_TYPES: [UserTy; 5] = [
    UserTy {
        path: "support::Counter",
        reset: true,
        default: true,
        poolable: false,
        value: "support::Counter { hits: 3, log: vec![1] }",
    },
    UserTy {
        path: "support::Scratch",
        reset: true,
        default: true,
        poolable: true,
        value: "<support::Scratch as ::core::default::Default>::default()",
    },
    UserTy {
        path: "support::Phase",
        reset: true,
        default: false,
        poolable: true,
        value: "support::Phase::Busy(::std::string::String::new())",
    },
    UserTy {
        path: "support::Plain",
        reset: false,
        default: true,
        poolable: false,
        value: "support::Plain { n: 1 }",
    },
    UserTy {
        path: "support::Opaque",
        reset: false,
        default: false,
        poolable: false,
        value: "support::Opaque(2)",
    },
];

/// Types only a case with mistakes writes: each parses as a field type, and none is what the
/// derive is made for.
const ODD_TYPES: [&str; 22] = [
    "dyn ::core::fmt::Debug",
    "fn(u8) -> u8",
    "impl Clone",
    "!",
    "_",
    "Self",
    "<T as Iterator>::Item",
    "m!()",
    "(u8)",
    "*const u8",
    "&'static mut [u8]",
    "[u8]",
    "u8::Assoc",
    "for<'x> fn(&'x u8)",
    "dyn for<'x> Fn(&'x u8) + Send",
    "::core::marker::PhantomData<Self>",
    "[u8; { 1 + 2 }]",
    "[u8; N]",
    "Vec<Vec<Vec<Vec<u8>>>>",
    "r#type",
    "Option<&'missing str>",
    "(u8, u16, u32, u64, u8, u16, u32, u64, u8, u16, u32, u64, u8)",
];

/// A borrowed field type, for a type with lifetime parameters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Borrow {
    Str,
    OptionStr,
    VecStr,
    Phantom,
}

/// A field type, and what the generator knows of it.
#[derive(Clone, Debug)]
enum Ty {
    Int(&'static str),
    Bool,
    Char,
    Str,
    Vec(Box<Ty>),
    Option(Box<Ty>),
    Map(Box<Ty>, Box<Ty>),
    Boxed(Box<Ty>),
    Array(Box<Ty>, usize),
    Tuple(Vec<Ty>),
    File,
    RcStr,
    User(&'static UserTy),
    /// A type parameter.
    Param(Ident),
    /// `[u8; N]` for a const parameter `N`.
    ConstArray(Ident),
    /// A borrow with a lifetime parameter, or `'static`.
    Borrowed(Ident, Borrow),
    /// `Option<Box<Self>>`.
    SelfRef,
    Phantom(Box<Ty>),
    /// `support::Wrap<T>`, a derived generic type.
    Wrap(Box<Ty>),
    /// `[T]`, the last field of an unsized struct.
    Slice(Box<Ty>),
    /// The type passed in as a `$t:ty` fragment.
    Fragment(Box<Ty>),
    Odd(&'static str),
}

impl Ty {
    /// `Reset`, with `u32` for each type parameter.
    fn reset(&self) -> bool {
        match self {
            Ty::Int(_) | Ty::Bool | Ty::Char | Ty::Str | Ty::Vec(_) | Ty::Option(_) => true,
            Ty::Map(..) | Ty::Param(_) | Ty::ConstArray(_) | Ty::SelfRef | Ty::Phantom(_) => true,
            Ty::Boxed(ty) | Ty::Array(ty, _) | Ty::Slice(ty) | Ty::Fragment(ty) => ty.reset(),
            Ty::Wrap(_) => true,
            Ty::Tuple(tys) => tys.iter().all(Ty::reset),
            Ty::User(user) => user.reset,
            Ty::Borrowed(_, borrow) => *borrow != Borrow::Str,
            Ty::File | Ty::RcStr | Ty::Odd(_) => false,
        }
    }

    /// `Default`, with `u32` for each type parameter (a const parameter stays generic).
    fn default(&self) -> bool {
        match self {
            Ty::Int(_) | Ty::Bool | Ty::Char | Ty::Str | Ty::Vec(_) | Ty::Option(_) => true,
            Ty::Map(..) | Ty::Param(_) | Ty::Borrowed(..) | Ty::SelfRef | Ty::Phantom(_) => true,
            Ty::Boxed(ty) | Ty::Wrap(ty) | Ty::Fragment(ty) => ty.default(),
            Ty::Array(ty, len) => *len == 0 || (*len <= 32 && ty.default()),
            Ty::Tuple(tys) => tys.iter().all(Ty::default),
            Ty::User(user) => user.default,
            // `Rc<str>` is `Default` from Rust 1.80 on; not relied on.
            Ty::File | Ty::RcStr | Ty::ConstArray(_) | Ty::Slice(_) | Ty::Odd(_) => false,
        }
    }

    /// `Send`, with `u32` for each type parameter.
    fn send(&self) -> bool {
        match self {
            Ty::RcStr | Ty::Odd(_) => false,
            Ty::Vec(ty) | Ty::Option(ty) | Ty::Boxed(ty) | Ty::Array(ty, _) => ty.send(),
            Ty::Phantom(ty) | Ty::Wrap(ty) | Ty::Slice(ty) | Ty::Fragment(ty) => ty.send(),
            Ty::Map(key, value) => key.send() && value.send(),
            Ty::Tuple(tys) => tys.iter().all(Ty::send),
            _ => true,
        }
    }

    /// `Poolable` where the impl is written: a type parameter counts as not, since the derive
    /// builds a field that names one with `Default`.
    fn poolable(&self) -> bool {
        match self {
            Ty::Int(_) | Ty::Bool | Ty::Char | Ty::Str | Ty::ConstArray(_) => true,
            Ty::Vec(ty) => ty.send() && ty.is_static(),
            Ty::Map(key, value) => {
                key.send() && key.is_static() && value.send() && value.is_static()
            }
            Ty::Boxed(ty) | Ty::Array(ty, _) | Ty::Fragment(ty) => ty.poolable(),
            Ty::User(user) => user.poolable,
            _ => false,
        }
    }

    /// Implements `pool_core::Shrink`, for `max_capacity`.
    fn shrink(&self) -> bool {
        match self {
            Ty::Str | Ty::Vec(_) | Ty::Map(..) => true,
            Ty::Fragment(ty) => ty.shrink(),
            _ => false,
        }
    }

    /// Names no lifetime parameter.
    fn is_static(&self) -> bool {
        let mut lifetimes = Vec::new();
        self.params(&mut Vec::new(), &mut lifetimes);
        lifetimes.is_empty()
    }

    /// Names a type parameter, as the derive's token walk sees it.
    fn mentions_type_param(&self) -> bool {
        let mut types = Vec::new();
        self.params(&mut types, &mut Vec::new());
        !types.is_empty()
    }

    /// The type and lifetime parameters it names, into `types` and `lifetimes`.
    fn params(&self, types: &mut Vec<Ident>, lifetimes: &mut Vec<Ident>) {
        match self {
            Ty::Param(name) => types.push(name.clone()),
            Ty::Borrowed(lifetime, _) if lifetime != "static" => lifetimes.push(lifetime.clone()),
            Ty::Vec(ty) | Ty::Option(ty) | Ty::Boxed(ty) | Ty::Array(ty, _) => {
                ty.params(types, lifetimes);
            }
            Ty::Phantom(ty) | Ty::Wrap(ty) | Ty::Slice(ty) | Ty::Fragment(ty) => {
                ty.params(types, lifetimes);
            }
            Ty::Map(key, value) => {
                key.params(types, lifetimes);
                value.params(types, lifetimes);
            }
            Ty::Tuple(tys) => tys.iter().for_each(|ty| ty.params(types, lifetimes)),
            _ => {}
        }
    }

    /// The const parameters it names.
    fn consts(&self, consts: &mut Vec<Ident>) {
        match self {
            Ty::ConstArray(name) => consts.push(name.clone()),
            Ty::Vec(ty) | Ty::Option(ty) | Ty::Boxed(ty) | Ty::Array(ty, _) => ty.consts(consts),
            Ty::Phantom(ty) | Ty::Wrap(ty) | Ty::Slice(ty) | Ty::Fragment(ty) => ty.consts(consts),
            Ty::Map(key, value) => {
                key.consts(consts);
                value.consts(consts);
            }
            Ty::Tuple(tys) => tys.iter().for_each(|ty| ty.consts(consts)),
            _ => {}
        }
    }

    /// Without a fragment mark at the top.
    fn bare(&self) -> &Ty {
        match self {
            Ty::Fragment(ty) => ty.bare(),
            ty => ty,
        }
    }

    /// The type as written.
    fn tokens(&self) -> TokenStream {
        match self {
            Ty::Int(name) => ident(name).into_token_stream(),
            Ty::Bool => quote!(bool),
            Ty::Char => quote!(char),
            Ty::Str => quote!(String),
            Ty::Vec(ty) => {
                let ty = ty.tokens();
                quote!(Vec<#ty>)
            }
            Ty::Option(ty) => {
                let ty = ty.tokens();
                quote!(Option<#ty>)
            }
            Ty::Map(key, value) => {
                let (key, value) = (key.tokens(), value.tokens());
                quote!(::std::collections::HashMap<#key, #value>)
            }
            Ty::Boxed(ty) => {
                let ty = ty.tokens();
                quote!(Box<#ty>)
            }
            Ty::Array(ty, len) => {
                let ty = ty.tokens();
                let len = proc_macro2::Literal::usize_unsuffixed(*len);
                quote!([#ty; #len])
            }
            Ty::Tuple(tys) => {
                let tys = tys.iter().map(Ty::tokens);
                quote!((#(#tys,)*))
            }
            Ty::File => quote!(::std::fs::File),
            Ty::RcStr => quote!(::std::rc::Rc<str>),
            Ty::User(user) => lex(user.path),
            Ty::Param(name) => name.to_token_stream(),
            Ty::ConstArray(name) => quote!([u8; #name]),
            Ty::Borrowed(lifetime, borrow) => {
                let lifetime = lifetime_tokens(lifetime);
                match borrow {
                    Borrow::Str => quote!(&#lifetime str),
                    Borrow::OptionStr => quote!(Option<&#lifetime str>),
                    Borrow::VecStr => quote!(Vec<&#lifetime str>),
                    Borrow::Phantom => quote!(::core::marker::PhantomData<&#lifetime ()>),
                }
            }
            Ty::SelfRef => quote!(Option<Box<Self>>),
            Ty::Phantom(ty) => {
                let ty = ty.tokens();
                quote!(::core::marker::PhantomData<#ty>)
            }
            Ty::Wrap(ty) => {
                let ty = ty.tokens();
                quote!(support::Wrap<#ty>)
            }
            Ty::Slice(ty) => {
                let ty = ty.tokens();
                quote!([#ty])
            }
            Ty::Fragment(ty) => mark("__fuzz_ty", ty.tokens()),
            Ty::Odd(text) => lex(text),
        }
    }

    /// An expression of the type, where each type parameter is `Default`.
    fn value(&self) -> TokenStream {
        match self {
            Ty::Int(_) => quote!(7),
            Ty::Bool => quote!(true),
            Ty::Char => quote!('x'),
            Ty::Str => quote!(::std::string::String::from("text")),
            Ty::Vec(ty) => {
                let item = ty.value();
                quote!(::std::vec![#item])
            }
            Ty::Option(ty) => {
                let inner = ty.value();
                quote!(::core::option::Option::Some(#inner))
            }
            Ty::Map(..) => quote!(::std::collections::HashMap::new()),
            Ty::Boxed(ty) => {
                let inner = ty.value();
                quote!(::std::boxed::Box::new(#inner))
            }
            Ty::Array(ty, _) => {
                let item = ty.value();
                quote!(::core::array::from_fn(|_| #item))
            }
            Ty::Tuple(tys) => {
                let values = tys.iter().map(Ty::value);
                quote!((#(#values,)*))
            }
            Ty::File => quote! {
                ::std::fs::File::open(::std::env::current_exe().expect("the program's path"))
                    .expect("the program opens itself")
            },
            Ty::RcStr => quote!(::std::rc::Rc::<str>::from("shared")),
            Ty::User(user) => lex(user.value),
            Ty::Param(_) => quote!(::core::default::Default::default()),
            Ty::ConstArray(_) => quote!(::core::array::from_fn(|_| 1u8)),
            Ty::Borrowed(_, Borrow::Str) => quote!("borrowed"),
            Ty::Borrowed(_, Borrow::OptionStr) => quote!(::core::option::Option::Some("borrowed")),
            Ty::Borrowed(_, Borrow::VecStr) => quote!(::std::vec!["borrowed"]),
            Ty::Borrowed(_, Borrow::Phantom) | Ty::Phantom(_) => {
                quote!(::core::marker::PhantomData)
            }
            Ty::SelfRef => quote!(::core::option::Option::None),
            Ty::Wrap(_) => quote! {
                support::Wrap {
                    items: ::std::vec::Vec::new(),
                    last: ::core::option::Option::None,
                }
            },
            // An unsized struct is not built (see `Gen::usage`).
            Ty::Slice(_) => quote!(::core::unimplemented!()),
            Ty::Fragment(ty) => ty.value(),
            Ty::Odd(_) => quote!(::core::unimplemented!()),
        }
    }
}

/// A type parameter: its name and the bounds it is declared with.
struct TypeParam {
    name: Ident,
    bounds: Vec<&'static str>,
    /// Bounds written in the `where` clause rather than in `<..>`.
    in_where: bool,
}

/// How a struct or variant writes its fields.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Named,
    Tuple,
    Unit,
}

/// A field as generated.
struct FieldDef {
    attrs: Vec<TokenStream>,
    vis: TokenStream,
    name: Option<Ident>,
    ty: Ty,
}

/// A variant as generated.
struct VariantDef {
    attrs: Vec<TokenStream>,
    name: Ident,
    shape: Shape,
    fields: Vec<FieldDef>,
}

/// A field option, for the rules about duplicates and conflicts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum FieldKey {
    Skip,
    Default,
    ResetWith,
    MaxCapacity,
}

/// A field option as written: its tokens, and the key it is read as if the derive accepts it
/// (`None` for a form the derive refuses on its own).
struct FieldOption {
    tokens: TokenStream,
    key: Option<FieldKey>,
}

/// A type option, for duplicates.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ContainerKey {
    New,
    Crate,
    Bound,
    Global,
}

/// Where a field is, which decides what its options and type may be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Place {
    /// A reset keeps and resets it: a struct's field, or one of the `#[default]` variant.
    reset: bool,
    /// The derive may build it from nothing: a field of the `#[default]` variant.
    built: bool,
}

/// How a `Poolable` value is created, decided before the fields so their types can follow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Creation {
    /// By `Default`, derived with std's `#[derive(Default)]` (a struct), or by the derive
    /// building the `#[default]` variant (an enum): no `new`.
    Derived,
    /// By `#[pool(new = f)]`.
    New,
}

/// The generator's state while it writes one case.
struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    valid: bool,
    derive: Which,
    mistakes: Vec<&'static str>,
    lifetimes: Vec<Ident>,
    types: Vec<TypeParam>,
    consts: Vec<Ident>,
    items: TokenStream,
    /// A valid case with `#[pool(global)]`, whose program uses `Type::pool()`.
    global: bool,
    /// The last type or const parameter has a default (`T = u32`, `const N: usize = 4`).
    param_default: bool,
    /// A struct that ends in a slice, which no expression builds.
    dst: bool,
}

impl<'a, 'b> Gen<'a, 'b> {
    fn new(u: &'a mut Unstructured<'b>, valid: bool, derive: Which) -> Self {
        Gen {
            u,
            valid,
            derive,
            mistakes: Vec::new(),
            lifetimes: Vec::new(),
            types: Vec::new(),
            consts: Vec::new(),
            items: TokenStream::new(),
            global: false,
            param_default: false,
            dst: false,
        }
    }

    /// `true` with probability `num / den`, and `false` once the bytes run out.
    fn byte_chance(u: &mut Unstructured, num: u8, den: u8) -> Result<bool> {
        Ok(u.int_in_range(0..=den - 1)? >= den - num)
    }

    fn chance(&mut self, num: u8, den: u8) -> Result<bool> {
        Gen::byte_chance(self.u, num, den)
    }

    /// A chance taken only by a case that may hold mistakes.
    fn wild(&mut self, num: u8, den: u8) -> Result<bool> {
        Ok(!self.valid && self.chance(num, den)?)
    }

    /// A number in `0..=max`.
    fn upto(&mut self, max: usize) -> Result<usize> {
        Ok(usize::from(
            self.u
                .int_in_range(0..=u8::try_from(max).unwrap_or(u8::MAX))?,
        ))
    }

    fn pick<T: Clone>(&mut self, from: &[T]) -> Result<T> {
        Ok(self.u.choose(from)?.clone())
    }

    /// Records a mistake the derive must report.
    fn mistake(&mut self, what: &'static str) {
        self.mistakes.push(what);
    }

    /// Writes the whole case.
    fn case(mut self) -> Result<Case> {
        let shape = self.upto(if self.valid { 3 } else { 4 })?;
        let creation = match (self.derive, self.chance(1, 3)?) {
            (Which::Poolable, true) => Creation::New,
            _ => Creation::Derived,
        };
        self.generics(creation)?;
        let name = if self.chance(1, 16)? {
            Ident::new_raw("Case", Span::call_site())
        } else {
            format_ident!("Case")
        };
        let (kind, body, construct, std_default) = match shape {
            0..=2 => {
                let shape = [Shape::Named, Shape::Tuple, Shape::Unit][shape];
                let place = Place {
                    reset: true,
                    built: false,
                };
                // A struct created by std's `Default` needs every field to have it.
                let needs_default = self.derive == Which::Poolable && creation == Creation::Derived;
                let mut fields = self.fields(shape, place, needs_default)?;
                let shape = self.use_every_param(shape, &mut fields)?;
                // A `Reset` struct may end in a slice, which makes it unsized.
                if self.derive == Which::Reset && shape != Shape::Unit && self.chance(1, 10)? {
                    let ty = Ty::Slice(Box::new(self.ty(2)?));
                    let attrs = self.field_attrs(&ty, place)?;
                    fields.push(FieldDef {
                        attrs,
                        vis: TokenStream::new(),
                        name: (shape == Shape::Named).then(|| ident("tail")),
                        ty,
                    });
                    self.dst = true;
                }
                let body = struct_body(shape, &fields);
                let construct = construct(quote!(#name), shape, &fields);
                let std_default = needs_default && fields.iter().all(|f| f.ty.default());
                (quote!(struct), body, construct, std_default)
            }
            3 => {
                let (body, construct) = self.enum_body(&name)?;
                (quote!(enum), body, construct, false)
            }
            _ => {
                self.mistake("union");
                let fields = self.fields(
                    Shape::Named,
                    Place {
                        reset: true,
                        built: false,
                    },
                    false,
                )?;
                (
                    quote!(union),
                    struct_body(Shape::Named, &fields),
                    quote!(),
                    false,
                )
            }
        };
        let container = self.container_attrs(creation, std_default, &name, &construct)?;
        let vis = self.pick(&[quote!(), quote!(pub), quote!(pub(crate))])?;
        let doc = self.doc()?;
        let (decl, _, _, where_clause) = self.generics_tokens();
        let input = match shape {
            // A tuple or unit struct writes its where clause after its fields, and ends in `;`.
            1 | 2 => quote!(#doc #(#container)* #vis #kind #name #decl #body #where_clause;),
            _ => quote!(#doc #(#container)* #vis #kind #name #decl #where_clause #body),
        };
        let derive_attr = self.derive_attr(std_default);
        let usage = self.usage(&name, &construct);
        Ok(Case {
            derive: self.derive,
            valid: self.valid,
            mistakes: self.mistakes,
            input,
            derive_attr,
            items: self.items,
            usage,
        })
    }

    /// `#[derive(..)]` for the program.
    fn derive_attr(&self, std_default: bool) -> TokenStream {
        let derive = match self.derive {
            Which::Reset => quote!(::pool_core::Reset),
            Which::Poolable => quote!(::pool_core::Poolable),
        };
        if std_default {
            quote!(#[derive(#derive, Default)])
        } else {
            quote!(#[derive(#derive)])
        }
    }

    /// A doc comment or other harmless attributes.
    fn doc(&mut self) -> Result<TokenStream> {
        Ok(match self.upto(5)? {
            0 => quote!(),
            1 => lex("/// A generated type.\n"),
            2 => quote!(#[doc = "generated"]),
            3 => quote!(#[allow(clippy::all)]),
            4 => quote!(#[cfg_attr(all(), doc = "generated")]),
            _ => quote!(#[rustfmt::skip]),
        })
    }

    /// Lifetime, type and const parameters. A `Poolable` case made by `new = f` declares
    /// `Default` on its type parameters, which the function builds.
    fn generics(&mut self, creation: Creation) -> Result<()> {
        let lifetimes = if (self.derive == Which::Reset || self.wild(1, 4)?) && self.chance(1, 3)? {
            1 + self.upto(1)?
        } else {
            0
        };
        if self.derive == Which::Poolable && lifetimes > 0 {
            self.mistake("lifetime on a `Poolable` type");
        }
        self.lifetimes = ["a", "b"][..lifetimes].iter().map(|n| ident(n)).collect();
        let types = if self.chance(1, 2)? {
            1 + self.upto(1)?
        } else {
            0
        };
        for name in ["T", "U"].into_iter().take(types) {
            let mut bounds = Vec::new();
            for _ in 0..self.upto(2)? {
                bounds.push(self.bound()?);
            }
            if creation == Creation::New
                && self.derive == Which::Poolable
                && !bounds.contains(&"Default")
            {
                bounds.push("Default");
            }
            let in_where = self.chance(1, 3)?;
            self.types.push(TypeParam {
                name: ident(name),
                bounds,
                in_where,
            });
        }
        if self.chance(1, 4)? {
            self.consts.push(ident("N"));
        }
        self.param_default =
            (!self.types.is_empty() || !self.consts.is_empty()) && self.chance(1, 4)?;
        Ok(())
    }

    /// A declared bound: what `u32` implements, or, in a case with mistakes, anything.
    fn bound(&mut self) -> Result<&'static str> {
        if self.wild(1, 4)? {
            return self.pick(&["?Sized", "Iterator", "for<'x> Fn(&'x u8)", "'a", "Drop"]);
        }
        self.pick(&[
            "Clone",
            "Copy",
            "::core::fmt::Debug",
            "Default",
            "Send",
            "Sync",
            "'static",
            "PartialEq",
            "::core::hash::Hash",
            "::pool_core::Reset",
        ])
    }

    /// `<'a, T: Bound, const N: usize>` and friends: the declaration (with a default for the
    /// last type parameter, sometimes), the declaration an impl writes (no defaults), the
    /// arguments, and the where clause.
    fn generics_tokens(&self) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
        let lifetimes: Vec<TokenStream> = self.lifetimes.iter().map(lifetime_tokens).collect();
        let mut decl: Vec<TokenStream> = Vec::new();
        let mut impl_decl: Vec<TokenStream> = Vec::new();
        let mut args: Vec<TokenStream> = Vec::new();
        let mut wheres: Vec<TokenStream> = Vec::new();
        for (lifetime, tokens) in self.lifetimes.iter().zip(&lifetimes) {
            // `'b: 'a`: the second lifetime outlives the first.
            let declared = if lifetime == "b" {
                let a = &lifetimes[0];
                quote!(#tokens: #a)
            } else {
                tokens.clone()
            };
            decl.push(declared.clone());
            impl_decl.push(declared);
            args.push(tokens.clone());
        }
        for param in &self.types {
            let name = &param.name;
            let bounds: Vec<TokenStream> = param.bounds.iter().map(|b| lex(b)).collect();
            let declared = if bounds.is_empty() || param.in_where {
                if !bounds.is_empty() {
                    wheres.push(quote!(#name: #(#bounds)+*));
                }
                quote!(#name)
            } else {
                quote!(#name: #(#bounds)+*)
            };
            decl.push(declared.clone());
            impl_decl.push(declared);
            args.push(name.to_token_stream());
        }
        for name in &self.consts {
            decl.push(quote!(const #name: usize));
            impl_decl.push(quote!(const #name: usize));
            args.push(name.to_token_stream());
        }
        // The last parameter, a const one or a type one, may have a default; an impl's may not.
        if self.param_default {
            if let Some(last) = decl.last_mut() {
                let default = if self.consts.is_empty() {
                    quote!(= u32)
                } else {
                    quote!(= 4)
                };
                last.extend(default);
            }
        }
        let wrap = |list: &[TokenStream]| {
            if list.is_empty() {
                TokenStream::new()
            } else {
                quote!(<#(#list),*>)
            }
        };
        let where_clause = if wheres.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#wheres),*)
        };
        (wrap(&decl), wrap(&impl_decl), wrap(&args), where_clause)
    }

    /// The type with `u32` for each type parameter, `'static` for each lifetime and 4 for `N`.
    fn concrete(&self, name: &Ident) -> TokenStream {
        let mut args: Vec<TokenStream> = Vec::new();
        args.extend(self.lifetimes.iter().map(|_| quote!('static)));
        args.extend(self.types.iter().map(|_| quote!(u32)));
        args.extend(self.consts.iter().map(|_| quote!(4)));
        if args.is_empty() {
            quote!(#name)
        } else {
            quote!(#name<#(#args),*>)
        }
    }

    /// A field type. In a valid case, it is one `accept` takes (`u8` after a few tries).
    fn field_ty(&mut self, accept: impl Fn(&Ty) -> bool) -> Result<Ty> {
        for _ in 0..6 {
            let ty = self.ty(0)?;
            if !self.valid || accept(&ty) {
                return Ok(ty);
            }
        }
        Ok(Ty::Int("u8"))
    }

    /// Any type, nested at most two deep.
    fn ty(&mut self, depth: usize) -> Result<Ty> {
        let nested = depth < 2;
        let ty = match self.upto(24)? {
            0..=2 => {
                Ty::Int(self.pick(&["u8", "u16", "u32", "u64", "usize", "i32", "i64", "i128"])?)
            }
            3 => Ty::Bool,
            4 => Ty::Char,
            5 => Ty::Str,
            6 | 7 if nested => Ty::Vec(Box::new(self.ty(depth + 1)?)),
            8 if nested => Ty::Option(Box::new(self.ty(depth + 1)?)),
            9 if nested => {
                let key = self.pick(&[0, 1, 2, 3, 4])?;
                let key = match key {
                    0 => Ty::Int("u32"),
                    1 => Ty::Str,
                    2 => Ty::Bool,
                    3 if !self.types.is_empty() => Ty::Param(self.type_param()?),
                    _ => Ty::Tuple(vec![Ty::Int("u8"), Ty::Str]),
                };
                Ty::Map(Box::new(key), Box::new(self.ty(depth + 1)?))
            }
            10 if nested => Ty::Boxed(Box::new(self.ty(depth + 1)?)),
            11 if nested => {
                let len = self.pick(&[3, 0, 1, 32, 33, 40])?;
                Ty::Array(Box::new(self.ty(depth + 1)?), len)
            }
            12 if nested => {
                let mut tys = Vec::new();
                for _ in 0..self.upto(3)? {
                    tys.push(self.ty(depth + 1)?);
                }
                Ty::Tuple(tys)
            }
            13 => Ty::File,
            14 => Ty::RcStr,
            15 | 16 => Ty::User(&USER_TYPES[self.upto(USER_TYPES.len() - 1)?]),
            17 | 18 if !self.types.is_empty() => Ty::Param(self.type_param()?),
            19 if !self.consts.is_empty() => Ty::ConstArray(self.consts[0].clone()),
            20 => {
                let lifetime = if self.lifetimes.is_empty() || self.chance(1, 4)? {
                    ident("static")
                } else {
                    let at = self.upto(self.lifetimes.len() - 1)?;
                    self.lifetimes[at].clone()
                };
                let borrow = self.pick(&[
                    Borrow::Str,
                    Borrow::OptionStr,
                    Borrow::VecStr,
                    Borrow::Phantom,
                ])?;
                Ty::Borrowed(lifetime, borrow)
            }
            21 => Ty::SelfRef,
            24 if nested => Ty::Wrap(Box::new(self.ty(depth + 1)?)),
            22 => Ty::Fragment(Box::new(self.ty(depth)?)),
            23 if !self.valid => Ty::Odd(self.pick(&ODD_TYPES)?),
            _ => Ty::Int("u64"),
        };
        Ok(ty)
    }

    fn type_param(&mut self) -> Result<Ident> {
        let index = self.upto(self.types.len() - 1)?;
        Ok(self.types[index].name.clone())
    }

    /// The fields of a struct or variant.
    fn fields(&mut self, shape: Shape, place: Place, needs_default: bool) -> Result<Vec<FieldDef>> {
        if shape == Shape::Unit {
            return Ok(Vec::new());
        }
        let count = if self.chance(1, 8)? {
            0
        } else {
            1 + self.upto(4)?
        };
        let mut fields = Vec::new();
        for index in 0..count {
            let derive = self.derive;
            let ty =
                self.field_ty(|ty| fits(derive, ty, place) && (!needs_default || ty.default()))?;
            let name = match shape {
                Shape::Named => Some(self.field_name(index)?),
                _ => None,
            };
            let attrs = self.field_attrs(&ty, place)?;
            // A struct's or union's field may be `pub`; a variant's may not.
            let vis = if place.reset && !place.built {
                self.pick(&[quote!(), quote!(pub), quote!(pub(crate))])?
            } else {
                TokenStream::new()
            };
            fields.push(FieldDef {
                attrs,
                vis,
                name,
                ty,
            });
        }
        Ok(fields)
    }

    /// A field name: mostly `f0`, `f1`, ..., sometimes one that could clash with what the
    /// derive generates or with a keyword.
    fn field_name(&mut self, index: usize) -> Result<Ident> {
        if index == 0 && self.chance(1, 4)? {
            let odd = self.pick(&[
                "type", "match", "__pool_0", "__pool", "create", "reset", "pool",
            ])?;
            return Ok(if matches!(odd, "type" | "match") {
                Ident::new_raw(odd, Span::call_site())
            } else {
                ident(odd)
            });
        }
        Ok(format_ident!("f{}", index))
    }

    /// Adds a `PhantomData` field for each type or lifetime parameter no field names (a
    /// compile error otherwise); a unit struct becomes a tuple struct for it.
    fn use_every_param(&mut self, shape: Shape, fields: &mut Vec<FieldDef>) -> Result<Shape> {
        let mut types = Vec::new();
        let mut lifetimes = Vec::new();
        for field in fields.iter() {
            field.ty.params(&mut types, &mut lifetimes);
        }
        let mut unused: Vec<Ty> = Vec::new();
        for param in &self.types {
            if !types.contains(&param.name) {
                unused.push(Ty::Phantom(Box::new(Ty::Param(param.name.clone()))));
            }
        }
        for lifetime in &self.lifetimes {
            if !lifetimes.contains(lifetime) {
                unused.push(Ty::Borrowed(lifetime.clone(), Borrow::Phantom));
            }
        }
        if unused.is_empty() || self.wild(1, 4)? {
            return Ok(shape);
        }
        let shape = if shape == Shape::Unit {
            Shape::Tuple
        } else {
            shape
        };
        for ty in unused {
            let name = (shape == Shape::Named).then(|| format_ident!("marker{}", fields.len()));
            fields.push(FieldDef {
                attrs: Vec::new(),
                vis: TokenStream::new(),
                name,
                ty,
            });
        }
        Ok(shape)
    }

    /// An enum's variants, one of them `#[default]`, and an expression of one of them.
    fn enum_body(&mut self, name: &Ident) -> Result<(TokenStream, TokenStream)> {
        let count = self.upto(3)? + if self.wild(1, 8)? { 0 } else { 1 };
        let default_at = if count == 0 { 0 } else { self.upto(count - 1)? };
        let no_default = count == 0 || self.wild(1, 8)?;
        let second_default = !no_default && count > 1 && self.wild(1, 8)?;
        if no_default {
            self.mistake("enum without `#[default]`");
        } else if second_default {
            self.mistake("two `#[default]` variants");
        }
        let names = ["Idle", "Busy", "Done", "Default", "None", "Some"];
        let mut variants = Vec::new();
        for index in 0..count {
            let is_default = !no_default && index == default_at;
            let shape = self.pick(&[Shape::Unit, Shape::Tuple, Shape::Named])?;
            let place = Place {
                reset: is_default,
                built: is_default,
            };
            let fields = self.fields(shape, place, false)?;
            let mut attrs = Vec::new();
            if is_default || (second_default && index == (default_at + 1) % count) {
                attrs.push(quote!(#[default]));
            }
            if self.wild(1, 12)? {
                attrs.push(quote!(#[pool(skip)]));
                self.mistake("`#[pool(..)]` on a variant");
            }
            if self.chance(1, 8)? {
                attrs.push(quote!(#[doc = "a variant"]));
            }
            let name = if index < names.len() {
                ident(names[index])
            } else {
                format_ident!("V{}", index)
            };
            variants.push(VariantDef {
                attrs,
                name,
                shape,
                fields,
            });
        }
        if !variants.is_empty() {
            let at = if no_default { 0 } else { default_at };
            let mut fields = std::mem::take(&mut variants[at].fields);
            let shape = self.use_every_param(variants[at].shape, &mut fields)?;
            variants[at].fields = fields;
            variants[at].shape = shape;
        }
        // Explicit discriminants, which an enum of unit variants may have.
        let discriminants = variants.iter().all(|v| v.shape == Shape::Unit) && self.chance(1, 3)?;
        let arms = variants.iter().enumerate().map(|(index, variant)| {
            let attrs = &variant.attrs;
            let ident = &variant.name;
            let body = struct_body(variant.shape, &variant.fields);
            let discriminant = discriminants.then(|| {
                let value = proc_macro2::Literal::usize_unsuffixed(index * 2 + 1);
                quote!(= #value)
            });
            quote!(#(#attrs)* #ident #body #discriminant)
        });
        let body = quote!({ #(#arms),* });
        let construct = if variants.is_empty() {
            quote!()
        } else {
            let variant = &variants[self.upto(variants.len() - 1)?];
            let ident = &variant.name;
            construct(quote!(#name::#ident), variant.shape, &variant.fields)
        };
        Ok((body, construct))
    }

    /// The `#[pool(..)]` and other attributes of a field of type `ty` at `place`.
    fn field_attrs(&mut self, ty: &Ty, place: Place) -> Result<Vec<TokenStream>> {
        let mut attrs = Vec::new();
        if self.chance(1, 8)? {
            attrs.push(self.pick(&[
                quote!(#[doc = "a field"]),
                quote!(#[allow(unused)]),
                quote!(#[cfg(all())]),
            ])?);
        }
        let options = if self.valid {
            self.valid_field_options(ty, place)?
        } else {
            self.wild_field_options(ty, place)?
        };
        attrs.extend(self.arrange(options)?);
        if self.wild(1, 16)? {
            attrs.push(self.pick(&[
                quote!(#[default]),
                quote!(#[pool]),
                quote!(#[pool = "skip"]),
            ])?);
            self.mistake("`#[default]`, `#[pool]` or `#[pool = ..]` on a field");
        }
        if self.wild(1, 10)? {
            attrs.push(self.garbage_attr()?);
        }
        Ok(attrs)
    }

    /// Options a valid case may give a field: at most one that decides the reset, allowed by
    /// the type, and `max_capacity` with it on a type that can shrink.
    fn valid_field_options(&mut self, ty: &Ty, place: Place) -> Result<Vec<TokenStream>> {
        if !place.reset {
            return Ok(Vec::new());
        }
        // `None`: no option, the type's own reset, first where the type has one.
        let mut choices: Vec<Option<FieldKey>> = Vec::new();
        if ty.reset() {
            choices.extend([None; 4]);
        }
        choices.extend([Some(FieldKey::Skip), Some(FieldKey::ResetWith)]);
        if ty.default() {
            choices.push(Some(FieldKey::Default));
        }
        let mut options = Vec::new();
        let decided = self.pick(&choices)?;
        match decided {
            Some(FieldKey::Skip) => options.push(quote!(skip)),
            Some(FieldKey::Default) => options.push(quote!(default)),
            Some(FieldKey::ResetWith) => {
                let f = self.reset_with(ty)?;
                options.push(quote!(reset_with = #f));
            }
            Some(FieldKey::MaxCapacity) | None => {}
        }
        // `max_capacity` shrinks after a reset by the type or by `reset_with`.
        if matches!(decided, None | Some(FieldKey::ResetWith))
            && ty.shrink()
            && self.chance(1, 2)?
        {
            let max = self.max_capacity()?;
            let at = self.upto(options.len())?;
            options.insert(at, quote!(max_capacity = #max));
        }
        Ok(options)
    }

    /// Field options from every family, valid or not, recording the mistakes the derive must
    /// report: a form it refuses, a key given twice, two options that conflict, and any option
    /// on a field a reset does not keep.
    fn wild_field_options(&mut self, ty: &Ty, place: Place) -> Result<Vec<TokenStream>> {
        let mut options = Vec::new();
        for _ in 0..self.upto(3)? {
            let option = self.field_option(ty)?;
            options.push(option);
        }
        let keys: Vec<FieldKey> = options.iter().filter_map(|o| o.key).collect();
        if options.iter().any(|o| o.key.is_none()) {
            self.mistake("a field option the derive refuses");
        }
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                let combine = matches!(
                    (a, b),
                    (FieldKey::ResetWith, FieldKey::MaxCapacity)
                        | (FieldKey::MaxCapacity, FieldKey::ResetWith)
                );
                if a == b {
                    self.mistake("a field option given twice");
                } else if !combine {
                    self.mistake("conflicting field options");
                }
            }
        }
        if !place.reset && !keys.is_empty() {
            self.mistake("a field option outside the `#[default]` variant");
        }
        Ok(options.into_iter().map(|o| o.tokens).collect())
    }

    /// One field option, valid or not.
    fn field_option(&mut self, ty: &Ty) -> Result<FieldOption> {
        let ok = |tokens, key| FieldOption {
            tokens,
            key: Some(key),
        };
        let refused = |tokens| FieldOption { tokens, key: None };
        Ok(match self.upto(13)? {
            0 => ok(quote!(skip), FieldKey::Skip),
            1 => ok(quote!(default), FieldKey::Default),
            2 | 3 => {
                let f = self.reset_with(ty)?;
                ok(quote!(reset_with = #f), FieldKey::ResetWith)
            }
            4 => {
                let max = self.max_capacity()?;
                ok(quote!(max_capacity = #max), FieldKey::MaxCapacity)
            }
            // Only the compiler refuses these.
            5 => {
                let f = self.pick(&[
                    quote!(|v| v.pop()),
                    quote!(5),
                    quote!(Vec::<u8>::pop),
                    quote!(|v: &mut [u8; 1024]| ()),
                ])?;
                ok(quote!(reset_with = #f), FieldKey::ResetWith)
            }
            6 => {
                // `{ 8 }` compiles, but the compiler's `unused_braces` lint calls the braces
                // unnecessary, which they are.
                let max = self.pick(&[
                    quote!("16"),
                    quote!(-1),
                    quote!(16u8),
                    quote!(N),
                    quote!({ 8 }),
                    quote!(x+),
                ])?;
                // `x +` does not parse: refused.
                if max.to_string() == "x +" {
                    refused(quote!(max_capacity = #max))
                } else {
                    ok(quote!(max_capacity = #max), FieldKey::MaxCapacity)
                }
            }
            7 => refused(self.pick(&[
                quote!(skip = true),
                quote!(default = 1),
                quote!(skip(1)),
                quote!(default()),
            ])?),
            8 => refused(self.pick(&[
                quote!(reset_with = "clear"),
                quote!(reset_with = "|v| v.clear()"),
                quote!(reset_with = ""),
                quote!(reset_with),
                quote!(reset_with =),
            ])?),
            9 => refused(self.pick(&[quote!(reset_with = |a, b| ()), quote!(reset_with = || ())])?),
            10 => refused(self.pick(&[quote!(max_capacity), quote!(max_capacity =)])?),
            11 => refused(self.pick(&[
                quote!(new = Default::default),
                quote!(crate = pool_core),
                quote!(bound = ""),
                quote!(global),
                quote!(global(max_idle = 1)),
            ])?),
            12 => refused(self.pick(&[
                quote!(rename = "x"),
                quote!(reset),
                quote!(max_idle = 3),
                quote!(a::b),
                quote!(Skip),
                quote!(r#skip),
            ])?),
            _ => refused(quote!(skip_serializing)),
        })
    }

    /// Options into attributes: all in one `#[pool(..)]`, or one each, with a trailing comma
    /// now and then.
    fn arrange(&mut self, options: Vec<TokenStream>) -> Result<Vec<TokenStream>> {
        if options.is_empty() {
            return Ok(if self.chance(1, 32)? {
                vec![quote!(#[pool()])]
            } else {
                Vec::new()
            });
        }
        let trailing = if self.chance(1, 6)? {
            quote!(,)
        } else {
            quote!()
        };
        if self.chance(1, 2)? {
            Ok(options
                .into_iter()
                .map(|option| quote!(#[pool(#option #trailing)]))
                .collect())
        } else {
            Ok(vec![quote!(#[pool(#(#options),* #trailing)])])
        }
    }

    /// A `reset_with` value callable with `&mut ty` where the type's parameters have no bounds.
    fn reset_with(&mut self, ty: &Ty) -> Result<TokenStream> {
        let written = ty.tokens();
        let mut choices = vec![
            quote!(|_v| ()),
            quote!(|v| {
                let _ = v;
            }),
            quote!(move |v| {
                let _ = v;
            }),
            quote!(|v: &mut #written| { let _ = v; }),
        ];
        match ty.bare() {
            Ty::Vec(_) | Ty::Str | Ty::Map(..) => {
                choices.extend([quote!(|v| v.clear()), quote!(|v| -> () { v.clear() })]);
            }
            Ty::Option(_) => choices.push(quote!(|v| *v = None)),
            Ty::Int(_) => choices.push(quote!(|v| *v = 0)),
            Ty::Bool => choices.push(quote!(|v| *v = false)),
            _ => {}
        }
        match ty.bare() {
            Ty::Vec(item) => {
                choices.extend([quote!(::std::vec::Vec::clear), quote!(Vec::clear)]);
                if matches!(**item, Ty::Int("u8")) {
                    choices.push(quote!(support::clear_bytes));
                }
            }
            Ty::Array(item, _) | Ty::Slice(item) if matches!(**item, Ty::Int("u8")) => {
                choices.push(quote!(support::clear_bytes));
            }
            Ty::Str => choices.push(quote!(String::clear)),
            Ty::Map(..) => choices.push(quote!(::std::collections::HashMap::clear)),
            Ty::Int("u64") => choices.push(quote!(support::rewind)),
            _ => {}
        }
        if !ty.mentions_type_param() && ty.default() {
            choices.extend([
                quote!(support::zero),
                quote!(|v| *v = ::core::default::Default::default()),
            ]);
        }
        if !ty.mentions_type_param() && ty.reset() {
            choices.extend([
                quote!(::pool_core::Reset::reset),
                quote!(<#written as ::pool_core::Reset>::reset),
            ]);
        }
        let f = self.pick(&choices)?;
        Ok(if self.chance(1, 8)? {
            mark("__fuzz_expr", f)
        } else {
            f
        })
    }

    /// A `max_capacity` value.
    fn max_capacity(&mut self) -> Result<TokenStream> {
        let mut choices = vec![
            quote!(16),
            quote!(0),
            quote!(4096),
            quote!(64 * 1024),
            quote!(support::CAP),
            quote!(1 << 10),
            quote!(usize::MAX),
        ];
        if let Some(n) = self.consts.first() {
            choices.push(n.to_token_stream());
        }
        let max = self.pick(&choices)?;
        Ok(if self.chance(1, 8)? {
            mark("__fuzz_expr", max)
        } else {
            max
        })
    }

    /// The type's own attributes. `construct` is an expression of the type, for `new`.
    fn container_attrs(
        &mut self,
        creation: Creation,
        std_default: bool,
        name: &Ident,
        construct: &TokenStream,
    ) -> Result<Vec<TokenStream>> {
        let options = if self.valid {
            self.valid_container_options(creation, std_default, name, construct)?
        } else {
            self.wild_container_options(name, construct)?
        };
        let mut attrs = self.arrange(options)?;
        if self.wild(1, 16)? {
            attrs.push(self.pick(&[quote!(#[default]), quote!(#[pool]), quote!(#[pool = 1])])?);
            self.mistake("`#[default]`, `#[pool]` or `#[pool = ..]` on the type");
        }
        if self.wild(1, 8)? {
            attrs.push(self.garbage_attr()?);
        }
        Ok(attrs)
    }

    fn valid_container_options(
        &mut self,
        creation: Creation,
        std_default: bool,
        name: &Ident,
        construct: &TokenStream,
    ) -> Result<Vec<TokenStream>> {
        let mut options = Vec::new();
        if self.derive == Which::Poolable && creation == Creation::New {
            let f = self.new_fn(name, construct)?;
            options.push(quote!(new = #f));
        } else if self.derive == Which::Poolable
            && std_default
            && self.types.is_empty()
            && self.chance(1, 4)?
        {
            // std's `Default` of a generic type asks `Default` of its parameters, which the
            // derive does not ask for `new = f`.
            let f = self.pick(&[
                quote!(::core::default::Default::default),
                quote!(<Self as ::core::default::Default>::default),
                quote!(Self::default),
                quote!(|| ::core::default::Default::default()),
            ])?;
            options.push(quote!(new = #f));
        }
        if self.chance(1, 4)? {
            let krate = self.crate_path()?;
            options.push(quote!(crate = #krate));
        }
        if self.chance(1, 5)? {
            let bound = self.bound_option()?;
            options.push(quote!(bound = #bound));
        }
        let generic = !self.types.is_empty() || !self.consts.is_empty();
        if self.derive == Which::Poolable && !generic && self.chance(1, 3)? {
            options.push(self.global()?);
            self.global = true;
        }
        // In any order.
        for i in (1..options.len()).rev() {
            let j = self.upto(i)?;
            options.swap(i, j);
        }
        Ok(options)
    }

    fn wild_container_options(
        &mut self,
        name: &Ident,
        construct: &TokenStream,
    ) -> Result<Vec<TokenStream>> {
        let mut options = Vec::new();
        let mut keys = Vec::new();
        let generic = !self.types.is_empty() || !self.consts.is_empty();
        for _ in 0..self.upto(3)? {
            let (tokens, key) = match self.upto(9)? {
                0 => {
                    let f = self.new_fn(name, construct)?;
                    if self.derive == Which::Reset {
                        self.mistake("`new` on `#[derive(Reset)]`");
                    }
                    (quote!(new = #f), Some(ContainerKey::New))
                }
                1 => {
                    let krate = self.crate_path()?;
                    (quote!(crate = #krate), Some(ContainerKey::Crate))
                }
                2 => {
                    let bound = self.bound_option()?;
                    (quote!(bound = #bound), Some(ContainerKey::Bound))
                }
                3 => {
                    if self.derive == Which::Reset || generic || !self.lifetimes.is_empty() {
                        self.mistake("`global` on a type that cannot have a `static` pool");
                    }
                    (self.global()?, Some(ContainerKey::Global))
                }
                4 => (
                    self.pick(&[
                        quote!(new = "make"),
                        quote!(new),
                        quote!(new =),
                        quote!(crate = 5),
                        quote!(crate = "1x"),
                        quote!(crate = "a::"),
                        quote!(crate = a::<u8>),
                        quote!(crate = "a b"),
                        quote!(crate = ""),
                    ])?,
                    None,
                ),
                5 => (
                    self.pick(&[
                        quote!(bound = "T"),
                        quote!(bound = "for T"),
                        quote!(bound = 5),
                        quote!(bound),
                        quote!(bound = "T: Clone,,"),
                        quote!(bound = "(unbalanced"),
                    ])?,
                    None,
                ),
                6 => (
                    self.pick(&[
                        quote!(global(max_idle)),
                        quote!(global(foo = 1)),
                        quote!(global(max_idle = 1, max_idle = 2)),
                        quote!(global = 3),
                        quote!(global(max_idle = )),
                        quote!(global("max_idle")),
                    ])?,
                    None,
                ),
                7 => (
                    self.pick(&[
                        quote!(skip),
                        quote!(default),
                        quote!(reset_with = Vec::clear),
                        quote!(max_capacity = 3),
                    ])?,
                    None,
                ),
                8 => (
                    self.pick(&[quote!(rename_all = "x"), quote!(pool), quote!(global_pool)])?,
                    None,
                ),
                _ => (
                    // The compiler refuses these (a `new` that is no function), not the derive.
                    self.pick(&[quote!(new = 5), quote!(new = |x| x)])?,
                    if self.derive == Which::Reset {
                        self.mistake("`new` on `#[derive(Reset)]`");
                        Some(ContainerKey::New)
                    } else {
                        Some(ContainerKey::New)
                    },
                ),
            };
            match key {
                None => self.mistake("a type option the derive refuses"),
                Some(key) if keys.contains(&key) => self.mistake("a type option given twice"),
                Some(key) => keys.push(key),
            }
            options.push(tokens);
        }
        Ok(options)
    }

    /// A `new` value that builds the type with `construct`: a function of the case's items, an
    /// associated function, or a closure.
    fn new_fn(&mut self, name: &Ident, construct: &TokenStream) -> Result<TokenStream> {
        let (_, impl_decl, args, where_clause) = self.generics_tokens();
        let construct = if construct.is_empty() {
            quote!(::core::unimplemented!())
        } else {
            construct.clone()
        };
        let f = match self.upto(3)? {
            0 => {
                self.items.extend(quote! {
                    fn make_case #impl_decl () -> #name #args #where_clause {
                        #construct
                    }
                });
                if args.is_empty() || self.chance(1, 2)? {
                    quote!(make_case)
                } else {
                    let args: Vec<TokenStream> = self
                        .types
                        .iter()
                        .map(|param| param.name.to_token_stream())
                        .chain(self.consts.iter().map(ToTokens::to_token_stream))
                        .collect();
                    quote!(make_case::<#(#args),*>)
                }
            }
            1 | 2 => {
                self.items.extend(quote! {
                    impl #impl_decl #name #args #where_clause {
                        fn make() -> Self {
                            #construct
                        }
                    }
                });
                if self.chance(1, 2)? {
                    quote!(Self::make)
                } else {
                    quote!(#name::make)
                }
            }
            _ => quote!(|| #construct),
        };
        Ok(if self.chance(1, 8)? {
            let kind = if f.to_string().starts_with('|') {
                "__fuzz_expr"
            } else {
                "__fuzz_path"
            };
            mark(kind, f)
        } else {
            f
        })
    }

    /// A `crate = ..` path that names pool-core.
    fn crate_path(&mut self) -> Result<TokenStream> {
        let path = self.pick(&[
            quote!(::pool_core),
            quote!(pool_core),
            quote!("pool_core"),
            quote!("::pool_core"),
            quote!(support::reexport::pool),
            quote!("support::reexport::pool"),
            quote!(crate::support::reexport::pool),
            quote!(self::support::reexport::pool),
        ])?;
        Ok(
            if path.to_string().starts_with('"') || !self.chance(1, 8)? {
                path
            } else {
                mark("__fuzz_path", path)
            },
        )
    }

    /// A `bound = ".."` that holds: every trait a field of a type parameter may need, for each
    /// type parameter, or, for a type without one, a predicate that holds anyway.
    fn bound_option(&mut self) -> Result<TokenStream> {
        let text = if self.types.is_empty() {
            self.pick(&["", "u32: Copy"])?.to_owned()
        } else {
            self.types
                .iter()
                .map(|param| {
                    format!(
                        "{}: ::pool_core::Reset + ::core::default::Default + ::core::marker::Send \
                         + 'static + ::core::cmp::Eq + ::core::hash::Hash",
                        param.name
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        Ok(proc_macro2::Literal::string(&text).into_token_stream())
    }

    /// `global`, `global()` or `global(max_idle = N)`.
    fn global(&mut self) -> Result<TokenStream> {
        let max = self.pick(&[quote!(8), quote!(1 << 4), quote!(support::CAP)])?;
        let max = if self.chance(1, 8)? {
            mark("__fuzz_expr", max)
        } else {
            max
        };
        self.pick(&[
            quote!(global),
            quote!(global()),
            quote!(global(max_idle = #max)),
        ])
    }

    /// An attribute of random tokens: `#[pool(..)]`, `#[pool[..]]` or `#[pool{..}]`.
    fn garbage_attr(&mut self) -> Result<TokenStream> {
        let tokens = self.garbage(0)?;
        let delimiter =
            self.pick(&[Delimiter::Parenthesis, Delimiter::Bracket, Delimiter::Brace])?;
        let group = Group::new(delimiter, tokens);
        Ok(quote!(#[pool #group]))
    }

    /// Random tokens, some of them what `#[pool(..)]` means, some not, nested in groups.
    fn garbage(&mut self, depth: usize) -> Result<TokenStream> {
        const WORDS: [&str; 60] = [
            "skip",
            "default",
            "reset_with",
            "max_capacity",
            "new",
            "crate",
            "bound",
            "global",
            "max_idle",
            "self",
            "Self",
            "super",
            "move",
            "as",
            "dyn",
            "fn",
            "r#type",
            "_",
            "__pool",
            "T",
            "'a",
            "'static",
            "=",
            ",",
            "|",
            ":",
            "::",
            "<",
            ">",
            "->",
            "=>",
            "&",
            "*",
            "#",
            "!",
            ".",
            "..",
            ";",
            "+",
            "-",
            "?",
            "@",
            "$",
            "1",
            "0",
            "-1",
            "18446744073709551616",
            "1.5",
            "0x10usize",
            "'c'",
            "b'x'",
            "\"\"",
            "\"x\"",
            "\"|v| v.clear()\"",
            "\"T: Clone\"",
            "r\"raw\"",
            "b\"bytes\"",
            "c\"cstr\"",
            "/** doc */",
            "true",
        ];
        let mut out = TokenStream::new();
        for _ in 0..self.upto(6)? {
            match self.upto(9)? {
                0 if depth < 2 => {
                    let delimiter = self.pick(&[
                        Delimiter::Parenthesis,
                        Delimiter::Bracket,
                        Delimiter::Brace,
                        Delimiter::None,
                    ])?;
                    let inner = self.garbage(depth + 1)?;
                    out.extend([TokenTree::Group(Group::new(delimiter, inner))]);
                }
                1 if depth < 2 => out.extend(mark("__fuzz_expr", self.garbage(depth + 1)?)),
                2 => {
                    // Text from the bytes: what libFuzzer's mutations reach.
                    let text: &str = self.u.arbitrary()?;
                    if let Ok(tokens) = text.parse::<TokenStream>() {
                        out.extend(tokens);
                    }
                }
                _ => out.extend(lex(self.pick(&WORDS)?)),
            }
        }
        Ok(out)
    }

    /// What `main` does with the type: build a value, reset it, count its heap bytes; for a
    /// `Poolable` type also create one and take one from a pool (its global pool, if it has
    /// one) and return it.
    fn usage(&self, name: &Ident, construct: &TokenStream) -> TokenStream {
        if !self.valid {
            return TokenStream::new();
        }
        let ty = self.concrete(name);
        if self.dst {
            // Only a reference to an unsized value can be had here: the program resets
            // through one, in a function it does not call.
            return quote! {
                fn reset_unsized(value: &mut #ty) {
                    ::pool_core::Reset::reset(value);
                    let _ = ::pool_core::Reset::heap_bytes(value);
                }
                let _ = reset_unsized;
            };
        }
        let mut usage = quote! {
            let mut value: #ty = #construct;
            ::pool_core::Reset::reset(&mut value);
            let _ = ::pool_core::Reset::heap_bytes(&value);
        };
        if self.derive == Which::Poolable {
            let pool = if self.global {
                quote!(let pool = #name::pool();)
            } else {
                quote!(let pool = ::pool_core::Pool::<#ty>::new();)
            };
            usage.extend(quote! {
                let created: #ty = ::pool_core::Poolable::create();
                let _ = ::pool_core::Reset::heap_bytes(&created);
                #pool
                let mut pooled = pool.get();
                ::pool_core::Reset::reset(&mut *pooled);
                ::core::mem::drop(pooled);
                ::core::mem::drop(pool.get());
            });
        }
        usage
    }
}

/// Whether a valid case can have a field of type `ty` at `place`: a `Poolable` type's fields
/// are `Send` and borrow nothing; a field the derive builds has `Default` or, if it names no type
/// parameter, is `Poolable`.
fn fits(derive: Which, ty: &Ty, place: Place) -> bool {
    let poolable = derive != Which::Poolable || (ty.send() && ty.is_static());
    let built = !place.built || ty.default() || (!ty.mentions_type_param() && ty.poolable());
    poolable && built
}

/// A case of random text: rarely a type definition, always something to lex.
fn raw_case(u: &mut Unstructured) -> Result<Case> {
    let text: &str = u.arbitrary()?;
    let input = text
        .parse::<TokenStream>()
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(Case {
        derive: if u.arbitrary()? {
            Which::Poolable
        } else {
            Which::Reset
        },
        valid: false,
        mistakes: Vec::new(),
        input,
        derive_attr: TokenStream::new(),
        items: TokenStream::new(),
        usage: TokenStream::new(),
    })
}

/// `{ a: A, .. }`, `(A, ..)` or nothing, with each field's attributes.
fn struct_body(shape: Shape, fields: &[FieldDef]) -> TokenStream {
    let fields = fields.iter().map(|field| {
        let (attrs, vis) = (&field.attrs, &field.vis);
        let ty = field.ty.tokens();
        match &field.name {
            Some(name) => quote!(#(#attrs)* #vis #name: #ty),
            None => quote!(#(#attrs)* #vis #ty),
        }
    });
    match shape {
        Shape::Named => quote!({ #(#fields,)* }),
        Shape::Tuple => quote!((#(#fields),*)),
        Shape::Unit => quote!(),
    }
}

/// An expression that builds `path` (a struct, or an enum's variant) in `shape`.
fn construct(path: TokenStream, shape: Shape, fields: &[FieldDef]) -> TokenStream {
    let values = fields.iter().map(|field| field.ty.value());
    match shape {
        Shape::Named => {
            let names = fields.iter().map(|field| &field.name);
            quote!(#path { #(#names: #values),* })
        }
        Shape::Tuple => quote!(#path(#(#values),*)),
        Shape::Unit => path,
    }
}

/// `kind!(tokens)`: a fragment mark.
fn mark(kind: &str, tokens: TokenStream) -> TokenStream {
    let kind = ident(kind);
    quote!(#kind!(#tokens))
}

/// The fragment mark at the start of `tokens`, if there is one: its kind and its group.
fn fragment_at(tokens: &[TokenTree]) -> Option<(&'static str, &Group)> {
    let [TokenTree::Ident(kind), TokenTree::Punct(bang), TokenTree::Group(group), ..] = tokens
    else {
        return None;
    };
    let kind = ["__fuzz_ty", "__fuzz_expr", "__fuzz_path"]
        .into_iter()
        .find(|name| kind == name)?;
    (bang.as_char() == '!' && group.delimiter() == Delimiter::Parenthesis).then_some((kind, group))
}

/// Rewrites each outermost fragment mark with `replace(kind, group)`, which sees the marks
/// inside it.
fn map_fragments(
    tokens: TokenStream,
    replace: &mut impl FnMut(&'static str, &Group) -> TokenStream,
) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some((kind, group)) = fragment_at(&tokens[i..]) {
            out.extend(replace(kind, group));
            i += 3;
            continue;
        }
        match &tokens[i] {
            TokenTree::Group(group) => {
                let mut inner =
                    Group::new(group.delimiter(), map_fragments(group.stream(), replace));
                inner.set_span(group.span());
                out.extend([TokenTree::Group(inner)]);
            }
            token => out.extend([token.clone()]),
        }
        i += 1;
    }
    out
}

/// The tokens a derive sees: each fragment mark a none-delimited group around its tokens,
/// spanned where the mark's parentheses are.
pub(crate) fn lower_fragments(tokens: TokenStream) -> TokenStream {
    map_fragments(tokens, &mut |_, group| {
        let mut none = Group::new(Delimiter::None, lower_fragments(group.stream()));
        none.set_span(group.span());
        TokenTree::Group(none).into_token_stream()
    })
}

/// The tokens without fragment marks.
fn flatten_fragments(tokens: TokenStream) -> TokenStream {
    map_fragments(tokens, &mut |_, group| flatten_fragments(group.stream()))
}

/// The definition under its derive, as source: passed through a `macro_rules!` whose
/// fragments are the marked values, if there are any.
fn definition_source(derive_attr: &TokenStream, input: &TokenStream) -> String {
    let mut fragments: Vec<(&'static str, String)> = Vec::new();
    let body = map_fragments(input.clone(), &mut |kind, group| {
        let placeholder = format_ident!("__fuzz_fragment_{}", fragments.len());
        fragments.push((kind, flatten_fragments(group.stream()).to_string()));
        placeholder.into_token_stream()
    });
    let mut body = quote!(#derive_attr #body).to_string();
    if fragments.is_empty() {
        return body;
    }
    let mut matcher = Vec::new();
    let mut arguments = Vec::new();
    // Highest first, so `_1` does not replace the start of `_10`.
    for (index, (kind, tokens)) in fragments.iter().enumerate().rev() {
        body = body.replace(&format!("__fuzz_fragment_{index}"), &format!("$f{index}"));
        let fragment = match *kind {
            "__fuzz_ty" => "ty",
            "__fuzz_path" => "path",
            _ => "expr",
        };
        matcher.push(format!("$f{index}:{fragment}"));
        arguments.push(tokens.clone());
    }
    matcher.reverse();
    arguments.reverse();
    format!(
        "macro_rules! fuzz_case {{\n    ({}) => {{\n        {body}\n    }};\n}}\n\nfuzz_case!({});",
        matcher.join("; "),
        arguments.join("; ")
    )
}

/// The spans the input's tokens have after [`reparse`]: the input as text, lexed again (so
/// each token has its own place), with its fragment marks lowered. `None` if it does not lex.
pub(crate) fn reparse(input: &TokenStream) -> Option<TokenStream> {
    let lexed: TokenStream = input.to_string().parse().ok()?;
    Some(lower_fragments(lexed))
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `'name`.
fn lifetime_tokens(name: &Ident) -> TokenStream {
    let mut tokens = TokenStream::new();
    tokens.extend([
        TokenTree::Punct(Punct::new('\'', Spacing::Joint)),
        TokenTree::Ident(name.clone()),
    ]);
    tokens
}

/// Tokens of text the generator writes itself, which always lexes.
fn lex(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|_| panic!("generator text lexes: {text}"))
}

/// `len` bytes from `seed` (splitmix64), for a fixed sample of cases without a fuzzer.
pub(crate) fn seeded_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        bytes.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}
