//! The where-clause of each impl (serde_derive's `bound.rs`, but per field type rather than per
//! type parameter).
//!
//! `Reset`: a field whose type mentions a type parameter gets a predicate on the field type
//! itself, `Vec<T>: Reset`, not `T: Reset`. `Vec<T>` is `Reset` for every `T`, so a `Task<T>`
//! with a `Vec<T>` field stays `Reset` for any `T`. Fields whose types mention no parameter need
//! no predicate: the compiler checks them directly, at the field. `#[pool(bound = "...")]`
//! replaces these inferred predicates.
//!
//! `Poolable` of a generic type: `Self` meets `Poolable`'s supertraits (`Reset + Send +
//! 'static`) and can be created, said once on `Self` rather than field by field; the user's
//! bound only ever replaces what the fields imply, never the creation requirement.
//!
//! Every field predicate is spanned at its field, so an unsatisfied one points there. Bounds on
//! the same type are merged into one predicate (`Vec<T>: Reset + Shrink`), the type's own
//! where-clause included, so clippy's `type_repetition_in_bounds` stays quiet in user crates.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::{DeriveInput, Generics, Type, WherePredicate};

use crate::ast::{Container, Creation, Field};
use crate::attr::FieldReset;
use crate::respan::respan;

/// The where-clause of the `Reset` impl: the type's own predicates plus those inferred from the
/// fields (or those of `#[pool(bound = "...")]`).
pub(crate) fn reset_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = Predicates::new(cont.generics);
    match &cont.attrs.bound {
        Some(bound) => predicates.extend(&bound.value),
        None => add_field_bounds(&mut predicates, cont),
    }
    predicates.into_where_clause()
}

/// The where-clause of the `Poolable` impl.
///
/// Every field type that mentions no type parameter must be `Send`: such a predicate is checked
/// where the type is defined, so a non-`Send` field is reported once, at the field, and because
/// it is in the impl's environment the `Send` supertrait then holds, with no second error at the
/// derive. A generic type adds `Self: Reset + Send + 'static` and what creating a value needs;
/// those are checked where the type is used with concrete arguments.
pub(crate) fn poolable_where_clause(cont: &Container) -> TokenStream {
    let mut predicates = Predicates::new(cont.generics);
    let params = type_params(cont.generics);
    for field in cont.all_fields() {
        if !mentions(field.ty, &params) {
            let send = quote_spanned!(field.end=> ::core::marker::Send);
            predicates.add(field.ty.to_token_stream(), send, field.end);
        }
    }
    if cont.is_generic() {
        if let Some(bound) = &cont.attrs.bound {
            predicates.extend(&bound.value);
        }
        let krate = cont.krate();
        let at = Span::call_site();
        predicates.add(quote!(Self), quote!(#krate::Reset), at);
        predicates.add(quote!(Self), quote!(::core::marker::Send), at);
        predicates.add(quote!(Self), quote!('static), at);
        add_creation_bounds(&mut predicates, cont, &params);
    }
    predicates.into_where_clause()
}

/// The where-clause of a stub `Poolable` impl emitted next to errors, read from the raw input:
/// just enough that the stub itself adds no error.
///
/// `Self: 'static` stands in for the lifetime parameters that `#[derive(Poolable)]` rejects; the
/// `Send` bounds keep a non-`Send` field reported at the field rather than at the derive. Field
/// types that mention a lifetime parameter get no `Send` predicate: next to `Self: 'static`, the
/// compiler cannot decide `Option<&'a u8>: Send` and would add a "type annotations needed"
/// error to the lifetime error that matters.
pub(crate) fn stub_poolable_where_clause(input: &DeriveInput) -> TokenStream {
    let mut predicates = Predicates::new(&input.generics);
    let lifetimes = lifetime_params(&input.generics);
    for ty in raw_field_types(input) {
        if !mentions_lifetime(ty.to_token_stream(), &lifetimes) {
            let send = quote_spanned!(last_span(ty)=> ::core::marker::Send);
            predicates.add(ty.to_token_stream(), send, last_span(ty));
        }
    }
    for param in input.generics.type_params() {
        let ident = &param.ident;
        predicates.add(quote!(#ident), quote!('static), Span::call_site());
    }
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
        if let Some(clause) = &generics.where_clause {
            predicates.extend(&clause.predicates);
        }
        predicates
    }

    /// Adds written predicates, merging each that is a plain `Type: Bounds`.
    fn extend<'p>(&mut self, written: impl IntoIterator<Item = &'p WherePredicate>) {
        for predicate in written {
            match predicate {
                WherePredicate::Type(typed)
                    if typed.lifetimes.is_none() && typed.attrs.is_empty() =>
                {
                    let ty = typed.bounded_ty.to_token_stream();
                    for bound in &typed.bounds {
                        self.add(ty.clone(), bound.to_token_stream(), typed.colon_token.span);
                    }
                }
                _ => self.other.push(predicate.to_token_stream()),
            }
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

/// The bounds a reset needs, inferred from the fields whose types mention a type parameter:
/// what each field's reset uses, and `Default` for the fields a switch of variants builds.
fn add_field_bounds(predicates: &mut Predicates, cont: &Container) {
    let params = type_params(cont.generics);
    let krate = cont.krate();
    let mut add = |field: &Field, bound: TokenStream| {
        if mentions(field.ty, &params) {
            // The whole bound at the field: an unsatisfied predicate points there.
            let bound = respan(&bound, field.end);
            predicates.add(field.ty.to_token_stream(), bound, field.end);
        }
    };
    for field in cont.reset_fields() {
        match field.reset() {
            FieldReset::Reset => add(field, quote!(#krate::Reset)),
            FieldReset::Default => add(field, quote!(::core::default::Default)),
            // `skip` touches nothing; `reset_with` calls a function whose own signature says
            // what it needs (`#[pool(bound = "...")]` covers a generic one).
            FieldReset::Skip | FieldReset::With(_) => {}
        }
        if field.attrs.shrink.is_some() {
            add(field, quote!(#krate::Shrink));
        }
    }
    for field in cont.switch_fields() {
        add(field, quote!(::core::default::Default));
    }
}

/// What `Poolable::create` needs of a generic type: `Self: Default`, or `Default` for each
/// field of the enum variant it builds, or nothing for `#[pool(new = f)]`.
fn add_creation_bounds(predicates: &mut Predicates, cont: &Container, params: &HashSet<Ident>) {
    match cont.creation() {
        Creation::New(_) => {}
        Creation::Default => {
            let default = quote!(::core::default::Default);
            predicates.add(quote!(Self), default, Span::call_site());
        }
        Creation::Variant(variant) => {
            for field in variant.fields.iter().filter(|f| mentions(f.ty, params)) {
                let default = quote_spanned!(field.end=> ::core::default::Default);
                predicates.add(field.ty.to_token_stream(), default, field.end);
            }
        }
    }
}

/// The types of every field of every struct or variant of the raw input.
fn raw_field_types(input: &DeriveInput) -> Vec<&Type> {
    match &input.data {
        syn::Data::Struct(data) => data.fields.iter().map(|field| &field.ty).collect(),
        syn::Data::Enum(data) => data
            .variants
            .iter()
            .flat_map(|variant| &variant.fields)
            .map(|field| &field.ty)
            .collect(),
        syn::Data::Union(data) => data.fields.named.iter().map(|field| &field.ty).collect(),
    }
}

/// The span of a type's last token, where an unsatisfied predicate on it is reported.
fn last_span(ty: &Type) -> Span {
    ty.to_token_stream()
        .into_iter()
        .last()
        .map_or_else(Span::call_site, |token| token.span())
}

/// The names of the type parameters.
fn type_params(generics: &Generics) -> HashSet<Ident> {
    generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect()
}

/// Whether `ty` mentions a type parameter of `generics`, so what it implements depends on the
/// type arguments.
pub(crate) fn mentions_type_param(generics: &Generics, ty: &Type) -> bool {
    mentions(ty, &type_params(generics))
}

/// Whether `ty` names a type or lifetime parameter, or `Self` of a type that has one: then
/// whether it implements a trait can hang on what the parameters outlive, which trait
/// selection in a method call does not look at (see `ast::Count`). Const parameters do not
/// count: no impl can ask anything of them that selection does not check.
pub(crate) fn names_type_or_lifetime_param(generics: &Generics, ty: &Type) -> bool {
    let lifetimes = lifetime_params(generics);
    let mut params = type_params(generics);
    if !params.is_empty() || !lifetimes.is_empty() {
        params.insert(Ident::new("Self", Span::call_site()));
    }
    mentions(ty, &params) || mentions_lifetime(ty.to_token_stream(), &lifetimes)
}

/// Whether `ty` is one of the type parameters itself (`T`, not `Vec<T>`), which implements a
/// trait only where the impl's where-clause says so: no impl of a foreign trait covers a bare
/// type parameter.
pub(crate) fn is_type_param(generics: &Generics, ty: &Type) -> bool {
    match ty {
        // A type passed through `macro_rules!` as `$ty:ty` arrives in an invisible group.
        Type::Group(group) => is_type_param(generics, &group.elem),
        Type::Paren(paren) => is_type_param(generics, &paren.elem),
        Type::Path(path) if path.qself.is_none() => path
            .path
            .get_ident()
            .is_some_and(|ident| generics.type_params().any(|param| param.ident == *ident)),
        _ => false,
    }
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
