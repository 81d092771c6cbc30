//! The module's allocator: the free part of the memory the module starts with first, the
//! standard allocator after that.
//!
//! Why: the standard allocator (dlmalloc) asks for new pages with `memory.grow` on its first
//! allocation even when the initial memory has room, and every `memory.grow` costs the host two
//! `mprotect` calls (one to grow, one to shrink the slot back when the instance ends). On a
//! two-core VM that was a third of a small run's time. Most of a run's allocations are freed in
//! the reverse order they were made (a comment built, emitted, dropped), so a bump allocator
//! that takes back its last block serves them from a few pages that never grow.
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

unsafe extern "C" {
    /// Set by the linker: where the memory after the stack and the data segments starts.
    static __heap_base: u8;
}

pub struct ArenaFirst {
    /// The first free byte of the arena; 0 until first use.
    next: Cell<usize>,
    /// The end of the initial memory.
    end: Cell<usize>,
    /// The start of the newest block, the only one that can be given back or grown in place.
    last: Cell<usize>,
    base: Cell<usize>,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
unsafe impl Sync for ArenaFirst {}

#[cfg(target_feature = "atomics")]
compile_error!("the toolkit's allocator is single-threaded; build without the atomics feature");

impl ArenaFirst {
    pub const fn new() -> Self {
        ArenaFirst { next: Cell::new(0), end: Cell::new(0), last: Cell::new(usize::MAX), base: Cell::new(0) }
    }

    fn arena(&self) -> (usize, usize) {
        if self.next.get() == 0 {
            let base = (&raw const __heap_base) as usize;
            let end = core::arch::wasm32::memory_size(0) * 65536;
            self.base.set(base);
            self.next.set(base);
            self.end.set(end.max(base));
        }
        (self.next.get(), self.end.get())
    }

    fn owns(&self, ptr: *mut u8) -> bool {
        (self.base.get()..self.end.get()).contains(&(ptr as usize))
    }

    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        let (next, end) = self.arena();
        let start = next.checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let stop = start.checked_add(layout.size())?;
        (stop <= end).then(|| {
            self.next.set(stop);
            self.last.set(start);
            start as *mut u8
        })
    }
}

impl Default for ArenaFirst {
    fn default() -> Self {
        Self::new()
    }
}

unsafe impl GlobalAlloc for ArenaFirst {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.bump(layout) {
            Some(p) => p,
            // SAFETY: the caller's contract for `layout` is passed on.
            None => unsafe { System.alloc(layout) },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match self.bump(layout) {
            Some(p) => {
                // SAFETY: `p` starts `layout.size()` bytes of the arena just handed out; a block
                // given back earlier may have left bytes there.
                unsafe { p.write_bytes(0, layout.size()) };
                p
            }
            // SAFETY: as for `alloc`.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.owns(ptr) {
            // Only the newest block comes back; an older one stays used until the run ends.
            if ptr as usize == self.last.get() {
                self.next.set(ptr as usize);
                self.last.set(usize::MAX);
            }
            return;
        }
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !self.owns(ptr) {
            // SAFETY: `ptr` came from `System` with this layout.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        if new_size <= layout.size() {
            // The block keeps its place; an arena block's size is never looked at again.
            if ptr as usize == self.last.get() {
                self.next.set(ptr as usize + new_size);
            }
            return ptr;
        }
        if ptr as usize == self.last.get() {
            if let Some(stop) = (ptr as usize).checked_add(new_size).filter(|&s| s <= self.end.get()) {
                self.next.set(stop);
                return ptr;
            }
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (GlobalAlloc's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: as above; the old block is valid for `layout.size()` bytes.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                new.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
