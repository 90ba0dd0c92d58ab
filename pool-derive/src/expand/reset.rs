//! Emits the `Reset` impl: one statement per field, spanned at the field so a trait error
//! underlines it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Member;

use crate::ast::{Container, Data, Field, Style, Variant};
use crate::bound;
use crate::respan::respan;

/// `impl Reset for Type { fn reset(&mut self) { .. } }`.
pub(crate) fn impl_reset(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    let ident = cont.ident;
    let (impl_generics, ty_generics, _) = cont.generics.split_for_impl();
    let where_clause = bound::reset_where_clause(cont);
    let body = match &cont.data {
        Data::Struct(fields) => reset_struct(fields, &krate),
        Data::Enum(variants) => reset_enum(variants, &krate),
        Data::Union => TokenStream::new(),
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Reset for #ident #ty_generics #where_clause {
            #[inline]
            fn reset(&mut self) {
                #body
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
/// keeping their allocations; any other variant is replaced by the default one, built from
/// `Default::default()` for each field.
fn reset_enum(variants: &[Variant], krate: &TokenStream) -> TokenStream {
    // validate.rs reported an enum without `#[default]`; nothing is emitted then.
    let Some(default) = variants.iter().find(|variant| variant.default.is_some()) else {
        return TokenStream::new();
    };
    let ident = default.ident;
    let kept: Vec<(usize, &Field)> = default
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.skip.is_none())
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
        let build = build_default_variant(default, krate);
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

/// `Self::Variant { a: Default::default(), .. }` in the variant's own style.
fn build_default_variant(variant: &Variant, krate: &TokenStream) -> TokenStream {
    let ident = variant.ident;
    let values = variant
        .fields
        .iter()
        .map(|field| default_value(field, krate));
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

/// Where a field lives: `self.field` in a struct, a `&mut` binding in an enum's match arm.
enum Place<'a> {
    SelfField(&'a Member),
    Binding(syn::Ident),
}

impl Place<'_> {
    /// The field as a place expression whose first token has span `start` and last `end`, so
    /// the compiler's span for it runs from one to the other.
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
                quote_spanned!(start=> self.#member)
            }
            Place::Binding(binding) => {
                let mut binding = binding.clone();
                binding.set_span(end);
                quote_spanned!(start=> *#binding)
            }
        }
    }
}

/// The statements that reset one field, by its options.
fn reset_field(field: &Field, place: &Place, krate: &TokenStream) -> TokenStream {
    let attrs = &field.attrs;
    let (start, end) = (field.start, field.end);
    let at_field = place.tokens(start, end);
    if attrs.skip.is_some() {
        return TokenStream::new();
    }
    if attrs.default.is_some() {
        let value = default_value(field, krate);
        return quote_spanned!(end=> #at_field = #value;);
    }
    // The crate path keeps the call-site span: the compiler then labels the derive as the
    // caller ("required by a bound introduced by this call") and the field as the culprit.
    let mut statements = match &attrs.reset_with {
        Some(reset_with) => {
            let path = &reset_with.value;
            quote_spanned!(start=> #krate::__private::reset_with(&mut #at_field, #path);)
        }
        None => quote_spanned!(start=> #krate::Reset::reset(&mut #at_field);),
    };
    if let Some(max_capacity) = &attrs.max_capacity {
        // Spanned at the `max_capacity` key: a type that cannot shrink is reported there.
        let key = max_capacity.key;
        let at_key = place.tokens(key, key);
        let max = &max_capacity.value;
        statements.extend(quote_spanned! {key=>
            #krate::Shrink::shrink_to_max(&mut #at_key, #max);
        });
    }
    statements
}

/// `Default::default()` for a field, through a helper trait whose message says why the reset
/// needs `Default`, spanned at the field's type.
fn default_value(field: &Field, krate: &TokenStream) -> TokenStream {
    let ty = field.ty;
    let krate = respan(krate, field.end);
    quote_spanned!(field.end=> <#ty as #krate::__private::DefaultField>::default_field())
}
