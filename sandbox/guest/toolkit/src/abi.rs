use crate::emit::{fail, StateSet};
use serde::de::DeserializeOwned;

/// Gives the host `len` writable bytes for the parameters. The allocation is leaked on
/// purpose: an instance lives for exactly one run.
#[unsafe(no_mangle)]
pub extern "C" fn argorithm_alloc(len: i32) -> i32 {
    let mut buf = Vec::<u8>::with_capacity(len.max(0) as usize);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr as usize as i32
}

/// The body of every generated entry function.
pub fn run_entry<P: DeserializeOwned>(
    ptr: i32,
    len: i32,
    func: fn(&mut StateSet, P) -> crate::Result<()>,
) -> i32 {
    // SAFETY: the host wrote exactly `len` bytes at `ptr`, which `argorithm_alloc` returned.
    let bytes = unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
    let params = match serde_json::from_slice::<P>(bytes) {
        Ok(p) => p,
        Err(e) => {
            fail(&format!("invalid parameters: {e}"));
            return 1;
        }
    };
    let mut algo = StateSet::new();
    match func(&mut algo, params) {
        Ok(()) => 0,
        Err(e) => {
            fail(&e.0);
            1
        }
    }
}
