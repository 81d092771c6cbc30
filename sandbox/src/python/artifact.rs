//! The runtime component's machine code, compiled once and kept on disk between starts.
//!
//! Compiling the 18 MB CPython component takes seconds; loading the kept artifact takes
//! milliseconds. Loading machine code is trusting it, so an artifact is only ever one this
//! server wrote itself: it lives in the operator's cache folder, which must belong to the
//! server's user and be writable by nobody else, and it is checked against the SHA-256 written
//! beside it before wasmtime maps it. Stored ARgorithms never become machine code this way.
use super::snapshot::{self, Split};
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use wasmtime::component::Component;
use wasmtime::Engine;

/// One compile at a time in a process: parallel starts (tests) wait for the first and load
/// what it wrote instead of compiling again.
static COMPILING: Mutex<()> = Mutex::new(());

pub(crate) struct Loaded {
    pub component: Component,
    /// Whether this start compiled the component (no usable artifact was kept).
    pub compiled: bool,
}

/// The runtime component read from `path` (and checked against `sha256` when it is known),
/// split into the component without its memory image and the image (`snapshot.rs`).
pub(crate) fn read(path: &Path, sha256: Option<&str>) -> Result<(Split, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the Python runtime {}: {e}", path.display()))?;
    let hash = hex::encode(Sha256::digest(&bytes));
    if sha256.is_some_and(|expected| expected != hash) {
        return Err(format!("the Python runtime {} is not the one this server was built with (its SHA-256 differs)", path.display()));
    }
    let split = snapshot::split(&bytes)?;
    Ok((split, hash))
}

/// The compiled form of `component` (the split runtime whose original has SHA-256
/// `component_hash`) for `engine`, from the artifact kept in `cache_dir` when there is a valid
/// one, else compiled and kept there.
pub(crate) fn load(engine: &Engine, component: &[u8], component_hash: &str, cache_dir: &Path) -> Result<Loaded, String> {
    // "split": the artifact is of the component without its memory image.
    let artifact = cache_dir.join(format!("python-runtime-{}-split-{}.cwasm", &component_hash[..16], engine_tag(engine)));
    if let Ok(component) = load_kept(engine, &artifact)? {
        return Ok(Loaded { component, compiled: false });
    }
    let _one = COMPILING.lock();
    if let Ok(component) = load_kept(engine, &artifact)? {
        return Ok(Loaded { component, compiled: false });
    }
    let code = engine.precompile_component(component).map_err(|e| format!("cannot compile the Python runtime: {e:#}"))?;
    keep(cache_dir, &artifact, &code)?;
    drop(code);
    release_freed_memory();
    // Loaded from the file just written, as every later start will: mapped, not copied.
    let component = load_kept(engine, &artifact)?.map_err(|why| format!("the compiled Python runtime does not load: {why}"))?;
    Ok(Loaded { component, compiled: true })
}

/// Changes whenever wasmtime or the engine's settings would make an artifact incompatible.
fn engine_tag(engine: &Engine) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn digest_path(artifact: &Path) -> PathBuf {
    artifact.with_extension("cwasm.sha256")
}

/// `Ok(Err(why))`: there is no usable artifact, and compiling again may help; `Err`: there is
/// one that must not be trusted, and the operator must look.
fn load_kept(engine: &Engine, artifact: &Path) -> Result<Result<Component, String>, String> {
    let Ok(expected) = std::fs::read_to_string(digest_path(artifact)) else { return Ok(Err("no artifact".into())) };
    let Ok(code) = std::fs::read(artifact) else { return Ok(Err("no artifact".into())) };
    check_owner(artifact)?;
    if hex::encode(Sha256::digest(&code)) != expected.trim() {
        tracing::warn!(artifact = %artifact.display(), "the kept Python runtime does not match its hash; compiling it again");
        return Ok(Err("the artifact does not match its hash".into()));
    }
    drop(code);
    // SAFETY: the file is machine code this server compiled and wrote (checked by its hash, in
    // a folder only the server's user can write), for an engine with the same settings.
    match unsafe { Component::deserialize_file(engine, artifact) } {
        Ok(component) => Ok(Ok(component)),
        Err(e) => {
            tracing::warn!(artifact = %artifact.display(), error = %e, "the kept Python runtime cannot be loaded; compiling it again");
            Ok(Err(format!("{e:#}")))
        }
    }
}

#[cfg(unix)]
fn check_owner(artifact: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let uid = rustix::process::geteuid().as_raw();
    for path in [artifact, artifact.parent().unwrap_or(artifact)] {
        let meta = std::fs::metadata(path).map_err(|e| format!("cannot inspect {}: {e}", path.display()))?;
        if meta.uid() != uid || meta.mode() & 0o022 != 0 {
            return Err(format!(
                "{} must belong to the server's user and be writable by no one else (it holds machine code the server runs)",
                path.display()
            ));
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner(_: &Path) -> Result<(), String> {
    Ok(())
}

fn keep(cache_dir: &Path, artifact: &Path, code: &[u8]) -> Result<(), String> {
    let cannot = |what: &str, e: std::io::Error| format!("cannot {what} in {}: {e}", cache_dir.display());
    create_private_dir(cache_dir).map_err(|e| cannot("create the cache folder", e))?;
    let partial = artifact.with_extension(format!("partial-{}", std::process::id()));
    let mut file = std::fs::File::create(&partial).map_err(|e| cannot("write the compiled runtime", e))?;
    file.write_all(code).and_then(|()| file.sync_all()).map_err(|e| cannot("write the compiled runtime", e))?;
    std::fs::rename(&partial, artifact).map_err(|e| cannot("keep the compiled runtime", e))?;
    std::fs::write(digest_path(artifact), hex::encode(Sha256::digest(code))).map_err(|e| cannot("write the runtime's hash", e))?;
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Compiling takes a few hundred MB of heap that is all free afterwards; glibc keeps freed heap
/// for reuse, so without this a server that compiled the runtime at its start would stay that
/// large until it restarts.
pub(crate) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap memory to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
