//! Emits the impls from the validated model, or stub impls next to the errors.

mod fallback;
mod poolable;
mod reset;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::{Container, Derive};
use crate::ctxt::Ctxt;
use crate::validate;

/// Runs a derive: parse, validate, then emit the impls, or the errors and stub impls.
pub(crate) fn derive(input: &DeriveInput, derive: Derive) -> TokenStream {
    let ctxt = Ctxt::default();
    let cont = Container::from_ast(&ctxt, input, derive);
    validate::check(&ctxt, &cont);
    let (items, errors) = match ctxt.check() {
        Ok(()) => (impls(&cont), TokenStream::new()),
        Err(err) => (fallback::stubs(&cont), err.to_compile_error()),
    };
    // Inside an anonymous const, as serde does: nothing the impls need leaks into the user's
    // namespace.
    quote! {
        #errors
        const _: () = {
            #items
        };
    }
}

/// The impls of a derive whose input is valid.
fn impls(cont: &Container) -> TokenStream {
    let reset = reset::impl_reset(cont);
    match cont.derive {
        Derive::Reset => reset,
        Derive::Poolable => {
            let poolable = poolable::impl_poolable(cont);
            let global = poolable::global_pool(cont);
            quote!(#reset #poolable #global)
        }
    }
}
