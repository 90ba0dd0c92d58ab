//! `#[derive(Reset)]` and `#[derive(Poolable)]` for pool-core. (Being written.)
use proc_macro::TokenStream;

/// Derives `pool_core::Reset`.
#[proc_macro_derive(Reset, attributes(pool))]
pub fn derive_reset(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}

/// Derives `pool_core::Poolable` and `pool_core::Reset`.
#[proc_macro_derive(Poolable, attributes(pool))]
pub fn derive_poolable(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
