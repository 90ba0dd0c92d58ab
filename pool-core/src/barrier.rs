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
//! `POOL_CORE_NO_MEMBARRIER` is set in the environment when the first pool is made,
//! [`available`] is false: a free lock is `FENCED`, so the owner's fast claim always fails and
//! it claims with a full fence instead (`Claim::try_hold_own_fenced`). Elsewhere, and under
//! Miri and loom, which cannot run it, both halves are sequentially consistent fences, which
//! order the two sides just as well; loom checks the claim protocol with them. (The pairing of
//! a compiler fence with `membarrier` is outside the Rust memory model, so Miri, loom and
//! ThreadSanitizer cannot check the Linux path itself: it is the kernel's documented
//! guarantee, used as liburcu, Folly and `seize` use it.)

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
    /// No `membarrier`: owners claim with a full fence (see `Claim::try_hold_own_fenced`).
    const NONE: u8 = 2;

    static MODE: AtomicU8 = AtomicU8::new(UNKNOWN);

    /// Set in the environment (to any value) when the first pool is made, the process does
    /// without `membarrier`: for programs whose threads must not be interrupted (isolated,
    /// real-time cores), and to test the fallback.
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
        // Claims made without `membarrier` never take this path (their lock is `FENCED` when
        // free, so the fast claim fails), so a compiler fence is all it needs.
        compiler_fence(Ordering::SeqCst);
    }

    pub(super) fn heavy() {
        // The mode never changes once chosen (`choose`), and every visitor reached its cache
        // through a pool made after the choice, so it reads the chosen mode.
        if MODE.load(Ordering::Relaxed) != EXPEDITED {
            // No owner relies on a heavy barrier: a fence keeps the visitor's own order.
            fence(Ordering::SeqCst);
            return;
        }
        loop {
            if membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0 {
                return;
            }
            match std::io::Error::last_os_error().raw_os_error() {
                // The kernel allocates a CPU mask per call (`CONFIG_CPUMASK_OFFSTACK`): under
                // memory pressure it fails for now, not for good.
                Some(libc::ENOMEM | libc::EINTR | libc::EAGAIN) => std::thread::yield_now(),
                _ => {
                    // Registered, nothing else should fail; if it did, an owner that skipped
                    // its fence could race this visitor, so stop rather than corrupt a cache.
                    eprintln!("pool-core: membarrier failed after registration; aborting");
                    std::process::abort();
                }
            }
        }
    }

    pub(super) fn prepare() {
        if MODE.load(Ordering::Relaxed) == UNKNOWN {
            choose();
        }
    }

    /// Registers this process for `membarrier`, if the kernel has it, and fixes the mode for
    /// good: the first thread to decide wins, and one racing it adopts its decision (having
    /// perhaps registered too, which is harmless), so no claim ever sees the mode change.
    /// Registering waits for an RCU grace period in a process that already has several threads
    /// (a few milliseconds, once per process).
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
        decide(&MODE, mode);
    }

    /// Fixes `cell` to `mode` unless a decision is there already; the mode in force. Relaxed:
    /// every claim is made after its pool's `prepare`, so it is ordered after this.
    fn decide(cell: &AtomicU8, mode: u8) -> u8 {
        match cell.compare_exchange(UNKNOWN, mode, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => mode,
            Err(first) => first,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_first_decision_holds_whatever_a_racing_one_decides() {
            // A review found two racing first uses could store different modes (say, the
            // environment changed, or one registration failed for want of memory), leaving
            // claims made under the first with visitors under the second.
            for (first, second) in [(EXPEDITED, NONE), (NONE, EXPEDITED)] {
                let cell = AtomicU8::new(UNKNOWN);
                assert_eq!(decide(&cell, first), first);
                assert_eq!(decide(&cell, second), first);
                assert_eq!(cell.load(Ordering::Relaxed), first);
            }
        }
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
