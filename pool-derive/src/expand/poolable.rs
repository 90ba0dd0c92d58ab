//! Emits the `Poolable` impl and, for `#[pool(global)]`, the type's global pool.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::Container;
use crate::bound;

/// `impl Poolable for Type { fn create() -> Self { .. } }`.
pub(crate) fn impl_poolable(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    let ident = cont.ident;
    let (impl_generics, ty_generics, _) = cont.generics.split_for_impl();
    let where_clause = bound::poolable_where_clause(cont);
    let create = match &cont.attrs.new {
        // Through a helper whose message says `new` expects a `fn() -> Self`, spanned at the
        // path the user wrote.
        Some(new) => {
            let path = &new.value;
            let this = quote!(Self);
            quote_spanned! {path.span()=>
                #krate::__private::create_with::<#this, _>(#path)
            }
        }
        // Through a helper trait whose message names `#[pool(new = ..)]`, spanned at the type's
        // name since no field is at fault.
        None => quote_spanned! {ident.span()=>
            <Self as #krate::__private::CreateDefault>::create_default()
        },
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
            #[inline]
            fn create() -> Self {
                #create
            }
        }
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
