//! Asymmetric memory barriers: a [`light`] one on the owner's fast path that costs a compiler
//! fence, paired with a [`heavy`] one that another thread pays when it reaches into a cache.
//!
//! A thread's claim on its own cache is a plain store of "busy" followed by a load of the
//! cache's lock; another thread's is a compare-exchange of the lock followed by a load of
//! "busy" (`claim.rs`). Each side needs its store ordered before its load (store-load
//! ordering, which x86 gives only with a locked instruction or `mfence`, and either stops every
//! later memory access from overlapping the cache misses before it). [`heavy`] gives the
//! owner's side that ordering after the fact: on Linux it is
//! `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`, which runs a full barrier on every CPU that
//! is running a thread of this process (the technique of liburcu's `urcu-memb`, Folly's
//! `asymmetricHeavyBarrier` and the `seize` crate). So the owner pays a compiler fence per
//! operation and the rare visitor (a steal, a trim, a `stats()`) a system call, about 0.4 µs.
//!
//! Where Linux lacks the system call (before 4.14, or a sandbox that filters it), or
//! `POOL_CORE_NO_MEMBARRIER` is set in the environment when the first pool is used,
//! [`available`] is false and owners take their claims as visitors do, with a compare-exchange
//! (`Claim::new`). Elsewhere, and under Miri and loom, which cannot run it, both halves are
//! sequentially consistent fences, which order the two sides just as well; loom checks the
//! claim protocol with them.

/// Whether [`light`] and [`heavy`] pair up. Fixed by the first [`prepare`]; before it, and
/// where Linux has no `membarrier`, false.
#[inline]
pub(crate) fn available() -> bool {
    imp::available()
}

/// The owner's half: orders its store of "busy" before its load of the lock, given that every
/// visitor runs [`heavy`] between its compare-exchange of the lock and its load of "busy".
/// Only for claims made while [`available`] held.
#[inline(always)]
pub(crate) fn light() {
    imp::light();
}

/// The visitor's half: a full barrier on every running thread of the process.
#[inline]
pub(crate) fn heavy() {
    imp::heavy();
}

/// Sets up the barrier, once per process, before the first claim is made.
pub(crate) fn prepare() {
    imp::prepare();
}

#[cfg(all(target_os = "linux", not(any(loom, miri))))]
mod imp {
    use std::sync::atomic::{compiler_fence, fence, AtomicU8, Ordering};

    /// Not set up yet.
    const UNKNOWN: u8 = 0;
    /// `membarrier` is registered for this process.
    const EXPEDITED: u8 = 1;
    /// No `membarrier`: owners take their claims with a compare-exchange.
    const NONE: u8 = 2;

    static MODE: AtomicU8 = AtomicU8::new(UNKNOWN);

    /// Set in the environment, the process does without `membarrier`: for programs whose
    /// threads must not be interrupted (isolated, real-time cores), and to test the fallback.
    const NO_MEMBARRIER: &str = "POOL_CORE_NO_MEMBARRIER";

    // The kernel's ABI (`linux/membarrier.h`).
    const MEMBARRIER_CMD_QUERY: libc::c_long = 0;
    const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_long = 1 << 3;
    const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_long = 1 << 4;

    fn membarrier(cmd: libc::c_long) -> libc::c_long {
        // SAFETY: `membarrier(cmd, flags = 0, cpu_id = 0)` reads no memory of ours; a command
        // the kernel does not know fails with an error code.
        unsafe {
            libc::syscall(
                libc::SYS_membarrier,
                cmd,
                0 as libc::c_long,
                0 as libc::c_long,
            )
        }
    }

    pub(super) fn available() -> bool {
        MODE.load(Ordering::Relaxed) == EXPEDITED
    }

    #[inline(always)]
    pub(super) fn light() {
        // Claims made while `membarrier` was not registered never take this path (their
        // lock starts marked), so a compiler fence is all it needs.
        compiler_fence(Ordering::SeqCst);
    }

    pub(super) fn heavy() {
        match MODE.load(Ordering::Relaxed) {
            EXPEDITED => {
                if membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0 {
                    // Registered, it cannot fail; if it did, an owner that skipped its fence
                    // could race this visitor, so stop rather than corrupt a cache.
                    eprintln!("pool-core: membarrier failed after registration; aborting");
                    std::process::abort();
                }
            }
            // No owner relies on a heavy barrier: a fence keeps the visitor's own order.
            _ => fence(Ordering::SeqCst),
        }
    }

    pub(super) fn prepare() {
        if MODE.load(Ordering::Relaxed) == UNKNOWN {
            choose();
        }
    }

    /// Registers this process for `membarrier`, if the kernel has it. Two threads racing here
    /// both register, which is harmless, and store the same mode.
    #[cold]
    fn choose() {
        let wanted = MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
        let refused = std::env::var_os(NO_MEMBARRIER).is_some();
        let supported = if refused {
            -1
        } else {
            membarrier(MEMBARRIER_CMD_QUERY)
        };
        let mode = if supported >= 0
            && supported & wanted == wanted
            && membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0
        {
            EXPEDITED
        } else {
            NONE
        };
        MODE.store(mode, Ordering::Relaxed);
    }
}

#[cfg(not(all(target_os = "linux", not(any(loom, miri)))))]
mod imp {
    use crate::sync::{fence, Ordering};

    pub(super) fn available() -> bool {
        true
    }

    #[inline(always)]
    pub(super) fn light() {
        fence(Ordering::SeqCst);
    }

    pub(super) fn heavy() {
        fence(Ordering::SeqCst);
    }

    pub(super) fn prepare() {}
}
