//! Real Redis and MongoDB-wire servers for the tests, each on a free port in its own process
//! group. A missing program is a test failure with a message saying how to install it, never
//! a silent skip.
#![allow(dead_code)]
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct ServerProcess {
    program: PathBuf,
    args: Vec<String>,
    pub port: u16,
    child: Option<Child>,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `$VAR`, else the program on PATH, else the repository's virtual environments.
fn find_program(var: &str, name: &str, install: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let venvs = ["target/nx-venv/bin", "../target/nx-venv/bin"].map(|d| root.join(d).join(name));
    on_path
        .or_else(|| venvs.into_iter().find(|p| p.is_file()))
        .unwrap_or_else(|| panic!("{name} is needed by this test and was not found; {install}, or set {var}"))
}

fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before listening on port {port}: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not listen on port {port} within 30 s");
}

impl ServerProcess {
    fn start(program: PathBuf, args: Vec<String>, port: u16, dir: tempfile::TempDir) -> Self {
        let mut s = ServerProcess { program, args, port, child: None, _dir: dir };
        s.restart();
        s
    }

    /// A Redis server with a password and no persistence; `extra` adds settings such as
    /// `--maxmemory`.
    pub fn redis(password: &str, extra: &[&str]) -> Self {
        let program = find_program("REDIS_SERVER", "redis-server", "install Debian's redis-server (bash .ci/run does)");
        let port = free_port();
        let dir = tempfile::TempDir::new().unwrap();
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--requirepass".into(),
            password.into(),
            "--save".into(),
            "".into(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            dir.path().display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::start(program, args, port, dir)
    }

    /// Redis reading `config`, with port, bind and password given on the command line
    /// (which override the file's).
    pub fn redis_with_config(config: &str, password: &str) -> Self {
        let program = find_program("REDIS_SERVER", "redis-server", "install Debian's redis-server (bash .ci/run does)");
        let port = free_port();
        let dir = tempfile::TempDir::new().unwrap();
        let args = [config, "--port", &port.to_string(), "--bind", "127.0.0.1", "--requirepass", password, "--dir", &dir.path().display().to_string()]
            .map(str::to_owned)
            .to_vec();
        Self::start(program, args, port, dir)
    }

    /// nx-27017, a MongoDB wire-protocol server, keeping its data in a folder of its own so
    /// it survives a restart.
    pub fn mongo() -> Self {
        let program = find_program("NX_27017", "nx-27017", "pip install nx-27017 (bash .ci/run does)");
        let port = free_port();
        let dir = tempfile::TempDir::new().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let args = vec![
            "--host".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "--data-dir".into(),
            data.display().to_string(),
            "--log-file".into(),
            dir.path().join("nx.log").display().to_string(),
            "--pid-file".into(),
            dir.path().join("nx.pid").display().to_string(),
        ];
        Self::start(program, args, port, dir)
    }

    /// Starts the server (again) on the same port and data.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        // A killed nx-27017 leaves its pid file behind and then refuses to start again.
        let _ = std::fs::remove_file(self._dir.path().join("nx.pid"));
        // A watchdog shell owns the server so it dies with the test process even when the
        // test is killed; the process group lets `stop` take both down.
        let parent = std::process::id();
        let script = format!(r#""$@" & c=$!; while kill -0 {parent} 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 1; done; kill -9 $c 2>/dev/null"#);
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("sh")
            .arg(&self.program)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.program.display()));
        wait_for_port(self.port, &mut child, &self.program.display().to_string());
        self.child = Some(child);
    }

    /// Kills the server outright, as a crash would.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            let deadline = Instant::now() + Duration::from_secs(10);
            while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// Freezes (`true`) or thaws the server: it keeps its connections but answers nothing.
    pub fn freeze(&self, frozen: bool) {
        let child = self.child.as_ref().expect("running");
        let signal = if frozen { "STOP" } else { "CONT" };
        let _ = Command::new("kill").args(["-s", signal, "--", &format!("-{}", child.id())]).status();
    }

    pub fn mongo_url(&self) -> String {
        format!("mongodb://127.0.0.1:{}", self.port)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The MongoDB every test of this binary shares (a database each): `MONGO_TEST_URL` when set,
/// so the suite runs against a real `mongod`, else one nx-27017 started on first use.
pub fn shared_mongo_url() -> String {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER
        .get_or_init(|| match std::env::var("MONGO_TEST_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                let server = Box::leak(Box::new(ServerProcess::mongo()));
                server.mongo_url()
            }
        })
        .clone()
}

/// A database name no other test uses.
pub fn fresh_database_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("t{}_{}_{n}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_000)
}
