//! Test helpers shared by this crate's tests and the server's: the guest workspace (toolkit,
//! examples, golden scenarios) built to wasm once per test process.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("guest")
}

/// Builds every guest crate (a no-op when up to date) and returns the folder of the `.wasm`
/// files. Panics with cargo's output when the build fails, e.g. without the wasm target:
/// a test must never pass without its module.
pub fn wasm_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let guest = guest_dir();
        let target = guest.join("target");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        // Run from the guest folder so its `.cargo/config.toml` (the guests' link flags) applies.
        let out = Command::new(cargo)
            .current_dir(&guest)
            .args(["build", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path"])
            .arg(guest.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            // The server's own build settings must not leak into the guest build.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the guest modules failed (is `rustup target add wasm32-unknown-unknown` done?):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        target.join("wasm32-unknown-unknown/release")
    })
}

/// The bytes of a guest module, by crate name (`bubblesort`, `golden_scenarios`, ...).
pub fn guest_wasm(name: &str) -> Vec<u8> {
    let path = wasm_dir().join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The config JSON of an example ARgorithm.
pub fn example_config(name: &str) -> Vec<u8> {
    let path = guest_dir().join("examples").join(name).join(format!("{name}.config.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Where `../shared/golden` is: `GOLDEN_DIR`, else beside the repository.
pub fn golden_dir() -> PathBuf {
    match std::env::var_os("GOLDEN_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/golden"),
    }
}

/// The text of a hand-written module that follows ABI version 1: it imports `argorithm.emit`
/// and `argorithm.fail`, keeps `data` (e.g. one state's JSON) at address 0 of its one page of
/// memory, hands out memory from 4096 in `argorithm_alloc`, and runs `body` as the entry
/// `run(ptr, len)`. `extra` goes before the memory (more imports, helper functions). Tests
/// turn it into bytes with the `wat` crate.
pub fn abi_module_wat(extra: &str, data: &str, body: &str) -> String {
    let data = data.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"(module
  (import "argorithm" "emit" (func $emit (param i32 i32)))
  (import "argorithm" "fail" (func $fail (param i32 i32)))
  {extra}
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (data (i32.const 0) "{data}")
  (func (export "argorithm_alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (local.get $len)))
    (local.get $p))
  (func (export "run") (param $ptr i32) (param $len i32) (result i32)
    {body}))"#
    )
}
