//! Stub impls emitted next to the errors (thiserror's `fallback.rs`): with the traits still
//! implemented, code that uses the type does not add follow-on errors to the one that matters.
//!
//! They are built from the raw input alone, since the errors may be the reason there is no
//! model: only `#[pool(crate = ..)]` is read, leniently, so the stubs name pool-core the way the
//! rest of the user's crate does.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::{self, Derive};
use crate::attr;
use crate::bound;

/// `Reset` (and `Poolable`) impls whose bodies are never run: the crate does not compile.
pub(crate) fn stubs(input: &DeriveInput, derive: Derive) -> TokenStream {
    let krate = ast::krate(attr::crate_path_lenient(&input.attrs).as_ref());
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let poolable = (derive == Derive::Poolable).then(|| {
        let where_clause = bound::stub_poolable_where_clause(input);
        quote! {
            #[automatically_derived]
            #[diagnostic::do_not_recommend]
            impl #impl_generics #krate::Poolable for #ident #ty_generics #where_clause {
                fn create() -> Self {
                    ::core::unreachable!()
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        #[diagnostic::do_not_recommend]
        impl #impl_generics #krate::Reset for #ident #ty_generics #where_clause {
            fn reset(&mut self) {
                ::core::unreachable!()
            }
        }
        #poolable
    }
}
