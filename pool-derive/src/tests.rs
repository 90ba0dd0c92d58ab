//! Snapshot tests of the generated code.
