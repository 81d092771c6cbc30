//! Black-box helpers: the real server on a free port with a fresh storage folder, one helper
//! per endpoint.
#![allow(dead_code)]
use argorithm_server::settings::Settings;
use argorithm_server::startup::Application;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub use sandbox::testing::{example_config, guest_wasm};

#[path = "../support/servers.rs"]
pub mod servers;

/// `TEST_DATABASE=MONGO` runs the black-box suites against MongoDB instead of SQLite.
pub fn testing_mongo() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v.eq_ignore_ascii_case("MONGO"))
}

/// The MongoDB database of a storage folder, named once and kept in the folder so a server
/// restarted on the folder finds its data again.
fn database_of(folder: &Path) -> String {
    let marker = folder.join("mongo-database-name");
    if let Ok(name) = std::fs::read_to_string(&marker) {
        return name;
    }
    let name = servers::fresh_database_name();
    std::fs::create_dir_all(folder).unwrap();
    std::fs::write(&marker, &name).unwrap();
    name
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub folder: PathBuf,
    _temp: Option<TempDir>,
    server: tokio::task::JoinHandle<()>,
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn settings_for(folder: &Path, extra: &[(&str, &str)]) -> Settings {
    let mut vars: HashMap<String, String> = HashMap::new();
    vars.insert("HOST".into(), "127.0.0.1".into());
    vars.insert("PORT".into(), "0".into());
    vars.insert("STORAGE_FOLDER".into(), folder.display().to_string());
    // One compiled Python runtime for every test server, kept beside the build.
    vars.insert("PYTHON_RUNTIME_CACHE".into(), sandbox::testing::python_runtime_cache().display().to_string());
    // Tests start from an empty server unless they ask for the bundled examples.
    vars.insert("EXAMPLES".into(), "DISABLED".into());
    // Another build of the runtime, for working on it without rebuilding the server.
    if let Ok(path) = std::env::var("PYTHON_RUNTIME") {
        vars.insert("PYTHON_RUNTIME".into(), path);
    }
    if testing_mongo() && !extra.iter().any(|(k, _)| *k == "DATABASE") {
        vars.insert("DATABASE".into(), "MONGO".into());
        vars.insert("DB_ENDPOINT".into(), servers::shared_mongo_url());
        vars.insert("DB_NAME".into(), database_of(folder));
    }
    for (k, v) in extra {
        vars.insert(k.to_string(), v.to_string());
    }
    Settings::from_map(&vars).expect("test settings are valid")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let temp = TempDir::new().unwrap();
    let mut app = spawn_app_in(temp.path(), extra).await;
    app._temp = Some(temp);
    app
}

/// Starts the server on `folder`, which the caller keeps (to restart on it).
pub async fn spawn_app_in(folder: &Path, extra: &[(&str, &str)]) -> TestApp {
    let settings = settings_for(folder, extra);
    let mongo = settings.database == argorithm_server::settings::DatabaseKind::Mongo;
    let app = Application::build(settings).await.expect("app builds");
    // A suite asked to run on MongoDB must not quietly run on SQLite.
    assert_eq!(app.banner()[0].contains("MongoDB"), mongo, "{:?}", app.banner());
    if testing_mongo() && !extra.iter().any(|(k, _)| *k == "DATABASE") {
        assert!(mongo, "TEST_DATABASE=MONGO, yet the app was built on {:?}", app.banner()[0]);
    }
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    TestApp { address, client: reqwest::Client::new(), folder: folder.to_owned(), _temp: None, server }
}


/// A WAT module with one parameter-free entry; `body` decides what it does. Its memory starts
/// with a 60-byte state whose comment is `hello`.
pub fn wat_module(body: &str) -> Vec<u8> {
    let state = r#"{"state_type":"comment","state_def":null,"comments":"hello"}"#;
    wat::parse_str(sandbox::testing::abi_module_wat("", state, body)).unwrap()
}

pub fn wat_config(id: &str) -> Vec<u8> {
    json!({"argorithmID": id, "file": format!("{id}.wasm"), "function": "run", "description": "hand-written WAT",
           "parameters": {}, "example": {}})
    .to_string()
    .into_bytes()
}

/// Uploads `spin` (an endless loop) on a server started with one sandbox slot and no queue
/// wait, and runs it twice at once: one run ends in a 422 (time limit, then the example's time
/// limit), the other is turned away with a 503. Returns both statuses, sorted.
pub async fn two_runs_on_one_slot(app: &TestApp) -> [u16; 2] {
    let res = app.insert("spin.wasm", wat_module("(loop $l (br $l)) (i32.const 0)"), &wat_config("spin")).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    let (a, b) = tokio::join!(app.run("spin", json!({})), async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        app.run("spin", json!({})).await
    });
    let mut codes = [a.status, b.status];
    codes.sort();
    codes
}

/// Settings for `two_runs_on_one_slot`.
pub const ONE_SLOT: [(&str, &str); 3] = [("SANDBOX_CONCURRENCY", "1"), ("SANDBOX_QUEUE_WAIT_MS", "0"), ("SANDBOX_TIMEOUT_MS", "300")];

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "AdminPass1";
pub const SECRET_KEY: &str = "test-secret-key-that-is-long-enough-for-hs256";

/// The settings of a server with AUTH=ENABLED (cheap bcrypt, so tests stay fast).
pub fn auth_vars() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AUTH", "ENABLED"),
        ("SECRET_KEY", SECRET_KEY),
        ("ADMIN_EMAIL", ADMIN_EMAIL),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD),
        ("BCRYPT_COST", "4"),
    ]
}

pub async fn spawn_auth_app() -> TestApp {
    spawn_app_with(&auth_vars()).await
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("status {status}: body is not JSON: {text:?}"));
    Answer { status, body, headers }
}

pub fn upload_form(file_name: &str, module: Vec<u8>, config: &[u8]) -> Form {
    Form::new()
        .part("file", Part::bytes(module).file_name(file_name.to_owned()))
        .part("data", Part::bytes(config.to_vec()).file_name("data").mime_str("application/json").unwrap())
}

/// An example's config with fields replaced.
pub fn config_with(name: &str, changes: Value) -> Vec<u8> {
    let mut config: Value = serde_json::from_slice(&example_config(name)).unwrap();
    for (k, v) in changes.as_object().unwrap() {
        config[k] = v.clone();
    }
    config.to_string().into_bytes()
}

/// Requests made with a bearer token.
pub struct As<'a> {
    app: &'a TestApp,
    token: String,
}

impl As<'_> {
    pub async fn post_json(&self, path: &str, body: Value) -> Answer {
        let rb = self.app.client.post(self.app.url(path)).bearer_auth(&self.token).json(&body);
        answer(rb.send().await.unwrap()).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let rb = self.app.client.post(self.app.url(path)).bearer_auth(&self.token).form(fields);
        answer(rb.send().await.unwrap()).await
    }

    pub async fn insert_example(&self, name: &str) -> Answer {
        let form = upload_form(&format!("{name}.wasm"), guest_wasm(name), &example_config(name));
        let rb = self.app.client.post(self.app.url("/argorithms/insert")).bearer_auth(&self.token).multipart(form);
        answer(rb.send().await.unwrap()).await
    }

    pub async fn update(&self, name: &str, config: &[u8]) -> Answer {
        let form = upload_form(&format!("{name}.wasm"), guest_wasm(name), config);
        let rb = self.app.client.post(self.app.url("/argorithms/update")).bearer_auth(&self.token).multipart(form);
        answer(rb.send().await.unwrap()).await
    }

    pub async fn delete(&self, id: &str) -> Answer {
        self.post_json("/argorithms/delete", json!({ "argorithmID": id })).await
    }

    pub async fn run(&self, id: &str, parameters: Value) -> Answer {
        self.post_json("/argorithms/run", json!({ "argorithmID": id, "parameters": parameters })).await
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn with_token(&self, token: &str) -> As<'_> {
        As { app: self, token: token.to_owned() }
    }

    pub async fn register_programmer(&self, email: &str, password: &str) -> Answer {
        self.post_form("/programmers/register", &[("username", email), ("password", password)]).await
    }

    pub async fn register_user(&self, email: &str, password: &str) -> Answer {
        self.post_form("/users/register", &[("username", email), ("password", password)]).await
    }

    pub async fn login_programmer(&self, email: &str, password: &str) -> Answer {
        self.post_form("/programmers/login", &[("username", email), ("password", password)]).await
    }

    pub async fn login_user(&self, email: &str, password: &str) -> Answer {
        self.post_form("/users/login", &[("username", email), ("password", password)]).await
    }

    /// Registers a programmer (with a user account) and returns its token.
    pub async fn programmer_token(&self, email: &str) -> String {
        assert_eq!(self.register_programmer(email, "Password1").await.status, 200);
        let res = self.login_programmer(email, "Password1").await;
        assert_eq!(res.status, 200, "{:?}", res.body);
        res.body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn admin_token(&self) -> String {
        let res = self.login_programmer(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(res.status, 200, "{:?}", res.body);
        res.body["access_token"].as_str().unwrap().to_owned()
    }

    pub async fn get(&self, path: &str) -> Answer {
        answer(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Answer {
        answer(self.client.post(self.url(path)).json(&body).send().await.unwrap()).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        answer(self.client.post(self.url(path)).form(fields).send().await.unwrap()).await
    }

    pub async fn server_info(&self) -> Answer {
        self.get("/argorithm").await
    }

    pub async fn list(&self) -> Answer {
        self.get("/argorithms/list").await
    }

    pub async fn view(&self, id: &str) -> Answer {
        self.get(&format!("/argorithms/view/{id}")).await
    }

    pub async fn insert(&self, file_name: &str, module: Vec<u8>, config: &[u8]) -> Answer {
        let form = upload_form(file_name, module, config);
        answer(self.client.post(self.url("/argorithms/insert")).multipart(form).send().await.unwrap()).await
    }

    pub async fn update(&self, file_name: &str, module: Vec<u8>, config: &[u8]) -> Answer {
        let form = upload_form(file_name, module, config);
        answer(self.client.post(self.url("/argorithms/update")).multipart(form).send().await.unwrap()).await
    }

    /// Uploads one of the example ARgorithms with its own config.
    pub async fn insert_example(&self, name: &str) -> Answer {
        self.insert(&format!("{name}.wasm"), guest_wasm(name), &example_config(name)).await
    }

    pub async fn delete(&self, id: &str) -> Answer {
        self.post_json("/argorithms/delete", json!({ "argorithmID": id })).await
    }

    pub async fn run(&self, id: &str, parameters: Value) -> Answer {
        self.post_json("/argorithms/run", json!({ "argorithmID": id, "parameters": parameters })).await
    }
}

/// The real binary, so that its memory is its own and can be measured.
pub struct BinaryServer {
    pub child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl BinaryServer {
    pub fn start(extra: &[(&str, &str)]) -> BinaryServer {
        let dir = tempfile::TempDir::new().unwrap();
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_argorithm-server"));
        command
            .env("STORAGE_FOLDER", dir.path())
            .env("PYTHON_RUNTIME_CACHE", sandbox::testing::python_runtime_cache())
            .env("EXAMPLES", "DISABLED")
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in extra {
            command.env(k, v);
        }
        let child = command.spawn().unwrap();
        // Serving, not just listening: the socket takes connections into its backlog before the
        // server accepts any, and a test that counts connections must not share the server's
        // first moments with this probe.
        let deadline = Instant::now() + Duration::from_secs(30);
        while !answers_200(port) {
            assert!(Instant::now() < deadline, "the server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        // The probe's connection gives its slot back as it closes.
        std::thread::sleep(Duration::from_millis(50));
        BinaryServer { child, port, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Peak resident memory so far, in bytes.
    pub fn peak_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    }
}

impl Drop for BinaryServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl BinaryServer {
    /// Resident memory now, in bytes.
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    }
}

/// Whether `GET /argorithm` on `port` is answered 200, the connection then closed.
fn answers_200(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /argorithm HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer.starts_with(b"HTTP/1.1 200")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

