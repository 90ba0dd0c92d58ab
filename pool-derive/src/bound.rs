//! Infers the where-clause of each impl from the field types (serde_derive's `bound.rs`, but per
//! field type rather than per type parameter).
//!
//! A field whose type mentions a type parameter gets a predicate on the field type itself:
//! `Vec<T>: Reset`, not `T: Reset`. `Vec<T>` is `Reset` for every `T`, so a `Task<T>` with a
//! `Vec<T>` field stays `Reset` for any `T`. Fields whose types mention no parameter need no
//! predicate for `Reset`: the compiler checks them directly, at the field.
//!
//! Every predicate is spanned at its field, so an unsatisfied one points there.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Generics, Type};

use crate::ast::{Container, Data, Field};
use crate::respan::respan;

/// The where-clause of the `Reset` impl: the type's own predicates plus the inferred ones (or
/// those of `#[pool(bound = "...")]`).
pub(crate) fn reset_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = own_predicates(cont.generics);
    predicates.extend(reset_predicates(cont));
    where_clause(predicates)
}

/// The where-clause of the `Poolable` impl: everything `Reset` needs (a supertrait), every field
/// `Send`, every type parameter `'static`, and `Self: Default` when `create` uses it.
pub(crate) fn poolable_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = own_predicates(cont.generics);
    predicates.extend(reset_predicates(cont));
    predicates.extend(send_predicates(cont));
    for param in cont.generics.type_params() {
        let ident = &param.ident;
        predicates.push(quote!(#ident: 'static));
    }
    if needs_default_predicate(cont) {
        predicates.push(quote!(Self: ::core::default::Default));
    }
    where_clause(predicates)
}

/// The where-clause of a stub `Poolable` impl emitted next to errors: just enough that the stub
/// itself adds no error. `Self: 'static` stands in for the lifetime parameters that
/// `#[derive(Poolable)]` rejects; the `Send` predicates keep a non-`Send` field reported at the
/// field rather than at the derive.
pub(crate) fn stub_poolable_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = own_predicates(cont.generics);
    predicates.extend(send_predicates(cont));
    for param in cont.generics.type_params() {
        let ident = &param.ident;
        predicates.push(quote!(#ident: 'static));
    }
    if cont.generics.lifetimes().next().is_some() {
        predicates.push(quote!(Self: 'static));
    }
    where_clause(predicates)
}

/// The predicates `Reset` needs, inferred from the fields the reset touches.
fn reset_predicates(cont: &Container) -> Vec<TokenStream> {
    if let Some(bound) = &cont.attrs.bound {
        return bound.value.iter().map(ToTokens::to_token_stream).collect();
    }
    let params = type_params(cont.generics);
    let krate = cont.krate();
    let mut predicates = Vec::new();
    let mut push = |field: &Field, bound: TokenStream| {
        if mentions(field.ty, &params) {
            let ty = field.ty;
            // The whole bound at the field: an unsatisfied predicate points there.
            let bound = respan(&bound, field.end);
            predicates.push(quote_spanned!(field.end=> #ty: #bound));
        }
    };
    match &cont.data {
        Data::Struct(fields) => {
            for field in fields {
                for bound in field_bounds(field, &krate) {
                    push(field, bound);
                }
            }
        }
        Data::Enum(variants) => {
            let switches = variants.len() > 1;
            for field in variants
                .iter()
                .filter(|v| v.default.is_some())
                .flat_map(|v| &v.fields)
            {
                for bound in field_bounds(field, &krate) {
                    push(field, bound);
                }
                // Switching from another variant builds the default one from `Default`.
                if switches && field.attrs.default.is_none() {
                    push(field, quote!(::core::default::Default));
                }
            }
        }
        Data::Union => {}
    }
    dedup(predicates)
}

/// The traits a field's reset uses, by its options.
fn field_bounds(field: &Field, krate: &TokenStream) -> Vec<TokenStream> {
    let attrs = &field.attrs;
    if attrs.skip.is_some() || attrs.reset_with.is_some() {
        // `skip` touches nothing; `reset_with` calls a function whose own signature says what it
        // needs (`#[pool(bound = "...")]` covers a generic one).
        return Vec::new();
    }
    if attrs.default.is_some() {
        return vec![quote!(::core::default::Default)];
    }
    let mut bounds = vec![quote!(#krate::Reset)];
    if attrs.max_capacity.is_some() {
        bounds.push(quote!(#krate::Shrink));
    }
    bounds
}

/// `FieldType: Send` for every field of every variant.
///
/// Added even for field types without a type parameter: a predicate that is trivially false
/// (`Rc<u8>: Send`) is reported once, at the field, and because it is in the impl's
/// environment the `Poolable: Send` supertrait check then holds, so there is no second error at
/// the derive. With `#[pool(bound = "...")]`, the predicates for generic field types are the
/// user's to write.
fn send_predicates(cont: &Container) -> Vec<TokenStream> {
    let params = type_params(cont.generics);
    let replaced = cont.attrs.bound.is_some();
    let predicates = cont
        .all_fields()
        .filter(|field| !(replaced && mentions(field.ty, &params)))
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(field.end=> #ty: ::core::marker::Send)
        })
        .collect();
    dedup(predicates)
}

/// `Self: Default` is needed by `create` in a generic type without `#[pool(new = ..)]`: there
/// `Default` may hold only for some parameters. (A non-generic type needs no predicate: `create`
/// checks `Default` directly, with a message that names `#[pool(new = ..)]`.)
fn needs_default_predicate(cont: &Container) -> bool {
    cont.attrs.new.is_none() && cont.attrs.bound.is_none() && !cont.generics.params.is_empty()
}

/// The predicates of the type's own where-clause.
fn own_predicates(generics: &Generics) -> Vec<TokenStream> {
    generics
        .where_clause
        .iter()
        .flat_map(|clause| clause.predicates.iter())
        .map(ToTokens::to_token_stream)
        .collect()
}

/// `where a, b, c`, or nothing if there is no predicate.
fn where_clause(predicates: Vec<TokenStream>) -> TokenStream {
    if predicates.is_empty() {
        TokenStream::new()
    } else {
        quote!(where #(#predicates),*)
    }
}

/// The names of the type parameters.
fn type_params(generics: &Generics) -> HashSet<Ident> {
    generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect()
}

/// Whether `ty` mentions one of `params` anywhere (`Vec<T>`, `[T; 4]`, `<T as Tr>::Out`).
/// A token walk: conservative, a false positive only adds a predicate that holds anyway.
fn mentions(ty: &Type, params: &HashSet<Ident>) -> bool {
    !params.is_empty() && tokens_mention(ty.to_token_stream(), params)
}

/// Whether a token stream contains one of `params` as an identifier.
fn tokens_mention(tokens: TokenStream, params: &HashSet<Ident>) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => params.contains(&ident),
        TokenTree::Group(group) => tokens_mention(group.stream(), params),
        _ => false,
    })
}

/// Drops repeated predicates (two `T` fields need `T: Reset` once), keeping the first.
fn dedup(predicates: Vec<TokenStream>) -> Vec<TokenStream> {
    let mut seen = HashSet::new();
    predicates
        .into_iter()
        .filter(|predicate| seen.insert(predicate.to_string()))
        .collect()
}
