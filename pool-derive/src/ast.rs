//! The model the expansion works from: the input type, its variants and fields, each with its
//! resolved `#[pool(..)]` options (thiserror's `ast.rs`, serde_derive's `internals/ast.rs`), and
//! the questions later phases ask of it (thiserror's `prop.rs`).

use proc_macro2::{Span, TokenStream};
use quote::{quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{DeriveInput, Fields, GenericParam, Generics, Ident, Index, Member, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs, FieldReset};
use crate::bound;
use crate::callable::Callable;
use crate::ctxt::Ctxt;

/// Which derive is running: the two share everything but the `Poolable` impl and its checks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Derive {
    /// `#[derive(Reset)]`.
    Reset,
    /// `#[derive(Poolable)]`: `Reset` plus `Poolable`.
    Poolable,
}

impl Derive {
    /// The derive as the user wrote it, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Derive::Reset => "#[derive(Reset)]",
            Derive::Poolable => "#[derive(Poolable)]",
        }
    }
}

/// The input type.
pub(crate) struct Container<'a> {
    /// The type's name.
    pub(crate) ident: &'a Ident,
    /// The type's generics, as written.
    pub(crate) generics: &'a Generics,
    /// The type's `#[pool(..)]` options.
    pub(crate) attrs: ContainerAttrs,
    /// Its fields or variants.
    pub(crate) data: Data<'a>,
    /// The derive being expanded.
    pub(crate) derive: Derive,
}

/// The shape of the input type. (A union has no model: `from_ast` reports it.)
pub(crate) enum Data<'a> {
    /// A struct: its fields (none for a unit struct).
    Struct(Vec<Field<'a>>),
    /// An enum: its variants.
    Enum(Vec<Variant<'a>>),
}

/// How a struct or variant writes its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `{ a: A }`
    Named,
    /// `(A)`
    Tuple,
    /// nothing
    Unit,
}

/// An enum variant.
pub(crate) struct Variant<'a> {
    /// The variant's name.
    pub(crate) ident: &'a Ident,
    /// How it writes its fields.
    pub(crate) style: Style,
    /// Its fields.
    pub(crate) fields: Vec<Field<'a>>,
    /// The span of its `#[default]` attribute, if it is the variant a reset goes back to.
    pub(crate) default: Option<Span>,
}

/// A field of a struct or variant.
pub(crate) struct Field<'a> {
    /// How the field is named in an access (`self.data`, `self.0`).
    pub(crate) member: Member,
    /// The field's type.
    pub(crate) ty: &'a Type,
    /// Its `#[pool(..)]` options, resolved.
    pub(crate) attrs: FieldAttrs,
    /// The span of the field's first token after its attributes (its name, or its type for a
    /// tuple field).
    pub(crate) start: Span,
    /// The span of the field type's last token, so generated code spanning `start..end` makes
    /// an error underline the whole field.
    pub(crate) end: Span,
}

/// How `Poolable::create` makes a value.
pub(crate) enum Creation<'c, 'a> {
    /// `#[pool(new = f)]`: `f()`.
    New(&'c Callable),
    /// An enum: its `#[default]` variant, built by the derive field by field (see [`Build`]),
    /// the value a reset from another variant produces.
    Variant(&'c Variant<'a>),
    /// A struct: `Default::default()`.
    Default,
}

/// How the derive builds a field of an enum's `#[default]` variant: in `Poolable::create`, and
/// when a reset switches from another variant.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Build {
    /// `Default::default()`: for a `#[pool(default)]` field, whose reset assigns that anyway,
    /// and for a field whose type names a type parameter, for which the where-clause asks
    /// `Default` (a generic enum's bounds stay what they were).
    Default,
    /// `Default::default()` if the field's type has `Default`, otherwise `Poolable::create()`:
    /// every other field, so `[u8; 64]` or a type with only `#[pool(new = f)]` can be built,
    /// and a field that has `Default` is built as before (a `Vec<&'a str>` of a `Reset` enum,
    /// which a `Poolable` bound would tie to `'static`, included).
    DefaultOrCreate,
}

/// How the derive's `heap_bytes` counts a field.
///
/// Nothing here adds a bound: a type that compiled before still does, and a field the reset does
/// not require to be `Reset` counts only if its type is `Reset` where the impl is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Count {
    /// `<Type as Reset>::heap_bytes(&field)`, for a type the reset already requires to be
    /// `Reset`: a field reset by its type's own `Reset` (checked at the field for a concrete type,
    /// in the where-clause for one that names a type parameter), and any other field whose type
    /// is written the same as one of those.
    ByReset,
    /// The type's `Reset::heap_bytes` if the type is `Reset` where the impl is written, else 0
    /// (`expand::helpers::count_if_reset`), for a `skip`, `default` or `reset_with` field or a
    /// field of an enum's other variants, whose type names no type or lifetime parameter, or is
    /// a bare type parameter. So a `#[pool(skip)] file: File` counts 0, a skipped `Vec<u8>` its
    /// capacity, and a field of type `U` counts where the bounds make `U: Reset`.
    IfReset,
    /// 0, for such a field whose type names a type or lifetime parameter otherwise
    /// (`Vec<T>`, `Wrapper<'a>`). The choice `IfReset` makes is trait selection's, which does
    /// not look at lifetimes: given an `impl<T: 'static> Reset for Wrapper<T>`, it would pick
    /// `Reset::heap_bytes` for a `Wrapper<T>` whose `T` is not `'static`, and the impl would
    /// stop compiling.
    Zero,
}

impl<'a> Container<'a> {
    /// Builds the model, reporting bad attributes to `ctxt`; `None` for a union, reported too.
    pub(crate) fn from_ast(ctxt: &Ctxt, input: &'a DeriveInput, derive: Derive) -> Option<Self> {
        let name = input.ident.to_string();
        let attrs = attr::container_attrs(ctxt, &input.attrs, &format!("`{name}`"));
        let data = match &input.data {
            syn::Data::Struct(data) => {
                Data::Struct(fields(ctxt, &data.fields, &format!("`{name}`")))
            }
            syn::Data::Enum(data) => Data::Enum(
                data.variants
                    .iter()
                    .map(|variant| Variant::from_ast(ctxt, variant, &name))
                    .collect(),
            ),
            syn::Data::Union(data) => {
                report_union(ctxt, data.union_token.span, &name, derive);
                return None;
            }
        };
        Some(Container {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            data,
            derive,
        })
    }

    /// The path generated code uses for pool_core: `#[pool(crate = ..)]` or `::pool_core`.
    pub(crate) fn krate(&self) -> TokenStream {
        krate(self.attrs.krate.as_ref().map(|krate| &krate.value))
    }

    /// Every field of every struct or variant.
    pub(crate) fn all_fields(&self) -> Box<dyn Iterator<Item = &Field<'a>> + '_> {
        match &self.data {
            Data::Struct(fields) => Box::new(fields.iter()),
            Data::Enum(variants) => Box::new(variants.iter().flat_map(|v| v.fields.iter())),
        }
    }

    /// The variant marked `#[default]`, for an enum that has one (the first, if several are:
    /// validate.rs reports the others).
    pub(crate) fn default_variant(&self) -> Option<&Variant<'a>> {
        match &self.data {
            Data::Struct(_) => None,
            Data::Enum(variants) => variants.iter().find(|variant| variant.default.is_some()),
        }
    }

    /// The fields a reset keeps and resets in place: a struct's, or its default variant's.
    pub(crate) fn reset_fields(&self) -> &[Field<'a>] {
        match (&self.data, self.default_variant()) {
            (Data::Struct(fields), _) => fields,
            (Data::Enum(_), Some(variant)) => &variant.fields,
            (Data::Enum(_), None) => &[],
        }
    }

    /// The fields a reset builds (see [`Build`]) when the value is another variant: every field
    /// of the default variant of an enum that has other variants.
    pub(crate) fn switch_fields(&self) -> &[Field<'a>] {
        match (&self.data, self.default_variant()) {
            (Data::Enum(variants), Some(variant)) if variants.len() > 1 => &variant.fields,
            _ => &[],
        }
    }

    /// The fields the derive builds from nothing: those of the `#[default]` variant, when
    /// `Poolable::create` builds it or a reset can switch to it.
    pub(crate) fn built_fields(&self) -> &[Field<'a>] {
        let creates = self.derive == Derive::Poolable
            && matches!(self.creation(), Creation::Variant(variant) if !variant.fields.is_empty());
        match self.default_variant() {
            Some(variant) if creates || !self.switch_fields().is_empty() => &variant.fields,
            _ => &[],
        }
    }

    /// How the derive builds `field`, one of the [`built_fields`](Self::built_fields).
    pub(crate) fn build(&self, field: &Field) -> Build {
        if matches!(field.reset(), FieldReset::Default)
            || bound::mentions_type_param(self.generics, field.ty)
        {
            Build::Default
        } else {
            Build::DefaultOrCreate
        }
    }

    /// How `heap_bytes` counts `field`, of `variant` for an enum (`None` for a struct).
    pub(crate) fn count(&self, variant: Option<&Variant>, field: &Field) -> Count {
        let in_place = variant.map_or(true, |variant| variant.default.is_some());
        if (in_place && matches!(field.reset(), FieldReset::Reset)) || self.reset_requires(field.ty)
        {
            Count::ByReset
        } else if !bound::names_type_or_lifetime_param(self.generics, field.ty)
            || bound::is_type_param(self.generics, field.ty)
        {
            Count::IfReset
        } else {
            Count::Zero
        }
    }

    /// Whether the reset requires `ty: Reset` already: a field it resets by its type's own
    /// `Reset` has that type, written the same way.
    fn reset_requires(&self, ty: &Type) -> bool {
        let written = ty.to_token_stream().to_string();
        self.reset_fields().iter().any(|field| {
            matches!(field.reset(), FieldReset::Reset)
                && field.ty.to_token_stream().to_string() == written
        })
    }

    /// Whether `heap_bytes` counts some field [`Count::IfReset`], so the derive emits the
    /// dispatch that does it.
    pub(crate) fn counts_if_reset(&self) -> bool {
        match &self.data {
            Data::Struct(fields) => fields
                .iter()
                .any(|field| self.count(None, field) == Count::IfReset),
            Data::Enum(variants) => variants.iter().any(|variant| {
                variant
                    .fields
                    .iter()
                    .any(|field| self.count(Some(variant), field) == Count::IfReset)
            }),
        }
    }

    /// How `Poolable::create` makes a value.
    pub(crate) fn creation(&self) -> Creation<'_, 'a> {
        match (&self.attrs.new, self.default_variant()) {
            (Some(new), _) => Creation::New(&new.value),
            (None, Some(variant)) => Creation::Variant(variant),
            (None, None) => Creation::Default,
        }
    }

    /// Whether the type has type or const parameters, so an impl may hold for some arguments
    /// only. (Lifetime parameters alone do not count: they change no trait's answer.)
    pub(crate) fn is_generic(&self) -> bool {
        self.first_type_or_const_param().is_some()
    }

    /// The span of the name of the first type or const parameter, if there is one.
    pub(crate) fn first_type_or_const_param(&self) -> Option<Span> {
        self.generics.params.iter().find_map(|param| match param {
            GenericParam::Type(param) => Some(param.ident.span()),
            GenericParam::Const(param) => Some(param.ident.span()),
            GenericParam::Lifetime(_) => None,
        })
    }
}

/// The path generated code uses for pool_core: the one given, or `::pool_core`.
pub(crate) fn krate(given: Option<&syn::Path>) -> TokenStream {
    match given {
        Some(path) => path.to_token_stream(),
        None => quote_spanned!(Span::call_site()=> ::pool_core),
    }
}

impl<'a> Variant<'a> {
    /// Builds a variant, reporting `#[pool(..)]` written on the variant itself.
    fn from_ast(ctxt: &Ctxt, variant: &'a syn::Variant, enum_name: &str) -> Self {
        let name = format!("{enum_name}::{}", variant.ident);
        attr::reject_variant_attrs(ctxt, &variant.attrs, &name);
        Variant {
            ident: &variant.ident,
            style: style(&variant.fields),
            fields: fields(ctxt, &variant.fields, &format!("`{name}`")),
            default: attr::default_marker(&variant.attrs).map(Spanned::span),
        }
    }
}

impl<'a> Field<'a> {
    /// Builds a field; `index` is its position, `owner` names its struct or variant in errors.
    fn from_ast(ctxt: &Ctxt, field: &'a syn::Field, index: usize, owner: &str) -> Self {
        let (member, start) = match &field.ident {
            Some(ident) => (Member::Named(ident.clone()), ident.span()),
            None => {
                let span = field.ty.span();
                let index = u32::try_from(index).unwrap_or(u32::MAX);
                (Member::Unnamed(Index { index, span }), span)
            }
        };
        let subject = format!("field `{}` of {owner}", member_name(&member));
        Field {
            attrs: attr::field_attrs(ctxt, &field.attrs, &subject),
            end: last_token_span(&field.ty).unwrap_or(start),
            member,
            ty: &field.ty,
            start,
        }
    }

    /// The field's name for messages (`data`, `0`).
    pub(crate) fn name(&self) -> String {
        member_name(&self.member)
    }

    /// The field's type as written, for messages (`Vec<u8>`, `[u8; 64]`).
    pub(crate) fn type_name(&self) -> String {
        type_name(self.ty)
    }

    /// A name for the field in a closure written in a message: its own, or `v` for a tuple
    /// field.
    pub(crate) fn binding_name(&self) -> String {
        match &self.member {
            Member::Named(ident) => ident.to_string(),
            Member::Unnamed(_) => "v".to_owned(),
        }
    }

    /// What a reset does to the field.
    pub(crate) fn reset(&self) -> &FieldReset {
        &self.attrs.reset
    }
}

/// The fields of a struct or variant.
fn fields<'a>(ctxt: &Ctxt, fields: &'a Fields, owner: &str) -> Vec<Field<'a>> {
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| Field::from_ast(ctxt, field, index, owner))
        .collect()
}

/// How a struct or variant writes its fields.
fn style(fields: &Fields) -> Style {
    match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    }
}

/// A member as written in source.
fn member_name(member: &Member) -> String {
    match member {
        Member::Named(ident) => ident.to_string(),
        Member::Unnamed(index) => index.index.to_string(),
    }
}

/// A type as a person writes it: the tokens' text without the spaces `to_string` puts around
/// punctuation (`Vec<u8>`, `&'a mut [u8; 4]`, `<T as Tr>::Out`).
fn type_name(ty: &Type) -> String {
    const TIGHT: [(&str, &str); 12] = [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ::", "::"),
        (":: ", "::"),
        ("& ", "&"),
        (" ,", ","),
        ("[ ", "["),
        (" ]", "]"),
        (" ;", ";"),
        ("( ", "("),
        (" )", ")"),
    ];
    let mut name = ty.to_token_stream().to_string();
    for (loose, tight) in TIGHT {
        name = name.replace(loose, tight);
    }
    name
}

/// The span of a type's last token (`>` of `Vec<u8>`, `]` of `[u8; 4]`).
fn last_token_span(ty: &Type) -> Option<Span> {
    ty.to_token_stream()
        .into_iter()
        .last()
        .map(|token| token.span())
}

/// A union has no way to know which field is live, so it cannot be reset (UI case
/// `derive/union.rs`).
fn report_union(ctxt: &Ctxt, span: Span, name: &str, derive: Derive) {
    ctxt.error(
        span,
        format!(
            "`{}` cannot be used on union `{name}`: a reset cannot know which field is live; \
             implement `Reset` by hand, or use a struct or an enum",
            derive.name()
        ),
    );
}
