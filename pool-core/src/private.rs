//! Items the derive's generated code names. Not a public API: they may change in any release.
//!
//! Each helper trait exists for its `#[diagnostic::on_unimplemented]`: the derive routes an extra
//! check (`Self` or a field has `Default`, a `reset_with` or `new` function has the right
//! signature) through it, so the error a user sees names the mistake and the way out instead of
//! a bare "trait bound not satisfied". (A `Poolable` field that is not `Send` needs no helper: the derive adds
//! `FieldType: Send` to the impl's where-clause, spanned at the field, and the compiler's own
//! message is clear; a helper trait there would only add a second error at the derive.)

/// A `#[derive(Poolable)]` type without `#[pool(new = path)]` has `Default`: `create()` calls it.
#[diagnostic::on_unimplemented(
    message = "`#[derive(Poolable)]` cannot create a `{Self}`: it has no `Default` and no `#[pool(new = ..)]`",
    label = "`{Self}` does not implement `Default`",
    note = "derive or implement `Default` for `{Self}`, or name a constructor with `#[pool(new = path)]` (a `fn() -> {Self}`)"
)]
pub trait CreateDefault: Sized {
    /// Makes a value with `Default::default()`.
    fn create_default() -> Self;
}

impl<T: Default> CreateDefault for T {
    #[inline]
    fn create_default() -> Self {
        T::default()
    }
}

/// A field the derive builds with `Default::default()`: one marked `#[pool(default)]`, or any
/// field of an enum's `#[default]` variant (a reset from another variant builds that variant).
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Default`, which a reset needs to build this field",
    label = "`{Self}` does not implement `Default`",
    note = "a reset builds a `#[pool(default)]` field, and every field of an enum's `#[default]` variant, with `Default::default()`; implement `Default` for `{Self}`, or choose another `#[pool(..)]` option (or another `#[default]` variant)"
)]
pub trait DefaultField: Sized {
    /// Makes a value with `Default::default()`.
    fn default_field() -> Self;
}

impl<T: Default> DefaultField for T {
    #[inline]
    fn default_field() -> Self {
        T::default()
    }
}

/// A function named by `#[pool(reset_with = path)]`: it takes the field by `&mut` and returns
/// nothing.
#[diagnostic::on_unimplemented(
    message = "`#[pool(reset_with = ..)]` expects a function `fn(&mut {T})`, and `{Self}` is not one",
    label = "expected `fn(&mut {T})`",
    note = "name a function that takes the field as `&mut {T}` and returns `()`, or a closure of that shape"
)]
pub trait ResetWith<T: ?Sized> {
    /// Resets `value` by calling the function.
    fn reset_with(self, value: &mut T);
}

impl<T: ?Sized, F: FnOnce(&mut T)> ResetWith<T> for F {
    #[inline]
    fn reset_with(self, value: &mut T) {
        self(value);
    }
}

/// Calls the `#[pool(reset_with = f)]` function on a field; the generic bound routes a wrong
/// signature through [`ResetWith`]'s message.
///
/// The value comes first so the compiler infers `T` from the field and then checks the function
/// against it: a wrong signature reads "expected function signature `fn(&mut T)`".
#[inline]
pub fn reset_with<T: ?Sized, F: ResetWith<T>>(value: &mut T, f: F) {
    f.reset_with(value);
}

/// A function named by `#[pool(new = path)]`: it takes nothing and returns the type.
#[diagnostic::on_unimplemented(
    message = "`#[pool(new = ..)]` expects a `fn() -> {T}`, and `{Self}` is not one",
    label = "expected `fn() -> {T}`",
    note = "name a function that takes no argument and returns `{T}`, or remove `new` to create values with `Default::default()`"
)]
pub trait CreateWith<T> {
    /// Makes a value by calling the function.
    fn create_with(self) -> T;
}

impl<T, F: FnOnce() -> T> CreateWith<T> for F {
    #[inline]
    fn create_with(self) -> T {
        self()
    }
}

/// Calls the `#[pool(new = f)]` function; the generic bound routes a wrong signature through
/// [`CreateWith`]'s message.
#[inline]
pub fn create_with<T, F: CreateWith<T>>(f: F) -> T {
    f.create_with()
}
