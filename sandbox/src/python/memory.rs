//! The Python runtime's linear memories, owned by the host so that a fresh instance costs
//! neither a full copy of the 12 MiB snapshot nor a page fault per page it touches.
//!
//! Every memory is a slot: a reservation with the snapshot image (`snapshot.rs`) mapped
//! copy-on-write from a sealed memfd, so untouched pages are shared by every slot and read
//! straight from the page cache. When an instance is dropped its slot is reset and kept:
//!
//! - the pages that are private to the slot (written at some point: present or swapped out,
//!   and no longer the memfd's) are found with one `PAGEMAP_SCAN` walk, with no limit on their
//!   number, and present ones are copied back from the pristine image, so the next run writes
//!   to them without faulting; where the kernel allows, each slot's image is write-tracked
//!   (`written.rs`) and the walk reads only page-table bits instead of every page's descriptor;
//! - in an untracked slot, swapped-out ones (and any in migration, which the kernel reports
//!   the same way) are dropped with `MADV_DONTNEED`, which gives back the memfd's page, so a
//!   page that left memory still comes back pristine; a tracked slot's scan does not tell them
//!   apart, and copies the image over them (the kernel reads them back first);
//! - memory the run grew is dropped and made inaccessible again;
//! - a slot holding more private pages than `PRIVATE_BUDGET` is dropped whole instead, so
//!   resident memory stays bounded whatever the programs write.
//!
//! Without `PAGEMAP_SCAN` (Linux before 6.7, or a filter that refuses the ioctl), the whole
//! initial memory is copied back: slower, never less isolated.
use super::snapshot::MemoryImage;
use super::written::WriteTracker;
use parking_lot::Mutex;
use rustix::fd::OwnedFd;
use rustix::mm::{self, MapFlags, MprotectFlags, ProtFlags};
use std::ffi::c_void;
use std::fs::File;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use wasmtime::{LinearMemory, MemoryCreator, MemoryType};

/// Private pages a slot may keep between runs before it is dropped whole. A run of the legacy
/// bubblesort writes ~2 MiB of the snapshot.
const PRIVATE_BUDGET: usize = 8 << 20;

const HOST_PAGE: usize = 4096;

/// Creates the runtime's memories. `max_slots` bounds the memories alive at once.
pub(crate) struct SnapshotMemories {
    pool: Arc<Pool>,
}

struct Pool {
    image_len: usize,
    image: OwnedFd,
    /// The image, read-only and shared: where resets copy pristine pages from.
    pristine: Mapping,
    free: Mutex<Vec<Slot>>,
    live: AtomicUsize,
    max_slots: usize,
    pagemap: Option<File>,
    /// Keeps which pages were written in the page tables (`written.rs`), where the kernel allows.
    tracker: Option<WriteTracker>,
}

/// An mmap this module made and unmaps when dropped.
struct Mapping {
    base: NonNull<u8>,
    len: usize,
}

// SAFETY: a mapping is plain memory; who may touch it is decided by its owner.
unsafe impl Send for Mapping {}
unsafe impl Sync for Mapping {}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the range was mapped by this module and nothing refers to it any more.
        unsafe {
            let _ = mm::munmap(self.base.as_ptr().cast(), self.len);
        }
    }
}

struct Slot {
    mapping: Mapping,
    /// Bytes that wasm may address before trapping (the reservation, without the guard).
    capacity: usize,
    /// Whether its image is write-tracked (`written.rs`), so a reset asks only for written pages.
    tracked: bool,
}

impl SnapshotMemories {
    pub fn new(image: &MemoryImage, max_slots: usize) -> Result<Self, String> {
        let image_len = image.bytes.len();
        if image_len == 0 || !image_len.is_multiple_of(HOST_PAGE) {
            return Err("the Python runtime's initial memory is not whole host pages".into());
        }
        let fd = sealed_memfd(&image.bytes).map_err(|e| format!("cannot hold the Python runtime's memory image: {e}"))?;
        // SAFETY: a fresh shared read-only mapping of our own sealed memfd.
        let pristine = unsafe { map(image_len, ProtFlags::READ, MapFlags::SHARED, Some(&fd)) }
            .map_err(|e| format!("cannot map the Python runtime's memory image: {e}"))?;
        let pagemap = pagemap_scan_works().then(|| File::open("/proc/self/pagemap").ok()).flatten();
        let tracker = pagemap.as_ref().and_then(|_| WriteTracker::new());
        let pool = Pool { image_len, image: fd, pristine, free: Mutex::new(Vec::new()), live: AtomicUsize::new(0), max_slots, pagemap, tracker };
        Ok(SnapshotMemories { pool: Arc::new(pool) })
    }

    /// Whether resets find changed pages with `PAGEMAP_SCAN` (else they copy the whole image).
    pub fn scans(&self) -> bool {
        self.pool.pagemap.is_some()
    }

    /// Whether the kernel keeps which pages were written (`written.rs`), so a reset's scan reads
    /// page-table bits only.
    pub fn tracks_writes(&self) -> bool {
        self.pool.tracker.is_some()
    }

    pub fn creator(&self) -> Arc<dyn MemoryCreator> {
        Arc::new(Creator(self.pool.clone()))
    }
}

struct Creator(Arc<Pool>);

// SAFETY: every memory handed out is a mapping of its own, at least `reserved` bytes plus the
// guard, inaccessible beyond its size, and not touched by the host while wasm owns it.
unsafe impl MemoryCreator for Creator {
    fn new_memory(
        &self,
        _ty: MemoryType,
        minimum: usize,
        maximum: Option<usize>,
        reserved: Option<usize>,
        guard: usize,
    ) -> Result<Box<dyn LinearMemory>, String> {
        let pool = &self.0;
        let capacity = reserved.unwrap_or(0).max(maximum.unwrap_or(minimum)).max(minimum);
        let capacity = capacity.div_ceil(HOST_PAGE) * HOST_PAGE;
        let total = capacity.checked_add(guard).ok_or("memory too large")?;
        if minimum != pool.image_len {
            // Not the interpreter's memory: a plain zeroed one.
            // SAFETY: a fresh anonymous reservation of our own.
            let mapping = unsafe { map(total, ProtFlags::empty(), MapFlags::PRIVATE | MapFlags::NORESERVE, None) }.map_err(|e| e.to_string())?;
            protect(&mapping, 0, minimum, true).map_err(|e| e.to_string())?;
            return Ok(Box::new(PlainMemory { slot: Slot { mapping, capacity, tracked: false }, size: minimum }));
        }
        if pool.live.fetch_add(1, Ordering::AcqRel) >= pool.max_slots {
            pool.live.fetch_sub(1, Ordering::AcqRel);
            return Err(format!("{BUSY}: all {} Python memory slots are in use", pool.max_slots));
        }
        let reused = {
            let mut free = pool.free.lock();
            let at = free.iter().position(|s| s.capacity >= capacity && s.mapping.len >= total);
            at.map(|i| free.swap_remove(i))
        };
        let slot = match reused {
            Some(slot) => slot,
            None => pool.new_slot(capacity, total).map_err(|e| {
                pool.live.fetch_sub(1, Ordering::AcqRel);
                format!("cannot map a Python memory: {e}")
            })?,
        };
        Ok(Box::new(SnapshotMemory { slot: Some(slot), size: minimum, pool: pool.clone() }))
    }
}

/// Starts the message of the error an exhausted pool gives, so that callers can tell it apart.
pub(crate) const BUSY: &str = "python memory pool exhausted";

impl Pool {
    fn new_slot(&self, capacity: usize, total: usize) -> rustix::io::Result<Slot> {
        // SAFETY: a fresh reservation, then our memfd mapped over its start.
        let mapping = unsafe { map(total, ProtFlags::empty(), MapFlags::PRIVATE | MapFlags::NORESERVE, None)? };
        unsafe {
            mm::mmap(
                mapping.base.as_ptr().cast(),
                self.image_len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::PRIVATE | MapFlags::FIXED,
                &self.image,
                0,
            )?;
        }
        let tracked = self.track(&mapping);
        Ok(Slot { mapping, capacity, tracked })
    }

    /// Write-protects a new slot's image, and checks that the kernel then reports none of it
    /// written; else the slot's resets ask which pages are no longer the memfd's, as without.
    fn track(&self, mapping: &Mapping) -> bool {
        let (Some(tracker), Some(pagemap)) = (&self.tracker, &self.pagemap) else { return false };
        let base = mapping.base.as_ptr();
        // SAFETY: the slot's image range, which nothing uses yet.
        let tracked = unsafe { tracker.track(base, self.image_len) }
            .and_then(|()| scan(pagemap, base, self.image_len, &WRITTEN))
            .map(|written| written.is_empty());
        match tracked {
            Ok(true) => true,
            outcome => {
                tracing::warn!(?outcome, "a Python memory's writes cannot be tracked; its resets scan page descriptors instead");
                false
            }
        }
    }

    /// Makes `slot` hold the pristine image again, then keeps it for the next instance.
    fn recycle(&self, slot: Slot, size: usize) {
        let reset = self.reset(&slot, size);
        self.live.fetch_sub(1, Ordering::AcqRel);
        match reset {
            Ok(true) => self.free.lock().push(slot),
            // Dropping the slot unmaps it; the next one starts from the memfd.
            Ok(false) => {}
            Err(e) => {
                // Dropping the slot unmaps it: nothing of it can reach another instance.
                tracing::warn!(error = %e, "a Python memory could not be reset; it was unmapped");
            }
        }
    }

    /// Whether the slot can be kept: `false` when it held too many written pages.
    fn reset(&self, slot: &Slot, size: usize) -> rustix::io::Result<bool> {
        let base = slot.mapping.base.as_ptr();
        if size > self.image_len {
            // What the run grew: zero pages again, and out of reach until the next grow.
            let grown = size - self.image_len;
            // SAFETY: inside the slot, which no instance uses now.
            unsafe { mm::madvise(base.add(self.image_len).cast(), grown, mm::Advice::LinuxDontNeed)? };
            protect(&slot.mapping, self.image_len, grown, false)?;
        }
        let Some(pagemap) = &self.pagemap else {
            // SAFETY: both ranges are `image_len` bytes of our own mappings, not overlapping.
            unsafe { std::ptr::copy_nonoverlapping(self.pristine.base.as_ptr(), base, self.image_len) };
            return Ok(true);
        };
        let regions = scan(pagemap, base, self.image_len, if slot.tracked { &WRITTEN } else { &PRIVATE })?;
        let private: usize = regions.iter().map(|r| r.end - r.start).sum();
        if private > PRIVATE_BUDGET {
            if slot.tracked {
                // Its write protection would go with the pages: a new slot is made instead.
                return Ok(false);
            }
            // SAFETY: inside the slot; the memfd's pages come back on the next touch.
            unsafe { mm::madvise(base.cast(), self.image_len, mm::Advice::LinuxDontNeed)? };
            return Ok(true);
        }
        regions.iter().try_for_each(|region| self.restore(slot, region))?;
        Ok(true)
    }

    /// Makes the pages of `region`, one of the slot's private pages, pristine again.
    fn restore(&self, slot: &Slot, region: &Region) -> rustix::io::Result<()> {
        let base = slot.mapping.base.as_ptr();
        let offset = region.start - base as usize;
        let len = region.end - region.start;
        assert!(offset + len <= self.image_len, "the scan covers only the image");
        // SAFETY: inside the slot's image range, which no instance uses now.
        unsafe {
            // A written page of a tracked slot is copied over wherever it is (swapped-out pages
            // are read back first); the other scan tells swapped-out pages apart.
            if region.categories & PAGE_IS_SWAPPED == 0 {
                std::ptr::copy_nonoverlapping(self.pristine.base.as_ptr().add(offset), base.add(offset), len);
                Ok(())
            } else {
                // Swapped out (or being migrated): its contents are the run's, wherever they
                // are. Dropping it gives the memfd's page back.
                mm::madvise(base.add(offset).cast(), len, mm::Advice::LinuxDontNeed)
            }
        }
    }
}

struct SnapshotMemory {
    slot: Option<Slot>,
    size: usize,
    pool: Arc<Pool>,
}

impl Drop for SnapshotMemory {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            self.pool.recycle(slot, self.size);
        }
    }
}

// SAFETY: see `Creator`.
unsafe impl LinearMemory for SnapshotMemory {
    fn byte_size(&self) -> usize {
        self.size
    }

    fn byte_capacity(&self) -> usize {
        self.slot.as_ref().map_or(0, |s| s.capacity)
    }

    fn grow_to(&mut self, new_size: usize) -> wasmtime::Result<()> {
        let slot = self.slot.as_ref().ok_or_else(|| wasmtime::Error::msg("memory already released"))?;
        grow(slot, &mut self.size, new_size)
    }

    fn as_ptr(&self) -> *mut u8 {
        self.slot.as_ref().map_or(std::ptr::null_mut(), |s| s.mapping.base.as_ptr())
    }
}

struct PlainMemory {
    slot: Slot,
    size: usize,
}

// SAFETY: see `Creator`.
unsafe impl LinearMemory for PlainMemory {
    fn byte_size(&self) -> usize {
        self.size
    }

    fn byte_capacity(&self) -> usize {
        self.slot.capacity
    }

    fn grow_to(&mut self, new_size: usize) -> wasmtime::Result<()> {
        grow(&self.slot, &mut self.size, new_size)
    }

    fn as_ptr(&self) -> *mut u8 {
        self.slot.mapping.base.as_ptr()
    }
}

fn grow(slot: &Slot, size: &mut usize, new_size: usize) -> wasmtime::Result<()> {
    if new_size > slot.capacity {
        return Err(wasmtime::Error::msg("memory cannot grow past its reservation"));
    }
    if new_size > *size {
        protect(&slot.mapping, *size, new_size - *size, true).map_err(|e| wasmtime::Error::msg(e.to_string()))?;
    }
    *size = new_size;
    Ok(())
}

/// # Safety
/// `fd`, when given, must be at least `len` bytes.
unsafe fn map(len: usize, prot: ProtFlags, flags: MapFlags, fd: Option<&OwnedFd>) -> rustix::io::Result<Mapping> {
    let ptr = match fd {
        Some(fd) => unsafe { mm::mmap(std::ptr::null_mut(), len, prot, flags, fd, 0)? },
        None => unsafe { mm::mmap_anonymous(std::ptr::null_mut(), len, prot, flags)? },
    };
    let base = NonNull::new(ptr.cast()).ok_or(rustix::io::Errno::NOMEM)?;
    Ok(Mapping { base, len })
}

fn protect(mapping: &Mapping, offset: usize, len: usize, accessible: bool) -> rustix::io::Result<()> {
    let len = len.div_ceil(HOST_PAGE) * HOST_PAGE;
    if len == 0 {
        return Ok(());
    }
    assert!(offset + len <= mapping.len, "inside the mapping");
    let flags = if accessible { MprotectFlags::READ | MprotectFlags::WRITE } else { MprotectFlags::empty() };
    // SAFETY: inside a mapping of our own.
    unsafe { mm::mprotect(mapping.base.as_ptr().add(offset).cast::<c_void>(), len, flags) }
}

/// A memfd holding `bytes`, sealed so that nothing can change the image afterwards.
fn sealed_memfd(bytes: &[u8]) -> std::io::Result<OwnedFd> {
    use rustix::fs::{fcntl_add_seals, memfd_create, MemfdFlags, SealFlags};
    use std::io::Write;
    let fd = memfd_create("argorithm-python-image", MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING)?;
    let mut file = File::from(fd);
    // Zero pages are left as holes: they read as zeros and take no memory.
    file.set_len(bytes.len() as u64)?;
    for (i, page) in bytes.chunks(HOST_PAGE).enumerate() {
        if page.iter().any(|&b| b != 0) {
            std::io::Seek::seek(&mut file, std::io::SeekFrom::Start((i * HOST_PAGE) as u64))?;
            file.write_all(page)?;
        }
    }
    let fd = OwnedFd::from(file);
    fcntl_add_seals(&fd, SealFlags::WRITE | SealFlags::GROW | SealFlags::SHRINK | SealFlags::SEAL)?;
    Ok(fd)
}

// The kernel's PAGEMAP_SCAN interface (include/uapi/linux/fs.h).
const PAGE_IS_WRITTEN: u64 = 1 << 1;
const PAGE_IS_FILE: u64 = 1 << 2;
const PAGE_IS_PRESENT: u64 = 1 << 3;
const PAGE_IS_SWAPPED: u64 = 1 << 4;
const PAGE_IS_PFNZERO: u64 = 1 << 5;

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct PageRegion {
    start: u64,
    end: u64,
    categories: u64,
}

#[repr(C)]
struct PmScanArg {
    size: u64,
    flags: u64,
    start: u64,
    end: u64,
    walk_end: u64,
    vec: u64,
    vec_len: u64,
    max_pages: u64,
    category_inverted: u64,
    category_mask: u64,
    category_anyof_mask: u64,
    return_mask: u64,
}

struct Region {
    start: usize,
    end: usize,
    categories: u64,
}

/// Which pages a scan reports.
struct Query {
    category_inverted: u64,
    category_mask: u64,
    category_anyof_mask: u64,
    return_mask: u64,
}

/// The pages that are no longer the memfd's: written at some point, whether present now or
/// swapped out. Zero pages and the memfd's own pages are pristine.
const PRIVATE: Query = Query {
    category_inverted: PAGE_IS_FILE | PAGE_IS_PFNZERO,
    category_mask: PAGE_IS_FILE | PAGE_IS_PFNZERO,
    category_anyof_mask: PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
    return_mask: PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
};

/// In a write-tracked slot, the pages written since it was made. Exactly this query (written,
/// and nothing else returned) takes the kernel's path that reads only page-table bits.
const WRITTEN: Query = Query { category_inverted: 0, category_mask: PAGE_IS_WRITTEN, category_anyof_mask: 0, return_mask: PAGE_IS_WRITTEN };

/// The pages of `[base, base + len)` that `query` asks for.
fn scan(pagemap: &File, base: *mut u8, len: usize, query: &Query) -> rustix::io::Result<Vec<Region>> {
    const BATCH: usize = 256;
    let mut out = Vec::new();
    let mut buffer = [PageRegion::default(); BATCH];
    let end = base as u64 + len as u64;
    let mut start = base as u64;
    while start < end {
        let mut arg = PmScanArg {
            size: std::mem::size_of::<PmScanArg>() as u64,
            flags: 0,
            start,
            end,
            walk_end: 0,
            vec: buffer.as_mut_ptr() as u64,
            vec_len: BATCH as u64,
            max_pages: 0,
            category_inverted: query.category_inverted,
            category_mask: query.category_mask,
            category_anyof_mask: query.category_anyof_mask,
            return_mask: query.return_mask,
        };
        let found = pagemap_scan(pagemap, &mut arg)?;
        for region in &buffer[..found] {
            out.push(Region { start: region.start as usize, end: region.end as usize, categories: region.categories });
        }
        if arg.walk_end <= start {
            return Err(rustix::io::Errno::IO);
        }
        start = arg.walk_end;
    }
    Ok(out)
}

/// `ioctl(PAGEMAP_SCAN)`, which answers the number of regions it wrote.
struct Scan<'a>(&'a mut PmScanArg);

// SAFETY: the opcode is _IOWR('f', 16, struct pm_scan_arg), the argument is that struct, and
// its `vec` points at `vec_len` regions that live as long as the call.
unsafe impl rustix::ioctl::Ioctl for Scan<'_> {
    type Output = usize;
    const IS_MUTATING: bool = true;

    fn opcode(&self) -> rustix::ioctl::Opcode {
        rustix::ioctl::opcode::read_write::<PmScanArg>(b'f', 16)
    }

    fn as_ptr(&mut self) -> *mut c_void {
        (self.0 as *mut PmScanArg).cast()
    }

    unsafe fn output_from_ptr(out: rustix::ioctl::IoctlOutput, _: *mut c_void) -> rustix::io::Result<usize> {
        usize::try_from(out).map_err(|_| rustix::io::Errno::INVAL)
    }
}

fn pagemap_scan(pagemap: &File, arg: &mut PmScanArg) -> rustix::io::Result<usize> {
    // SAFETY: see `Scan`.
    unsafe { rustix::ioctl::ioctl(pagemap, Scan(arg)) }
}

/// Whether this kernel answers PAGEMAP_SCAN for our own memory.
fn pagemap_scan_works() -> bool {
    let Ok(pagemap) = File::open("/proc/self/pagemap") else { return false };
    // A page of our own heap, written just now: the scan must find it.
    let mut local = vec![1u8; 2 * HOST_PAGE];
    let aligned = local.as_mut_ptr().wrapping_add(local.as_ptr().align_offset(HOST_PAGE));
    scan(&pagemap, aligned, HOST_PAGE, &PRIVATE).is_ok_and(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGES: usize = 64;

    fn image(pages: usize) -> MemoryImage {
        let bytes = (0..pages * HOST_PAGE).map(|i| if (i / HOST_PAGE).is_multiple_of(3) { 0 } else { (i % 251) as u8 + 1 }).collect();
        MemoryImage { bytes }
    }

    fn memory(memories: &SnapshotMemories, len: usize) -> Result<Box<dyn LinearMemory>, String> {
        let ty = MemoryType::new((len / (64 << 10)) as u32, None);
        memories.creator().new_memory(ty, len, Some(len * 4), Some(len * 4), HOST_PAGE)
    }

    fn contents(memory: &dyn LinearMemory) -> &[u8] {
        // SAFETY: the memory is alive and `byte_size` bytes are accessible.
        unsafe { std::slice::from_raw_parts(memory.as_ptr(), memory.byte_size()) }
    }

    fn scribble(memory: &dyn LinearMemory, pages: impl Iterator<Item = usize>) {
        for page in pages {
            // SAFETY: inside the accessible part of a memory this test owns.
            unsafe { memory.as_ptr().add(page * HOST_PAGE + 7).write_volatile(0xee) };
        }
    }

    #[test]
    fn a_memory_starts_as_the_image_and_comes_back_to_it_whatever_a_run_wrote() {
        let image = image(PAGES);
        let memories = SnapshotMemories::new(&image, 2).unwrap();
        let mut first = memory(&memories, image.bytes.len()).unwrap();
        assert_eq!(contents(first.as_ref()), &image.bytes[..]);
        let base = first.as_ptr();
        scribble(first.as_ref(), (0..PAGES).step_by(5));
        first.grow_to(image.bytes.len() + 2 * HOST_PAGE).unwrap();
        scribble(first.as_ref(), PAGES..PAGES + 2);
        drop(first);

        let mut again = memory(&memories, image.bytes.len()).unwrap();
        assert_eq!(again.as_ptr(), base, "the slot is reused");
        assert_eq!(again.byte_size(), image.bytes.len(), "what the run grew is gone");
        assert_eq!(contents(again.as_ref()), &image.bytes[..]);
        again.grow_to(image.bytes.len() + 2 * HOST_PAGE).unwrap();
        assert!(contents(again.as_ref())[image.bytes.len()..].iter().all(|&b| b == 0), "grown memory starts zeroed");
    }

    #[test]
    fn a_reset_copies_back_only_the_pages_that_are_no_longer_the_images() {
        let image = image(PAGES);
        let memories = SnapshotMemories::new(&image, 1).unwrap();
        assert!(memories.scans(), "this kernel answers PAGEMAP_SCAN (Linux 6.7 or later)");
        let pool = &memories.pool;
        let slot = pool.new_slot(image.bytes.len() * 4, image.bytes.len() * 4 + HOST_PAGE).unwrap();
        let base = slot.mapping.base.as_ptr();
        // Reading maps the memfd's pages; only writing makes pages private.
        // SAFETY: inside the slot.
        let read: u32 = (0..PAGES).map(|p| u32::from(unsafe { base.add(p * HOST_PAGE).read_volatile() })).sum();
        assert!(read > 0);
        let pagemap = pool.pagemap.as_ref().unwrap();
        assert!(scan(pagemap, base, image.bytes.len(), &PRIVATE).unwrap().is_empty());
        for page in [3, 4, 40] {
            // SAFETY: inside the slot.
            unsafe { base.add(page * HOST_PAGE).write_volatile(0xee) };
        }
        let found: Vec<(usize, usize)> = scan(pagemap, base, image.bytes.len(), &PRIVATE)
            .unwrap()
            .iter()
            .map(|r| ((r.start - base as usize) / HOST_PAGE, (r.end - base as usize) / HOST_PAGE))
            .collect();
        assert_eq!(found, [(3, 5), (40, 41)]);
        pool.reset(&slot, image.bytes.len()).unwrap();
        // SAFETY: the slot's image range.
        assert_eq!(unsafe { std::slice::from_raw_parts(base, image.bytes.len()) }, &image.bytes[..]);
    }

    #[test]
    fn a_tracked_slot_reports_the_pages_written_since_it_was_made_and_no_others() {
        let image = image(PAGES);
        let memories = SnapshotMemories::new(&image, 1).unwrap();
        let pool = &memories.pool;
        assert!(
            pool.tracker.is_some(),
            "this kernel allows asynchronous write protection (Linux 6.7 or later, userfaultfd not filtered out)"
        );
        let slot = pool.new_slot(image.bytes.len() * 4, image.bytes.len() * 4 + HOST_PAGE).unwrap();
        assert!(slot.tracked);
        let base = slot.mapping.base.as_ptr();
        let pagemap = pool.pagemap.as_ref().unwrap();
        let written = |slot: &Slot| -> Vec<(usize, usize)> {
            scan(pagemap, slot.mapping.base.as_ptr(), image.bytes.len(), &WRITTEN)
                .unwrap()
                .iter()
                .map(|r| ((r.start - base as usize) / HOST_PAGE, (r.end - base as usize) / HOST_PAGE))
                .collect()
        };
        // Reading, zero pages (every third) included, writes nothing.
        // SAFETY: inside the slot.
        let read: u32 = (0..PAGES).map(|p| u32::from(unsafe { base.add(p * HOST_PAGE + 9).read_volatile() })).sum();
        assert!(read > 0);
        assert_eq!(written(&slot), []);
        for page in [0, 3, 4, 40, PAGES - 1] {
            // SAFETY: inside the slot.
            unsafe { base.add(page * HOST_PAGE + 1).write_volatile(0xee) };
        }
        assert_eq!(written(&slot), [(0, 1), (3, 5), (40, 41), (PAGES - 1, PAGES)]);
        assert!(pool.reset(&slot, image.bytes.len()).unwrap());
        // SAFETY: the slot's image range.
        assert_eq!(unsafe { std::slice::from_raw_parts(base, image.bytes.len()) }, &image.bytes[..]);
        // Written pages stay written (they hold the image again, as copies): every later reset
        // copies them, whatever the next run writes.
        // SAFETY: inside the slot.
        unsafe { base.add(7 * HOST_PAGE).write_volatile(0xee) };
        assert_eq!(written(&slot), [(0, 1), (3, 5), (7, 8), (40, 41), (PAGES - 1, PAGES)]);
        assert!(pool.reset(&slot, image.bytes.len()).unwrap());
        // SAFETY: the slot's image range.
        assert_eq!(unsafe { std::slice::from_raw_parts(base, image.bytes.len()) }, &image.bytes[..]);
    }

    #[test]
    fn a_private_page_that_is_not_in_memory_is_given_back_the_image() {
        // A page swapped out (or being migrated) cannot be copied over: the reset drops it, and
        // the memfd's page takes its place. No swap here to push one out, so the scan's report
        // of one is made up, for a page written just before.
        let image = image(PAGES);
        let memories = SnapshotMemories::new(&image, 1).unwrap();
        let pool = &memories.pool;
        let slot = pool.new_slot(image.bytes.len(), image.bytes.len() + HOST_PAGE).unwrap();
        let base = slot.mapping.base.as_ptr();
        // SAFETY: inside the slot.
        unsafe { base.add(5 * HOST_PAGE + 1).write_volatile(0xee) };
        let start = base as usize + 5 * HOST_PAGE;
        pool.restore(&slot, &Region { start, end: start + HOST_PAGE, categories: PAGE_IS_SWAPPED }).unwrap();
        // SAFETY: the slot's image range.
        assert_eq!(unsafe { std::slice::from_raw_parts(base, image.bytes.len()) }, &image.bytes[..]);
        let pagemap = pool.pagemap.as_ref().unwrap();
        assert!(scan(pagemap, base, image.bytes.len(), &PRIVATE).unwrap().is_empty(), "the page is the memfd's again");
    }

    #[test]
    fn a_slot_holding_more_private_pages_than_the_budget_is_dropped_whole() {
        let pages = PRIVATE_BUDGET / HOST_PAGE + 16;
        let image = image(pages);
        let memories = SnapshotMemories::new(&image, 1).unwrap();
        let first = memory(&memories, image.bytes.len()).unwrap();
        let base = first.as_ptr();
        scribble(first.as_ref(), 0..pages);
        drop(first);
        let again = memory(&memories, image.bytes.len()).unwrap();
        assert_eq!(again.as_ptr(), base);
        let pagemap = memories.pool.pagemap.as_ref().unwrap();
        assert!(scan(pagemap, base, image.bytes.len(), &PRIVATE).unwrap().is_empty(), "nothing private is kept");
        assert_eq!(contents(again.as_ref()), &image.bytes[..]);
    }

    #[test]
    fn without_pagemap_scan_a_reset_copies_the_whole_image() {
        let image = image(PAGES);
        let mut memories = SnapshotMemories::new(&image, 1).unwrap();
        Arc::get_mut(&mut memories.pool).unwrap().pagemap = None;
        let first = memory(&memories, image.bytes.len()).unwrap();
        scribble(first.as_ref(), 0..PAGES);
        drop(first);
        let again = memory(&memories, image.bytes.len()).unwrap();
        assert_eq!(contents(again.as_ref()), &image.bytes[..]);
    }

    #[test]
    fn no_more_memories_than_slots_are_handed_out() {
        let image = image(PAGES);
        let memories = SnapshotMemories::new(&image, 1).unwrap();
        let first = memory(&memories, image.bytes.len()).unwrap();
        let refused = memory(&memories, image.bytes.len()).err().unwrap();
        assert!(refused.starts_with(BUSY), "{refused}");
        drop(first);
        assert!(memory(&memories, image.bytes.len()).is_ok(), "a slot given back is handed out again");
    }

    #[test]
    fn a_memory_of_another_size_is_plain_zeroed_memory() {
        let image = image(PAGES);
        let memories = SnapshotMemories::new(&image, 1).unwrap();
        let other = memory(&memories, 64 << 10).unwrap();
        assert!(contents(other.as_ref()).iter().all(|&b| b == 0));
        assert_eq!(memories.pool.live.load(Ordering::Relaxed), 0, "it takes no slot");
    }
}
