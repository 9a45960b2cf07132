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

use talc::{source::Claim, TalcLock};

pub const HEAP_SIZE: usize = 8 * 1024 * 1024;

static mut HEAP: [u8; HEAP_SIZE] = [0; HEAP_SIZE];

type Talc = TalcLock<spinning_top::RawSpinlock, Claim>;

// SAFETY: `HEAP` is used by nothing but this allocator (`TALC` is used once,
// by whichever `ALLOCATOR` below is built), and the guest is single-threaded,
// so the spinlock never contends.
const TALC: Talc = TalcLock::new(unsafe { Claim::array(&raw mut HEAP) });

#[cfg(not(feature = "peak-heap"))]
#[global_allocator]
static ALLOCATOR: Talc = TALC;

#[cfg(feature = "peak-heap")]
#[global_allocator]
static ALLOCATOR: peak::Counting = peak::Counting::new(TALC);

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
