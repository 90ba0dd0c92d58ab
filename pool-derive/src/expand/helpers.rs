//! Helper traits emitted next to the impls, each for its `#[diagnostic::on_unimplemented]`: the
//! derive routes a `Default` it needs through one, so the error names the mistake and the way
//! out instead of a bare "the trait bound `Task: Default` is not satisfied". A field of an enum's
//! `#[default]` variant that the derive builds with `Default` or, failing that, `Poolable` goes
//! through a small dispatch ([`build_field`]) whose failure is reported the same way. A field
//! whose heap bytes count only if its type is `Reset` goes through another ([`count_if_reset`]),
//! which cannot fail.
//!
//! They live in a module inside the derive's anonymous const, not in pool-core: a message then
//! names no path into pool-core's sources and nothing of its hidden `__private` module, which
//! users' compile-fail snapshots would otherwise pin. Each blanket impl is
//! `#[diagnostic::do_not_recommend]`, so the helper's own message is the one shown. Only the
//! helpers a derive uses are emitted.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Type;

use crate::ast::{Build, Container, Creation, Derive, Field};
use crate::attr::FieldReset;
use crate::respan::respan;

/// `mod __pool { .. }` with the helpers `cont`'s impls use, or nothing.
pub(super) fn module(cont: &Container) -> TokenStream {
    let create = (cont.derive == Derive::Poolable && matches!(cont.creation(), Creation::Default))
        .then(create_default_trait);
    let builds = |how: Build| {
        cont.built_fields()
            .iter()
            .any(|field| cont.build(field) == how)
    };
    let defaults = cont
        .reset_fields()
        .iter()
        .any(|field| matches!(field.reset(), FieldReset::Default));
    let field = (defaults || builds(Build::Default)).then(default_field_trait);
    let (dispatch, dispatch_impls) = builds(Build::DefaultOrCreate)
        .then(|| (default_or_create_traits(), default_or_create_impls(cont)))
        .unzip();
    let (heap, heap_impls) = cont
        .counts_if_reset()
        .then(|| (if_reset_traits(), if_reset_impls(cont)))
        .unzip();
    if create.is_none() && field.is_none() && dispatch.is_none() && heap.is_none() {
        return TokenStream::new();
    }
    quote! {
        mod __pool {
            #create
            #field
            #dispatch
            #heap
        }
        #dispatch_impls
        #heap_impls
    }
}

/// `Self::default()` for `Poolable::create`, spanned at `span` (the type's name).
pub(super) fn create_default(span: Span) -> TokenStream {
    let at = Span::call_site().located_at(span);
    let module = quote_spanned!(at=> __pool);
    quote_spanned!(span=> <Self as #module::CreateDefault>::create_default())
}

/// `Default::default()` for a field of type `ty`, spanned at `span` (the end of the field).
pub(super) fn default_field(ty: &Type, span: Span) -> TokenStream {
    let module = respan(&quote!(__pool), Span::call_site().located_at(span));
    quote_spanned!(span=> <#ty as #module::DefaultField>::default_field())
}

/// The value of a field of the `#[default]` variant, built as `cont.build(field)` says.
///
/// For [`Build::DefaultOrCreate`], `<Type as __pool::BuildField<_>>::build_field(how)`, where
/// `how` is a tag that method resolution picks for the concrete type (autoref specialization):
/// `Build<T>` has `__pool_how` where `T: Default`, found first, returning `ByDefault`;
/// `&Build<T>` has it for every `T`, found only when the first does not apply, returning
/// `ByCreate`. `BuildField<ByDefault>` calls `Default::default()`, `BuildField<ByCreate>`
/// `Poolable::create()`; a type with neither fails the trait path itself, so the error is
/// `BuildField`'s own message at the field, with no note about generated code. The tag's tokens
/// take the field's location and the derive's hygiene, so clippy does not lint the borrow.
pub(super) fn build_field(cont: &Container, field: &Field) -> TokenStream {
    match cont.build(field) {
        Build::Default => default_field(field.ty, field.end),
        Build::DefaultOrCreate => {
            let ty = field.ty;
            let span = field.end;
            let at = Span::call_site().located_at(span);
            let module = respan(&quote!(__pool), at);
            let how = quote_spanned! {at=>
                (&#module::Build::<#ty>(::core::marker::PhantomData)).__pool_how()
            };
            quote_spanned!(span=> <#ty as #module::BuildField<_>>::build_field(#how))
        }
    }
}

/// The heap bytes of a field counted [`Count::IfReset`](crate::ast::Count::IfReset), `field`
/// being a `&Type` expression: `(&__pool::Heap::<Type>(field)).__pool_heap_bytes()`.
///
/// Autoref specialization, as in [`build_field`]: `Heap<T>` has `__pool_heap_bytes` where
/// `T: Reset`, found first, and it returns `T::heap_bytes`; `&Heap<T>` has it for every `T`,
/// found only when the first does not apply, and it returns 0. The method is chosen where the
/// impl is written, so a type that names a type parameter is `Reset` there only if the impl's
/// where-clause (the type's own bounds, and those inferred for the reset) says so; the derive
/// adds no bound for it. The tokens take the field's location and the derive's hygiene, like
/// `build_field`'s tag.
pub(super) fn count_if_reset(ty: &Type, field: &TokenStream, span: Span) -> TokenStream {
    let at = Span::call_site().located_at(span);
    let module = respan(&quote!(__pool), at);
    quote_spanned!(at=> (&#module::Heap::<#ty>(#field)).__pool_heap_bytes())
}

/// The type itself has `Default`: `create()` calls it.
fn create_default_trait() -> TokenStream {
    quote! {
        #[diagnostic::on_unimplemented(
            message = "`#[derive(Poolable)]` cannot create a `{Self}`: it has no `Default` and no `#[pool(new = ..)]`",
            label = "`{Self}` does not implement `Default`",
            note = "derive or implement `Default` for `{Self}`, or name a constructor with `#[pool(new = f)]` (a `fn() -> {Self}` or a closure)"
        )]
        pub(super) trait CreateDefault: ::core::marker::Sized {
            fn create_default() -> Self;
        }

        #[diagnostic::do_not_recommend]
        impl<T: ::core::default::Default> CreateDefault for T {
            #[inline]
            fn create_default() -> Self {
                <T as ::core::default::Default>::default()
            }
        }
    }
}

/// A field the derive builds with `Default::default()`.
fn default_field_trait() -> TokenStream {
    quote! {
        #[diagnostic::on_unimplemented(
            message = "`{Self}` does not implement `Default`, which the derive needs to build this field",
            label = "`{Self}` does not implement `Default`",
            note = "the derive builds a `#[pool(default)]` field with `Default::default()`, and a field of an enum's `#[default]` variant whose type names a type parameter (when a reset switches variants, and in `Poolable::create`); choose another `#[pool(..)]` option or another `#[default]` variant, or implement `Default` for `{Self}` if it is a type of your crate"
        )]
        pub(super) trait DefaultField: ::core::marker::Sized {
            fn default_field() -> Self;
        }

        #[diagnostic::do_not_recommend]
        impl<T: ::core::default::Default> DefaultField for T {
            #[inline]
            fn default_field() -> Self {
                <T as ::core::default::Default>::default()
            }
        }
    }
}

/// The tags and `__pool_how` methods of [`build_field`]'s `DefaultOrCreate`, and the trait
/// that builds a field by its tag, whose message reports a type with neither `Default` nor
/// `Poolable`.
fn default_or_create_traits() -> TokenStream {
    quote! {
        pub(super) struct Build<T>(pub(super) ::core::marker::PhantomData<T>);
        pub(super) struct ByDefault;
        pub(super) struct ByCreate;

        pub(super) trait HowByDefault {
            #[inline]
            fn __pool_how(&self) -> ByDefault {
                ByDefault
            }
        }

        impl<T: ::core::default::Default> HowByDefault for Build<T> {}

        pub(super) trait HowByCreate {
            #[inline]
            fn __pool_how(&self) -> ByCreate {
                ByCreate
            }
        }

        impl<T> HowByCreate for &Build<T> {}

        #[diagnostic::on_unimplemented(
            message = "`{Self}` implements neither `Default` nor `Poolable`, which the derive needs to build this field",
            label = "`{Self}` has no `Default` and is not `Poolable`",
            note = "the derive builds each field of an enum's `#[default]` variant (in `Poolable::create`, and when a reset switches variants) with `Default::default()`, or with `Poolable::create()` if its type has no `Default`; choose another `#[default]` variant, or implement `Default` or `Poolable` for `{Self}` if it is a type of your crate"
        )]
        pub(super) trait BuildField<How>: ::core::marker::Sized {
            fn build_field(how: How) -> Self;
        }

        #[diagnostic::do_not_recommend]
        impl<T: ::core::default::Default> BuildField<ByDefault> for T {
            #[inline]
            fn build_field(_: ByDefault) -> Self {
                <T as ::core::default::Default>::default()
            }
        }
    }
}

/// Outside `mod __pool`, where the crate path of `#[pool(crate = ..)]` resolves: the impl that
/// builds by `Poolable::create`, and the imports that put both `__pool_how` methods in scope.
fn default_or_create_impls(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    quote! {
        #[allow(unused_imports)]
        use __pool::{HowByCreate as _, HowByDefault as _};

        #[diagnostic::do_not_recommend]
        impl<T: #krate::Poolable> __pool::BuildField<__pool::ByCreate> for T {
            #[inline]
            fn build_field(_: __pool::ByCreate) -> Self {
                <T as #krate::Poolable>::create()
            }
        }
    }
}

/// The wrapper and the two `__pool_heap_bytes` methods of [`count_if_reset`].
fn if_reset_traits() -> TokenStream {
    quote! {
        pub(super) struct Heap<'a, T: ?::core::marker::Sized>(pub(super) &'a T);

        pub(super) trait HeapIfReset {
            fn __pool_heap_bytes(&self) -> ::core::primitive::usize;
        }

        pub(super) trait HeapOtherwise {
            #[inline]
            fn __pool_heap_bytes(&self) -> ::core::primitive::usize {
                0
            }
        }

        impl<T: ?::core::marker::Sized> HeapOtherwise for &Heap<'_, T> {}
    }
}

/// Outside `mod __pool`, where the crate path resolves: the method that asks `Reset`, and the
/// imports that put both in scope.
fn if_reset_impls(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    quote! {
        #[allow(unused_imports)]
        use __pool::{HeapIfReset as _, HeapOtherwise as _};

        impl<T: #krate::Reset + ?::core::marker::Sized> __pool::HeapIfReset for __pool::Heap<'_, T> {
            #[inline]
            fn __pool_heap_bytes(&self) -> ::core::primitive::usize {
                <T as #krate::Reset>::heap_bytes(self.0)
            }
        }
    }
}
