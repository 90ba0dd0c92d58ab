//! The value of `reset_with = ..` and `new = ..`: any expression the derive can call, read as
//! tokens.
//!
//! syn parses closures only with its `full` feature, which this crate does without: the value
//! is taken token by token up to the `,` that ends the option, and the derive looks at it only
//! to tell a closure from anything else. The compiler type-checks the call the derive writes.

use proc_macro2::{Delimiter, Group, Spacing, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::ParseStream;
use syn::{LitStr, Path, Type};

use crate::symbol::Key;

/// An expression written after `reset_with =` or `new =`.
pub(crate) struct Callable {
    /// The expression's tokens, as written.
    tokens: TokenStream,
    /// Its first token's span, where errors about the call point.
    pub(crate) span: Span,
    /// For a closure, its parts, so its parameters can be given the field's type.
    closure: Option<Closure>,
}

/// A closure, split where the derive needs to: `move |v| v.clear()`.
struct Closure {
    /// `move`, or nothing.
    capture: TokenStream,
    /// The opening `|`.
    open: TokenTree,
    /// The parameters between the bars, without them.
    params: Vec<TokenTree>,
    /// The closing `|`.
    close: TokenTree,
    /// Everything after the closing `|`: the body, maybe a return type first.
    body: TokenStream,
}

impl Callable {
    /// Parses the value of `key` up to the `,` that ends it.
    pub(crate) fn parse(input: ParseStream, key: Key) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Err(quoted(&input.parse::<LitStr>()?, key));
        }
        let tokens = until_comma(input)?;
        let Some(first) = tokens.first() else {
            return Err(input.error(format!(
                "`{key}` needs a value: write `#[pool({key} = f)]`, with `f` a function or a \
                 closure"
            )));
        };
        let span = first.span();
        let closure = Closure::split(&tokens);
        Ok(Callable {
            tokens: tokens.into_iter().collect(),
            span,
            closure,
        })
    }

    /// The expression, ready to be called: in parentheses, so any expression is called as a
    /// whole; a closure's parameters written without a type are given `&mut ty`, so
    /// `|v| v.fill(0)` knows what `v` is.
    pub(crate) fn callee(&self, ty: Option<&Type>) -> TokenStream {
        let inside = match &self.closure {
            None => self.tokens.clone(),
            Some(closure) => closure.typed(ty),
        };
        let mut parens = Group::new(Delimiter::Parenthesis, inside);
        parens.set_span(self.span);
        TokenTree::Group(parens).into_token_stream()
    }

    /// For a closure, how many parameters it takes and its `|..|` (for an error's span): a
    /// `reset_with` closure must take exactly one.
    pub(crate) fn closure_params(&self) -> Option<(usize, TokenStream)> {
        let closure = self.closure.as_ref()?;
        let bars = [&closure.open]
            .into_iter()
            .chain(&closure.params)
            .chain([&closure.close])
            .cloned()
            .collect();
        Some((closure.arity(), bars))
    }
}

impl Closure {
    /// The closure's parts, if `tokens` is one: `|..| body` or `move |..| body`, also when a
    /// `macro_rules!` passed it in as an `$f:expr` fragment, which arrives as one token, a group
    /// without delimiters (the compiler would otherwise be left to infer the untyped parameter
    /// from a call it checks only after the body, and fail: "type annotations needed").
    fn split(tokens: &[TokenTree]) -> Option<Self> {
        if let [TokenTree::Group(group)] = tokens {
            if group.delimiter() == Delimiter::None {
                let inside: Vec<TokenTree> = group.stream().into_iter().collect();
                return Closure::split(&inside);
            }
        }
        let (capture, rest) = match tokens.split_first() {
            Some((TokenTree::Ident(ident), rest)) if ident == "move" => {
                (ident.to_token_stream(), rest)
            }
            _ => (TokenStream::new(), tokens),
        };
        let (open, rest) = rest.split_first()?;
        if !is_punct(open, '|') {
            return None;
        }
        let close_at = rest.iter().position(|token| is_punct(token, '|'))?;
        Some(Closure {
            capture,
            open: open.clone(),
            params: rest[..close_at].to_vec(),
            close: rest[close_at].clone(),
            body: rest[close_at + 1..].iter().cloned().collect(),
        })
    }

    /// The number of parameters: the commas between the bars that are not inside a parameter's
    /// generic arguments (`|m: &mut HashMap<u8, u8>|` has one), a trailing comma ending none.
    fn arity(&self) -> usize {
        let mut angles = 0usize;
        let mut count = 0;
        let mut in_param = false;
        for (i, token) in self.params.iter().enumerate() {
            if is_punct(token, '<') {
                angles += 1;
            } else if is_punct(token, '>') && angles > 0 && !is_arrow(&self.params[..i]) {
                angles -= 1;
            } else if is_punct(token, ',') && angles == 0 {
                in_param = false;
                continue;
            }
            if !in_param {
                in_param = true;
                count += 1;
            }
        }
        count
    }

    /// The closure with `: &mut ty` after each parameter, when none has a type of its own, and
    /// with `-> ()` when it has no return type of its own (for a `reset_with`, given `ty`).
    fn typed(&self, ty: Option<&Type>) -> TokenStream {
        let Closure {
            capture,
            open,
            params,
            close,
            body,
        } = self;
        let annotated = params
            .iter()
            .enumerate()
            .any(|(i, token)| is_punct(token, ':') && !is_path_colon(params, i));
        let params: TokenStream = match ty {
            Some(ty) if !annotated && !params.is_empty() => params
                .split(|token| is_punct(token, ','))
                .filter(|param| !param.is_empty())
                .map(|param| {
                    let param: TokenStream = param.iter().cloned().collect();
                    quote!(#param: &mut #ty,)
                })
                .collect(),
            _ => params.iter().cloned().collect(),
        };
        let body = match ty {
            Some(_) => unit_body(body, close.span()),
            None => body.clone(),
        };
        quote!(#capture #open #params #close #body)
    }
}

/// A closure body that returns `()`: `-> () { body }`, unless it names a return type itself.
///
/// A body that returns a value (`|v| v.pop()`) is then reported at the body, "expected `()`,
/// found `Option<u8>`", instead of at the closure's first token. The tokens added take the
/// body's location and the derive's hygiene, so clippy does not call the `-> ()` unneeded.
fn unit_body(body: &TokenStream, close: Span) -> TokenStream {
    let first = body.clone().into_iter().next();
    if first.as_ref().is_some_and(|token| is_punct(token, '-')) {
        return body.clone();
    }
    let at = Span::call_site().located_at(first.map_or(close, |token| token.span()));
    // The braces take the span of the body's last token, so the closure's own span still runs
    // from its `|` to the end of what the user wrote.
    let last = body
        .clone()
        .into_iter()
        .last()
        .map_or(close, |token| token.span());
    let mut block = Group::new(Delimiter::Brace, body.clone());
    block.set_span(last);
    quote_spanned!(at=> -> () #block)
}

/// Consumes the value of any key up to the `,` that ends it, for a reader that wants one key.
pub(crate) fn skip_value(input: ParseStream) -> syn::Result<()> {
    until_comma(input).map(drop)
}

/// The tokens of the value up to the `,` that ends it (or the end of `#[pool(..)]`).
///
/// A comma ends the value unless it is between a closure's bars (`|a, b|`) or inside the angle
/// brackets of generic arguments (`HashMap::<K, V>::clear`, `<Vec<u8> as Reset>::reset`), which
/// are not token groups.
fn until_comma(input: ParseStream) -> syn::Result<Vec<TokenTree>> {
    input.step(|cursor| {
        let mut tokens: Vec<TokenTree> = Vec::new();
        let mut rest = *cursor;
        let mut angles = 0usize;
        let mut in_bars = false;
        while let Some((token, next)) = rest.token_tree() {
            if angles == 0 && !in_bars && is_punct(&token, ',') {
                break;
            }
            if is_punct(&token, '|') && (in_bars || closure_opens_at(&tokens)) {
                in_bars = !in_bars;
            } else if is_punct(&token, '<') && (angles > 0 || opens_generics(&tokens)) {
                angles += 1;
            } else if is_punct(&token, '>') && angles > 0 && !is_arrow(&tokens) {
                angles -= 1;
            }
            tokens.push(token);
            rest = next;
        }
        Ok((tokens, rest))
    })
}

/// Whether a `|` after `before` opens a closure's parameters: at the start, or after `move`.
fn closure_opens_at(before: &[TokenTree]) -> bool {
    match before {
        [] => true,
        [TokenTree::Ident(ident)] => ident == "move",
        _ => false,
    }
}

/// Whether a `<` after `before` opens generic arguments rather than comparing: at the start of
/// the value (`<T as Trait>::f`) or after `::` (`Vec::<u8>::clear`).
fn opens_generics(before: &[TokenTree]) -> bool {
    match before {
        [] => true,
        [.., colon, last] => is_punct(last, ':') && is_punct(colon, ':'),
        [_] => false,
    }
}

/// Whether the `>` that comes after `before` is the end of `->`.
fn is_arrow(before: &[TokenTree]) -> bool {
    matches!(before.last(), Some(TokenTree::Punct(p)) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
}

/// Whether the `:` at `i` is half of a `::`.
fn is_path_colon(tokens: &[TokenTree], i: usize) -> bool {
    let joint_before = i
        .checked_sub(1)
        .and_then(|before| tokens.get(before))
        .is_some_and(|token| matches!(token, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Joint));
    let joint_here = matches!(&tokens[i], TokenTree::Punct(p) if p.spacing() == Spacing::Joint)
        && tokens.get(i + 1).is_some_and(|token| is_punct(token, ':'));
    joint_before || joint_here
}

/// Whether `token` is the punctuation `ch`.
fn is_punct(token: &TokenTree, ch: char) -> bool {
    matches!(token, TokenTree::Punct(punct) if punct.as_char() == ch)
}

/// The error for a value written as a string (serde's habit): the way out is the same value
/// without the quotes, named for what the string holds (a path, a closure, another expression),
/// so the advice fits what the user meant (UI cases `derive/reset_with_string_literal.rs`,
/// `derive/reset_with_quoted_closure.rs`).
fn quoted(lit: &LitStr, key: Key) -> syn::Error {
    let value = lit.value();
    let value = value.trim();
    let advice = match quoted_kind(value) {
        Some(what) => format!("write the {what} without quotes: `#[pool({key} = {value})]`"),
        None => format!("write a path or a closure, without quotes: `#[pool({key} = f)]`"),
    };
    syn::Error::new(
        lit.span(),
        format!("`{key}` takes a function or a closure, not a string; {advice}"),
    )
}

/// What a string given as a value holds: a `"path"`, a `"closure"`, another `"expression"`, or
/// `None` when it is empty or not even Rust tokens.
fn quoted_kind(value: &str) -> Option<&'static str> {
    let tokens: Vec<TokenTree> = value.parse::<TokenStream>().ok()?.into_iter().collect();
    if tokens.is_empty() {
        None
    } else if syn::parse_str::<Path>(value).is_ok() {
        Some("path")
    } else if Closure::split(&tokens).is_some() {
        Some("closure")
    } else {
        Some("expression")
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
    use quote::{quote, ToTokens};
    use syn::parse::Parser;

    use super::{quoted_kind, Callable};
    use crate::symbol::Key;

    /// Parses `tokens` as the value of `reset_with`, returning the value and what is left.
    fn parse(tokens: TokenStream) -> (String, String) {
        let parser = |input: syn::parse::ParseStream| {
            let callable = Callable::parse(input, Key::ResetWith)?;
            let rest: TokenStream = input.parse()?;
            Ok((callable, rest))
        };
        let (callable, rest) = parser.parse2(tokens).expect("parses");
        let ty: syn::Type = syn::parse_quote!(Vec<u8>);
        (callable.callee(Some(&ty)).to_string(), rest.to_string())
    }

    #[test]
    fn a_path_ends_at_the_comma() {
        let (callee, rest) = parse(quote!(keep_header, max_capacity = 16));
        assert_eq!(
            (callee.as_str(), rest.as_str()),
            ("(keep_header)", ", max_capacity = 16")
        );
    }

    #[test]
    fn commas_in_generic_arguments_do_not_end_the_value() {
        let (callee, rest) = parse(quote!(HashMap::<K, V>::clear, skip));
        assert_eq!(
            (callee.as_str(), rest.as_str()),
            ("(HashMap :: < K , V > :: clear)", ", skip")
        );
        let (callee, rest) = parse(quote!(<HashMap<K, V> as Reset>::reset));
        assert_eq!(
            (callee.as_str(), rest.as_str()),
            ("(< HashMap < K , V > as Reset > :: reset)", "")
        );
    }

    #[test]
    fn closure_parameters_get_the_field_type() {
        let (callee, rest) = parse(quote!(|v| v.fill(0), max_capacity = 4));
        assert_eq!(
            callee,
            "(| v : & mut Vec < u8 > , | -> () { v . fill (0) })"
        );
        assert_eq!(rest, ", max_capacity = 4");
        let (callee, _) = parse(quote!(move |mut v| v.clear()));
        assert_eq!(
            callee,
            "(move | mut v : & mut Vec < u8 > , | -> () { v . clear () })"
        );
    }

    /// A closure passed through `macro_rules!` as `$f:expr` arrives in a group without
    /// delimiters; its parameter is typed all the same (found by the generated-input test:
    /// `reset_with = $f` with `|v| v.clear()` failed with "type annotations needed").
    #[test]
    fn a_closure_from_a_macro_fragment_is_typed_and_counted() {
        let fragment = |tokens: TokenStream| {
            TokenTree::Group(Group::new(Delimiter::None, tokens)).into_token_stream()
        };
        let closure = fragment(quote!(|v| v.clear()));
        let (callee, rest) = parse(quote!(#closure, skip));
        assert_eq!(
            (callee.as_str(), rest.as_str()),
            (
                "(| v : & mut Vec < u8 > , | -> () { v . clear () })",
                ", skip"
            )
        );
        let nested = fragment(fragment(quote!(move |a, b| ())));
        let parser = |input: syn::parse::ParseStream| Callable::parse(input, Key::ResetWith);
        let callable = parser.parse2(nested).expect("parses");
        assert_eq!(callable.closure_params().map(|(count, _)| count), Some(2));
        // A path in a fragment is called as it is.
        let (callee, _) = parse(fragment(quote!(Vec::clear)));
        assert_eq!(callee.replace(' ', ""), "(Vec::clear)");
    }

    #[test]
    fn typed_parameters_and_return_types_are_kept() {
        let (callee, _) = parse(quote!(|b: &mut [u8]| b.fill(0)));
        assert_eq!(callee, "(| b : & mut [u8] | -> () { b . fill (0) })");
        let (callee, _) = parse(quote!(|a, b| ()));
        assert_eq!(
            callee,
            "(| a : & mut Vec < u8 > , b : & mut Vec < u8 > , | -> () { () })"
        );
        let (callee, _) = parse(quote!(|| ()));
        assert_eq!(callee, "(|| -> () { () })");
        let (callee, _) = parse(quote!(|v: &mut Vec<std::string::String>| v.clear()));
        assert_eq!(
            callee,
            "(| v : & mut Vec < std :: string :: String > | -> () { v . clear () })"
        );
        let (callee, _) = parse(quote!(|v| -> () { v.clear() }));
        assert_eq!(
            callee,
            "(| v : & mut Vec < u8 > , | -> () { v . clear () })"
        );
    }

    /// Parses `value` as the value of `reset_with` and counts a closure's parameters.
    fn arity(value: &str) -> Option<usize> {
        let parser = |input: syn::parse::ParseStream| Callable::parse(input, Key::ResetWith);
        let tokens: TokenStream = value.parse().expect("lexes");
        let callable = parser.parse2(tokens).expect("parses");
        callable.closure_params().map(|(count, _)| count)
    }

    #[test]
    fn closure_parameters_are_counted() {
        assert_eq!(arity("|v| v.clear()"), Some(1));
        assert_eq!(arity("|v,| v.clear()"), Some(1));
        assert_eq!(arity("|m: &mut HashMap<u8, u8>| m.clear()"), Some(1));
        assert_eq!(arity("|f: Box<dyn Fn(u8, u8) -> u8>| drop(f)"), Some(1));
        assert_eq!(arity("|(a, b)| ()"), Some(1));
        assert_eq!(arity("|v, n| v.truncate(n)"), Some(2));
        assert_eq!(arity("move |a: HashMap<u8, u8>, b| ()"), Some(2));
        assert_eq!(arity("|| ()"), Some(0));
        assert_eq!(arity("Vec::clear"), None);
    }

    #[test]
    fn a_quoted_value_is_named_for_what_it_holds() {
        assert_eq!(quoted_kind("rewind"), Some("path"));
        assert_eq!(quoted_kind("Vec::<u8>::clear"), Some("path"));
        assert_eq!(quoted_kind("|v| v.clear()"), Some("closure"));
        assert_eq!(quoted_kind("move || ()"), Some("closure"));
        assert_eq!(quoted_kind("make_reset(4)"), Some("expression"));
        assert_eq!(quoted_kind(""), None);
        assert_eq!(quoted_kind("(unbalanced"), None);
    }
}
