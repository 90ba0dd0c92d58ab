//! The words of `#[pool(..)]`, named once (serde_derive's `internals/symbol.rs`, as an enum so a
//! `match` on a key is checked for exhaustiveness instead of ending in a catch-all arm).

use std::fmt::{self, Display};

use syn::Path;

/// The attribute this derive reads: `#[pool(..)]`.
pub(crate) const POOL: &str = "pool";
/// The marker of an enum's default variant, `#[default]` (std's, shared with `derive(Default)`).
pub(crate) const DEFAULT: &str = "default";
/// The one key inside `#[pool(global(..))]`.
pub(crate) const MAX_IDLE: &str = "max_idle";

/// Where a key is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Level {
    /// On a field of a struct or variant.
    Field,
    /// On the type itself.
    Container,
}

/// A key of `#[pool(..)]`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Key {
    /// `skip`: the field is left as is.
    Skip,
    /// `default`: the field is assigned `Default::default()`.
    Default,
    /// `reset_with = f`: the field is reset by calling `f(&mut field)`.
    ResetWith,
    /// `max_capacity = N`: the field is shrunk to capacity `N` after its reset.
    MaxCapacity,
    /// `new = f`: `Poolable::create` calls `f()`.
    New,
    /// `crate = path`: the path generated code names pool-core by.
    Crate,
    /// `bound = "..."`: where-clause predicates that replace the inferred ones.
    Bound,
    /// `global` or `global(max_idle = N)`: a `static` pool for the type.
    Global,
}

impl Key {
    /// Every key, field keys first, in the order the docs and messages list them.
    const ALL: [Key; 8] = [
        Key::Skip,
        Key::Default,
        Key::ResetWith,
        Key::MaxCapacity,
        Key::New,
        Key::Crate,
        Key::Bound,
        Key::Global,
    ];

    /// The key as written.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Key::Skip => "skip",
            Key::Default => "default",
            Key::ResetWith => "reset_with",
            Key::MaxCapacity => "max_capacity",
            Key::New => "new",
            Key::Crate => "crate",
            Key::Bound => "bound",
            Key::Global => "global",
        }
    }

    /// The forms the key is written in, for the lists in messages.
    fn forms(self) -> &'static [&'static str] {
        match self {
            Key::Skip => &["`skip`"],
            Key::Default => &["`default`"],
            Key::ResetWith => &["`reset_with = f`"],
            Key::MaxCapacity => &["`max_capacity = N`"],
            Key::New => &["`new = f`"],
            Key::Crate => &["`crate = path`"],
            Key::Bound => &["`bound = \"...\"`"],
            Key::Global => &["`global`", "`global(max_idle = N)`"],
        }
    }

    /// The key as written with its value, for a message's `#[pool(..)]`: `reset_with = f`.
    pub(crate) fn form(self) -> &'static str {
        self.forms()[0].trim_matches('`')
    }

    /// Where the key is written.
    pub(crate) fn level(self) -> Level {
        match self {
            Key::Skip | Key::Default | Key::ResetWith | Key::MaxCapacity => Level::Field,
            Key::New | Key::Crate | Key::Bound | Key::Global => Level::Container,
        }
    }

    /// The key a path names, at any level.
    pub(crate) fn from_path(path: &Path) -> Option<Key> {
        Key::ALL.into_iter().find(|key| path.is_ident(key.name()))
    }

    /// The keys of a level, listed for a message: "`skip`, `default`, ... and `max_capacity = N`".
    pub(crate) fn list(level: Level) -> String {
        let keys: Vec<&str> = Key::ALL
            .into_iter()
            .filter(|key| key.level() == level)
            .flat_map(|key| key.forms().iter().copied())
            .collect();
        match keys.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => keys.concat(),
        }
    }
}

impl Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::{Key, Level};

    #[test]
    fn lists_name_every_key_of_a_level() {
        assert_eq!(
            Key::list(Level::Field),
            "`skip`, `default`, `reset_with = f` and `max_capacity = N`"
        );
        assert_eq!(
            Key::list(Level::Container),
            "`new = f`, `crate = path`, `bound = \"...\"`, `global` and `global(max_idle = N)`"
        );
    }
}
