//! Re-spanning of generated tokens.

use proc_macro2::{Group, Span, TokenStream, TokenTree};

/// `tokens` with every span set to `span`.
///
/// The crate path (`::pool_core`) is spliced into code spanned at a field; left at the call
/// site, it would make the compiler point a trait error's "required by this bound" at the
/// derive instead of the field.
pub(crate) fn respan(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), respan(&group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

/// `tokens` moved to `span`'s location, each keeping its own hygiene: names still resolve where
/// they were written, and errors point at `span`.
pub(crate) fn locate(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            let located = token.span().located_at(span);
            if let TokenTree::Group(group) = &token {
                let mut inner = Group::new(group.delimiter(), locate(&group.stream(), span));
                inner.set_span(located);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(located);
            }
            token
        })
        .collect()
}
