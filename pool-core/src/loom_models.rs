//! loom models: placeholder, filled below.
