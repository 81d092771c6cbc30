//! Every setting, read from the environment in one place. A bad value stops the server at
//! start with one line naming the variable; it never starts half-configured.
use crate::cache::CacheSettings;
use crate::client::TrustedProxies;
use crate::examples::Examples;
use crate::serve::ConnectionLimits;
use crate::telemetry::LogFiles;
use sandbox::{Limits, PythonSetup};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Mongo,
}

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
    /// When the bundled example ARgorithms are published.
    pub examples: Examples,
    /// How `server.log` is rotated.
    pub log_files: LogFiles,
    /// Bounds on connections and request bodies.
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

#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    pub connections: ConnectionLimits,
    pub body_timeout: Duration,
    /// A body that sends no byte for this long is refused.
    pub body_stall: Duration,
    pub body_buffer_bytes: usize,
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

/// Percent-encodes everything but unreserved characters, for credentials inside URLs.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
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

/// The smallest SECRET_KEY accepted: HS256 wants at least 256 bits of key.
pub const MIN_SECRET_KEY_BYTES: usize = 32;

/// Checks an email the way every account route does; returns it lower-cased.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then_some(email)
}

/// At least 8 characters, and at most 72 bytes: bcrypt reads no more, and a longer password
/// would be silently truncated.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        Err("the password must be at least 8 characters long".into())
    } else if password.len() > 72 {
        Err("the password must be at most 72 bytes long (bcrypt's limit)".into())
    } else {
        Ok(())
    }
}

/// (name, default, meaning), printed by `--help` and checked by tests against the README.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    ("HOST", "0.0.0.0", "address to listen on"),
    ("PORT", "8000", "port to listen on (0 picks a free one)"),
    ("STORAGE_FOLDER", "$XDG_DATA_HOME/argorithm-server, else ~/.local/share/argorithm-server", "folder of the SQLite file (argorithm.db) and server.log"),
    ("DATABASE", "SQLITE", "storage backend: SQLITE (embedded) or MONGO (shared by several replicas)"),
    ("AUTH", "DISABLED", "ENABLED requires accounts and tokens; DISABLED lets anyone act as the admin"),
    ("SECRET_KEY", "", "key that signs tokens, at least 32 bytes (required with AUTH=ENABLED)"),
    ("ADMIN_EMAIL", "admin@argorithm.local", "the admin account; with AUTH=DISABLED every action is taken as this email"),
    ("ADMIN_PASSWORD", "", "the admin account's password, at least 8 characters and at most 72 bytes (required with AUTH=ENABLED)"),
    ("TOKEN_EXPIRY_MINUTES", "1440", "how long a login token is valid"),
    ("BCRYPT_COST", "12", "bcrypt work factor for passwords (4 to 31)"),
    ("DB_ENDPOINT", "localhost", "MongoDB host, or a full mongodb:// or mongodb+srv:// URI (used with DATABASE=MONGO)"),
    ("DB_PORT", "27017", "MongoDB port (used with DATABASE=MONGO)"),
    ("DB_USERNAME", "", "MongoDB user (used with DATABASE=MONGO)"),
    ("DB_PASSWORD", "", "MongoDB password (used with DATABASE=MONGO)"),
    ("DB_NAME", "argorithm", "MongoDB database name (used with DATABASE=MONGO)"),
    ("DB_START_TIMEOUT_SECONDS", "60", "how long start-up retries an unreachable MongoDB before exiting"),
    ("DB_TIMEOUT_MS", "3000", "how long a request waits for an unreachable MongoDB before it gets 503"),
    ("CACHING", "DISABLED", "ENABLED caches run results in Redis"),
    ("REDIS_HOST", "localhost", "Redis host (used with CACHING=ENABLED)"),
    ("REDIS_PORT", "6379", "Redis port (used with CACHING=ENABLED)"),
    ("REDIS_PASSWORD", "", "Redis password (used with CACHING=ENABLED)"),
    ("REDIS_TIMEOUT_MS", "100", "longest wait for Redis; slower or failed operations run without the cache"),
    ("CACHE_TTL_SECONDS", "86400", "cached run results expire after this (Redis's LRU may evict them sooner)"),
    ("METRICS_TOKEN", "", "bearer token that protects /metrics; unset leaves it open"),
    ("MAX_UPLOAD_BYTES", "8388608", "largest request body accepted, whatever its framing (413 above it)"),
    ("MAX_CONNECTIONS", "1024", "open client connections at most; one more is answered 503 and closed at once"),
    ("HEAD_TIMEOUT_SECONDS", "10", "time a connection has to send a request head (from its first byte, or from being opened)"),
    ("IDLE_TIMEOUT_SECONDS", "60", "time a kept-alive connection may wait between requests"),
    ("BUSY_TIMEOUT_SECONDS", "60", "time a connection with a request in hand may go without reading or writing a byte"),
    ("BODY_TIMEOUT_SECONDS", "30", "time to receive a whole request body (408 after it)"),
    ("MAX_BODY_BUFFER_MB", "64", "request bodies held in memory at once, all requests together; more wait, then get 503 (a sixteenth is kept for bodies of at most 64 KiB)"),
    ("BODY_STALL_SECONDS", "5", "a request body that sends no byte for this long is refused (408) and its buffer given back"),
    ("ANSWER_BUFFER_MB", "128", "answers over 64 KiB held for clients at once, all together; an answer that does not fit gets 503"),
    ("SEND_TIMEOUT_SECONDS", "10", "a client that reads nothing of its answer for this long is disconnected and the answer freed"),
    ("SANDBOX_CLIENT_SHARE", "50", "percent of the sandbox's slots (and of the upload checks) one client may hold at once, at least one slot; past it, 429"),
    ("TRUSTED_PROXIES", "", "comma-separated addresses or networks of reverse proxies whose X-Forwarded-For names the client"),
    ("EXAMPLE_CACHE_MB", "64", "memory for examples' traces, each computed once per program version"),
    ("SANDBOX_TIMEOUT_MS", "2000", "wall-clock limit of one run"),
    ("SANDBOX_MEMORY_MB", "64", "linear memory limit of one run"),
    ("SANDBOX_MAX_STATES", "20000", "states one run may emit"),
    ("SANDBOX_MAX_OUTPUT_BYTES", "8388608", "bytes of states one run may emit"),
    ("SANDBOX_CONCURRENCY", "number of cores", "runs at once; more wait up to SANDBOX_QUEUE_WAIT_MS, then get 503"),
    ("SANDBOX_QUEUE_WAIT_MS", "1000", "how long a run waits for a free slot"),
    ("SANDBOX_COMPILE_CONCURRENCY", "1", "uploads compiled at once (a large module takes seconds of a core); more wait up to 10 s, then get 503"),
    ("SANDBOX_PROGRAM_CACHE_MB", "256", "memory for compiled programs kept between runs, least recently used dropped first"),
    ("MAX_PROGRAM_BYTES", "4194304", "largest program (a .wasm module or a .py file) accepted at upload (413 above it)"),
    ("SANDBOX_PYTHON_MEMORY_MB", "256", "linear memory limit of one Python run (CPython and its snapshot included)"),
    ("PYTHON_RUNTIME", "the runtime built with the server", "path of the Python runner component; DISABLED turns Python ARgorithms off"),
    ("LOG_MAX_BYTES", "67108864", "server.log is moved to server.log.1 when it passes this size (64 MiB)"),
    ("LOG_FILES", "4", "rotated request logs kept besides server.log (server.log.1 is the newest)"),
    ("EXAMPLES", "AUTO", "AUTO publishes the bundled example ARgorithms into a new SQLite database; ENABLED into any empty database; DISABLED never"),
    ("PYTHON_RUNTIME_CACHE", "$XDG_CACHE_HOME/argorithm-server, else ~/.cache/argorithm-server", "folder where the compiled Python runtime is kept between starts (only the server's user may write it)"),
];

pub fn help_text() -> String {
    let mut out = String::from(
        "argorithm-server: runs ARgorithms (WebAssembly modules and legacy Python files that emit state traces).\n\n\
         Usage: argorithm-server [--help | --print-openapi | --print-python-runtime | --prepare-python-runtime]\n\n\
         --print-openapi           print the OpenAPI document (YAML) and exit\n\
         --print-python-runtime    print the path of the Python runtime this build made, and exit\n\
         --prepare-python-runtime  compile the Python runtime into PYTHON_RUNTIME_CACHE, and exit\n\n\
         Environment variables:\n",
    );
    for (name, default, meaning) in VARIABLES {
        let default = if default.is_empty() { "(unset)" } else { default };
        out.push_str(&format!("  {name:<26} {meaning}\n  {:<26} default: {default}\n", ""));
    }
    out
}

/// One bad variable, named.
#[derive(Debug, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

struct Env<'a>(&'a HashMap<String, String>);

impl Env<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    fn parse<T: std::str::FromStr>(&self, name: &str, default: T, what: &str) -> Result<T, SettingsError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| SettingsError(format!("{name}={v:?} is not {what}"))),
        }
    }

    fn positive(&self, name: &str, default: u64) -> Result<u64, SettingsError> {
        let v = self.parse(name, default, "a whole number")?;
        if v == 0 {
            return Err(SettingsError(format!("{name} must be greater than 0")));
        }
        Ok(v)
    }

    fn choice(&self, name: &str, default: &'static str, choices: &[&'static str]) -> Result<&'static str, SettingsError> {
        let Some(v) = self.get(name) else { return Ok(default) };
        choices.iter().find(|c| c.eq_ignore_ascii_case(v)).copied().ok_or_else(|| {
            SettingsError(format!("{name}={v:?} is not one of {}", choices.join(", ")))
        })
    }
}

fn default_cache_folder(env: &Env) -> PathBuf {
    if let Some(xdg) = env.get("XDG_CACHE_HOME") {
        return PathBuf::from(xdg).join("argorithm-server");
    }
    match env.get("HOME") {
        Some(home) => PathBuf::from(home).join(".cache/argorithm-server"),
        None => PathBuf::from("argorithm-cache"),
    }
}

fn python_setup(env: &Env) -> PythonSetup {
    let cache = env.get("PYTHON_RUNTIME_CACHE").map(PathBuf::from).unwrap_or_else(|| default_cache_folder(env));
    match env.get("PYTHON_RUNTIME") {
        Some(v) if v.eq_ignore_ascii_case("DISABLED") => PythonSetup::disabled("PYTHON_RUNTIME=DISABLED"),
        Some(path) => PythonSetup::from_file(PathBuf::from(path), cache),
        None => PythonSetup::built_in(cache),
    }
}

fn default_storage_folder(env: &Env) -> PathBuf {
    if let Some(xdg) = env.get("XDG_DATA_HOME") {
        return PathBuf::from(xdg).join("argorithm-server");
    }
    match env.get("HOME") {
        Some(home) => PathBuf::from(home).join(".local/share/argorithm-server"),
        None => PathBuf::from("argorithm-data"),
    }
}

/// The legacy rule: an endpoint that is already a URI (Atlas) is used as it is; otherwise the
/// URI is built from host, port and credentials.
fn mongo_settings(env: &Env) -> Result<MongoSettings, SettingsError> {
    let endpoint = env.get("DB_ENDPOINT").unwrap_or("localhost");
    let uri = if endpoint.starts_with("mongodb://") || endpoint.starts_with("mongodb+srv://") {
        endpoint.to_owned()
    } else {
        let port: u16 = env.parse("DB_PORT", 27017, "a port number (0-65535)")?;
        let credentials = match (env.get("DB_USERNAME"), env.get("DB_PASSWORD")) {
            (Some(user), password) => format!("{}:{}@", url_encode(user), url_encode(password.unwrap_or(""))),
            (None, Some(_)) => return Err(SettingsError("DB_PASSWORD is set but DB_USERNAME is not".into())),
            (None, None) => String::new(),
        };
        format!("mongodb://{credentials}{endpoint}:{port}")
    };
    let database = env.get("DB_NAME").unwrap_or("argorithm").to_owned();
    if database.contains(['/', '\\', '.', ' ', '"', '$']) || database.len() > 63 {
        return Err(SettingsError(format!("DB_NAME={database:?} is not a usable MongoDB database name")));
    }
    Ok(MongoSettings {
        uri,
        database,
        start_timeout: Duration::from_secs(env.parse("DB_START_TIMEOUT_SECONDS", 60, "a whole number")?),
        operation_timeout: Duration::from_millis(env.positive("DB_TIMEOUT_MS", 3000)?),
    })
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_map(&std::env::vars().collect())
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, SettingsError> {
        let env = Env(vars);
        let defaults = Limits::default();
        let database = match env.choice("DATABASE", "SQLITE", &["SQLITE", "MONGO"])? {
            "MONGO" => DatabaseKind::Mongo,
            _ => DatabaseKind::Sqlite,
        };
        let auth_enabled = env.choice("AUTH", "DISABLED", &["ENABLED", "DISABLED"])? == "ENABLED";
        let caching_enabled = env.choice("CACHING", "DISABLED", &["ENABLED", "DISABLED"])? == "ENABLED";
        let admin_email = match env.get("ADMIN_EMAIL") {
            None => "admin@argorithm.local".to_owned(),
            Some(e) => normalize_email(e).ok_or_else(|| SettingsError(format!("ADMIN_EMAIL={e:?} is not an email address")))?,
        };
        let auth = if auth_enabled {
            let secret_key = env.get("SECRET_KEY").unwrap_or_default().to_owned();
            if secret_key.len() < MIN_SECRET_KEY_BYTES {
                return Err(SettingsError(format!(
                    "AUTH=ENABLED needs SECRET_KEY of at least {MIN_SECRET_KEY_BYTES} bytes (it is {})",
                    secret_key.len()
                )));
            }
            let admin_password = env.get("ADMIN_PASSWORD").unwrap_or_default().to_owned();
            check_password(&admin_password).map_err(|e| SettingsError(format!("ADMIN_PASSWORD: {e} (AUTH=ENABLED needs it)")))?;
            let minutes = env.positive("TOKEN_EXPIRY_MINUTES", 1440)?;
            Some(AuthSettings { secret_key, admin_password, token_ttl: Duration::from_secs(minutes * 60) })
        } else {
            None
        };
        let bcrypt_cost = env.parse("BCRYPT_COST", 12u32, "a whole number")?;
        if !(4..=31).contains(&bcrypt_cost) {
            return Err(SettingsError(format!("BCRYPT_COST={bcrypt_cost} must be between 4 and 31")));
        }
        let cache = if caching_enabled {
            Some(CacheSettings {
                host: env.get("REDIS_HOST").unwrap_or("localhost").to_owned(),
                port: env.parse("REDIS_PORT", 6379, "a port number (0-65535)")?,
                password: env.get("REDIS_PASSWORD").map(str::to_owned),
                timeout: Duration::from_millis(env.positive("REDIS_TIMEOUT_MS", 100)?),
                ttl: Duration::from_secs(env.positive("CACHE_TTL_SECONDS", 86400)?),
            })
        } else {
            None
        };
        let mongo = if database == DatabaseKind::Mongo { Some(mongo_settings(&env)?) } else { None };
        let sandbox = Limits {
            timeout: Duration::from_millis(env.positive("SANDBOX_TIMEOUT_MS", 2000)?),
            memory_bytes: (env.positive("SANDBOX_MEMORY_MB", 64)? as usize).saturating_mul(1 << 20),
            max_states: env.positive("SANDBOX_MAX_STATES", defaults.max_states as u64)? as usize,
            max_output_bytes: env.positive("SANDBOX_MAX_OUTPUT_BYTES", defaults.max_output_bytes as u64)? as usize,
            concurrency: env.positive("SANDBOX_CONCURRENCY", defaults.concurrency as u64)? as usize,
            python_memory_bytes: (env.positive("SANDBOX_PYTHON_MEMORY_MB", (defaults.python_memory_bytes >> 20) as u64)? as usize)
                .saturating_mul(1 << 20),
            program_cache_bytes: (env.positive("SANDBOX_PROGRAM_CACHE_MB", (defaults.program_cache_bytes >> 20) as u64)? as usize)
                .saturating_mul(1 << 20),
            max_program_bytes: env.positive("MAX_PROGRAM_BYTES", defaults.max_program_bytes as u64)? as usize,
            ..defaults
        };
        for (name, bytes) in [("SANDBOX_MEMORY_MB", sandbox.memory_bytes), ("SANDBOX_PYTHON_MEMORY_MB", sandbox.python_memory_bytes)] {
            if bytes > 4 << 30 {
                return Err(SettingsError(format!("{name} must be at most 4096 (wasm32's limit)")));
            }
        }
        Ok(Settings {
            host: env.parse("HOST", IpAddr::from([0, 0, 0, 0]), "an IP address")?,
            port: env.parse("PORT", 8000, "a port number (0-65535)")?,
            storage_folder: env.get("STORAGE_FOLDER").map(PathBuf::from).unwrap_or_else(|| default_storage_folder(&env)),
            database,
            auth_enabled,
            metrics_token: env.get("METRICS_TOKEN").map(str::to_owned),
            admin_email,
            max_upload_bytes: env.positive("MAX_UPLOAD_BYTES", 8 << 20)? as usize,
            sandbox,
            python: python_setup(&env),
            http: HttpLimits {
                connections: ConnectionLimits {
                    max_connections: env.positive("MAX_CONNECTIONS", 1024)? as usize,
                    head_timeout: Duration::from_secs(env.positive("HEAD_TIMEOUT_SECONDS", 10)?),
                    idle_timeout: Duration::from_secs(env.positive("IDLE_TIMEOUT_SECONDS", 60)?),
                    busy_timeout: Duration::from_secs(env.positive("BUSY_TIMEOUT_SECONDS", 60)?),
                    send_timeout: Duration::from_secs(env.positive("SEND_TIMEOUT_SECONDS", 10)?),
                    answer_buffer_bytes: (env.positive("ANSWER_BUFFER_MB", 128)? as usize).saturating_mul(1 << 20),
                },
                body_timeout: Duration::from_secs(env.positive("BODY_TIMEOUT_SECONDS", 30)?),
                body_stall: Duration::from_secs(env.positive("BODY_STALL_SECONDS", 5)?),
                body_buffer_bytes: (env.positive("MAX_BODY_BUFFER_MB", 64)? as usize).saturating_mul(1 << 20),
            },
            log_files: LogFiles {
                max_bytes: env.positive("LOG_MAX_BYTES", 64 << 20)? as usize,
                keep: env.parse("LOG_FILES", 4, "a whole number")?,
            },
            examples: match env.choice("EXAMPLES", "AUTO", &["AUTO", "ENABLED", "DISABLED"])? {
                "ENABLED" => Examples::Enabled,
                "DISABLED" => Examples::Disabled,
                _ => Examples::Auto,
            },
            queue_wait: Duration::from_millis(env.parse("SANDBOX_QUEUE_WAIT_MS", 1000, "a whole number")?),
            compile_concurrency: env.positive("SANDBOX_COMPILE_CONCURRENCY", 1)? as usize,
            client_share: {
                let percent = env.positive("SANDBOX_CLIENT_SHARE", 50)?;
                if percent > 100 {
                    return Err(SettingsError(format!("SANDBOX_CLIENT_SHARE={percent} must be at most 100")));
                }
                percent as f64 / 100.0
            },
            trusted_proxies: TrustedProxies::parse(env.get("TRUSTED_PROXIES").unwrap_or(""))
                .map_err(|e| SettingsError(format!("TRUSTED_PROXIES: {e}")))?,
            example_cache_bytes: env.positive("EXAMPLE_CACHE_MB", 64)?.saturating_mul(1 << 20),
            auth,
            bcrypt_cost,
            cache,
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
        assert!(with(&[("SANDBOX_TIMEOUT_MS", "0")]).unwrap_err().0.contains("SANDBOX_TIMEOUT_MS"));
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
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(normalize_email(" Ann@Example.COM "), Some("ann@example.com".into()));
        for bad in ["ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@example.com."] {
            assert_eq!(normalize_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_readme_documents_every_variable() {
        let readme = include_str!("../README.md");
        for (name, _, _) in VARIABLES {
            assert!(readme.contains(&format!("`{name}`")), "{name} missing from README.md");
        }
    }

    #[test]
    fn help_lists_every_variable() {
        let help = help_text();
        for (name, _, _) in VARIABLES {
            assert!(help.contains(name), "{name} missing from --help");
        }
    }
}
