//! Rules that involve more than one option or the shape of the type, one `check_*` function per
//! rule. Each reports to the context and never stops the others, so every mistake is reported
//! in one compiler run.

use proc_macro2::Span;
use syn::GenericParam;

use crate::ast::{Container, Data, Derive, Field, Variant};
use crate::attr::FieldAttrs;
use crate::ctxt::Ctxt;

/// Runs every rule.
pub(crate) fn check(ctxt: &Ctxt, cont: &Container) {
    check_poolable_lifetimes(ctxt, cont);
    check_global(ctxt, cont);
    check_new_needs_poolable(ctxt, cont);
    match &cont.data {
        Data::Struct(fields) => {
            let owner = format!("`{}`", cont.ident);
            check_fields(ctxt, fields, &owner);
        }
        Data::Enum(variants) => {
            check_enum_default(ctxt, cont, variants);
            for variant in variants {
                let owner = format!("`{}::{}`", cont.ident, variant.ident);
                check_fields(ctxt, &variant.fields, &owner);
                check_options_outside_default(ctxt, variant, &owner);
            }
        }
        Data::Union => {}
    }
}

/// Compile error #3: a pool keeps values for ever and hands them to any thread, so a `Poolable`
/// type must be `'static`; a lifetime parameter makes it borrow.
fn check_poolable_lifetimes(ctxt: &Ctxt, cont: &Container) {
    if cont.derive != Derive::Poolable {
        return;
    }
    for param in cont.generics.lifetimes() {
        let lifetime = &param.lifetime;
        ctxt.error(
            lifetime.span(),
            format!(
                "`#[derive(Poolable)]` cannot be used on `{}`, which has lifetime parameter \
                 `{lifetime}`: a pool keeps its values for ever, so they cannot borrow; own the \
                 data instead (for example `String` for `&{lifetime} str`), or derive only \
                 `Reset`",
                cont.ident
            ),
        );
    }
}

/// Compile error #12, and its `Reset` twin: `#[pool(global)]` declares a `static` pool, which
/// needs one concrete `Poolable` type.
fn check_global(ctxt: &Ctxt, cont: &Container) {
    let Some(global) = &cont.attrs.global else {
        return;
    };
    if cont.derive == Derive::Reset {
        ctxt.error(
            global.key,
            "`#[pool(global)]` needs `#[derive(Poolable)]`: a pool holds only `Poolable` \
             values; derive `Poolable` instead of `Reset`, or remove `global`",
        );
    } else if let Some(span) = first_type_or_const_param(cont) {
        // Lifetime parameters are left to `check_poolable_lifetimes`: one error per mistake.
        ctxt.error(
            span,
            format!(
                "`#[pool(global)]` cannot be used on generic type `{}`: a `static` pool needs \
                 one concrete type; remove `global` and declare a `static` \
                 `Pool<{}<..>>` for the concrete type you need",
                cont.ident, cont.ident
            ),
        );
    }
}

/// `#[pool(new = ..)]` only feeds `Poolable::create`; on `#[derive(Reset)]` it would be ignored.
fn check_new_needs_poolable(ctxt: &Ctxt, cont: &Container) {
    if let (Derive::Reset, Some(new)) = (cont.derive, &cont.attrs.new) {
        ctxt.error(
            new.key,
            "`#[pool(new = ..)]` only applies to `#[derive(Poolable)]` (`Reset` never creates a \
             value); derive `Poolable` instead of `Reset`, or remove it",
        );
    }
}

/// Compile error #5: a reset must know which variant to go back to.
fn check_enum_default(ctxt: &Ctxt, cont: &Container, variants: &[Variant]) {
    let mut defaults = variants.iter().filter(|variant| variant.default.is_some());
    let Some(first) = defaults.next() else {
        ctxt.error(
            cont.ident.span(),
            format!(
                "enum `{}` has no `#[default]` variant, so `{}` does not know which variant a \
                 reset goes back to; mark one variant `#[default]` (a unit variant, or one whose \
                 fields all implement `Default`)",
                cont.ident,
                cont.derive.name()
            ),
        );
        return;
    };
    for second in defaults {
        ctxt.duplicate(
            first.ident.span(),
            second.ident.span(),
            format!(
                "enum `{}` has more than one `#[default]` variant (`{}` and `{}`); keep one",
                cont.ident, first.ident, second.ident
            ),
        );
    }
}

/// Field options on a variant other than the `#[default]` one would never run: a reset replaces
/// that variant with the default one.
fn check_options_outside_default(ctxt: &Ctxt, variant: &Variant, owner: &str) {
    if variant.default.is_some() {
        return;
    }
    for field in &variant.fields {
        if let Some((name, key)) = options(&field.attrs).first() {
            ctxt.error(
                *key,
                format!(
                    "`#[pool({name})]` on field `{}` of {owner} has no effect: a reset replaces \
                     this variant with the `#[default]` one; remove it",
                    field.name()
                ),
            );
        }
    }
}

/// Compile error #8 for every field of a struct or variant.
fn check_fields(ctxt: &Ctxt, fields: &[Field], owner: &str) {
    for field in fields {
        check_conflicts(ctxt, field, owner);
    }
}

/// Compile error #8: two options that each decide what happens to the field. Only
/// `reset_with` + `max_capacity` combine (the function resets, then the field shrinks). One
/// error per field, at the later option, so one mistake gives one error.
fn check_conflicts(ctxt: &Ctxt, field: &Field, owner: &str) {
    let present = options(&field.attrs);
    for (i, (first, _)) in present.iter().enumerate() {
        for (second, key) in &present[i + 1..] {
            if (*first, *second) == ("reset_with", "max_capacity") {
                continue;
            }
            ctxt.error(
                *key,
                format!(
                    "`#[pool({first})]` and `#[pool({second})]` conflict on field `{}` of \
                     {owner}: `{first}` {} and `{second}` {}; keep one",
                    field.name(),
                    effect(first),
                    effect(second)
                ),
            );
            return;
        }
    }
}

/// The options set on a field, in a fixed order, with the span of each key.
fn options(attrs: &FieldAttrs) -> Vec<(&'static str, Span)> {
    let mut present = Vec::new();
    if let Some(skip) = &attrs.skip {
        present.push(("skip", skip.key));
    }
    if let Some(default) = &attrs.default {
        present.push(("default", default.key));
    }
    if let Some(reset_with) = &attrs.reset_with {
        present.push(("reset_with", reset_with.key));
    }
    if let Some(max_capacity) = &attrs.max_capacity {
        present.push(("max_capacity", max_capacity.key));
    }
    present
}

/// What an option does to the field, for the conflict message.
fn effect(option: &str) -> &'static str {
    match option {
        "skip" => "leaves it as is",
        "default" => "assigns `Default::default()`",
        "reset_with" => "calls your function",
        _ => "resets it and then shrinks it",
    }
}

/// The span of the name of the first type or const parameter, if there is one.
fn first_type_or_const_param(cont: &Container) -> Option<Span> {
    cont.generics.params.iter().find_map(|param| match param {
        GenericParam::Type(param) => Some(param.ident.span()),
        GenericParam::Const(param) => Some(param.ident.span()),
        GenericParam::Lifetime(_) => None,
    })
}
