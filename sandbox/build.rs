//! Builds the Python runtime: a WebAssembly component holding CPython (from componentize-py,
//! pinned in `python/requirements.txt`), the runner and the pure-Python ARgorithmToolkit,
//! pre-initialized. The result is kept under `target/python-runtime/<hash of the inputs>/`, so it
//! is built once for every profile and rebuilt only when an input changes.
//!
//! A machine that cannot build it (no python3 with venv, no PyPI) still builds the server: the
//! reason is passed on, the start banner shows it, and `.py` uploads are refused saying how to
//! enable Python. `ARGORITHM_PYTHON_RUNTIME=skip` skips the build on purpose.
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

const INPUTS: [&str; 4] = ["python/wit", "python/runner", "python/toolkit", "python/requirements.txt"];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
    }
    println!("cargo:rerun-if-env-changed=ARGORITHM_PYTHON_RUNTIME");
    println!("cargo:rerun-if-env-changed=PYTHON");
    match build(&manifest) {
        Ok((path, hash)) => {
            println!("cargo:rustc-env=ARGORITHM_PYTHON_COMPONENT={}", path.display());
            println!("cargo:rustc-env=ARGORITHM_PYTHON_COMPONENT_SHA256={hash}");
            println!("cargo:rustc-env=ARGORITHM_PYTHON_BUILD_ERROR=");
        }
        Err(why) => {
            println!("cargo:warning=the Python runtime was not built: {why}");
            println!("cargo:rustc-env=ARGORITHM_PYTHON_COMPONENT=");
            println!("cargo:rustc-env=ARGORITHM_PYTHON_COMPONENT_SHA256=");
            println!("cargo:rustc-env=ARGORITHM_PYTHON_BUILD_ERROR={}", why.replace('\n', " "));
        }
    }
}

fn build(manifest: &Path) -> Result<(PathBuf, String), String> {
    if std::env::var("ARGORITHM_PYTHON_RUNTIME").is_ok_and(|v| v == "skip") {
        return Err("ARGORITHM_PYTHON_RUNTIME=skip was set at build time".into());
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    // OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out: share one runtime across profiles.
    let target = out.ancestors().nth(4).map(Path::to_path_buf).unwrap_or(out);
    let root = target.join("python-runtime");
    let inputs = hash_inputs(manifest)?;
    let dir = root.join(&inputs[..16]);
    let component = dir.join("runner.wasm");
    if !component.exists() {
        let venv = venv(&root, manifest)?;
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let partial = dir.join("runner.wasm.partial");
        let py = manifest.join("python");
        let output = Command::new(venv.join("bin/componentize-py"))
            .current_dir(&py)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .args(["-d", "wit", "-w", "runner", "componentize"])
            .args(["-p", "runner", "-p", "toolkit", "argorithm_runner", "-o"])
            .arg(&partial)
            .output()
            .map_err(|e| format!("cannot run componentize-py: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "componentize-py failed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        std::fs::rename(&partial, &component).map_err(|e| format!("cannot keep the runtime: {e}"))?;
    }
    let bytes = std::fs::read(&component).map_err(|e| format!("cannot read {}: {e}", component.display()))?;
    Ok((component, hex::encode(Sha256::digest(&bytes))))
}

/// A virtual environment with componentize-py, installed from PyPI with every hash checked.
fn venv(root: &Path, manifest: &Path) -> Result<PathBuf, String> {
    let requirements = manifest.join("python/requirements.txt");
    let pins = std::fs::read(&requirements).map_err(|e| format!("cannot read {}: {e}", requirements.display()))?;
    let venv = root.join(format!("venv-{}", &hex::encode(Sha256::digest(&pins))[..12]));
    let tool = venv.join("bin/componentize-py");
    if tool.exists() {
        return Ok(venv);
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run(Command::new(&python).args(["-m", "venv", "--clear"]).arg(&venv), "create a virtual environment (is python3-venv installed?)")?;
    run(
        Command::new(venv.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(["--require-hashes", "--only-binary", ":all:", "-r"])
            .arg(&requirements),
        "install componentize-py from PyPI",
    )?;
    Ok(venv)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("cannot {what}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!("cannot {what}:\n{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

/// The hash of every input file's path and contents, in a stable order.
fn hash_inputs(manifest: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    for input in INPUTS {
        collect(&manifest.join(input), &mut files)?;
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let name = file.strip_prefix(manifest).unwrap_or(&file);
        hasher.update(name.to_string_lossy().as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| format!("cannot list {}: {e}", path.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name == "__pycache__" || name.starts_with('.') {
            continue;
        }
        collect(&path, files)?;
    }
    Ok(())
}
