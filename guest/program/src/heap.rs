//! The guest's fixed heap.
//!
//! 32 MiB in `.bss`, so the program's memory map (and with it the memory a
//! verification can take) is fixed when the blob is linked. What lives here
//! is bounded by the size table: the input (at most 468,784 bytes), the
//! decoded proof (of the same order) and the verifier's vectors, whose
//! lengths the configuration fixes. An allocation beyond the heap fails,
//! which panics and so ends in error 2.

use talc::{source::Claim, TalcLock};

pub const HEAP_SIZE: usize = 32 * 1024 * 1024;

static mut HEAP: [u8; HEAP_SIZE] = [0; HEAP_SIZE];

#[global_allocator]
// SAFETY: `HEAP` is used by nothing but this allocator, and the guest is
// single-threaded, so the spinlock never contends.
static ALLOCATOR: TalcLock<spinning_top::RawSpinlock, Claim> =
    TalcLock::new(unsafe { Claim::array(&raw mut HEAP) });
