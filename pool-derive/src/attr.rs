//! Parses `#[pool(..)]` with `parse_nested_meta`, one function per option family.
//!
//! A field's options are resolved here into what its reset does, one [`FieldReset`] plus an
//! optional shrink: two options that each decide the reset, or one given twice, are reported
//! where the second is written, so later phases match on the decision instead of working out
//! again which option wins. Rules that involve the type's shape or the derive (an option on a
//! variant a reset never keeps, `new` on `#[derive(Reset)]`) live in `validate.rs`.

use proc_macro2::{Delimiter, Span};
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, LitStr, Meta, Path, Token, WherePredicate};

use crate::callable::{self, Callable};
use crate::ctxt::Ctxt;
use crate::symbol::{Key, Level, DEFAULT, MAX_IDLE, POOL};

/// An option's value and the span of its key, so errors can point at what the user wrote.
pub(crate) struct Keyed<T> {
    /// The span of the key (`skip`, `max_capacity`, ...).
    pub(crate) key: Span,
    /// The value after `=`.
    pub(crate) value: T,
}

/// What a reset does to a field; at most one option decides it.
pub(crate) enum FieldReset {
    /// No option: the field type's own `Reset`.
    Reset,
    /// `#[pool(skip)]`: the field is left as is.
    Skip,
    /// `#[pool(default)]`: the field is assigned `Default::default()`.
    Default,
    /// `#[pool(reset_with = f)]`: the derive calls `f(&mut field)`. (Boxed: a token stream and
    /// a closure's parts are large, and larger still with proc-macro2's `span-locations`, which
    /// the generated-input test enables.)
    With(Box<Callable>),
}

/// The `#[pool(..)]` options of a field, resolved.
pub(crate) struct FieldAttrs {
    /// What a reset does to the field.
    pub(crate) reset: FieldReset,
    /// `#[pool(max_capacity = N)]`: after the reset, the field shrinks to capacity `N`.
    pub(crate) shrink: Option<Keyed<Expr>>,
    /// The first option written on the field, for rules about options as such.
    pub(crate) first_option: Option<(Key, Span)>,
}

/// The `#[pool(..)]` options of the type itself.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `#[pool(new = f)]`: `create()` calls `f()`.
    pub(crate) new: Option<Keyed<Callable>>,
    /// `#[pool(crate = path)]`: the path generated code uses for pool_core.
    pub(crate) krate: Option<Keyed<Path>>,
    /// `#[pool(bound = "...")]`: replaces the where-clause predicates inferred from the fields.
    pub(crate) bound: Option<Keyed<Vec<WherePredicate>>>,
    /// `#[pool(global)]` or `#[pool(global(max_idle = N))]`.
    pub(crate) global: Option<Keyed<Option<Expr>>>,
}

/// A field option as written, before it is resolved.
enum FieldOption {
    Skip,
    Default,
    ResetWith(Callable),
    MaxCapacity(Expr),
}

impl FieldOption {
    fn key(&self) -> Key {
        match self {
            FieldOption::Skip => Key::Skip,
            FieldOption::Default => Key::Default,
            FieldOption::ResetWith(_) => Key::ResetWith,
            FieldOption::MaxCapacity(_) => Key::MaxCapacity,
        }
    }
}

/// Parses and resolves the `#[pool(..)]` attributes of a field; `subject` names it in errors
/// ("field `data` of `Task`").
pub(crate) fn field_attrs(ctxt: &Ctxt, attrs: &[Attribute], subject: &str) -> FieldAttrs {
    reject_default_attr(ctxt, attrs, Level::Field);
    let mut written = Vec::new();
    for attr in pool_attrs(attrs) {
        if !is_list(ctxt, attr, Level::Field) {
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| {
            written.push(field_option(&meta)?);
            Ok(())
        });
        if let Err(err) = parsed {
            ctxt.push(err);
        }
    }
    resolve(ctxt, written, subject)
}

/// Parses one key inside a field's `#[pool(..)]`.
fn field_option(meta: &ParseNestedMeta) -> syn::Result<Keyed<FieldOption>> {
    let value = match Key::from_path(&meta.path) {
        Some(Key::Skip) => flag(meta, Key::Skip).map(|()| FieldOption::Skip)?,
        Some(Key::Default) => flag(meta, Key::Default).map(|()| FieldOption::Default)?,
        Some(Key::ResetWith) => FieldOption::ResetWith(Callable::parse(
            value(meta, Key::ResetWith)?,
            Key::ResetWith,
        )?),
        Some(Key::MaxCapacity) => FieldOption::MaxCapacity(value(meta, Key::MaxCapacity)?.parse()?),
        Some(key @ (Key::New | Key::Crate | Key::Bound | Key::Global)) => {
            return Err(misplaced(meta, key));
        }
        None => return Err(unknown_key(meta, Level::Field)),
    };
    Ok(Keyed {
        key: meta.path.span(),
        value,
    })
}

/// Turns the options of a field, in the order written, into what its reset does. A key given
/// twice is reported at both places; two options that each decide the reset conflict, reported
/// once per field at the later one. Only `reset_with` and `max_capacity` combine: the function
/// resets, then the field shrinks.
fn resolve(ctxt: &Ctxt, written: Vec<Keyed<FieldOption>>, subject: &str) -> FieldAttrs {
    let mut attrs = FieldAttrs {
        reset: FieldReset::Reset,
        shrink: None,
        first_option: written
            .first()
            .map(|option| (option.value.key(), option.key)),
    };
    let mut seen: Vec<(Key, Span)> = Vec::new();
    let mut conflicted = false;
    for option in written {
        let (key, span) = (option.value.key(), option.key);
        if let Some(&(_, first)) = seen.iter().find(|(seen, _)| *seen == key) {
            let msg = format!("duplicate `#[pool({key})]` on {subject}; remove one of them");
            ctxt.duplicate(first, span, msg);
            continue;
        }
        if let Some(&(other, _)) = seen.iter().find(|(seen, _)| !combine(*seen, key)) {
            if !conflicted {
                ctxt.error(span, conflict(other, key, subject));
                conflicted = true;
            }
            continue;
        }
        seen.push((key, span));
        match option.value {
            FieldOption::Skip => attrs.reset = FieldReset::Skip,
            FieldOption::Default => attrs.reset = FieldReset::Default,
            FieldOption::ResetWith(f) => attrs.reset = FieldReset::With(Box::new(f)),
            FieldOption::MaxCapacity(max) => {
                attrs.shrink = Some(Keyed {
                    key: span,
                    value: max,
                });
            }
        }
    }
    attrs
}

/// Whether two field options can be given together.
fn combine(a: Key, b: Key) -> bool {
    matches!(
        (a, b),
        (Key::ResetWith, Key::MaxCapacity) | (Key::MaxCapacity, Key::ResetWith)
    )
}

/// The error for two field options that each decide what a reset does.
fn conflict(first: Key, second: Key, subject: &str) -> String {
    format!(
        "`#[pool({first})]` and `#[pool({second})]` conflict on {subject}: `{first}` {} and \
         `{second}` {}; keep one",
        effect(first),
        effect(second)
    )
}

/// What a field option does, for the conflict message.
fn effect(key: Key) -> &'static str {
    match key {
        Key::Skip => "leaves it as is",
        Key::Default => "assigns `Default::default()`",
        Key::ResetWith => "calls your function",
        Key::MaxCapacity => "resets it and then shrinks it",
        Key::New | Key::Crate | Key::Bound | Key::Global => "applies to the type",
    }
}

/// Parses the `#[pool(..)]` attributes of the type; `subject` names it in errors ("`Task`").
pub(crate) fn container_attrs(ctxt: &Ctxt, attrs: &[Attribute], subject: &str) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    reject_default_attr(ctxt, attrs, Level::Container);
    for attr in pool_attrs(attrs) {
        if !is_list(ctxt, attr, Level::Container) {
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| container_key(ctxt, &mut out, &meta, subject));
        if let Err(err) = parsed {
            ctxt.push(err);
        }
    }
    out
}

/// Parses one key inside the type's `#[pool(..)]`.
fn container_key(
    ctxt: &Ctxt,
    out: &mut ContainerAttrs,
    meta: &ParseNestedMeta,
    subject: &str,
) -> syn::Result<()> {
    let key = match Key::from_path(&meta.path) {
        Some(key) if key.level() == Level::Field => return Err(misplaced(meta, key)),
        Some(key) => key,
        None => return Err(unknown_key(meta, Level::Container)),
    };
    let written = Written {
        ctxt,
        key,
        span: meta.path.span(),
        subject,
    };
    match key {
        Key::New => written.store(
            &mut out.new,
            Callable::parse(value(meta, Key::New)?, Key::New)?,
        ),
        Key::Crate => written.store(&mut out.krate, crate_path(meta)?),
        Key::Bound => written.store(&mut out.bound, bound(meta)?),
        Key::Global => written.store(&mut out.global, global(meta)?),
        Key::Skip | Key::Default | Key::ResetWith | Key::MaxCapacity => {}
    }
    Ok(())
}

/// A type option as written: which key, where, and on what type.
struct Written<'a> {
    ctxt: &'a Ctxt,
    key: Key,
    span: Span,
    subject: &'a str,
}

impl Written<'_> {
    /// Stores the option's value, or reports a duplicate at both places.
    fn store<T>(&self, slot: &mut Option<Keyed<T>>, value: T) {
        match slot {
            Some(first) => self.ctxt.duplicate(
                first.key,
                self.span,
                format!(
                    "duplicate `#[pool({})]` on {}; remove one of them",
                    self.key, self.subject
                ),
            ),
            None => {
                *slot = Some(Keyed {
                    key: self.span,
                    value,
                });
            }
        }
    }
}

/// Reports any `#[pool(..)]` on an enum variant: no option applies to a variant as a whole.
pub(crate) fn reject_variant_attrs(ctxt: &Ctxt, attrs: &[Attribute], variant: &str) {
    for attr in pool_attrs(attrs) {
        ctxt.error_spanned_by(
            attr,
            format!(
                "`#[pool(..)]` has no options for an enum variant (on `{variant}`); put field \
                 options on the fields of the `#[default]` variant"
            ),
        );
    }
}

/// The `#[default]` attribute among `attrs`, if there is one.
pub(crate) fn default_marker(attrs: &[Attribute]) -> Option<&Attribute> {
    attrs.iter().find(|attr| is_bare_default(attr))
}

/// Whether `attr` is a bare `#[default]`. `#[default = ..]` and `#[default(..)]` belong to other
/// derives (smart-default's field values) and are left alone.
fn is_bare_default(attr: &Attribute) -> bool {
    matches!(&attr.meta, Meta::Path(path) if path.is_ident(DEFAULT))
}

/// Reports a bare `#[default]` anywhere but on an enum variant. The derives register it as a
/// helper attribute for enums, so the compiler would otherwise accept it silently where it
/// means nothing.
fn reject_default_attr(ctxt: &Ctxt, attrs: &[Attribute], place: Level) {
    for attr in attrs.iter().filter(|attr| is_bare_default(attr)) {
        let msg = match place {
            Level::Field => {
                "`#[default]` marks the enum variant a reset goes back to; it has no meaning on a \
                 field: remove it, or write `#[pool(default)]` to reset the field with \
                 `Default::default()`"
            }
            Level::Container => {
                "`#[default]` marks the enum variant a reset goes back to; it has no meaning on \
                 the type itself: remove it, or put it on a variant of an enum"
            }
        };
        ctxt.error_spanned_by(attr, msg);
    }
}

/// Whether `attr` is written `#[pool(..)]`; reports a bare `#[pool]` or `#[pool = ..]`,
/// listing the keys that go in the parentheses.
fn is_list(ctxt: &Ctxt, attr: &Attribute, level: Level) -> bool {
    if matches!(attr.meta, Meta::List(_)) {
        return true;
    }
    ctxt.error_spanned_by(
        attr,
        format!(
            "`#[pool]` takes its options in parentheses, `#[pool(key)]`; the keys are {}",
            Key::list(level)
        ),
    );
    false
}

/// The attributes that belong to this derive.
fn pool_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident(POOL))
}

/// The value after `key =`. A key written without one (`#[pool(reset_with)]`) is reported at the
/// key, with the form it takes, rather than as syn's "expected `=`" at whatever follows it.
fn value<'a>(meta: &ParseNestedMeta<'a>, key: Key) -> syn::Result<ParseStream<'a>> {
    if meta.input.peek(Token![=]) {
        return meta.value();
    }
    let what = match key {
        Key::ResetWith | Key::New => "`f` a function or a closure",
        Key::MaxCapacity => "`N` the capacity the field shrinks to",
        Key::Crate => "`path` the path to pool-core",
        Key::Bound => "the where-clause predicates in the string",
        Key::Skip | Key::Default | Key::Global => "",
    };
    Err(syn::Error::new(
        meta.path.span(),
        format!(
            "`{key}` needs a value: write `#[pool({})]`, with {what}",
            key.form()
        ),
    ))
}

/// Checks that a flag (`skip`, `default`) is written bare, not `skip = true`.
fn flag(meta: &ParseNestedMeta, key: Key) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(())
    } else {
        Err(meta.error(format!("`{key}` takes no value: write `#[pool({key})]`")))
    }
}

/// `crate = path`, also accepting serde's string form `crate = "path"`.
fn crate_path(meta: &ParseNestedMeta) -> syn::Result<Path> {
    let value = value(meta, Key::Crate)?;
    if value.peek(LitStr) {
        value.parse::<LitStr>()?.parse()
    } else {
        value.call(Path::parse_mod_style)
    }
}

/// `bound = "T: Reset, U: Default"`: where-clause predicates written in a string, as serde does.
fn bound(meta: &ParseNestedMeta) -> syn::Result<Vec<WherePredicate>> {
    let lit = value(meta, Key::Bound)?.parse::<LitStr>()?;
    let predicates = lit
        .parse_with(Punctuated::<WherePredicate, Token![,]>::parse_terminated)
        .map_err(|err| {
            syn::Error::new(
                lit.span(),
                format!(
                    "`#[pool(bound = \"...\")]` holds where-clause predicates, and this is not \
                     one ({err}); write them as in a `where` clause, for example \
                     `bound = \"T: Reset + Send\"`"
                ),
            )
        })?;
    Ok(predicates.into_iter().collect())
}

/// `global` or `global(max_idle = N)`.
fn global(meta: &ParseNestedMeta) -> syn::Result<Option<Expr>> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) || empty_parens(meta)? {
        return Ok(None);
    }
    let mut max_idle = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident(MAX_IDLE) && max_idle.is_none() {
            if !inner.input.peek(Token![=]) {
                return Err(syn::Error::new(
                    inner.path.span(),
                    "`max_idle` needs a value: write `#[pool(global(max_idle = N))]`",
                ));
            }
            max_idle = Some(inner.value()?.parse::<Expr>()?);
            Ok(())
        } else if inner.path.is_ident(MAX_IDLE) {
            Err(inner.error("duplicate `max_idle` in `#[pool(global(..))]`; remove one"))
        } else {
            Err(inner.error(format!(
                "unknown `#[pool(global(..))]` key `{}`; the known key is `max_idle = N`",
                key_name(&inner.path)
            )))
        }
    })?;
    Ok(max_idle)
}

/// Consumes `()` and returns `true` if the key is followed by empty parentheses (`global()`
/// means bare `global`).
fn empty_parens(meta: &ParseNestedMeta) -> syn::Result<bool> {
    meta.input
        .step(|cursor| match cursor.group(Delimiter::Parenthesis) {
            Some((inside, _, rest)) if inside.eof() => Ok((true, rest)),
            _ => Ok((false, *cursor)),
        })
}

/// The error for a key written at the wrong level: a type option on a field, or the reverse.
fn misplaced(meta: &ParseNestedMeta, key: Key) -> syn::Error {
    let msg = match key.level() {
        Level::Container => format!(
            "`#[pool({key})]` goes on the type, not on a field; a field accepts {}",
            Key::list(Level::Field)
        ),
        Level::Field => format!(
            "`#[pool({key})]` goes on a field, not on the type; the type accepts {}",
            Key::list(Level::Container)
        ),
    };
    syn::Error::new(meta.path.span(), msg)
}

/// The error for a key this derive does not know, listing the known ones.
fn unknown_key(meta: &ParseNestedMeta, level: Level) -> syn::Error {
    let key = key_name(&meta.path);
    let place = match level {
        Level::Field => "a field",
        Level::Container => "a type",
    };
    syn::Error::new(
        meta.path.span(),
        format!(
            "unknown `#[pool(..)]` key `{key}` on {place}; the known keys are {}",
            Key::list(level)
        ),
    )
}

/// The key as written, for messages (`max_capacity`, `a::b`).
fn key_name(path: &Path) -> String {
    quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "")
}

/// `#[pool(crate = ..)]` read from attributes that may hold mistakes, for the stub impls emitted
/// next to errors: every other key is skipped, and anything unreadable means "not given".
pub(crate) fn crate_path_lenient(attrs: &[Attribute]) -> Option<Path> {
    let mut found = None;
    for attr in pool_attrs(attrs).filter(|attr| matches!(attr.meta, Meta::List(_))) {
        let _ = attr.parse_nested_meta(|meta| {
            if Key::from_path(&meta.path) == Some(Key::Crate) {
                found = Some(crate_path(&meta)?);
            } else if meta.input.peek(Token![=]) {
                callable::skip_value(meta.value()?)?;
            } else if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                let _: proc_macro2::Group = meta.input.parse()?;
            }
            Ok(())
        });
    }
    found
}
