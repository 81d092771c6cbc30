//! Every setting, declared once: its environment variable, default, range and help are one
//! `clap` declaration below, grouped by what they configure. `--help` and the README's table
//! are made from these declarations (a test keeps the README in step). A bad value stops the
//! server at start with one line naming the variable; a blank one counts as unset.
//!
//! This module reads the environment and nothing else of the server: the modules that use a
//! setting import it from here, never the other way round.
use crate::account_rules::{check_password, normalize_email};
use crate::client::TrustedProxies;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, FromArgMatches, Parser, ValueEnum};
use sandbox::{Limits, PythonSetup};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum DatabaseKind {
    Sqlite,
    Mongo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum Switch {
    Enabled,
    Disabled,
}

/// When the bundled example ARgorithms are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum Examples {
    /// Into a SQLite database this start created.
    Auto,
    /// Into any empty database, MongoDB included.
    Enabled,
    Disabled,
}

/// The command line and the environment, as declared. `Settings` is what the server uses.
#[derive(Parser, Debug)]
#[command(
    name = "argorithm-server",
    version,
    about = "Runs ARgorithms: WebAssembly modules and legacy Python files that emit state traces.",
    long_about = None,
    after_help = "Every setting is read from its environment variable; a blank value counts as unset."
)]
pub struct Cli {
    #[command(flatten)]
    pub server: ServerArgs,
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
    #[command(flatten)]
    pub logging: LoggingArgs,
    /// Print the OpenAPI document (YAML) and exit.
    #[arg(long, help_heading = "Commands")]
    pub print_openapi: bool,
    /// Print the path of the Python runtime this build made, and exit.
    #[arg(long, help_heading = "Commands")]
    pub print_python_runtime: bool,
    /// Compile the Python runtime into PYTHON_RUNTIME_CACHE, and exit.
    #[arg(long, help_heading = "Commands")]
    pub prepare_python_runtime: bool,
    /// Print the README's table of environment variables, and exit.
    #[arg(long, hide = true)]
    pub print_settings_table: bool,
}

fn positive(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("it must be greater than 0".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("it is not a whole number".into()),
    }
}

fn percent(s: &str) -> Result<u64, String> {
    match positive(s)? {
        n if n > 100 => Err("it must be at most 100".into()),
        n => Ok(n),
    }
}

fn bcrypt_cost(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(n) if (4..=31).contains(&n) => Ok(n),
        _ => Err("it must be a whole number from 4 to 31".into()),
    }
}

/// Memory limits in MiB: wasm32 addresses at most 4 GiB.
fn wasm_mib(s: &str) -> Result<u64, String> {
    match positive(s)? {
        n if n > 4096 => Err("it must be at most 4096 (wasm32's limit)".into()),
        n => Ok(n),
    }
}

fn email(s: &str) -> Result<String, String> {
    normalize_email(s).ok_or_else(|| "it is not an email address".into())
}

fn mongo_database(s: &str) -> Result<String, String> {
    if s.contains(['/', '\\', '.', ' ', '"', '$']) || s.len() > 63 {
        return Err("it is not a usable MongoDB database name".into());
    }
    Ok(s.to_owned())
}

fn trusted_proxies(s: &str) -> Result<TrustedProxies, String> {
    TrustedProxies::parse(s)
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Server")]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "0.0.0.0")]
    pub host: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 8000)]
    pub port: u16,
    /// Open client connections at most (raised into the open-file limit at start); one more is answered 503 and closed at once.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 1024, value_parser = positive)]
    pub max_connections: u64,
    /// Time a connection has to send a request head, from its first byte (or from being opened).
    #[arg(long, env = "HEAD_TIMEOUT_SECONDS", default_value_t = 10, value_parser = positive)]
    pub head_timeout_seconds: u64,
    /// Time a kept-alive connection may wait between requests.
    #[arg(long, env = "IDLE_TIMEOUT_SECONDS", default_value_t = 60, value_parser = positive)]
    pub idle_timeout_seconds: u64,
    /// Time a connection with a request in hand may go without reading or writing a byte.
    #[arg(long, env = "BUSY_TIMEOUT_SECONDS", default_value_t = 60, value_parser = positive)]
    pub busy_timeout_seconds: u64,
    /// A client that reads nothing of its answer for this long is disconnected and the answer freed (a slow client that keeps reading is never cut off).
    #[arg(long, env = "SEND_TIMEOUT_SECONDS", default_value_t = 10, value_parser = positive)]
    pub send_timeout_seconds: u64,
    /// Answers over 64 KiB held for clients at once, all connections together, from the handler's return until sent; one that does not fit is answered 503 with Retry-After instead.
    #[arg(long, env = "ANSWER_BUFFER_MB", default_value_t = 128, value_parser = positive)]
    pub answer_buffer_mb: u64,
    /// Largest request body accepted, whatever its framing (Content-Length, chunked, HTTP/2); above it, 413.
    #[arg(long, env = "MAX_UPLOAD_BYTES", default_value_t = 8 << 20, value_parser = positive)]
    pub max_upload_bytes: u64,
    /// Time to receive a whole request body; after it, 408.
    #[arg(long, env = "BODY_TIMEOUT_SECONDS", default_value_t = 30, value_parser = positive)]
    pub body_timeout_seconds: u64,
    /// A request body that sends no byte for this long is refused (408) and gives its share of the buffer back.
    #[arg(long, env = "BODY_STALL_SECONDS", default_value_t = 5, value_parser = positive)]
    pub body_stall_seconds: u64,
    /// Request bodies held in memory at once, all requests together; more wait (within the body timeout), then get 503. A sixteenth of it (at least 64 KiB) is kept for bodies that announce at most 64 KiB (a run request is ~100 bytes), so they are read at once while large bodies fill the rest.
    #[arg(long, env = "MAX_BODY_BUFFER_MB", default_value_t = 64, value_parser = positive)]
    pub max_body_buffer_mb: u64,
    /// Comma-separated addresses or networks (10.0.0.0/8, ::1) of reverse proxies: a request from one counts against the address its X-Forwarded-For names (the nearest one that is not itself a trusted proxy).
    #[arg(long, env = "TRUSTED_PROXIES", value_parser = trusted_proxies)]
    pub trusted_proxies: Option<TrustedProxies>,
    /// Bearer token that protects /metrics (401 without it); unset leaves /metrics open.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// ENABLED: GET /argorithms/source/{argorithmID} answers a Python ARgorithm's source to anyone who may view it (the player's code pane shows it); DISABLED: it answers 403 and the pane says the server does not share source.
    #[arg(long, env = "SOURCE", value_enum, ignore_case = true, default_value = "ENABLED")]
    pub source: Switch,
    /// AUTO publishes the bundled example ARgorithms (sandbox/python/examples) when the server creates a new SQLite database; ENABLED also into any empty database (MongoDB included); DISABLED never.
    #[arg(long, env = "EXAMPLES", value_enum, ignore_case = true, default_value = "AUTO")]
    pub examples: Examples,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Storage")]
pub struct StorageArgs {
    /// Folder of the SQLite file argorithm.db and the request log server.log (default: $XDG_DATA_HOME/argorithm-server, else ~/.local/share/argorithm-server).
    #[arg(long, env = "STORAGE_FOLDER")]
    pub storage_folder: Option<PathBuf>,
    /// SQLITE (embedded, one machine) or MONGO (several replicas share one database).
    #[arg(long, env = "DATABASE", value_enum, ignore_case = true, default_value = "SQLITE")]
    pub database: DatabaseKind,
    /// MongoDB host for DATABASE=MONGO; a whole mongodb:// or mongodb+srv:// URI (Atlas) is used as it is, else the URI is built from DB_ENDPOINT, DB_PORT, DB_USERNAME and DB_PASSWORD (credentials percent-encoded).
    #[arg(long, env = "DB_ENDPOINT", default_value = "localhost")]
    pub db_endpoint: String,
    /// MongoDB port (DATABASE=MONGO).
    #[arg(long, env = "DB_PORT", default_value_t = 27017)]
    pub db_port: u16,
    /// MongoDB user (DATABASE=MONGO).
    #[arg(long, env = "DB_USERNAME")]
    pub db_username: Option<String>,
    /// MongoDB password (DATABASE=MONGO).
    #[arg(long, env = "DB_PASSWORD", hide_env_values = true)]
    pub db_password: Option<String>,
    /// MongoDB database (DATABASE=MONGO).
    #[arg(long, env = "DB_NAME", default_value = "argorithm", value_parser = mongo_database)]
    pub db_name: String,
    /// An unreachable MongoDB at start is retried with backoff (0.25 s doubling to 5 s) for this long, then the server exits with a message naming the endpoint (password hidden).
    #[arg(long, env = "DB_START_TIMEOUT_SECONDS", default_value_t = 60)]
    pub db_start_timeout_seconds: u64,
    /// How long a request waits for an unreachable MongoDB before it gets 503.
    #[arg(long, env = "DB_TIMEOUT_MS", default_value_t = 3000, value_parser = positive)]
    pub db_timeout_ms: u64,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Accounts")]
pub struct AuthArgs {
    /// ENABLED: accounts and tokens are required. DISABLED: everyone acts as ADMIN_EMAIL, account routes answer 405 and /auth answers 404 (the legacy default).
    #[arg(long, env = "AUTH", value_enum, ignore_case = true, default_value = "DISABLED")]
    pub auth: Switch,
    /// Signs tokens (HS256); at least 32 bytes; required with AUTH=ENABLED.
    #[arg(long, env = "SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// The admin account, created at start with AUTH=ENABLED; with AUTH=DISABLED every action is taken as this email.
    #[arg(long, env = "ADMIN_EMAIL", default_value = "admin@argorithm.local", value_parser = email)]
    pub admin_email: String,
    /// The admin account's password, at least 8 characters and at most 72 bytes; required with AUTH=ENABLED; an existing account keeps its stored password.
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// How long a login token is valid.
    #[arg(long, env = "TOKEN_EXPIRY_MINUTES", default_value_t = 1440, value_parser = positive)]
    pub token_expiry_minutes: u64,
    /// bcrypt work factor (4 to 31).
    #[arg(long, env = "BCRYPT_COST", default_value_t = 12, value_parser = bcrypt_cost)]
    pub bcrypt_cost: u32,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Run cache")]
pub struct CacheArgs {
    /// ENABLED caches run results in Redis.
    #[arg(long, env = "CACHING", value_enum, ignore_case = true, default_value = "DISABLED")]
    pub caching: Switch,
    /// Redis host (CACHING=ENABLED).
    #[arg(long, env = "REDIS_HOST", default_value = "localhost")]
    pub redis_host: String,
    /// Redis port (CACHING=ENABLED).
    #[arg(long, env = "REDIS_PORT", default_value_t = 6379)]
    pub redis_port: u16,
    /// Redis password (CACHING=ENABLED).
    #[arg(long, env = "REDIS_PASSWORD", hide_env_values = true)]
    pub redis_password: Option<String>,
    /// Longest wait for one Redis operation; slower or failed ones run without the cache.
    #[arg(long, env = "REDIS_TIMEOUT_MS", default_value_t = 100, value_parser = positive)]
    pub redis_timeout_ms: u64,
    /// Cached results expire after this, even if Redis's LRU keeps them.
    #[arg(long, env = "CACHE_TTL_SECONDS", default_value_t = 86400, value_parser = positive)]
    pub cache_ttl_seconds: u64,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Sandbox")]
pub struct SandboxArgs {
    /// Wall-clock limit of one run.
    #[arg(long, env = "SANDBOX_TIMEOUT_MS", default_value_t = Limits::DEFAULT_TIMEOUT_MS, value_parser = positive)]
    pub sandbox_timeout_ms: u64,
    /// Linear memory limit of one WebAssembly run.
    #[arg(long, env = "SANDBOX_MEMORY_MB", default_value_t = Limits::DEFAULT_MEMORY_MB, value_parser = wasm_mib)]
    pub sandbox_memory_mb: u64,
    /// Linear memory limit of one Python run: CPython's snapshot takes ~13 MiB of it before the program starts.
    #[arg(long, env = "SANDBOX_PYTHON_MEMORY_MB", default_value_t = Limits::DEFAULT_PYTHON_MEMORY_MB, value_parser = wasm_mib)]
    pub sandbox_python_memory_mb: u64,
    /// States one run may emit.
    #[arg(long, env = "SANDBOX_MAX_STATES", default_value_t = Limits::DEFAULT_MAX_STATES, value_parser = positive)]
    pub sandbox_max_states: u64,
    /// Bytes of states one run may emit.
    #[arg(long, env = "SANDBOX_MAX_OUTPUT_BYTES", default_value_t = Limits::DEFAULT_MAX_OUTPUT_BYTES, value_parser = positive)]
    pub sandbox_max_output_bytes: u64,
    /// Runs at once (default: the number of cores); more wait up to SANDBOX_QUEUE_WAIT_MS, then get 503 with Retry-After.
    #[arg(long, env = "SANDBOX_CONCURRENCY", value_parser = positive)]
    pub sandbox_concurrency: Option<u64>,
    /// How long a run waits for a free slot.
    #[arg(long, env = "SANDBOX_QUEUE_WAIT_MS", default_value_t = 1000)]
    pub sandbox_queue_wait_ms: u64,
    /// Percent of the run slots (and of the upload-check slots) one client may hold at once, at least one slot: a client is its account with AUTH=ENABLED, else its address. Its other requests wait behind other clients', then get 429 with Retry-After.
    #[arg(long, env = "SANDBOX_CLIENT_SHARE", default_value_t = 50, value_parser = percent)]
    pub sandbox_client_share: u64,
    /// Uploads compiled (or, for Python, checked) at once; more wait up to 10 s for a slot, then get 503 with Retry-After.
    #[arg(long, env = "SANDBOX_COMPILE_CONCURRENCY", default_value_t = 1, value_parser = positive)]
    pub sandbox_compile_concurrency: u64,
    /// Memory for compiled programs kept between runs (machine code and metadata, estimated); the least recently used go first.
    #[arg(long, env = "SANDBOX_PROGRAM_CACHE_MB", default_value_t = Limits::DEFAULT_PROGRAM_CACHE_MB, value_parser = positive)]
    pub sandbox_program_cache_mb: u64,
    /// Largest program (a .wasm module or a .py file) accepted at upload; above it, 413.
    #[arg(long, env = "MAX_PROGRAM_BYTES", default_value_t = Limits::DEFAULT_MAX_PROGRAM_BYTES, value_parser = positive)]
    pub max_program_bytes: u64,
    /// Memory for examples' outcomes: each program version's example runs once and is then served from here.
    #[arg(long, env = "EXAMPLE_CACHE_MB", default_value_t = 64, value_parser = positive)]
    pub example_cache_mb: u64,
    /// Path of the Python runner component (.wasm) (default: the one built with the server); DISABLED turns Python ARgorithms off.
    #[arg(long, env = "PYTHON_RUNTIME")]
    pub python_runtime: Option<String>,
    /// Where the compiled Python runtime is kept between starts; must belong to the server's user and be writable by no one else (default: $XDG_CACHE_HOME/argorithm-server, else ~/.cache/argorithm-server).
    #[arg(long, env = "PYTHON_RUNTIME_CACHE")]
    pub python_runtime_cache: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(next_help_heading = "Logging")]
pub struct LoggingArgs {
    /// server.log moves to server.log.1 (older ones one number up) once it passes this size.
    #[arg(long, env = "LOG_MAX_BYTES", default_value_t = 64 << 20, value_parser = positive)]
    pub log_max_bytes: u64,
    /// Rotated request logs kept besides server.log; a flood of requests fills at most (LOG_FILES + 1) × LOG_MAX_BYTES of disk.
    #[arg(long, env = "LOG_FILES", default_value_t = 4)]
    pub log_files: usize,
}

/// Bounds on connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub head_timeout: Duration,
    pub idle_timeout: Duration,
    pub busy_timeout: Duration,
    /// While an answer is being sent: how long the client may read none of it.
    pub send_timeout: Duration,
    /// Bytes of answers over 64 KiB held at once, all connections together.
    pub answer_buffer_bytes: usize,
}

/// Bounds on connections and request bodies.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    pub connections: ConnectionLimits,
    pub body_timeout: Duration,
    /// A body that sends no byte for this long is refused.
    pub body_stall: Duration,
    pub body_buffer_bytes: usize,
}

/// How the request log is kept: `server.log`, moved to `server.log.1` (and the older ones one
/// number up) when it reaches `max_bytes`, keeping `keep` old files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogFiles {
    pub max_bytes: usize,
    pub keep: usize,
}

#[derive(Clone)]
pub struct AuthSettings {
    pub secret_key: String,
    pub admin_password: String,
    pub token_ttl: Duration,
}

impl std::fmt::Debug for AuthSettings {
    // Secrets stay out of logs and panics.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings").field("token_ttl", &self.token_ttl).finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct CacheSettings {
    pub host: String,
    pub port: u16,
    pub password: Option<String>,
    /// Longest wait for one Redis operation before the run goes on without the cache.
    pub timeout: Duration,
    /// Entries expire after this even if memory never runs short.
    pub ttl: Duration,
}

impl std::fmt::Debug for CacheSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheSettings").field("host", &self.host).field("port", &self.port).finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct MongoSettings {
    /// A `mongodb://` or `mongodb+srv://` URI, credentials included.
    pub uri: String,
    pub database: String,
    /// How long start-up keeps retrying an unreachable server before giving up.
    pub start_timeout: Duration,
    /// How long one operation waits for a reachable server before the request gets a 503.
    pub operation_timeout: Duration,
}

impl std::fmt::Debug for MongoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoSettings").field("database", &self.database).finish_non_exhaustive()
    }
}

impl MongoSettings {
    /// The URI without its credentials, for logs and the banner.
    pub fn redacted_uri(&self) -> String {
        match (self.uri.split_once("://"), self.uri.rfind('@')) {
            (Some((scheme, _)), Some(at)) => format!("{scheme}://***@{}", &self.uri[at + 1..]),
            _ => self.uri.clone(),
        }
    }
}

/// What the server runs with, checked as a whole.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: IpAddr,
    pub port: u16,
    pub storage_folder: PathBuf,
    pub database: DatabaseKind,
    pub auth_enabled: bool,
    pub metrics_token: Option<String>,
    /// With AUTH=DISABLED every action is taken as this account, as the legacy server did.
    pub admin_email: String,
    pub max_upload_bytes: usize,
    pub sandbox: Limits,
    /// Where the Python runtime comes from (or why Python is off).
    pub python: PythonSetup,
    pub examples: Examples,
    /// Whether Python ARgorithms' source is served (`SOURCE`).
    pub share_source: bool,
    pub log_files: LogFiles,
    pub http: HttpLimits,
    /// How long a run waits for a free sandbox slot before the server answers 503.
    pub queue_wait: Duration,
    /// Programs compiled at once.
    pub compile_concurrency: usize,
    /// The fraction of the sandbox's slots (runs, and compiles) one client may hold at once.
    pub client_share: f64,
    /// Whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// Bytes of example traces kept in memory.
    pub example_cache_bytes: u64,
    /// Present when AUTH=ENABLED.
    pub auth: Option<AuthSettings>,
    pub bcrypt_cost: u32,
    /// Present when CACHING=ENABLED.
    pub cache: Option<CacheSettings>,
    /// Present when DATABASE=MONGO.
    pub mongo: Option<MongoSettings>,
}

/// One bad variable, named.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The smallest SECRET_KEY accepted: HS256 wants at least 256 bits of key.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// A variable as declared: its name, default (empty when none) and meaning.
pub struct Variable {
    pub name: String,
    pub default: String,
    pub help: String,
}

/// Every environment variable, in the order declared.
pub fn variables() -> Vec<Variable> {
    Cli::command()
        .get_arguments()
        .filter_map(|arg| {
            let name = arg.get_env()?.to_string_lossy().into_owned();
            let default = arg.get_default_values().iter().map(|v| v.to_string_lossy()).collect::<Vec<_>>().join(",");
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            Some(Variable { name, default, help })
        })
        .collect()
}

/// The README's table of variables, made from the declarations.
pub fn markdown_table() -> String {
    let mut out = String::from("| variable | default | meaning |\n|---|---|---|\n");
    for v in variables() {
        let default = if v.default.is_empty() { String::new() } else { format!("`{}`", v.default) };
        out.push_str(&format!("| `{}` | {default} | {} |\n", v.name, v.help.replace('|', "\\|")));
    }
    out
}

impl Cli {
    /// The command line, with the environment's variables (`vars`) as if given as flags: every
    /// setting is read from the map, never from the process's environment, and a blank value
    /// counts as unset. An error names the variable.
    pub fn parse_from_map(args: impl IntoIterator<Item = String>, vars: &HashMap<String, String>) -> Result<Cli, SettingsError> {
        let command = Cli::command();
        let mut argv: Vec<String> = vec!["argorithm-server".into()];
        argv.extend(args);
        for arg in command.get_arguments() {
            let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else { continue };
            if let Some(value) = vars.get(&*env.to_string_lossy()).map(|v| v.trim()).filter(|v| !v.is_empty()) {
                argv.push(format!("--{long}={value}"));
            }
        }
        // The process's environment stays out: only the map counts.
        let command = command.mut_args(|a| a.env(None::<&str>));
        let matches = command.try_get_matches_from(&argv).map_err(|e| name_the_variable(&e))?;
        Cli::from_arg_matches(&matches).map_err(|e| name_the_variable(&e))
    }
}

/// One line naming the environment variable a clap error is about.
fn name_the_variable(e: &clap::Error) -> SettingsError {
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    let long = context(ContextKind::InvalidArg).map(|a| a.trim_start_matches('-').split(['=', ' ']).next().unwrap_or_default().to_owned());
    let variable = long.as_deref().and_then(|long| {
        Cli::command().get_arguments().find(|a| a.get_long() == Some(long)).and_then(|a| a.get_env()).map(|e| e.to_string_lossy().into_owned())
    });
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    match (variable, e.kind()) {
        (Some(var), ErrorKind::InvalidValue) => match context(ContextKind::ValidValue) {
            Some(valid) => SettingsError(format!("{var}={value:?} is not one of {valid}")),
            None => SettingsError(format!("{var}={value:?} is not valid")),
        },
        (Some(var), _) => {
            let why = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_else(|| e.kind().to_string());
            SettingsError(format!("{var}={value:?} is not valid: {why}"))
        }
        (None, _) => SettingsError(e.to_string().lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ").to_owned()),
    }
}

fn home_folder(vars: &HashMap<String, String>, xdg: &str, under_home: &str, fallback: &str) -> PathBuf {
    let get = |k: &str| vars.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(base) = get(xdg) {
        return PathBuf::from(base).join("argorithm-server");
    }
    match get("HOME") {
        Some(home) => PathBuf::from(home).join(under_home),
        None => PathBuf::from(fallback),
    }
}

/// The legacy rule: an endpoint that is already a URI (Atlas) is used as it is; otherwise the
/// URI is built from host, port and credentials.
fn mongo_settings(s: &StorageArgs) -> Result<MongoSettings, SettingsError> {
    let endpoint = s.db_endpoint.as_str();
    let uri = if endpoint.starts_with("mongodb://") || endpoint.starts_with("mongodb+srv://") {
        endpoint.to_owned()
    } else {
        let encode = |v: &str| percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string();
        let credentials = match (&s.db_username, &s.db_password) {
            (Some(user), password) => format!("{}:{}@", encode(user), encode(password.as_deref().unwrap_or(""))),
            (None, Some(_)) => return Err(SettingsError("DB_PASSWORD is set but DB_USERNAME is not".into())),
            (None, None) => String::new(),
        };
        format!("mongodb://{credentials}{endpoint}:{}", s.db_port)
    };
    Ok(MongoSettings {
        uri,
        database: s.db_name.clone(),
        start_timeout: Duration::from_secs(s.db_start_timeout_seconds),
        operation_timeout: Duration::from_millis(s.db_timeout_ms),
    })
}

fn auth_settings(a: &AuthArgs) -> Result<Option<AuthSettings>, SettingsError> {
    if a.auth == Switch::Disabled {
        return Ok(None);
    }
    let secret_key = a.secret_key.clone().unwrap_or_default();
    if secret_key.len() < MIN_SECRET_KEY_BYTES {
        return Err(SettingsError(format!(
            "AUTH=ENABLED needs SECRET_KEY of at least {MIN_SECRET_KEY_BYTES} bytes (it is {})",
            secret_key.len()
        )));
    }
    let admin_password = a.admin_password.clone().unwrap_or_default();
    check_password(&admin_password).map_err(|e| SettingsError(format!("ADMIN_PASSWORD: {e} (AUTH=ENABLED needs it)")))?;
    Ok(Some(AuthSettings { secret_key, admin_password, token_ttl: Duration::from_secs(a.token_expiry_minutes * 60) }))
}

fn mib(n: u64) -> usize {
    (n as usize).saturating_mul(1 << 20)
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_map(&std::env::vars().collect())
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, SettingsError> {
        Self::from_cli(Cli::parse_from_map([], vars)?, vars)
    }

    /// `vars` gives the defaults that depend on the environment (the home and XDG folders).
    pub fn from_cli(cli: Cli, vars: &HashMap<String, String>) -> Result<Self, SettingsError> {
        let Cli { server, storage, auth, cache, sandbox, logging, .. } = cli;
        let defaults = Limits::default();
        let limits = Limits {
            timeout: Duration::from_millis(sandbox.sandbox_timeout_ms),
            memory_bytes: mib(sandbox.sandbox_memory_mb),
            python_memory_bytes: mib(sandbox.sandbox_python_memory_mb),
            max_states: sandbox.sandbox_max_states as usize,
            max_output_bytes: sandbox.sandbox_max_output_bytes as usize,
            concurrency: sandbox.sandbox_concurrency.map_or(defaults.concurrency, |n| n as usize),
            program_cache_bytes: mib(sandbox.sandbox_program_cache_mb),
            max_program_bytes: sandbox.max_program_bytes as usize,
            ..defaults
        };
        let python_cache = sandbox
            .python_runtime_cache
            .clone()
            .unwrap_or_else(|| home_folder(vars, "XDG_CACHE_HOME", ".cache/argorithm-server", "argorithm-cache"));
        let python = match sandbox.python_runtime.as_deref() {
            Some(v) if v.eq_ignore_ascii_case("DISABLED") => PythonSetup::disabled("PYTHON_RUNTIME=DISABLED"),
            Some(path) => PythonSetup::from_file(PathBuf::from(path), python_cache),
            None => PythonSetup::built_in(python_cache),
        };
        let cache_settings = (cache.caching == Switch::Enabled).then(|| CacheSettings {
            host: cache.redis_host.clone(),
            port: cache.redis_port,
            password: cache.redis_password.clone(),
            timeout: Duration::from_millis(cache.redis_timeout_ms),
            ttl: Duration::from_secs(cache.cache_ttl_seconds),
        });
        let mongo = match storage.database {
            DatabaseKind::Mongo => Some(mongo_settings(&storage)?),
            DatabaseKind::Sqlite => None,
        };
        Ok(Settings {
            host: server.host,
            port: server.port,
            storage_folder: storage
                .storage_folder
                .clone()
                .unwrap_or_else(|| home_folder(vars, "XDG_DATA_HOME", ".local/share/argorithm-server", "argorithm-data")),
            database: storage.database,
            auth_enabled: auth.auth == Switch::Enabled,
            auth: auth_settings(&auth)?,
            metrics_token: server.metrics_token,
            admin_email: auth.admin_email,
            bcrypt_cost: auth.bcrypt_cost,
            max_upload_bytes: server.max_upload_bytes as usize,
            sandbox: limits,
            python,
            examples: server.examples,
            share_source: server.source == Switch::Enabled,
            log_files: LogFiles { max_bytes: logging.log_max_bytes as usize, keep: logging.log_files },
            http: HttpLimits {
                connections: ConnectionLimits {
                    max_connections: server.max_connections as usize,
                    head_timeout: Duration::from_secs(server.head_timeout_seconds),
                    idle_timeout: Duration::from_secs(server.idle_timeout_seconds),
                    busy_timeout: Duration::from_secs(server.busy_timeout_seconds),
                    send_timeout: Duration::from_secs(server.send_timeout_seconds),
                    answer_buffer_bytes: mib(server.answer_buffer_mb),
                },
                body_timeout: Duration::from_secs(server.body_timeout_seconds),
                body_stall: Duration::from_secs(server.body_stall_seconds),
                body_buffer_bytes: mib(server.max_body_buffer_mb),
            },
            queue_wait: Duration::from_millis(sandbox.sandbox_queue_wait_ms),
            compile_concurrency: sandbox.sandbox_compile_concurrency as usize,
            client_share: sandbox.sandbox_client_share as f64 / 100.0,
            trusted_proxies: server.trusted_proxies.unwrap_or_default(),
            example_cache_bytes: sandbox.example_cache_mb.saturating_mul(1 << 20),
            cache: cache_settings,
            mongo,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_map(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn no_environment_gives_the_embedded_defaults() {
        let s = with(&[("HOME", "/home/x")]).unwrap();
        assert_eq!(s.port, 8000);
        assert_eq!(s.database, DatabaseKind::Sqlite);
        assert!(!s.auth_enabled);
        assert_eq!(s.storage_folder, PathBuf::from("/home/x/.local/share/argorithm-server"));
        assert_eq!(s.sandbox.timeout, Duration::from_millis(2000));
        assert_eq!(s.sandbox, Limits { concurrency: s.sandbox.concurrency, ..Limits::default() }, "one default, declared once");
    }

    #[test]
    fn an_unknown_database_is_refused_by_name() {
        let e = with(&[("DATABASE", "ORACLE")]).unwrap_err();
        assert_eq!(e.0, "DATABASE=\"ORACLE\" is not one of SQLITE, MONGO");
    }

    #[test]
    fn a_port_that_is_not_a_number_is_refused_by_name() {
        assert!(with(&[("PORT", "x")]).unwrap_err().0.starts_with("PORT=\"x\""));
    }

    #[test]
    fn a_zero_timeout_is_refused() {
        let e = with(&[("SANDBOX_TIMEOUT_MS", "0")]).unwrap_err().0;
        assert_eq!(e, "SANDBOX_TIMEOUT_MS=\"0\" is not valid: it must be greater than 0");
    }

    #[test]
    fn a_blank_value_counts_as_unset_and_the_process_environment_is_not_read() {
        let s = with(&[("PORT", "  "), ("DATABASE", "")]).unwrap();
        assert_eq!((s.port, s.database), (8000, DatabaseKind::Sqlite));
    }

    #[test]
    fn choices_ignore_case() {
        assert!(with(&[("AUTH", "disabled"), ("CACHING", "Disabled")]).is_ok());
    }

    #[test]
    fn caching_reads_the_redis_variables() {
        let s = with(&[("CACHING", "enabled"), ("REDIS_HOST", "cache"), ("REDIS_PORT", "6380"), ("REDIS_PASSWORD", "pw")]).unwrap();
        let c = s.cache.expect("cache settings");
        assert_eq!((c.host.as_str(), c.port, c.password.as_deref()), ("cache", 6380, Some("pw")));
        assert_eq!(c.timeout, Duration::from_millis(100));
        assert!(with(&[]).unwrap().cache.is_none());
        assert!(with(&[("CACHING", "ENABLED"), ("REDIS_TIMEOUT_MS", "0")]).unwrap_err().0.contains("REDIS_TIMEOUT_MS"));
    }

    #[test]
    fn mongo_uri_is_built_from_the_legacy_variables() {
        let m = with(&[("DATABASE", "MONGO"), ("DB_ENDPOINT", "db"), ("DB_PORT", "27018"), ("DB_USERNAME", "ann"), ("DB_PASSWORD", "p@ss:w/rd")])
            .unwrap()
            .mongo
            .unwrap();
        assert_eq!(m.uri, "mongodb://ann:p%40ss%3Aw%2Frd@db:27018");
        assert_eq!(m.redacted_uri(), "mongodb://***@db:27018");
        assert_eq!(m.database, "argorithm");
        let m = with(&[("DATABASE", "MONGO")]).unwrap().mongo.unwrap();
        assert_eq!(m.uri, "mongodb://localhost:27017");
    }

    #[test]
    fn a_full_mongo_uri_is_used_as_it_is() {
        let atlas = "mongodb+srv://u:p@cluster0.example.net/?retryWrites=true";
        let m = with(&[("DATABASE", "MONGO"), ("DB_ENDPOINT", atlas), ("DB_PORT", "1")]).unwrap().mongo.unwrap();
        assert_eq!(m.uri, atlas);
        assert!(with(&[("DATABASE", "MONGO"), ("DB_NAME", "a.b")]).unwrap_err().0.contains("DB_NAME"));
    }

    #[test]
    fn auth_without_a_long_secret_key_is_refused() {
        let e = with(&[("AUTH", "ENABLED"), ("ADMIN_PASSWORD", "password1")]).unwrap_err();
        assert!(e.0.contains("SECRET_KEY"), "{e}");
        let e = with(&[("AUTH", "ENABLED"), ("SECRET_KEY", "short"), ("ADMIN_PASSWORD", "password1")]).unwrap_err();
        assert!(e.0.contains("at least 32 bytes"), "{e}");
    }

    #[test]
    fn auth_needs_an_admin_password_bcrypt_can_hold() {
        let key = "k".repeat(40);
        let e = with(&[("AUTH", "ENABLED"), ("SECRET_KEY", &key)]).unwrap_err();
        assert!(e.0.contains("ADMIN_PASSWORD"), "{e}");
        let long = "p".repeat(73);
        let e = with(&[("AUTH", "ENABLED"), ("SECRET_KEY", &key), ("ADMIN_PASSWORD", &long)]).unwrap_err();
        assert!(e.0.contains("72 bytes"), "{e}");
        let s = with(&[("AUTH", "ENABLED"), ("SECRET_KEY", &key), ("ADMIN_PASSWORD", "password1"), ("ADMIN_EMAIL", "Root@Example.org")]).unwrap();
        assert_eq!(s.admin_email, "root@example.org");
        assert!(s.auth.is_some());
    }

    #[test]
    fn secrets_are_never_shown() {
        let help = Cli::command().render_long_help().to_string();
        for secret in ["SECRET_KEY", "ADMIN_PASSWORD", "DB_PASSWORD", "REDIS_PASSWORD", "METRICS_TOKEN"] {
            let arg = Cli::command().get_arguments().find(|a| a.get_env().is_some_and(|e| e == secret)).map(|a| a.is_hide_env_values_set());
            assert_eq!(arg, Some(true), "{secret}'s value would be shown");
        }
        assert!(help.contains("SECRET_KEY"));
        let s = with(&[("AUTH", "ENABLED"), ("SECRET_KEY", &"s".repeat(40)), ("ADMIN_PASSWORD", "hunter2hunter2")]).unwrap();
        assert!(!format!("{s:?}").contains("hunter2"), "Debug leaves secrets out");
    }

    #[test]
    fn the_readme_table_is_made_from_the_declarations() {
        let readme = include_str!("../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's table of variables differs from the declarations; replace it with the output of `cargo run -q -- --print-settings-table`:\n{table}"
        );
    }

    #[test]
    fn help_lists_every_variable_with_its_default() {
        let help = Cli::command().render_help().to_string();
        for v in variables() {
            assert!(help.contains(&v.name), "{} missing from --help", v.name);
            if !v.default.is_empty() {
                assert!(help.contains(&format!("[default: {}]", v.default)), "{}'s default missing from --help", v.name);
            }
        }
    }
}
