//! Takes the interpreter's memory snapshot out of the runtime component.
//!
//! componentize-py stores the initialized interpreter as the data segments of the one core
//! module that defines the linear memory. Left there, wasmtime either maps them fresh per
//! instance (a page fault per page a run touches) or resets a pool slot by copying the whole
//! 12 MiB image back after every run. Taken out, the host owns that memory (`memory.rs`): it
//! hands every instance a slot that already holds the image and, after the run, restores only
//! the pages the run changed.
//!
//! Only what componentize-py emits is accepted: one memory-defining module whose segments are
//! all active, at constant offsets, inside the initial memory. Anything else is refused, so the
//! runtime is never started from an image that differs from the component's own.

/// The initial contents of the runtime's linear memory: exactly its initial size, pristine.
pub(crate) struct MemoryImage {
    pub bytes: Vec<u8>,
}

pub(crate) struct Split {
    /// The component with the memory-defining module's data segments removed.
    pub component: Vec<u8>,
    pub image: MemoryImage,
}

const WASM_PAGE: usize = 64 << 10;
const CORE_MODULE_SECTION: u8 = 1;
const MEMORY_SECTION: u8 = 5;
const CODE_SECTION: u8 = 10;
const DATA_SECTION: u8 = 11;
const DATA_COUNT_SECTION: u8 = 12;

/// Splits `component` into the component without its memory image, and the image.
pub(crate) fn split(component: &[u8]) -> Result<Split, String> {
    let sections = sections(component, "the component")?;
    let mut out = component[..8].to_vec();
    let mut image = None;
    for section in &sections {
        if section.id == CORE_MODULE_SECTION {
            if let Some((module, found)) = strip_module(section.content)? {
                if image.replace(found).is_some() {
                    return Err("the Python runtime has two modules that define a memory with data".into());
                }
                push_section(&mut out, section.id, &module);
                continue;
            }
        }
        out.extend_from_slice(section.whole);
    }
    let image = image.ok_or("the Python runtime has no module that defines its memory")?;
    Ok(Split { component: out, image })
}

struct Section<'a> {
    id: u8,
    content: &'a [u8],
    /// The id, the size and the content, as they appear in the binary.
    whole: &'a [u8],
}

fn sections<'a>(binary: &'a [u8], what: &str) -> Result<Vec<Section<'a>>, String> {
    if binary.len() < 8 || &binary[..4] != b"\0asm" {
        return Err(format!("{what} is not WebAssembly"));
    }
    let mut at = 8;
    let mut out = Vec::new();
    while at < binary.len() {
        let start = at;
        let id = binary[at];
        at += 1;
        let size = leb_u32(binary, &mut at).ok_or_else(|| format!("{what} is truncated"))? as usize;
        let end = at.checked_add(size).filter(|&e| e <= binary.len()).ok_or_else(|| format!("{what} is truncated"))?;
        out.push(Section { id, content: &binary[at..end], whole: &binary[start..end] });
        at = end;
    }
    Ok(out)
}

fn push_section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    push_leb(out, content.len() as u64);
    out.extend_from_slice(content);
}

/// The module without its data segments, and its memory image, if `module` defines a memory
/// and has data; `None` for every other module, which stays as it is.
fn strip_module(module: &[u8]) -> Result<Option<(Vec<u8>, MemoryImage)>, String> {
    let what = "a module of the Python runtime";
    let sections = sections(module, what)?;
    let Some(memory) = sections.iter().find(|s| s.id == MEMORY_SECTION) else { return Ok(None) };
    let Some(data) = sections.iter().find(|s| s.id == DATA_SECTION) else { return Ok(None) };
    let initial = initial_memory_bytes(memory.content)?;
    if let Some(code) = sections.iter().find(|s| s.id == CODE_SECTION) {
        // `memory.init` and `data.drop` name segments by index; without the segments the
        // module would not validate, or would mean something else.
        if uses_segment_instructions(code.content) {
            return Err("the Python runtime's memory module uses memory.init or data.drop".into());
        }
    }
    let mut bytes = vec![0u8; initial];
    fill_image(data.content, &mut bytes)?;
    let mut out = module[..8].to_vec();
    for section in sections.iter().filter(|s| s.id != DATA_SECTION && s.id != DATA_COUNT_SECTION) {
        out.extend_from_slice(section.whole);
    }
    Ok(Some((out, MemoryImage { bytes })))
}

fn initial_memory_bytes(section: &[u8]) -> Result<usize, String> {
    let mut at = 0;
    let bad = || "the Python runtime's memory section is not a plain 32-bit memory".to_string();
    let count = leb_u32(section, &mut at).ok_or_else(bad)?;
    if count != 1 {
        return Err(format!("the Python runtime's memory module defines {count} memories"));
    }
    let flags = *section.get(at).ok_or_else(bad)?;
    at += 1;
    // 0: minimum only; 1: minimum and maximum. Shared, 64-bit and custom page sizes are not
    // what componentize-py emits.
    if flags > 1 {
        return Err(bad());
    }
    let pages = leb_u32(section, &mut at).ok_or_else(bad)? as usize;
    pages.checked_mul(WASM_PAGE).filter(|&b| b <= 1 << 32).ok_or_else(bad)
}

/// Writes every active segment of the data section into `image`.
fn fill_image(section: &[u8], image: &mut [u8]) -> Result<(), String> {
    let bad = |why: &str| format!("the Python runtime's data segments are not a snapshot: {why}");
    let mut at = 0;
    let count = leb_u32(section, &mut at).ok_or_else(|| bad("truncated"))?;
    for _ in 0..count {
        match leb_u32(section, &mut at) {
            Some(0) => {}
            Some(2) if leb_u32(section, &mut at) == Some(0) => {}
            _ => return Err(bad("a segment is passive or for another memory")),
        }
        // The offset: `i32.const N` then `end`.
        if section.get(at) != Some(&0x41) {
            return Err(bad("a segment's offset is not a constant"));
        }
        at += 1;
        let offset = leb_i32(section, &mut at).ok_or_else(|| bad("truncated"))? as u32 as usize;
        if section.get(at) != Some(&0x0b) {
            return Err(bad("a segment's offset is not a constant"));
        }
        at += 1;
        let len = leb_u32(section, &mut at).ok_or_else(|| bad("truncated"))? as usize;
        let bytes = section.get(at..at + len).ok_or_else(|| bad("truncated"))?;
        at += len;
        image
            .get_mut(offset..offset + len)
            .ok_or_else(|| bad("a segment lies outside the initial memory"))?
            .copy_from_slice(bytes);
    }
    Ok(())
}

/// Whether the code section holds `memory.init` (0xfc 8) or `data.drop` (0xfc 9). A byte scan,
/// so it may also match immediates that happen to look like them: that refuses a runtime
/// needlessly, never accepts one wrongly.
fn uses_segment_instructions(code: &[u8]) -> bool {
    code.windows(2).any(|w| w[0] == 0xfc && (w[1] == 8 || w[1] == 9))
}

fn leb_u32(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value = 0u64;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).ok();
        }
    }
    None
}

fn leb_i32(bytes: &[u8], at: &mut usize) -> Option<i32> {
    let mut value = 0i64;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= i64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            if shift < 64 && byte & 0x40 != 0 {
                value |= -1i64 << shift;
            }
            return i32::try_from(value).ok();
        }
        if shift >= 35 {
            return None;
        }
    }
}

fn push_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    #[test]
    fn the_memory_modules_segments_become_the_image_and_leave_the_module() {
        let original = module(r#"(module (memory (export "m") 2) (data (i32.const 10) "abc") (data (i32.const 70000) "xyz") (func (export "f") (result i32) (i32.load8_u (i32.const 11))))"#);
        let (stripped, image) = strip_module(&original).unwrap().unwrap();
        assert_eq!(image.bytes.len(), 2 * WASM_PAGE);
        assert_eq!(&image.bytes[10..13], b"abc");
        assert_eq!(&image.bytes[70000..70003], b"xyz");
        assert_eq!(image.bytes.iter().filter(|&&b| b != 0).count(), 6);
        assert!(sections(&stripped, "m").unwrap().iter().all(|s| s.id != DATA_SECTION));
        // What is left still validates and compiles.
        wasmtime::Module::new(&wasmtime::Engine::default(), &stripped).unwrap();
    }

    #[test]
    fn a_module_without_memory_or_without_data_is_left_as_it_is() {
        assert!(strip_module(&module(r#"(module (func))"#)).unwrap().is_none());
        assert!(strip_module(&module(r#"(module (memory 1))"#)).unwrap().is_none());
    }

    #[test]
    fn segments_the_host_could_not_own_are_refused() {
        for wat in [
            r#"(module (memory 1) (data "passive"))"#,
            r#"(module (memory 1) (global $g i32 (i32.const 0)) (data (global.get $g) "x"))"#,
            r#"(module (memory 1) (data (i32.const 65535) "xy"))"#,
            r#"(module (memory 1) (data (i32.const 0) "x") (func (data.drop 0)))"#,
            r#"(module (memory 1) (data (i32.const 0) "x") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1))))"#,
        ] {
            assert!(strip_module(&module(wat)).is_err(), "{wat}");
        }
    }

    #[test]
    fn a_component_keeps_every_section_but_its_memory_modules_data() {
        let inner = module(r#"(module (memory 1) (data (i32.const 3) "hi"))"#);
        let other = module(r#"(module (func))"#);
        let mut component = b"\0asm\x0d\0\x01\0".to_vec();
        push_section(&mut component, CORE_MODULE_SECTION, &other);
        push_section(&mut component, CORE_MODULE_SECTION, &inner);
        let parts = split(&component).unwrap();
        assert_eq!(&parts.image.bytes[3..5], b"hi");
        let sections = sections(&parts.component, "c").unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].content, &other[..]);
        assert_eq!(sections[1].content, &strip_module(&inner).unwrap().unwrap().0[..]);
        assert!(split(&component[..component.len() - 1]).is_err(), "a truncated component is refused");
    }
}
