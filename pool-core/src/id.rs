//! [`CacheId`]: a pool's index in every thread's cache table (the leaf of the crate, as
//! sharded-slab's `tid.rs` is of its).

use crate::sync::lock;

/// A pool's index in every thread's cache table. Indexes are reused once a pool's shared part
/// is gone, which is only after every thread's cache for it is gone (each holds an `Arc` to
/// it), so an index names at most one live pool, and a thread's entry at that index is that
/// pool's cache.
#[derive(Debug)]
pub(crate) struct CacheId(usize);

crate::sync::static_mutex! {
    /// Indexes free for reuse, and the next never-used one.
    static IDS: (Vec<usize>, usize) = (Vec::new(), 0);
}

impl CacheId {
    pub(crate) fn acquire() -> Self {
        let mut ids = lock(&IDS);
        let (free, next) = &mut *ids;
        CacheId(free.pop().unwrap_or_else(|| {
            *next += 1;
            *next - 1
        }))
    }

    pub(crate) fn index(&self) -> usize {
        self.0
    }
}

impl Drop for CacheId {
    fn drop(&mut self) {
        let mut ids = lock(&IDS);
        ids.0.push(self.0);
    }
}
