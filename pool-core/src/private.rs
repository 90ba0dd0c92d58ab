//! Items the derive's generated code names. Not a public API: they may change in any release.
