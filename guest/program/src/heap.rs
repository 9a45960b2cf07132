//! The guest's fixed heap.
//!
//! 8 MiB in `.bss`, so the program's memory map (and with it the memory a
//! verification can take) is fixed when the blob is linked. A verification's
//! peak is the input and the decoded proof held at once, about twice the
//! proof's length whatever the size (`guest/build.sh --peak-heap`, table in
//! docs/PERFORMANCE.md): some 950 KB for the longest proof the size table
//! admits, so 8 MiB leaves a wide margin while keeping the read-write memory
//! PolkaVM's interpreter allocates in one piece under the 32 MiB a Substrate
//! runtime's allocator gives at once (docs/FRAME.md). An allocation beyond the
//! heap fails, which panics and so ends in error 2.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::NonNull;
use talc::base::binning::Binning;
use talc::source::Source;
use talc::TalcLock;

pub const HEAP_SIZE: usize = 8 * 1024 * 1024;

/// How much more of the heap talc is handed when it runs out.
const STEP: usize = 256 * 1024;

type Talc = TalcLock<spinning_top::RawSpinlock, Grow>;

// The guest is single-threaded, so the spinlock never contends.
const TALC: Talc = TalcLock::new(Grow {
    claimed: 0,
    end: None,
});

/// The allocator, then its memory. PolkaVM's interpreter zero-fills
/// read-write memory up to the highest byte a run writes, so nothing the
/// allocator writes on every run may lie above the heap (the allocator's
/// state, a separate static, did: 8 MiB filled a run, most of an
/// early-refused proof's time), and talc is handed the heap as it needs it
/// (it keeps a free chunk's size at the chunk's top).
#[repr(C)]
struct Heap<A> {
    alloc: A,
    memory: UnsafeCell<[u8; HEAP_SIZE]>,
}

// SAFETY: `memory` is reached only through `alloc` (see `Grow`).
unsafe impl<A: Sync> Sync for Heap<A> {}

// SAFETY: every call is forwarded unchanged.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Heap<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.alloc.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.alloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.alloc.realloc(ptr, layout, new_size) }
    }
}

#[cfg(not(feature = "peak-heap"))]
#[global_allocator]
static ALLOCATOR: Heap<Talc> = Heap {
    alloc: TALC,
    memory: UnsafeCell::new([0; HEAP_SIZE]),
};

#[cfg(feature = "peak-heap")]
#[global_allocator]
static ALLOCATOR: Heap<peak::Counting> = Heap {
    alloc: peak::Counting::new(TALC),
    memory: UnsafeCell::new([0; HEAP_SIZE]),
};

/// Hands the heap to talc `STEP` by `STEP` as allocations need it.
#[derive(Debug)]
struct Grow {
    /// Bytes of the heap handed to talc.
    claimed: usize,
    /// Talc's end of them, to extend.
    end: Option<NonNull<u8>>,
}

// SAFETY: the pointer is into the heap, and the guest has one thread.
unsafe impl Send for Grow {}

// SAFETY: `acquire` hands talc nothing but the heap, which only talc uses.
unsafe impl Source for Grow {
    fn acquire<B: Binning>(
        talc: &mut talc::base::Talc<Self, B>,
        layout: Layout,
    ) -> Result<(), ()> {
        let claimed = talc.source.claimed;
        // The allocation, its alignment and talc's tags, in whole steps.
        let want = layout
            .size()
            .saturating_add(layout.align())
            .saturating_add(64)
            .next_multiple_of(STEP);
        let grown = claimed.saturating_add(want).min(HEAP_SIZE);
        if grown == claimed {
            return Err(());
        }
        let base = ALLOCATOR.memory.get().cast::<u8>();
        // SAFETY: `base..base + grown` is within the heap, which nothing but
        // talc touches; each call hands over more of it, so talc's loop of
        // acquiring ends.
        talc.source.end = unsafe {
            match talc.source.end {
                Some(end) => Some(talc.extend(end, base.add(grown))),
                None => talc.claim(base, grown),
            }
        };
        talc.source.claimed = grown;
        Ok(())
    }
}

#[cfg(feature = "peak-heap")]
pub use peak::peak;

/// The most bytes live at once, for sizing `HEAP_SIZE` (`guest/build.sh --peak-heap`).
#[cfg(feature = "peak-heap")]
mod peak {
    use super::Talc;
    use core::alloc::{GlobalAlloc, Layout};
    use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    pub fn peak() -> usize {
        PEAK.load(Relaxed)
    }

    pub struct Counting(Talc);

    impl Counting {
        pub const fn new(talc: Talc) -> Self {
            Self(talc)
        }

        fn grew(&self, by: usize) {
            let live = LIVE.fetch_add(by, Relaxed) + by;
            PEAK.fetch_max(live, Relaxed);
        }
    }

    // SAFETY: every call is forwarded unchanged to talc; the counters only
    // observe sizes.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded with the caller's guarantees.
            let ptr = unsafe { self.0.alloc(layout) };
            if !ptr.is_null() {
                self.grew(layout.size());
            }
            ptr
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size(), Relaxed);
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { self.0.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: forwarded with the caller's guarantees.
            let new = unsafe { self.0.realloc(ptr, layout, new_size) };
            if !new.is_null() {
                LIVE.fetch_sub(layout.size(), Relaxed);
                self.grew(new_size);
            }
            new
        }
    }
}
