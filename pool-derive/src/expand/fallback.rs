//! Stub impls emitted next to the errors (thiserror's `fallback.rs`): with the traits still
//! implemented, code that uses the type does not add follow-on errors to the one that matters.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Container, Derive};
use crate::bound;

/// `Reset` (and `Poolable`) impls whose bodies are never run: the crate does not compile.
pub(crate) fn stubs(cont: &Container) -> TokenStream {
    let krate = cont.krate();
    let ident = cont.ident;
    let (impl_generics, ty_generics, where_clause) = cont.generics.split_for_impl();
    let poolable = (cont.derive == Derive::Poolable).then(|| {
        let where_clause = bound::stub_poolable_where_clause(cont);
        quote! {
            #[automatically_derived]
            impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
                fn create() -> Self {
                    ::core::unreachable!()
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Reset for #ident #ty_generics #where_clause {
            fn reset(&mut self) {
                ::core::unreachable!()
            }
        }
        #poolable
    }
}
