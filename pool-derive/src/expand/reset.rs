//! Emits the `Reset` impl: one statement per field, spanned at the field so a trait error
//! underlines it, and `heap_bytes`, the sum over the fields.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::Member;

use crate::ast::{Container, Count, Data, Field, Style, Variant};
use crate::attr::FieldReset;
use crate::bound;
use crate::callable::Callable;
use crate::respan::locate;

use super::helpers;

/// `impl Reset for Type { fn reset(&mut self) { .. } }`.
pub(crate) fn impl_reset(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    let ident = cont.ident;
    let (impl_generics, ty_generics, _) = cont.generics.split_for_impl();
    let where_clause = bound::reset_where_clause(cont);
    let (body, heap_bytes) = match &cont.data {
        Data::Struct(fields) => (
            reset_struct(fields, &krate),
            heap_bytes_struct(cont, fields, &krate),
        ),
        Data::Enum(variants) => (
            reset_enum(cont, variants, &krate),
            heap_bytes_enum(cont, variants, &krate),
        ),
    };
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::Reset for #ident #ty_generics #where_clause {
            #[inline]
            fn reset(&mut self) {
                #body
            }

            #[inline]
            fn heap_bytes(&self) -> ::core::primitive::usize {
                #heap_bytes
            }
        }
    }
}

/// A struct resets each field in place.
fn reset_struct(fields: &[Field], krate: &TokenStream) -> TokenStream {
    fields
        .iter()
        .map(|field| reset_field(field, &Place::SelfField(&field.member), krate))
        .collect()
}

/// An enum that already is its `#[default]` variant resets that variant's fields in place,
/// keeping their allocations; any other variant is replaced by the default one, built field by
/// field (`Default::default()`, or `Poolable::create()` for a type without `Default`).
fn reset_enum(cont: &Container, variants: &[Variant], krate: &TokenStream) -> TokenStream {
    // validate.rs reported an enum without `#[default]`; this runs only for valid input.
    let Some(default) = cont.default_variant() else {
        return TokenStream::new();
    };
    let ident = default.ident;
    let kept: Vec<(usize, &Field)> = default
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| !matches!(field.reset(), FieldReset::Skip))
        .collect();
    let patterns = kept.iter().map(|(index, field)| {
        let member = &field.member;
        let binding = binding(*index);
        quote!(#member: #binding)
    });
    let statements = kept
        .iter()
        .map(|(index, field)| reset_field(field, &Place::Binding(binding(*index)), krate));
    // With a single variant the value always is the default one: no other arm, which would be
    // unreachable.
    let other_arm = (variants.len() > 1).then(|| {
        let build = build_variant(cont, default);
        quote!(_ => *self = #build,)
    });
    quote! {
        match self {
            Self::#ident { #(#patterns,)* .. } => {
                #(#statements)*
            }
            #other_arm
        }
    }
}

/// A struct's heap bytes: the sum over its fields, each counted as [`Container::count`] says.
fn heap_bytes_struct(cont: &Container, fields: &[Field], krate: &TokenStream) -> TokenStream {
    sum(fields.iter().filter_map(|field| {
        let place = Place::SelfField(&field.member);
        count_field(cont.count(None, field), field, &place, krate)
    }))
}

/// An enum's heap bytes: the sum over the fields of the variant it is, whichever that is. A
/// field that counts 0 is not bound.
fn heap_bytes_enum(cont: &Container, variants: &[Variant], krate: &TokenStream) -> TokenStream {
    let arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let counted: Vec<(syn::Ident, &Field, Count)> = variant
            .fields
            .iter()
            .enumerate()
            .map(|(index, field)| (binding(index), field, cont.count(Some(variant), field)))
            .filter(|(_, _, count)| *count != Count::Zero)
            .collect();
        let patterns = counted.iter().map(|(binding, field, _)| {
            let member = &field.member;
            quote!(#member: #binding)
        });
        let total = sum(counted.iter().filter_map(|(binding, field, count)| {
            count_field(*count, field, &Place::Binding(binding.clone()), krate)
        }));
        quote!(Self::#ident { #(#patterns,)* .. } => #total,)
    });
    quote! {
        match self {
            #(#arms)*
        }
    }
}

/// `a + b + ..`, or `0` for no terms.
fn sum(terms: impl Iterator<Item = TokenStream>) -> TokenStream {
    let terms: Vec<TokenStream> = terms.collect();
    if terms.is_empty() {
        quote!(0)
    } else {
        quote!(#(#terms)+*)
    }
}

/// The heap bytes of one field as `count` says, or `None` for a field that counts 0.
fn count_field(
    count: Count,
    field: &Field,
    place: &Place,
    krate: &TokenStream,
) -> Option<TokenStream> {
    let at_field = place.shared(field.start, field.end);
    let ty = field.ty;
    match count {
        // Spanned like the reset's call, which requires `Type: Reset` already.
        Count::ByReset => Some(quote_spanned! {field.start=>
            <#ty as #krate::Reset>::heap_bytes(#at_field)
        }),
        Count::IfReset => Some(helpers::count_if_reset(ty, &at_field, field.end)),
        Count::Zero => None,
    }
}

/// `Self::Variant { a: <built>, .. }` in the variant's own style, each field built as
/// [`helpers::build_field`] says: the value a reset switches to, and the one `Poolable::create`
/// makes for an enum.
pub(super) fn build_variant(cont: &Container, variant: &Variant) -> TokenStream {
    let ident = variant.ident;
    let values = variant
        .fields
        .iter()
        .map(|field| helpers::build_field(cont, field));
    match variant.style {
        Style::Named => {
            let members = variant.fields.iter().map(|field| &field.member);
            quote!(Self::#ident { #(#members: #values),* })
        }
        Style::Tuple => quote!(Self::#ident(#(#values),*)),
        Style::Unit => quote!(Self::#ident),
    }
}

/// The name a field of the default variant is bound to in the match.
fn binding(index: usize) -> syn::Ident {
    format_ident!("__pool_{}", index)
}

/// Where a field lives: `self.field` in a struct, a binding in an enum's match arm (`&mut` in
/// `reset`, `&` in `heap_bytes`).
enum Place<'a> {
    SelfField(&'a Member),
    Binding(syn::Ident),
}

impl Place<'_> {
    /// The field as a place expression whose first token has span `start` and last `end`, so
    /// the compiler's span for it runs from one to the other.
    ///
    /// `self` and the bindings are names the derive itself introduces, so they resolve at the
    /// call site and only borrow the field's location: with the field's own span they would
    /// resolve where the field was written, which for a type generated by `macro_rules!` is
    /// inside that macro, where neither name exists.
    fn tokens(&self, start: Span, end: Span) -> TokenStream {
        match self {
            Place::SelfField(member) => {
                let member = match member {
                    Member::Named(ident) => {
                        let mut ident = ident.clone();
                        ident.set_span(end);
                        Member::Named(ident)
                    }
                    Member::Unnamed(index) => Member::Unnamed(syn::Index {
                        index: index.index,
                        span: end,
                    }),
                };
                let this = quote_spanned!(Span::call_site().located_at(start)=> self);
                quote_spanned!(start=> #this.#member)
            }
            Place::Binding(binding) => {
                let mut binding = binding.clone();
                binding.set_span(Span::call_site().located_at(end));
                quote_spanned!(start=> *#binding)
            }
        }
    }

    /// A shared reference to the field, spanned as [`tokens`](Self::tokens): `&self.field`, or
    /// the binding itself, which in `heap_bytes`'s match already is one.
    fn shared(&self, start: Span, end: Span) -> TokenStream {
        match self {
            Place::SelfField(_) => {
                let place = self.tokens(start, end);
                quote_spanned!(start=> &#place)
            }
            Place::Binding(binding) => {
                let mut binding = binding.clone();
                binding.set_span(Span::call_site().located_at(end));
                binding.into_token_stream()
            }
        }
    }
}

/// The statements that reset one field, by what its options decided.
fn reset_field(field: &Field, place: &Place, krate: &TokenStream) -> TokenStream {
    let at_field = place.tokens(field.start, field.end);
    let ty = field.ty;
    let mut statements = match field.reset() {
        FieldReset::Skip => return TokenStream::new(),
        FieldReset::Default => {
            let value = helpers::default_field(field.ty, field.end);
            quote_spanned!(field.end=> #at_field = #value;)
        }
        FieldReset::With(with) => call_reset_with(with, field, place),
        // The crate path keeps the call-site span: the compiler then labels the derive as the
        // caller ("required by a bound introduced by this call") and the field as the culprit.
        // The field's type is named (`<Type as Reset>`) so an unsatisfied bound is reported at
        // it.
        FieldReset::Reset => {
            quote_spanned!(field.start=> <#ty as #krate::Reset>::reset(&mut #at_field);)
        }
    };
    if let Some(shrink) = &field.attrs.shrink {
        // Spanned at the `max_capacity` key: a type that cannot shrink is reported there. The
        // field's type is named too, moved to the key, so the error is at the key alone.
        let key = shrink.key;
        let at_key = place.tokens(key, key);
        let ty_at_key = locate(&ty.to_token_stream(), key);
        let max = &shrink.value;
        statements.extend(quote_spanned! {key=>
            <#ty_at_key as #krate::Shrink>::shrink_to_max(&mut #at_key, #max);
        });
    }
    statements
}

/// `let _: () = f(&mut field);` for `#[pool(reset_with = f)]`.
///
/// A plain call, so the argument is coerced as in any call: `fn(&mut [u8])` takes a `Vec<u8>`
/// field by deref, a generic function is inferred from the field, and a closure's parameters,
/// typed by the derive as the field (`|v| v.fill(0)` becomes `|v: &mut Vec<u8>| ..`), need no
/// annotation. The `()` type refuses a function that returns something, such as a `Vec::pop`
/// that would reset one element. The tokens the derive adds take the expression's location but
/// the derive's own hygiene: errors point at what the user wrote, while lints about the
/// generated call (an immediately called closure, a unit `let`) stay quiet.
fn call_reset_with(f: &Callable, field: &Field, place: &Place) -> TokenStream {
    let at = Span::call_site().located_at(f.span);
    let callee = f.callee(Some(field.ty));
    let field_at = place.tokens(field.start, field.end);
    let arg = quote_spanned!(field.start=> &mut #field_at);
    let unit = quote_spanned!(f.span=> ());
    quote_spanned! {at=>
        let _: #unit = #callee(#arg);
    }
}
