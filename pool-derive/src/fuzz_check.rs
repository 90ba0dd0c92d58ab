//! What the expansion must do with any input, checked on the cases of `fuzz_gen.rs`: by the
//! property test below, a bounded number of cases in every `cargo test -p pool-derive`, and by
//! the fuzz target in `fuzz/` for as long as it runs (it includes this file by `#[path]`).
//!
//! A case's input is written out as text and lexed again, so each token has a place of its own
//! (proc-macro2's `span-locations`; a test outside a compiler otherwise gives every token the
//! same span), parsed as a `DeriveInput` and given to both derives. Then:
//!
//! 1. the expansion returns: a panic fails the check;
//! 2. what it returns parses as Rust items;
//! 3. every error is *spanned in the input*. syn writes an error as
//!    `::core::compile_error! { "message" }`, the path spanned at the error's start and the braces
//!    at its end, and the compiler underlines from one to the other. Each of the two must start
//!    where a token of the input starts and end where one ends (a token, a group, or a group's
//!    delimiter; a span joined over several tokens counts too). `Span::call_site()`, where a proc
//!    macro's own tokens are, is never an input span: an error there underlines the whole derive;
//! 4. every message says something;
//! 5. for the derive the case is written for: a valid case gives no error, and a case with a
//!    mistake the derive checks gives at least one.
//!
//! Whether the accepted valid cases compile is checked by `tests/tests/derive_generated.rs`.

use std::collections::HashSet;
use std::fmt::Write as _;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::DeriveInput;

use crate::ast::Derive;
use crate::fuzz_gen::{reparse, Case, Which};

/// What the check saw of a case (read by the coverage test; the fuzz target only checks).
#[derive(Debug, Default)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Checked {
    /// The input parsed as a type definition (a case of random text seldom does).
    pub(crate) parsed: bool,
    /// The errors the case's own derive reported.
    pub(crate) errors: usize,
}

/// Runs both derives on `case` and panics, describing the case, if a property does not hold.
pub(crate) fn check(case: &Case) -> Checked {
    let Some(tokens) = reparse(&case.input) else {
        assert!(!case.valid, "a valid case does not lex:\n{}", case.input);
        return Checked::default();
    };
    let input: DeriveInput = match syn::parse2(tokens.clone()) {
        Ok(input) => input,
        Err(err) => {
            assert!(
                !case.valid,
                "a valid case does not parse ({err}):\n{tokens}"
            );
            return Checked::default();
        }
    };
    let spans = InputSpans::of(&tokens);
    let mut checked = Checked {
        parsed: true,
        errors: 0,
    };
    for derive in [Derive::Reset, Derive::Poolable] {
        let output = crate::expand::derive(&input, derive);
        let errors = check_output(&output, &spans, || describe(case, &tokens, derive));
        if matches!(
            (derive, case.derive),
            (Derive::Reset, Which::Reset) | (Derive::Poolable, Which::Poolable)
        ) {
            check_verdict(case, &errors, || describe(case, &tokens, derive));
            checked.errors = errors.len();
        }
    }
    checked
}

/// Properties 2 to 4, for one derive's output; returns its errors.
fn check_output(
    output: &TokenStream,
    spans: &InputSpans,
    describe: impl Fn() -> String,
) -> Vec<Reported> {
    if let Err(err) = syn::parse2::<syn::File>(output.clone()) {
        panic!(
            "the expansion does not parse as items ({err}):\n{output}\n{}",
            describe()
        );
    }
    let errors = Reported::all(output);
    for error in &errors {
        assert!(
            spans.contains(error.start) && spans.contains(error.end),
            "an error is not spanned in the input (start {:?}, end {:?}): {}\n{}",
            error.start,
            error.end,
            error.message,
            describe()
        );
        assert!(
            error.message.len() > 2,
            "an error says nothing\n{}",
            describe()
        );
    }
    errors
}

/// Property 5.
fn check_verdict(case: &Case, errors: &[Reported], describe: impl Fn() -> String) {
    if case.valid && !errors.is_empty() {
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        panic!(
            "a valid case is refused: {}\n{}",
            messages.join("\n"),
            describe()
        );
    }
    if !case.mistakes.is_empty() && errors.is_empty() {
        panic!(
            "a case with mistakes ({}) is accepted\n{}",
            case.mistakes.join("; "),
            describe()
        );
    }
}

/// The case, for a failure message.
fn describe(case: &Case, tokens: &TokenStream, derive: Derive) -> String {
    let mut text = String::new();
    let _ = write!(
        text,
        "derive: {derive:?} (case written for {:?}, valid: {}, mistakes: {:?})\ninput: {tokens}",
        case.derive, case.valid, case.mistakes
    );
    text
}

/// An error in an expansion: `::core::compile_error! { "message" }`.
struct Reported {
    /// The span of `compile_error`, where the error starts.
    start: Span,
    /// The span of the braces, where it ends.
    end: Span,
    /// The message, as a string literal.
    message: String,
}

impl Reported {
    /// Every error in `tokens`, however deep.
    fn all(tokens: &TokenStream) -> Vec<Reported> {
        let mut out = Vec::new();
        Reported::collect(tokens, &mut out);
        out
    }

    fn collect(tokens: &TokenStream, out: &mut Vec<Reported>) {
        let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) if ident == "compile_error" => {
                    if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(group))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        if bang.as_char() == '!' {
                            out.push(Reported {
                                start: ident.span(),
                                end: group.span(),
                                message: group.stream().to_string(),
                            });
                        }
                    }
                }
                TokenTree::Group(group) => Reported::collect(&group.stream(), out),
                _ => {}
            }
        }
    }
}

/// Where the input's tokens start and end.
struct InputSpans {
    starts: HashSet<u32>,
    ends: HashSet<u32>,
}

impl InputSpans {
    fn of(tokens: &TokenStream) -> Self {
        let mut spans = InputSpans {
            starts: HashSet::new(),
            ends: HashSet::new(),
        };
        spans.add(tokens);
        spans
    }

    fn add(&mut self, tokens: &TokenStream) {
        for token in tokens.clone() {
            if let TokenTree::Group(group) = &token {
                self.add_span(group.span_open());
                self.add_span(group.span_close());
                self.add(&group.stream());
            }
            self.add_span(token.span());
        }
    }

    fn add_span(&mut self, span: Span) {
        let (start, end) = byte_range(span);
        self.starts.insert(start);
        self.ends.insert(end);
    }

    /// Whether `span` is an input span: it starts where a token starts and ends where one ends.
    fn contains(&self, span: Span) -> bool {
        let (start, end) = byte_range(span);
        start < end && self.starts.contains(&start) && self.ends.contains(&end)
    }
}

/// Where a span is, from its `Debug` form `bytes(lo..hi)`: proc-macro2 with `span-locations`
/// prints it so outside a compiler, also under `cfg(fuzzing)`, where `Span::byte_range` says
/// `0..0` for every span. `Span::call_site()` is `bytes(0..0)`.
fn byte_range(span: Span) -> (u32, u32) {
    let debug = format!("{span:?}");
    let range = debug
        .strip_prefix("bytes(")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|range| range.split_once(".."))
        .and_then(|(lo, hi)| Some((lo.parse().ok()?, hi.parse().ok()?)));
    range.unwrap_or_else(|| {
        panic!("a span without a place ({debug}): build with proc-macro2's `span-locations`")
    })
}

#[cfg(test)]
mod tests {
    use arbitrary::Unstructured;
    use proptest::prelude::*;

    use super::check;
    use crate::fuzz_gen::{seeded_bytes, Case, Mode};

    proptest! {
        // 256 cases unless `PROPTEST_CASES` says otherwise (`.ci/deep` asks for more).
        #![proptest_config(ProptestConfig::default())]

        /// The property, on cases proptest draws (and shrinks to a small one on failure).
        #[test]
        fn any_input_expands_without_panic_and_with_every_error_spanned(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048)
        ) {
            let mut u = Unstructured::new(&bytes);
            if let Ok(case) = Case::generate(&mut u, Mode::Any) {
                check(&case);
            }
        }
    }

    /// The generator reaches what it is meant to: over a fixed sample, valid cases and cases
    /// with each kind of mistake, the derive accepting the first and refusing the second, and
    /// the options and shapes that make a case interesting. Guards the property test against a
    /// generator that quietly stopped generating something.
    #[test]
    fn the_generator_covers_every_option_and_mistake() {
        let mut parsed = 0;
        let mut valid = 0;
        let mut refused = 0;
        let mut mistakes: Vec<&str> = Vec::new();
        let mut text = String::new();
        for seed in 0..3000 {
            let bytes = seeded_bytes(seed, 1024);
            let Ok(case) = Case::generate(&mut Unstructured::new(&bytes), Mode::Any) else {
                continue;
            };
            let checked = check(&case);
            parsed += usize::from(checked.parsed);
            valid += usize::from(case.valid);
            refused += usize::from(checked.errors > 0);
            mistakes.extend(&case.mistakes);
            if case.valid {
                text.push_str(&case.input.to_string());
            }
        }
        assert!(
            parsed > 2500 && valid > 1000 && refused > 1000,
            "{parsed} parsed, {valid} valid, {refused} refused"
        );
        for mistake in [
            "union",
            "lifetime on a `Poolable` type",
            "enum without `#[default]`",
            "two `#[default]` variants",
            "`#[pool(..)]` on a variant",
            "`#[default]`, `#[pool]` or `#[pool = ..]` on a field",
            "`#[default]`, `#[pool]` or `#[pool = ..]` on the type",
            "a field option the derive refuses",
            "a field option given twice",
            "conflicting field options",
            "a field option outside the `#[default]` variant",
            "`new` on `#[derive(Reset)]`",
            "`global` on a type that cannot have a `static` pool",
            "a type option the derive refuses",
            "a type option given twice",
        ] {
            assert!(mistakes.contains(&mistake), "no case has: {mistake}");
        }
        for valid_option in [
            "skip",
            "default",
            "reset_with = |",
            "reset_with = ::",
            "max_capacity",
            "new =",
            "crate =",
            "bound =",
            "global",
            "max_idle",
            "enum",
            "# [default]",
            "'a",
            "const N",
            "__fuzz_ty",
            "__fuzz_expr",
            "__fuzz_path",
            "Option < Box < Self",
            "HashMap",
            "File",
            "Rc < str >",
            "support :: Phase",
            "support :: Wrap",
            "tail : [",
            "Idle = 1",
            "= u32",
            "r#",
        ] {
            assert!(
                text.contains(valid_option),
                "no valid case has: {valid_option}"
            );
        }
    }
}
