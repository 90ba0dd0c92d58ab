//! Emits the `Poolable` impl and, for `#[pool(global)]`, the type's global pool.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::ast::{Container, Creation};
use crate::bound;

use super::helpers;
use super::reset::build_variant;

/// `impl Poolable for Type { fn create() -> Self { .. } }`.
pub(crate) fn impl_poolable(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    let ident = cont.ident;
    let (impl_generics, ty_generics, _) = cont.generics.split_for_impl();
    let where_clause = bound::poolable_where_clause(cont);
    let (output, create) = create(cont);
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
            #[inline]
            fn create() -> #output {
                #create
            }
        }
    }
}

/// The return type and body of `create`, by how the type is created.
///
/// `new = f` is called as written, with the return type `Self` located at `f`, so a function
/// that returns something else is reported there ("expected `Task`, found `u8`"). A struct
/// without it uses `Default`, named at the type's name since no field is at fault.
fn create(cont: &Container) -> (TokenStream, TokenStream) {
    let this = quote!(Self);
    match cont.creation() {
        Creation::New(f) => {
            let output = quote_spanned!(f.span=> Self);
            let at = Span::call_site().located_at(f.span);
            let callee = f.callee(None);
            (output, quote_spanned!(at=> #callee()))
        }
        Creation::Variant(variant) => (this, build_variant(cont, variant)),
        Creation::Default => (this, helpers::create_default(cont.ident.span())),
    }
}

/// For `#[pool(global)]`: `Type::pool()`, a `static` pool declared inside the function, so the
/// name `POOL` cannot clash with anything of the user's. validate.rs rejected generic types,
/// which a `static` cannot name.
pub(crate) fn global_pool(cont: &Container) -> TokenStream {
    let Some(global) = &cont.attrs.global else {
        return TokenStream::new();
    };
    let krate = cont.krate();
    let ident = cont.ident;
    let init = match &global.value {
        Some(max_idle) => quote!(#krate::Pool::with_max_idle(#max_idle)),
        None => quote!(#krate::Pool::new()),
    };
    let doc = format!(
        "The global pool of `{ident}`, declared by `#[pool(global)]`: a `static`, usable from \
         every thread."
    );
    quote! {
        #[automatically_derived]
        impl #ident {
            #[doc = #doc]
            pub fn pool() -> &'static #krate::Pool<#ident> {
                static POOL: #krate::Pool<#ident> = #init;
                &POOL
            }
        }
    }
}
