//! Infers the where-clause of each impl from the field types (serde_derive's `bound.rs`, but per
//! field type rather than per type parameter).
//!
//! A field whose type mentions a type parameter gets a predicate on the field type itself:
//! `Vec<T>: Reset`, not `T: Reset`. `Vec<T>` is `Reset` for every `T`, so a `Task<T>` with a
//! `Vec<T>` field stays `Reset` for any `T`. Fields whose types mention no parameter need no
//! predicate for `Reset`: the compiler checks them directly, at the field.
//!
//! Every inferred bound is spanned at its field, so an unsatisfied one points there. Bounds on
//! the same type are merged into one predicate (`Vec<T>: Reset + Send`), the type's own
//! where-clause included, so clippy's `type_repetition_in_bounds` stays quiet in user crates.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{Generics, Type, WherePredicate};

use crate::ast::{Container, Data, Field};
use crate::respan::respan;

/// The where-clause of the `Reset` impl: the type's own predicates plus the inferred ones (or
/// those of `#[pool(bound = "...")]`).
pub(crate) fn reset_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = Predicates::new(cont.generics);
    add_reset_bounds(&mut predicates, cont);
    predicates.into_where_clause()
}

/// The where-clause of the `Poolable` impl: everything `Reset` needs (a supertrait), every field
/// `Send`, every type parameter `'static`, and `Self: Default` (through the `CreateDefault`
/// helper) when `create` uses it.
pub(crate) fn poolable_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = Predicates::new(cont.generics);
    add_reset_bounds(&mut predicates, cont);
    add_send_bounds(&mut predicates, cont, &HashSet::new());
    add_static_bounds(&mut predicates, cont.generics);
    if needs_default_predicate(cont) {
        // Through the helper whose message names `#[pool(new = ..)]`: a use with parameters
        // that lack `Default` then says why, not just "not `Poolable`".
        let krate = cont.krate();
        let default = quote!(#krate::__private::CreateDefault);
        predicates.add(quote!(Self), default, Span::call_site());
    }
    predicates.into_where_clause()
}

/// The where-clause of a stub `Poolable` impl emitted next to errors: just enough that the stub
/// itself adds no error. `Self: 'static` stands in for the lifetime parameters that
/// `#[derive(Poolable)]` rejects; the `Send` bounds keep a non-`Send` field reported at the
/// field rather than at the derive.
///
/// With lifetime parameters, field types that mention one get no `Send` predicate: next to
/// `Self: 'static`, the compiler cannot decide `Option<&'a u8>: Send` and would add a
/// "type annotations needed" error to the lifetime error that matters.
pub(crate) fn stub_poolable_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = Predicates::new(cont.generics);
    let lifetimes = lifetime_params(cont.generics);
    add_send_bounds(&mut predicates, cont, &lifetimes);
    add_static_bounds(&mut predicates, cont.generics);
    if !lifetimes.is_empty() {
        predicates.add(quote!(Self), quote!('static), Span::call_site());
    }
    predicates.into_where_clause()
}

/// Where-clause predicates, one per bounded type.
struct Predicates {
    /// Type predicates: the bounded type as a string (the merge key), its tokens, its bounds,
    /// and the span of its `:`.
    by_type: Vec<(String, TokenStream, Vec<TokenStream>, Span)>,
    /// Predicates that are not merged: lifetime predicates, and those with `for<'a>` or attributes.
    other: Vec<TokenStream>,
}

impl Predicates {
    /// Starts from the type's own where-clause.
    fn new(generics: &Generics) -> Self {
        let mut predicates = Predicates {
            by_type: Vec::new(),
            other: Vec::new(),
        };
        for predicate in generics
            .where_clause
            .iter()
            .flat_map(|clause| &clause.predicates)
        {
            predicates.add_predicate(predicate);
        }
        predicates
    }

    /// Adds a written predicate, merging it when it is a plain `Type: Bounds`.
    fn add_predicate(&mut self, predicate: &WherePredicate) {
        match predicate {
            WherePredicate::Type(typed) if typed.lifetimes.is_none() && typed.attrs.is_empty() => {
                let ty = typed.bounded_ty.to_token_stream();
                for bound in &typed.bounds {
                    self.add(ty.clone(), bound.to_token_stream(), typed.colon_token.span);
                }
            }
            _ => self.other.push(predicate.to_token_stream()),
        }
    }

    /// Adds `ty: bound`, unless `ty` already has that bound.
    fn add(&mut self, ty: TokenStream, bound: TokenStream, colon: Span) {
        let key = ty.to_string();
        let Some((_, _, bounds, _)) = self.by_type.iter_mut().find(|entry| entry.0 == key) else {
            self.by_type.push((key, ty, vec![bound], colon));
            return;
        };
        let text = bound.to_string();
        if bounds.iter().all(|existing| existing.to_string() != text) {
            bounds.push(bound);
        }
    }

    /// `where a: X + Y, b: Z, ..`, or nothing if there is no predicate.
    fn into_where_clause(self) -> TokenStream {
        let typed = self.by_type.into_iter().map(|(_, ty, bounds, colon)| {
            let colon = quote_spanned!(colon=> :);
            quote!(#ty #colon #(#bounds)+*)
        });
        let all: Vec<TokenStream> = typed.chain(self.other).collect();
        if all.is_empty() {
            TokenStream::new()
        } else {
            quote!(where #(#all),*)
        }
    }
}

/// The bounds `Reset` needs, inferred from the fields the reset touches, or
/// `#[pool(bound = "...")]` instead.
fn add_reset_bounds(predicates: &mut Predicates, cont: &Container) {
    if let Some(bound) = &cont.attrs.bound {
        for predicate in &bound.value {
            predicates.add_predicate(predicate);
        }
        return;
    }
    let params = type_params(cont.generics);
    let krate = cont.krate();
    let mut add = |field: &Field, bound: TokenStream| {
        if mentions(field.ty, &params) {
            // The whole bound at the field: an unsatisfied predicate points there.
            let bound = respan(&bound, field.end);
            predicates.add(field.ty.to_token_stream(), bound, field.end);
        }
    };
    match &cont.data {
        Data::Struct(fields) => {
            for field in fields {
                for bound in field_bounds(field, &krate) {
                    add(field, bound);
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
                    add(field, bound);
                }
                // Switching from another variant builds the default one from `Default`.
                if switches {
                    add(field, quote!(::core::default::Default));
                }
            }
        }
        Data::Union => {}
    }
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

/// `FieldType: Send` for every field of every variant, except those whose type mentions one of
/// `skipped_lifetimes`.
///
/// Added even for field types without a type parameter: a predicate that is trivially false
/// (`Rc<u8>: Send`) is reported once, at the field, and because it is in the impl's
/// environment the `Poolable: Send` supertrait check then holds, so there is no second error at
/// the derive. With `#[pool(bound = "...")]`, the bounds for generic field types are the
/// user's to write.
fn add_send_bounds(
    predicates: &mut Predicates,
    cont: &Container,
    skipped_lifetimes: &HashSet<Ident>,
) {
    let params = type_params(cont.generics);
    let replaced = cont.attrs.bound.is_some();
    for field in cont.all_fields() {
        if replaced && mentions(field.ty, &params) {
            continue;
        }
        if mentions_lifetime(field.ty.to_token_stream(), skipped_lifetimes) {
            continue;
        }
        let send = quote_spanned!(field.end=> ::core::marker::Send);
        predicates.add(field.ty.to_token_stream(), send, field.end);
    }
}

/// `T: 'static` for every type parameter: a pool keeps its values for ever.
fn add_static_bounds(predicates: &mut Predicates, generics: &Generics) {
    for param in generics.type_params() {
        let ident = &param.ident;
        predicates.add(quote!(#ident), quote!('static), Span::call_site());
    }
}

/// `Self: CreateDefault` (that is, `Self: Default`) is needed by `create` in a generic type
/// without `#[pool(new = ..)]`: there `Default` may hold only for some parameters. (A
/// non-generic type needs no predicate: `create` checks `Default` directly, with the same
/// message.)
fn needs_default_predicate(cont: &Container) -> bool {
    cont.attrs.new.is_none() && cont.attrs.bound.is_none() && !cont.generics.params.is_empty()
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

/// The names of the lifetime parameters, without their `'`.
fn lifetime_params(generics: &Generics) -> HashSet<Ident> {
    generics
        .lifetimes()
        .map(|param| param.lifetime.ident.clone())
        .collect()
}

/// Whether a token stream contains one of `lifetimes` (a `'` followed by its name).
fn mentions_lifetime(tokens: TokenStream, lifetimes: &HashSet<Ident>) -> bool {
    if lifetimes.is_empty() {
        return false;
    }
    let mut after_quote = false;
    tokens.into_iter().any(|token| {
        let found = match &token {
            TokenTree::Ident(ident) => after_quote && lifetimes.contains(ident),
            TokenTree::Group(group) => mentions_lifetime(group.stream(), lifetimes),
            _ => false,
        };
        after_quote = matches!(&token, TokenTree::Punct(punct) if punct.as_char() == '\'');
        found
    })
}
