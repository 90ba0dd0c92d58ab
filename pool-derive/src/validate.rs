//! Rules that involve the type's shape or the derive, one `check_*` function per rule, each
//! named after the UI case that pins its message. Each reports to the context and never stops
//! the others, so every mistake is reported in one compiler run. (Rules about one field's
//! options, such as two that conflict, are enforced as `attr.rs` resolves them.)

use crate::ast::{Container, Data, Derive, Variant};
use crate::attr::FieldReset;
use crate::ctxt::Ctxt;

/// Runs every rule.
pub(crate) fn check(ctxt: &Ctxt, cont: &Container) {
    check_poolable_lifetimes(ctxt, cont);
    check_global(ctxt, cont);
    check_new_needs_poolable(ctxt, cont);
    check_reset_with_closure_params(ctxt, cont);
    if let Data::Enum(variants) = &cont.data {
        check_enum_default(ctxt, cont, variants);
        for variant in variants {
            check_options_outside_default(ctxt, cont, variant);
        }
    }
}

/// A pool keeps values for ever and hands them to any thread, so a `Poolable` type must be
/// `'static`; a lifetime parameter makes it borrow (UI cases `derive/poolable_lifetime.rs`,
/// `derive/poolable_two_lifetimes.rs`).
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

/// `#[pool(global)]` declares a `static` pool, which needs one concrete `Poolable` type (UI
/// cases `derive/global_on_reset.rs`, `derive/global_on_generic.rs`).
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
    } else if let Some(span) = cont.first_type_or_const_param() {
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

/// `#[pool(new = ..)]` only feeds `Poolable::create`; on `#[derive(Reset)]` it would be ignored
/// (UI case `derive/new_on_reset.rs`).
fn check_new_needs_poolable(ctxt: &Ctxt, cont: &Container) {
    if let (Derive::Reset, Some(new)) = (cont.derive, &cont.attrs.new) {
        ctxt.error(
            new.key,
            "`#[pool(new = ..)]` only applies to `#[derive(Poolable)]` (`Reset` never creates a \
             value); derive `Poolable` instead of `Reset`, or remove it",
        );
    }
}

/// A reset must know which variant to go back to: exactly one is marked `#[default]` (UI cases
/// `derive/enum_without_default.rs`, `derive/enum_two_defaults.rs`).
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
/// that variant with the default one (UI case `derive/option_outside_default_variant.rs`).
fn check_options_outside_default(ctxt: &Ctxt, cont: &Container, variant: &Variant) {
    if variant.default.is_some() {
        return;
    }
    for field in &variant.fields {
        if let Some((key, span)) = field.attrs.first_option {
            ctxt.error(
                span,
                format!(
                    "`#[pool({key})]` on field `{}` of `{}::{}` has no effect: a reset replaces \
                     this variant with the `#[default]` one; remove it",
                    field.name(),
                    cont.ident,
                    variant.ident
                ),
            );
        }
    }
}

/// A `reset_with` closure is called with the field alone, so it takes exactly one parameter;
/// said once, at its `|..|`, instead of the compiler's two errors about the call and the body
/// (UI case `derive/reset_with_closure_two_parameters.rs`). Only the fields a reset keeps are
/// checked: an option on another variant is reported as having no effect.
fn check_reset_with_closure_params(ctxt: &Ctxt, cont: &Container) {
    for field in cont.reset_fields() {
        let FieldReset::With(with) = field.reset() else {
            continue;
        };
        let Some((count, bars)) = with.closure_params() else {
            continue;
        };
        if count == 1 {
            continue;
        }
        let takes = match count {
            0 => "none".to_owned(),
            _ => count.to_string(),
        };
        ctxt.error_spanned_by(
            bars,
            format!(
                "a `reset_with` closure takes one parameter, the field as `&mut {}`, and this one \
                 takes {takes}; write `|{}| ..`, and capture anything else it needs",
                field.type_name(),
                field.binding_name()
            ),
        );
    }
}
