//! Collects every error found while reading the input, so all of them are reported together
//! (serde_derive's `internals/ctxt.rs`, without its panic on drop: this crate never panics).

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::Span;

/// The errors found so far; every stage of the derive adds to it instead of stopping.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// Records an error at `span`.
    pub(crate) fn error(&self, span: Span, msg: impl Display) {
        self.push(syn::Error::new(span, msg));
    }

    /// Records an error covering all of `tokens` (an attribute from `#` to `]`).
    pub(crate) fn error_spanned_by(&self, tokens: impl quote::ToTokens, msg: impl Display) {
        self.push(syn::Error::new_spanned(tokens, msg));
    }

    /// Records an error from syn (for example a parse error inside `#[pool(..)]`).
    pub(crate) fn push(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// Records a duplicate: one error at the second occurrence naming the mistake, one at the
    /// first saying it was first given there, so the user sees both places (strum_macros' way).
    pub(crate) fn duplicate(&self, first: Span, second: Span, msg: impl Display) {
        let mut err = syn::Error::new(second, msg);
        err.combine(syn::Error::new(first, "first given here"));
        self.push(err);
    }

    /// Returns every error combined into one, or `Ok` if there was none.
    pub(crate) fn check(self) -> syn::Result<()> {
        let mut errors = self.errors.into_inner().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for err in errors {
            combined.combine(err);
        }
        Err(combined)
    }
}
