//! MongoDB backend, so several server replicas can share one database.
//!
//! Every write is a single-document operation (atomic in MongoDB), so an outage can fail a
//! write but never leave half of one. Flags (`is_admin`, `blacklisted`) are changed by
//! replacing the whole document under an optimistic check rather than by `$set`, which also
//! keeps their BSON type on servers that coerce `$set` booleans (nx-27017 does).
mod accounts;
mod convert;

use crate::model::now;
use crate::{AccountKind, ArgorithmRecord, ModuleBlob, NewArgorithm, Storage, StorageError};
use async_trait::async_trait;
use convert::{argorithm_doc, record, BinaryField};
use futures_util::TryStreamExt;
use mongodb::bson::{doc, Document};
use mongodb::error::{ErrorKind, WriteFailure};
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Collection, Database, IndexModel};
use std::time::{Duration, Instant};

/// How to reach the database.
#[derive(Clone)]
pub struct MongoOptions {
    /// `mongodb://` or `mongodb+srv://`, credentials included.
    pub uri: String,
    pub database: String,
    /// How long one operation waits for a reachable server before it fails.
    pub operation_timeout: Duration,
    /// How long `connect` keeps retrying an unreachable server.
    pub start_timeout: Duration,
    /// Shown in logs instead of the URI, which may hold a password.
    pub display: String,
}

pub struct MongoStorage {
    db: Database,
    display: String,
}

const ARGORITHMS: &str = "argorithms";

fn collection_of(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Programmer => "programmers",
        AccountKind::User => "users",
    }
}

/// Duplicate keys are conflicts; everything else is an outage whose cause is for logs only.
pub(crate) fn classify(e: mongodb::error::Error) -> StorageError {
    const DUPLICATE_KEY: i32 = 11000;
    let duplicate = match e.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(w)) => w.code == DUPLICATE_KEY,
        ErrorKind::Command(c) => c.code == DUPLICATE_KEY,
        ErrorKind::InsertMany(m) => m.write_errors.iter().flatten().any(|w| w.code == DUPLICATE_KEY),
        _ => false,
    };
    if duplicate {
        StorageError::Conflict
    } else {
        StorageError::Unavailable(e.to_string())
    }
}

/// A write that matched nothing named a record that does not exist.
pub(crate) fn found(matched: u64) -> Result<(), StorageError> {
    if matched == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

impl MongoStorage {
    /// Connects, checks the server answers and creates the unique indexes, retrying with
    /// backoff for up to `start_timeout` while the server is unreachable.
    pub async fn connect(options: MongoOptions) -> Result<Self, StorageError> {
        let mut client_options = ClientOptions::parse(&options.uri)
            .await
            .map_err(|e| StorageError::Unavailable(format!("bad MongoDB URI: {e}")))?;
        client_options.app_name = Some("argorithm-server".into());
        client_options.server_selection_timeout = Some(options.operation_timeout);
        client_options.connect_timeout = Some(options.operation_timeout);
        let client = Client::with_options(client_options).map_err(classify)?;
        let storage = MongoStorage { db: client.database(&options.database), display: options.display.clone() };
        let deadline = Instant::now() + options.start_timeout;
        let mut pause = Duration::from_millis(250);
        loop {
            let e = match storage.prepare().await {
                Ok(()) => return Ok(storage),
                Err(e) => e,
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(StorageError::Unavailable(format!(
                    "MongoDB at {} was not reachable within {} s: {e}",
                    options.display,
                    options.start_timeout.as_secs()
                )));
            }
            tracing::warn!(database = %options.display, error = %e, retry_in_ms = pause.min(left).as_millis() as u64, "MongoDB is not reachable yet");
            tokio::time::sleep(pause.min(left)).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }

    async fn prepare(&self) -> Result<(), StorageError> {
        self.db.run_command(doc! { "ping": 1 }).await.map_err(classify)?;
        let unique = |key: &str| {
            IndexModel::builder()
                .keys(doc! { key: 1 })
                .options(IndexOptions::builder().unique(true).build())
                .build()
        };
        self.argorithms().create_index(unique("argorithmID")).await.map_err(classify)?;
        for kind in [AccountKind::Programmer, AccountKind::User] {
            self.accounts(kind).create_index(unique("email")).await.map_err(classify)?;
        }
        Ok(())
    }

    fn argorithms(&self) -> Collection<Document> {
        self.db.collection(ARGORITHMS)
    }

    pub(crate) fn accounts(&self, kind: AccountKind) -> Collection<Document> {
        self.db.collection(collection_of(kind))
    }
}

#[async_trait]
impl Storage for MongoStorage {
    async fn insert_argorithm(&self, new: NewArgorithm) -> Result<(), StorageError> {
        let t = now();
        self.argorithms().insert_one(argorithm_doc(new, t, t)).await.map_err(classify)?;
        Ok(())
    }

    async fn update_argorithm(&self, new: NewArgorithm) -> Result<(), StorageError> {
        let filter = doc! { "argorithmID": &new.argorithm_id };
        let mut fields = argorithm_doc(new, 0, now());
        // The maintainer and creation time stay as they were.
        fields.remove("maintainer");
        fields.remove("created_at");
        let result = self.argorithms().update_one(filter, doc! { "$set": fields }).await.map_err(classify)?;
        found(result.matched_count)
    }

    async fn delete_argorithm(&self, argorithm_id: &str) -> Result<(), StorageError> {
        let result = self.argorithms().delete_one(doc! { "argorithmID": argorithm_id }).await.map_err(classify)?;
        found(result.deleted_count)
    }

    async fn get_argorithm(&self, argorithm_id: &str) -> Result<Option<ArgorithmRecord>, StorageError> {
        let found = self
            .argorithms()
            .find_one(doc! { "argorithmID": argorithm_id })
            .projection(doc! { "module": 0 })
            .await
            .map_err(classify)?;
        found.as_ref().map(record).transpose()
    }

    async fn list_argorithms(&self) -> Result<Vec<ArgorithmRecord>, StorageError> {
        let docs: Vec<Document> = self
            .argorithms()
            .find(doc! {})
            .projection(doc! { "module": 0 })
            .sort(doc! { "argorithmID": 1 })
            .await
            .map_err(classify)?
            .try_collect()
            .await
            .map_err(classify)?;
        docs.iter().map(record).collect()
    }

    async fn get_module(&self, argorithm_id: &str) -> Result<Option<ModuleBlob>, StorageError> {
        let found = self
            .argorithms()
            .find_one(doc! { "argorithmID": argorithm_id })
            .projection(doc! { "module": 1, "module_hash": 1, "argorithmID": 1 })
            .await
            .map_err(classify)?;
        let Some(d) = found else { return Ok(None) };
        Ok(Some(ModuleBlob { hash: d.string("module_hash")?, bytes: d.binary("module")? }))
    }

    fn describe(&self) -> String {
        format!("MongoDB at {} (database {})", self.display, self.db.name())
    }
}
