//! Upload-time checks of a module against ABI version 1, so a broken module is refused with a
//! precise reason instead of failing on a learner's phone.
use super::linker::{HOST_MODULE, WASI_MODULE};
use wasmtime::{ExternType, FuncType, Module, ValType};

const WASM_MAGIC: &[u8] = b"\0asm";

pub(crate) fn check_magic(bytes: &[u8]) -> Result<(), String> {
    if !bytes.starts_with(WASM_MAGIC) {
        return Err("the file is not a WebAssembly binary (it does not start with \\0asm)".into());
    }
    Ok(())
}

fn signature(ty: &FuncType) -> String {
    let list = |tys: &mut dyn Iterator<Item = ValType>| {
        tys.map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
    };
    format!("({}) -> ({})", list(&mut ty.params()), list(&mut ty.results()))
}

fn is_i32s(tys: impl ExactSizeIterator<Item = ValType>, n: usize) -> bool {
    tys.len() == n && tys.into_iter().all(|t| matches!(t, ValType::I32))
}

fn expect_func(
    module: &Module,
    name: &str,
    params: usize,
    results: usize,
    want: &str,
) -> Result<(), String> {
    match module.get_export(name) {
        None => Err(format!("the module does not export the function `{name}` {want}")),
        Some(ExternType::Func(ty)) => {
            if is_i32s(ty.params(), params) && is_i32s(ty.results(), results) {
                Ok(())
            } else {
                Err(format!(
                    "the export `{name}` has the signature {}, expected {want}",
                    signature(&ty)
                ))
            }
        }
        Some(_) => Err(format!("the export `{name}` is not a function")),
    }
}

/// Checks imports and exports; `entry` is the function named by the ARgorithm's config.
pub(crate) fn check_abi(
    module: &Module,
    entry: &str,
    memory_limit: usize,
) -> Result<(), String> {
    for import in module.imports() {
        let (m, n) = (import.module(), import.name());
        match (m, n, import.ty()) {
            (HOST_MODULE, "emit" | "fail", ExternType::Func(ty)) => {
                if !(is_i32s(ty.params(), 2) && ty.results().len() == 0) {
                    return Err(format!(
                        "the import `{m}.{n}` has the signature {}, expected (i32, i32) -> ()",
                        signature(&ty)
                    ));
                }
            }
            // Whether the name and signature are preview 1's is checked when the module is
            // linked (`Linker::instantiate_pre`), which knows the whole interface.
            (WASI_MODULE, _, ExternType::Func(_)) => {}
            (WASI_MODULE, _, _) => {
                return Err(format!("the import `{m}.{n}` is not a WASI preview 1 function"))
            }
            _ => {
                return Err(format!(
                    "the import `{m}.{n}` is not allowed: a module may import only \
                     `argorithm.emit`, `argorithm.fail` and `wasi_snapshot_preview1` functions"
                ))
            }
        }
    }
    match module.get_export("memory") {
        Some(ExternType::Memory(mem)) => {
            let initial = mem.minimum().saturating_mul(mem.page_size());
            if initial > memory_limit as u64 {
                return Err(format!(
                    "the module's initial memory ({} MiB) is over the limit of {} MiB",
                    initial >> 20,
                    memory_limit >> 20
                ));
            }
        }
        Some(_) => return Err("the export `memory` is not a memory".into()),
        None => return Err("the module does not export its `memory`".into()),
    }
    expect_func(module, "argorithm_alloc", 1, 1, "(i32) -> (i32)")?;
    expect_func(module, entry, 2, 1, "(i32, i32) -> (i32)")
}
