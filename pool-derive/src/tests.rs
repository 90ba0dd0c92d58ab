//! Snapshot tests of the generated code (insta + prettyplease), so a change in what the derives
//! emit shows up in review. Update with `INSTA_UPDATE=always cargo test -p pool-derive`, then
//! read the `.snap` diff.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Derive;

/// Runs a derive on `input` and pretty-prints what it emits.
fn expand(derive: Derive, input: TokenStream) -> String {
    let input: syn::DeriveInput = syn::parse2(input).expect("test input is a type definition");
    let output = crate::expand::derive(&input, derive);
    let file: syn::File = syn::parse2(output).expect("generated code parses as items");
    prettyplease::unparse(&file)
}

#[test]
fn named_struct_with_every_field_option() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote! {
            struct Task {
                id: u64,
                data: Vec<u8>,
                #[pool(skip)]
                shared: Rc<Config>,
                #[pool(default)]
                limit: Option<u32>,
                #[pool(reset_with = rewind)]
                cursor: usize,
                #[pool(max_capacity = 4096)]
                buf: Vec<u8>,
                #[pool(reset_with = keep_header, max_capacity = 64)]
                framed: Vec<u8>,
            }
        }
    ));
}

#[test]
fn tuple_and_unit_structs() {
    let tuple = expand(
        Derive::Reset,
        quote!(
            struct Pair(u8, #[pool(skip)] u8, Vec<u8>);
        ),
    );
    let unit = expand(
        Derive::Reset,
        quote!(
            struct Marker;
        ),
    );
    insta::assert_snapshot!(format!("{tuple}\n{unit}"));
}

#[test]
fn enum_with_data_in_default_variant() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote! {
            enum Body {
                Empty,
                #[default]
                Bytes {
                    data: Vec<u8>,
                    #[pool(skip)]
                    generation: u64,
                    #[pool(max_capacity = 16)]
                    small: Vec<u8>,
                },
                Text(String),
            }
        }
    ));
}

#[test]
fn enum_with_unit_default_and_single_variant_enum() {
    let unit = expand(
        Derive::Poolable,
        quote!(
            enum State {
                #[default]
                Idle,
                Busy(String),
            }
        ),
    );
    let single = expand(
        Derive::Reset,
        quote!(
            enum Only {
                #[default]
                One(Vec<u8>),
            }
        ),
    );
    insta::assert_snapshot!(format!("{unit}\n{single}"));
}

#[test]
fn generic_struct_bounds_per_field_type() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote! {
            struct Batch<T, U: Clone, const N: usize>
            where
                T: Copy,
            {
                items: Vec<T>,
                pair: (T, U),
                again: Vec<T>,
                #[pool(default)]
                fresh: Option<U>,
                #[pool(skip)]
                kept: U,
                buf: [u8; N],
                count: usize,
            }
        }
    ));
}

#[test]
fn generic_poolable() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            struct Cache<K: Eq + Hash, V> {
                #[pool(max_capacity = 32)]
                map: HashMap<K, V>,
                hits: u64,
            }
        }
    ));
}

#[test]
fn poolable_with_new_crate_and_global() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            #[pool(new = Task::with_room, crate = framework::pooling)]
            #[pool(global(max_idle = 64))]
            struct Task {
                data: Vec<u8>,
            }
        }
    ));
}

#[test]
fn poolable_global_default_max_idle() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            #[pool(global)]
            struct Task {
                id: u64,
            }
        }
    ));
}

#[test]
fn bound_replaces_inferred_predicates() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            #[pool(bound = "T: Reset + Send + Default")]
            struct Wrapper<T> {
                value: T,
                id: u64,
            }
        }
    ));
}

#[test]
fn errors_come_with_stub_impls() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            struct Task<'a> {
                #[pool(clear)]
                name: &'a str,
                #[pool(skip, default)]
                id: u64,
            }
        }
    ));
}

#[test]
fn union_is_refused_with_stub_impls() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote!(union Bits { int: u32, float: f32 })
    ));
}

#[test]
fn reset_with_closures_and_functions_by_deref() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote! {
            struct Buffers {
                #[pool(reset_with = zero)]
                by_deref: Vec<u8>,
                #[pool(reset_with = |v| v.fill(0))]
                closure: Vec<u8>,
                #[pool(reset_with = move |a: &mut [u8]| a.fill(1), max_capacity = 8)]
                typed: Vec<u8>,
                #[pool(reset_with = HashMap::<K, V>::clear)]
                turbofish: HashMap<K, V>,
            }
        }
    ));
}

#[test]
fn enum_poolable_builds_its_data_default_variant() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            enum Slot<T> {
                #[default]
                Filled { items: Vec<T>, #[pool(skip)] generation: u64 },
                Taken,
            }
        }
    ));
}

#[test]
fn bound_keeps_the_creation_requirement() {
    insta::assert_snapshot!(expand(
        Derive::Poolable,
        quote! {
            #[pool(bound = "T: Send + 'static")]
            struct Batch<T> {
                items: Vec<T>,
            }
        }
    ));
}

#[test]
fn quoted_reset_with_is_refused_with_stub_impls() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote! {
            #[pool(crate = framework::pooling)]
            struct Task {
                #[pool(reset_with = "rewind")]
                cursor: usize,
            }
        }
    ));
}

#[test]
fn heap_bytes_counts_skipped_and_generic_fields() {
    insta::assert_snapshot!(expand(
        Derive::Reset,
        quote! {
            struct Scratch<'a, T, U> {
                items: Vec<T>,
                #[pool(skip)]
                spare: Vec<T>,
                #[pool(skip)]
                file: File,
                #[pool(skip)]
                kept: U,
                #[pool(default)]
                fresh: Option<Vec<U>>,
                #[pool(skip)]
                name: &'a str,
            }
        }
    ));
}

/// How `heap_bytes` counts each kind of field (`ast::Count`).
#[test]
fn heap_bytes_count_by_field_kind() {
    use crate::ast::{Container, Count, Data};
    use crate::ctxt::Ctxt;

    let input: syn::DeriveInput = syn::parse_quote! {
        enum Slot<'a, T, U, const N: usize> {
            #[default]
            Full {
                reset: Vec<T>,
                #[pool(skip)]
                same_type: Vec<T>,
                #[pool(skip)]
                concrete: File,
                #[pool(default)]
                sized_by_const: [String; N],
                #[pool(skip)]
                bare: U,
                #[pool(reset_with = f)]
                inside: Option<U>,
                #[pool(skip)]
                borrowed: &'a str,
                #[pool(skip)]
                this: Box<Self>,
            },
            Other(String, U, Vec<U>, Vec<T>),
        }
    };
    let ctxt = Ctxt::default();
    let cont = Container::from_ast(&ctxt, &input, Derive::Reset).expect("an enum has a model");
    ctxt.check().expect("valid input");
    let Data::Enum(variants) = &cont.data else {
        panic!("an enum");
    };
    let counts = |variant: &crate::ast::Variant| -> Vec<Count> {
        let fields = variant.fields.iter();
        fields
            .map(|field| cont.count(Some(variant), field))
            .collect()
    };
    use Count::{ByReset, IfReset, Zero};
    assert_eq!(
        counts(&variants[0]),
        [ByReset, ByReset, IfReset, IfReset, IfReset, Zero, Zero, Zero]
    );
    assert_eq!(counts(&variants[1]), [IfReset, IfReset, Zero, ByReset]);
    assert!(cont.counts_if_reset());
}

/// The docs link to pool-core's pages on docs.rs without a version: a fixed one (`/0.1/`) would
/// keep pointing at that release after the next.
#[test]
fn doc_links_to_pool_core_name_no_version() {
    const PREFIX: &str = "https://docs.rs/pool-core/";
    let source = include_str!("lib.rs");
    let versions: Vec<&str> = source
        .match_indices(PREFIX)
        .map(|(at, _)| &source[at + PREFIX.len()..])
        .map(|rest| rest.split('/').next().unwrap_or(rest))
        .filter(|version| *version != "latest")
        .collect();
    assert!(versions.is_empty(), "fixed versions in links: {versions:?}");
}

/// A key that takes a value, written without one, is reported at the key with the form it
/// takes, not as syn's "expected `=`" at the `)` after it (seen in the generated-input test's
/// errors; each was spanned, but said neither what was wrong nor the way out).
#[test]
fn a_key_without_its_value_is_reported_at_the_key() {
    let cases = [
        (
            "struct S { #[pool(reset_with)] v: Vec<u8> }",
            "reset_with",
            "`reset_with` needs a value: write `#[pool(reset_with = f)]`, with `f` a function or \
             a closure",
        ),
        (
            "struct S { #[pool(max_capacity, skip)] v: Vec<u8> }",
            "max_capacity",
            "`max_capacity` needs a value: write `#[pool(max_capacity = N)]`, with `N` the \
             capacity the field shrinks to",
        ),
        (
            "#[pool(new)] struct S;",
            "new",
            "`new` needs a value: write `#[pool(new = f)]`, with `f` a function or a closure",
        ),
        (
            "#[pool(crate)] struct S;",
            "crate",
            "`crate` needs a value: write `#[pool(crate = path)]`, with `path` the path to \
             pool-core",
        ),
        (
            "#[pool(bound)] struct S;",
            "bound",
            "`bound` needs a value: write `#[pool(bound = \"...\")]`, with the where-clause \
             predicates in the string",
        ),
        (
            "#[pool(global(max_idle))] struct S;",
            "max_idle",
            "`max_idle` needs a value: write `#[pool(global(max_idle = N))]`",
        ),
    ];
    for (source, at, message) in cases {
        // Lexed from text, so each token has its own span (proc-macro2's `span-locations`).
        let tokens: TokenStream = source.parse().expect("lexes");
        let input: syn::DeriveInput = syn::parse2(tokens).expect("parses");
        let output = crate::expand::derive(&input, Derive::Poolable).to_string();
        assert!(
            output.contains(&format!("{message:?}")),
            "{source}: {output}"
        );
        let ctxt = crate::ctxt::Ctxt::default();
        let _ = crate::ast::Container::from_ast(&ctxt, &input, Derive::Poolable);
        let err = ctxt.check().expect_err("refused");
        let spans: Vec<Option<String>> = err.into_iter().map(|e| e.span().source_text()).collect();
        assert_eq!(spans, [Some(at.to_owned())], "{source}");
    }
}
