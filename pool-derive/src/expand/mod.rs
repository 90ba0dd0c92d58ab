//! Emits the impls from the validated model, or stub impls next to the errors.

mod fallback;
mod helpers;
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
    if let Some(cont) = &cont {
        validate::check(&ctxt, cont);
    }
    let (items, errors) = match (ctxt.check(), cont) {
        (Ok(()), Some(cont)) => (impls(&cont), TokenStream::new()),
        (checked, _) => {
            let errors = checked.err().map(|err| err.to_compile_error());
            (fallback::stubs(input, derive), errors.unwrap_or_default())
        }
    };
    // Inside an anonymous const, as serde does: nothing the impls need leaks into the user's
    // namespace. The impls carry `#[diagnostic::do_not_recommend]` (stable since Rust 1.85) so
    // that an error about a field type does not list them as "other types that implement
    // `Reset`", and so a generic type used with unsuitable arguments gives one error about the
    // type rather than one per unsatisfied predicate; compilers older than 1.85 do not know the
    // attribute and would warn, hence the `allow`.
    quote! {
        #errors
        #[allow(unknown_or_malformed_diagnostic_attributes)]
        const _: () = {
            #items
        };
    }
}

/// The impls of a derive whose input is valid.
fn impls(cont: &Container) -> TokenStream {
    let helpers = helpers::module(cont);
    let reset = reset::impl_reset(cont);
    match cont.derive {
        Derive::Reset => quote!(#helpers #reset),
        Derive::Poolable => {
            let poolable = poolable::impl_poolable(cont);
            let global = poolable::global_pool(cont);
            quote!(#helpers #reset #poolable #global)
        }
    }
}
