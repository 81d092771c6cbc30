//! ARgorithms to play with on a new server: the legacy-form Python examples
//! (`sandbox/python/examples`), compiled into the binary and published at the first start of a
//! new database, so a newcomer finds something at `/` without uploading anything. `EXAMPLES`
//! decides when (`AUTO`: a new SQLite database only, never a production MongoDB).
use crate::state::AppState;
use crate::argorithm_config::{parse_config, ArgorithmConfig};
use crate::settings::Examples;
use std::sync::Arc;
use storage_backends::{NewArgorithm, StorageError};

macro_rules! example {
    ($name:literal) => {
        (
            concat!($name, ".py"),
            include_bytes!(concat!("../sandbox/python/examples/", $name, ".py")).as_slice(),
            include_bytes!(concat!("../sandbox/python/examples/", $name, ".config.json")).as_slice(),
        )
    };
}

/// (file name, source, config) of every bundled example.
pub const BUNDLED: [(&str, &[u8], &[u8]); 6] = [
    example!("bubblesort"),
    example!("fibonacci"),
    example!("infix_to_postfix"),
    example!("grid_bfs"),
    example!("task_scheduler"),
    example!("reverse_list"),
];

/// Publishes the examples as the admin account; returns what the start-up banner says.
pub async fn publish(state: &Arc<AppState>, new_database: bool) -> String {
    match state.settings.examples {
        Examples::Disabled => return "examples: not published (EXAMPLES=DISABLED)".into(),
        Examples::Auto if !new_database => {
            return "examples: not published (EXAMPLES=AUTO publishes them into a new SQLite database only)".into()
        }
        _ => {}
    }
    match state.storage.list_argorithms().await {
        Ok(records) if !records.is_empty() => return "examples: not published (the database has ARgorithms)".into(),
        Err(e) => return format!("examples: not published (storage: {e})"),
        Ok(_) => {}
    }
    if let Err(why) = state.sandbox.sandbox().python_status() {
        return format!("examples: not published (they are Python and Python is off: {why})");
    }
    let mut published = Vec::new();
    for (file, source, config) in BUNDLED {
        match publish_one(state, file, source, config).await {
            Ok(id) => published.push(id),
            Err(why) => tracing::warn!(file, %why, "a bundled example was not published"),
        }
    }
    format!("examples: published {} ({}); EXAMPLES=DISABLED keeps them out", published.len(), published.join(", "))
}

async fn publish_one(state: &Arc<AppState>, file: &str, source: &[u8], config: &[u8]) -> Result<String, String> {
    let config: ArgorithmConfig = parse_config(config)?;
    let compiled = state
        .sandbox
        .compile(crate::client::ClientId::Account(state.settings.admin_email.clone()), file.to_owned(), Arc::new(source.to_vec()), config.function.clone())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let id = config.argorithm_id.clone();
    let new = NewArgorithm {
        argorithm_id: config.argorithm_id,
        maintainer: state.settings.admin_email.clone(),
        filename: config.file,
        function: config.function,
        description: config.description,
        parameters: config.parameters,
        example: config.example,
        module_hash: compiled.hash_hex(),
        module: source.to_vec(),
    };
    match state.storage.insert_argorithm(new).await {
        Ok(()) | Err(StorageError::Conflict) => Ok(id),
        Err(e) => Err(e.to_string()),
    }
}
