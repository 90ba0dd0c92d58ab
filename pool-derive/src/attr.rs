//! Parses `#[pool(..)]` attributes with `parse_nested_meta`, one function per option family.
//!
//! Parsing only records what was written and where; rules that involve more than one option
//! (conflicts, options that need a particular derive or shape) live in `validate.rs`.

use proc_macro2::{Delimiter, Span};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprPath, LitStr, Meta, Path, Token, WherePredicate};

use crate::ctxt::Ctxt;

/// The keys a field accepts, as listed in the "unknown key" error.
const FIELD_KEYS: &str = "`skip`, `default`, `reset_with = path` and `max_capacity = N`";
/// The keys a type accepts, as listed in the "unknown key" error.
const CONTAINER_KEYS: &str =
    "`new = path`, `crate = path`, `bound = \"...\"`, `global` and `global(max_idle = N)`";

/// An option's value and the span of its key, so errors can point at what the user wrote.
pub(crate) struct Keyed<T> {
    /// The span of the key (`skip`, `max_capacity`, ...).
    pub(crate) key: Span,
    /// The value after `=` (or `()` for a flag).
    pub(crate) value: T,
}

/// The `#[pool(..)]` options of a field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// `#[pool(skip)]`: the field is left as is.
    pub(crate) skip: Option<Keyed<()>>,
    /// `#[pool(default)]`: the field is assigned `Default::default()`.
    pub(crate) default: Option<Keyed<()>>,
    /// `#[pool(reset_with = path)]`: the derive calls `path(&mut field)`. An expression path, so
    /// `Vec::clear` and `<T as Trait>::reset` work.
    pub(crate) reset_with: Option<Keyed<ExprPath>>,
    /// `#[pool(max_capacity = N)]`: reset, then shrink to `N`.
    pub(crate) max_capacity: Option<Keyed<Expr>>,
}

/// The `#[pool(..)]` options of the type itself.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `#[pool(new = path)]`: `create()` calls `path()`.
    pub(crate) new: Option<Keyed<ExprPath>>,
    /// `#[pool(crate = path)]`: the path generated code uses for pool_core.
    pub(crate) krate: Option<Keyed<Path>>,
    /// `#[pool(bound = "...")]`: replaces the inferred where-clause predicates.
    pub(crate) bound: Option<Keyed<Vec<WherePredicate>>>,
    /// `#[pool(global)]` or `#[pool(global(max_idle = N))]`.
    pub(crate) global: Option<Keyed<Option<Expr>>>,
}

/// Parses the `#[pool(..)]` attributes of a field; `subject` names it in errors
/// ("field `data` of `Task`").
pub(crate) fn field_attrs(ctxt: &Ctxt, attrs: &[Attribute], subject: &str) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    reject_default_attr(ctxt, attrs, DefaultPlace::Field);
    for attr in pool_attrs(attrs) {
        if !is_list(ctxt, attr, Level::Field) {
            continue;
        }
        let parsed = attr.parse_nested_meta(|meta| field_key(ctxt, &mut out, &meta, subject));
        if let Err(err) = parsed {
            ctxt.push(err);
        }
    }
    out
}

/// Parses the `#[pool(..)]` attributes of the type; `subject` names it in errors ("`Task`").
pub(crate) fn container_attrs(ctxt: &Ctxt, attrs: &[Attribute], subject: &str) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    reject_default_attr(ctxt, attrs, DefaultPlace::Type);
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

/// Where a bare `#[default]` was written, to word the error.
#[derive(Clone, Copy)]
enum DefaultPlace {
    Field,
    Type,
}

/// Reports a bare `#[default]` anywhere but on an enum variant. The derives register it as a
/// helper attribute for enums, so the compiler would otherwise accept it silently where it
/// means nothing. `#[default = ..]` and `#[default(..)]` are left alone: they belong to other
/// derives (smart-default's field values).
fn reject_default_attr(ctxt: &Ctxt, attrs: &[Attribute], place: DefaultPlace) {
    let is_bare_default =
        |attr: &&Attribute| matches!(&attr.meta, Meta::Path(path) if path.is_ident("default"));
    for attr in attrs.iter().filter(is_bare_default) {
        let msg = match place {
            DefaultPlace::Field => {
                "`#[default]` marks the enum variant a reset goes back to; it has no meaning on a \
                 field: remove it, or write `#[pool(default)]` to reset the field with \
                 `Default::default()`"
            }
            DefaultPlace::Type => {
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
    let keys = match level {
        Level::Field => FIELD_KEYS,
        Level::Container => CONTAINER_KEYS,
    };
    ctxt.error_spanned_by(
        attr,
        format!("`#[pool]` takes its options in parentheses, `#[pool(key)]`; the keys are {keys}"),
    );
    false
}

/// The attributes that belong to this derive.
fn pool_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("pool"))
}

/// Parses one key inside a field's `#[pool(..)]`.
fn field_key(
    ctxt: &Ctxt,
    out: &mut FieldAttrs,
    meta: &ParseNestedMeta,
    subject: &str,
) -> syn::Result<()> {
    let path = &meta.path;
    if path.is_ident("skip") {
        flag(meta, "skip")?;
        set(ctxt, &mut out.skip, path, "skip", subject, ());
    } else if path.is_ident("default") {
        flag(meta, "default")?;
        set(ctxt, &mut out.default, path, "default", subject, ());
    } else if path.is_ident("reset_with") {
        let value = meta.value()?.parse::<ExprPath>()?;
        set(
            ctxt,
            &mut out.reset_with,
            path,
            "reset_with",
            subject,
            value,
        );
    } else if path.is_ident("max_capacity") {
        let value = meta.value()?.parse::<Expr>()?;
        set(
            ctxt,
            &mut out.max_capacity,
            path,
            "max_capacity",
            subject,
            value,
        );
    } else {
        return Err(unknown_key(meta, Level::Field));
    }
    Ok(())
}

/// Parses one key inside the type's `#[pool(..)]`.
fn container_key(
    ctxt: &Ctxt,
    out: &mut ContainerAttrs,
    meta: &ParseNestedMeta,
    subject: &str,
) -> syn::Result<()> {
    let path = &meta.path;
    if path.is_ident("new") {
        let value = meta.value()?.parse::<ExprPath>()?;
        set(ctxt, &mut out.new, path, "new", subject, value);
    } else if path.is_ident("crate") {
        let value = crate_path(meta)?;
        set(ctxt, &mut out.krate, path, "crate", subject, value);
    } else if path.is_ident("bound") {
        let value = bound(meta)?;
        set(ctxt, &mut out.bound, path, "bound", subject, value);
    } else if path.is_ident("global") {
        let value = global(meta)?;
        set(ctxt, &mut out.global, path, "global", subject, value);
    } else {
        return Err(unknown_key(meta, Level::Container));
    }
    Ok(())
}

/// Stores an option, or reports a duplicate at both places.
fn set<T>(
    ctxt: &Ctxt,
    slot: &mut Option<Keyed<T>>,
    path: &Path,
    name: &str,
    subject: &str,
    value: T,
) {
    let key = path.span();
    match slot {
        Some(first) => ctxt.duplicate(
            first.key,
            key,
            format!("duplicate `#[pool({name})]` on {subject}; remove one of them"),
        ),
        None => *slot = Some(Keyed { key, value }),
    }
}

/// Checks that a flag (`skip`, `default`) is written bare, not `skip = true`.
fn flag(meta: &ParseNestedMeta, name: &str) -> syn::Result<()> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        Ok(())
    } else {
        Err(meta.error(format!("`{name}` takes no value: write `#[pool({name})]`")))
    }
}

/// `crate = path`, also accepting serde's string form `crate = "path"`.
fn crate_path(meta: &ParseNestedMeta) -> syn::Result<Path> {
    let value = meta.value()?;
    if value.peek(LitStr) {
        value.parse::<LitStr>()?.parse()
    } else {
        value.call(Path::parse_mod_style)
    }
}

/// `bound = "T: Reset, U: Default"`: where-clause predicates written in a string, as serde does.
fn bound(meta: &ParseNestedMeta) -> syn::Result<Vec<WherePredicate>> {
    let lit = meta.value()?.parse::<LitStr>()?;
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
        if inner.path.is_ident("max_idle") && max_idle.is_none() {
            max_idle = Some(inner.value()?.parse::<Expr>()?);
            Ok(())
        } else if inner.path.is_ident("max_idle") {
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

/// Where an attribute was written, to word the "unknown key" error.
#[derive(Clone, Copy)]
enum Level {
    Field,
    Container,
}

/// The error for a key this derive does not know, listing the known ones, and saying so when the
/// key belongs on the other level (a type option written on a field, or the reverse).
fn unknown_key(meta: &ParseNestedMeta, level: Level) -> syn::Error {
    let key = key_name(&meta.path);
    let is_field_key = ["skip", "default", "reset_with", "max_capacity"].contains(&key.as_str());
    let is_container_key = ["new", "crate", "bound", "global"].contains(&key.as_str());
    let msg = match level {
        Level::Field if is_container_key => format!(
            "`#[pool({key})]` goes on the type, not on a field; a field accepts {FIELD_KEYS}"
        ),
        Level::Container if is_field_key => format!(
            "`#[pool({key})]` goes on a field, not on the type; the type accepts {CONTAINER_KEYS}"
        ),
        Level::Field => {
            format!("unknown `#[pool(..)]` key `{key}` on a field; the known keys are {FIELD_KEYS}")
        }
        Level::Container => format!(
            "unknown `#[pool(..)]` key `{key}` on a type; the known keys are {CONTAINER_KEYS}"
        ),
    };
    syn::Error::new(meta.path.span(), msg)
}

/// The key as written, for messages (`max_capacity`, `a::b`).
fn key_name(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}
