//! Builds the application from settings; `main` and the tests both start it through here.
use crate::api;
use crate::body::BodyLimits;
use crate::cache::RunCache;
use crate::example_traces::ExampleTraces;
use crate::list_cache::ListCache;
use crate::metrics::Metrics;
use crate::runs::RunService;
use crate::sandbox_slots::SandboxSlots;
use crate::settings::{DatabaseKind, Settings};
use crate::state::AppState;
use crate::web;
use anyhow::Context;
use poem::{get, EndpointExt, Route};
use sandbox::Sandbox;
use std::sync::Arc;
use storage_backends::mongo::{MongoOptions, MongoStorage};
use storage_backends::sqlite::SqliteStorage;
use storage_backends::{AccountKind, NewAccount, Storage, StorageError};

pub struct Application {
    listener: tokio::net::TcpListener,
    port: u16,
    state: Arc<AppState>,
    /// What happened to the bundled examples, for the banner.
    examples: String,
}

/// The storage, and whether this start created it (a new SQLite file).
async fn open_storage(settings: &Settings) -> anyhow::Result<(Arc<dyn Storage>, bool)> {
    match settings.database {
        DatabaseKind::Sqlite => {
            std::fs::create_dir_all(&settings.storage_folder)
                .with_context(|| format!("cannot create STORAGE_FOLDER {}", settings.storage_folder.display()))?;
            let path = settings.storage_folder.join("argorithm.db");
            let new = !path.exists();
            let storage = SqliteStorage::open(&path).await.with_context(|| format!("cannot open {}", path.display()))?;
            Ok((Arc::new(storage), new))
        }
        DatabaseKind::Mongo => {
            let m = settings.mongo.as_ref().context("DATABASE=MONGO without its settings")?;
            let options = MongoOptions {
                uri: m.uri.clone(),
                database: m.database.clone(),
                operation_timeout: m.operation_timeout,
                start_timeout: m.start_timeout,
                display: m.redacted_uri(),
            };
            let storage = MongoStorage::connect(options).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok((Arc::new(storage), false))
        }
    }
}

/// With AUTH=ENABLED the ADMIN_EMAIL account exists as an admin programmer and as a user.
/// Existing accounts keep their passwords, so starting again changes nothing.
async fn ensure_admin(settings: &Settings, storage: &dyn Storage) -> anyhow::Result<()> {
    let Some(auth) = &settings.auth else { return Ok(()) };
    let email = &settings.admin_email;
    for kind in [AccountKind::Programmer, AccountKind::User] {
        if storage.get_account(kind, email).await.map_err(|e| anyhow::anyhow!("{e}"))?.is_some() {
            continue;
        }
        let (password, cost) = (auth.admin_password.clone(), settings.bcrypt_cost);
        let password_hash = tokio::task::spawn_blocking(move || bcrypt::hash(password, cost)).await??;
        let new = NewAccount {
            email: email.clone(),
            password_hash,
            public_id: uuid::Uuid::new_v4().to_string(),
            is_admin: kind == AccountKind::Programmer,
        };
        match storage.create_account(kind, new).await {
            Ok(()) | Err(StorageError::Conflict) => {}
            Err(e) => anyhow::bail!("cannot create the admin account: {e}"),
        }
    }
    storage.set_admin(email, true).await.map_err(|e| anyhow::anyhow!("cannot make {email} an admin: {e}"))?;
    Ok(())
}

pub fn app(state: Arc<AppState>) -> impl poem::Endpoint {
    let s = &state.settings;
    let gate = Arc::new(web::Gate {
        body: BodyLimits::new(s.max_upload_bytes, s.http.body_timeout, s.http.body_stall, s.http.body_buffer_bytes),
        auth: s.auth.clone(),
        metrics: state.metrics.clone(),
    });
    Route::new()
        .nest("/", api::service())
        .at("/openapi.json", get(web::openapi_json))
        .at("/docs", get(web::docs_redirect))
        .at("/docs/", get(web::docs_index))
        .at("/docs/*path", get(web::docs_file))
        .at("/metrics", get(web::metrics_page))
        .at("/player/:file", get(crate::player::asset))
        .data(state)
        .around(move |ep, req| web::around(ep, req, gate.clone()))
}

impl Application {
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let wanted = settings.http.connections.max_connections;
        settings.http.connections.max_connections = crate::serve::fit_descriptors(wanted);
        if settings.http.connections.max_connections < wanted {
            tracing::warn!(wanted, allowed = settings.http.connections.max_connections, "MAX_CONNECTIONS is over what the open-file limit allows");
        }
        let (storage, new_database) = open_storage(&settings).await?;
        ensure_admin(&settings, storage.as_ref()).await?;
        // Off the async threads: a first start compiles the Python runtime, which takes seconds.
        let (limits, python) = (settings.sandbox.clone(), settings.python.clone());
        let sandbox = tokio::task::spawn_blocking(move || Sandbox::with_python(limits, &python)).await?;
        let sandbox = Arc::new(sandbox.context("cannot start the sandbox")?);
        let slots = Arc::new(SandboxSlots::new(sandbox, settings.queue_wait, settings.compile_concurrency, settings.client_share));
        let addr = (settings.host, settings.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr().context("the listener has no address")?.port();
        let metrics = Metrics::new();
        let cache = match &settings.cache {
            Some(c) => Some(RunCache::new(c.clone(), metrics.clone()).context("cannot set up the Redis cache")?),
            None => None,
        };
        // Other replicas write to a shared MongoDB too: their changes show within a second.
        let list = ListCache::new(match settings.database {
            DatabaseKind::Sqlite => None,
            DatabaseKind::Mongo => Some(std::time::Duration::from_secs(1)),
        });
        let examples = ExampleTraces::new(settings.example_cache_bytes);
        let runs = RunService::new(storage.clone(), cache, slots.clone(), examples, metrics.clone(), settings.queue_wait);
        let state = Arc::new(AppState { settings, storage, runs, sandbox: slots, metrics, list });
        let examples = crate::examples::publish(&state, new_database).await;
        Ok(Application { listener, port, state, examples })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// One line per mode, printed at start.
    pub fn banner(&self) -> Vec<String> {
        let s = &self.state.settings;
        let onoff = |b: bool| if b { "ENABLED" } else { "DISABLED" };
        vec![
            format!("storage: {}", self.state.storage.describe()),
            format!("auth: {}", onoff(s.auth_enabled)),
            match self.state.sandbox.sandbox().python_status() {
                Ok(true) => format!("python: ENABLED (runtime compiled at this start, kept in {})", s.python.cache_dir.display()),
                Ok(false) => format!("python: ENABLED (compiled runtime loaded from {})", s.python.cache_dir.display()),
                Err(why) => format!("python: DISABLED ({why})"),
            },
            match self.state.runs.cache_description() {
                Some(cache) => format!("caching: ENABLED ({cache})"),
                None => "caching: DISABLED".to_owned(),
            },
            format!("metrics: {}", if s.metrics_token.is_some() { "protected by METRICS_TOKEN" } else { "open" }),
            self.examples.clone(),
            format!(
                "connections: at most {}; head {} s, idle {} s, body {} s",
                s.http.connections.max_connections,
                s.http.connections.head_timeout.as_secs(),
                s.http.connections.idle_timeout.as_secs(),
                s.http.body_timeout.as_secs()
            ),
            format!("listening on http://{}:{}", s.host, self.port),
        ]
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let limits = self.state.settings.http.connections;
        let metrics = self.state.metrics.clone();
        crate::serve::serve(self.listener, app(self.state), limits, metrics).await
    }
}
