//! Large allocations ask the kernel for transparent huge pages.
//!
//! The key check reads the key index's hash tables (hundreds of thousands of
//! entries, tens of MiB) at random on every call. On 4 KiB pages nearly every
//! probe also misses the TLB, and in a virtual machine a TLB miss costs a
//! two-level page walk. Debian ships transparent huge pages in `madvise`
//! mode, so a process has to ask for them: this allocator asks for every
//! allocation of 4 MiB or more, which only such tables reach. Everything
//! else is the system allocator's, untouched.
use std::alloc::{GlobalAlloc, Layout, System};

pub struct HugePages;

const LARGE: usize = 4 << 20;
const PAGE: usize = 4096;

/// Marks the whole pages inside `[ptr, ptr + len)` for huge pages. Advice
/// only: if the kernel cannot, the memory stays on small pages.
fn advise(ptr: *mut u8, len: usize) {
    #[cfg(target_os = "linux")]
    {
        let start = (ptr as usize).next_multiple_of(PAGE);
        let end = (ptr as usize + len) & !(PAGE - 1);
        if end > start {
            // SAFETY: the range lies inside an allocation this process owns;
            // MADV_HUGEPAGE changes how it is backed, never its contents.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (ptr, len);
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// advice only follows a successful allocation.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && layout.size() >= LARGE {
            advise(p, layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && layout.size() >= LARGE {
            advise(p, layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && new_size >= LARGE {
            advise(p, new_size);
        }
        p
    }
}
