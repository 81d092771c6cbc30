//! The real binary: `--help`, refusing bad settings, starting with no environment, the
//! start-up banner and the request log file.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_argorithm-server");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn help_lists_every_variable_with_its_default() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for var in ["DATABASE", "AUTH", "SECRET_KEY", "STORAGE_FOLDER", "PORT", "SANDBOX_TIMEOUT_MS", "METRICS_TOKEN"] {
        assert!(text.contains(var), "{var} missing from --help");
    }
    assert!(text.contains("default: 8000"));
}

#[test]
fn a_bad_value_stops_the_server_with_one_line_naming_the_variable() {
    for (var, value) in [("DATABASE", "ORACLE"), ("PORT", "x"), ("SANDBOX_MEMORY_MB", "-1")] {
        let dir = tempfile::TempDir::new().unwrap();
        let out = Command::new(BIN)
            .env("STORAGE_FOLDER", dir.path())
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(var), "{err}");
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing was created for {var}");
    }
}

#[test]
fn the_server_starts_prints_its_modes_and_logs_requests_to_its_folder() {
    let dir = tempfile::TempDir::new().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("PYTHON_RUNTIME_CACHE", sandbox::testing::python_runtime_cache())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("listening on");
        banner.push(line);
        if done {
            break;
        }
    }
    let folder = dir.path().join(".local/share/argorithm-server");
    assert!(banner.iter().any(|l| l.starts_with("storage: SQLite at") && l.contains(folder.to_str().unwrap())), "{banner:?}");
    assert!(banner.contains(&"auth: DISABLED".to_owned()), "{banner:?}");
    assert!(banner.contains(&"caching: DISABLED".to_owned()), "{banner:?}");
    assert!(banner.contains(&"metrics: open".to_owned()), "{banner:?}");
    assert!(banner.iter().any(|l| l.starts_with("python: ENABLED")), "{banner:?}");
    assert!(banner.iter().any(|l| l.starts_with("examples: published 6")), "a first start has something to play: {banner:?}");

    let body = http_get(port, "/argorithm");
    assert!(body.ends_with("{\"auth\":\"DISABLED\"}"), "{body}");
    assert!(http_get(port, "/argorithms/list").contains("\"argorithmID\":\"bubblesort_py\""));

    let log = folder.join("server.log");
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut text = String::new();
    while Instant::now() < deadline {
        text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("route=/argorithm") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let line = text.lines().find(|l| l.contains("route=/argorithm")).unwrap_or_else(|| panic!("no request line in {text}"));
    assert!(line.contains("method=GET") && line.contains("status=200") && line.contains("duration_ms="), "{line}");
    assert!(folder.join("argorithm.db").exists());
}

fn http_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_binary_names_its_python_runtime_and_prepares_it_ahead_of_a_first_start_and_never_loads_a_changed_one() {
    let out = Command::new(BIN).arg("--print-python-runtime").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = String::from_utf8(out.stdout).unwrap();
    let bytes = std::fs::read(path.trim()).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(bytes.starts_with(b"\0asm"), "the runtime is a WebAssembly component");

    let cache = tempfile::TempDir::new().unwrap();
    let folder = cache.path().join("cache");
    let prepare = || Command::new(BIN).arg("--prepare-python-runtime").env("PYTHON_RUNTIME_CACHE", &folder).output().unwrap();
    let out = prepare();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("python runtime compiled in"), "{out:?}");
    let kept: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(kept.iter().any(|n| n.ends_with(".cwasm")) && kept.iter().any(|n| n.ends_with(".cwasm.sha256")), "{kept:?}");
    let out = prepare();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("python runtime already compiled in"), "{out:?}");

    // Machine code that is not what the server wrote is never loaded.
    let artifact = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|x| x == "cwasm")).unwrap();
    let mut code = std::fs::read(&artifact).unwrap();
    let middle = code.len() / 2;
    code[middle] ^= 0xff;
    std::fs::write(&artifact, code).unwrap();
    let out = prepare();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("python runtime compiled in"), "a changed artifact is compiled again: {out:?}");
    // A folder others may write is refused outright.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = prepare();
    assert!(!out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("writable by no one else"), "{out:?}");
}

#[test]
fn the_request_log_rotates_by_size_and_keeps_the_documented_number_of_files() {
    let dir = tempfile::TempDir::new().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .env("STORAGE_FOLDER", dir.path())
        .env("PYTHON_RUNTIME_CACHE", sandbox::testing::python_runtime_cache())
        .env("EXAMPLES", "DISABLED")
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("LOG_MAX_BYTES", "4096")
        .env("LOG_FILES", "2")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..200 {
        http_get(port, "/argorithm");
    }
    let files = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).filter(|n| n.starts_with("server.log")).collect();
        names.sort();
        names
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while files().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(files(), ["server.log", "server.log.1", "server.log.2"], "two old files are kept, no more");
    for name in files() {
        let size = std::fs::metadata(dir.path().join(&name)).unwrap().len();
        assert!(size <= 4096 + 1024, "{name} is {size} bytes: rotated once it passed the limit");
    }
    let newest_old = std::fs::read_to_string(dir.path().join("server.log.1")).unwrap();
    assert!(newest_old.contains("route=/argorithm"), "the rotated files hold the request log");
}
