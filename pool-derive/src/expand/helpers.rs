//! Helper traits emitted next to the impls, each for its `#[diagnostic::on_unimplemented]`: the
//! derive routes a `Default` it needs through one, so the error names the mistake and the way
//! out instead of a bare "the trait bound `Task: Default` is not satisfied".
//!
//! They live in a module inside the derive's anonymous const, not in pool-core: a message then
//! names no path into pool-core's sources and nothing of its hidden `__private` module, which
//! users' compile-fail snapshots would otherwise pin. Each blanket impl is
//! `#[diagnostic::do_not_recommend]`, so the helper's own message is the one shown. Only the
//! helpers a derive uses are emitted.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Type;

use crate::ast::{Container, Creation, Derive};
use crate::attr::FieldReset;
use crate::respan::respan;

/// `mod __pool { .. }` with the helpers `cont`'s impls use, or nothing.
pub(super) fn module(cont: &Container) -> TokenStream {
    let create = (cont.derive == Derive::Poolable && matches!(cont.creation(), Creation::Default))
        .then(create_default_trait);
    let field = builds_fields(cont).then(default_field_trait);
    if create.is_none() && field.is_none() {
        return TokenStream::new();
    }
    quote! {
        mod __pool {
            #create
            #field
        }
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

/// Whether the impls build a field from `Default`: a `#[pool(default)]` field, the default
/// variant of an enum a reset switches to, or the one `create` builds.
fn builds_fields(cont: &Container) -> bool {
    let defaults = cont
        .reset_fields()
        .iter()
        .any(|field| matches!(field.reset(), FieldReset::Default));
    let creates = cont.derive == Derive::Poolable
        && matches!(cont.creation(), Creation::Variant(variant) if !variant.fields.is_empty());
    defaults || creates || !cont.switch_fields().is_empty()
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
            note = "the derive builds a `#[pool(default)]` field, and each field of an enum's `#[default]` variant (when a reset switches variants, and in `Poolable::create`), with `Default::default()`; choose another `#[pool(..)]` option or another `#[default]` variant, or implement `Default` for `{Self}` if it is a type of your crate"
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
