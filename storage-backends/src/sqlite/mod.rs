//! The embedded default backend: one SQLite file, reached through sea-orm.
mod account_entity;
mod accounts;
mod entity;
mod migration;
mod records;

use crate::model::now;
use crate::{ArgorithmRecord, ModuleBlob, NewArgorithm, Storage, StorageError};
use async_trait::async_trait;
use entity::{Column, Entity};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectOptions, Database, DatabaseConnection, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use sea_orm_migration::MigratorTrait;
use std::path::Path;

pub struct SqliteStorage {
    pub(crate) db: DatabaseConnection,
    path: String,
    records: records::RecordCache,
}

impl SqliteStorage {
    /// Opens (creating if needed) the database file and runs pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut options = ConnectOptions::new(url);
        options.max_connections(8).sqlx_logging(false);
        let db = Database::connect(options).await.map_err(unavailable)?;
        migration::Migrator::up(&db, None).await.map_err(unavailable)?;
        Ok(SqliteStorage { db, path: path.display().to_string(), records: Default::default() })
    }
}

/// Every database error goes through here: unique violations are conflicts, the rest is an
/// outage whose cause is logged by the caller, never shown to clients.
pub(crate) fn classify(e: DbErr) -> StorageError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => StorageError::Conflict,
        _ => unavailable(e),
    }
}

/// Writes that name a row which does not exist change nothing: that is a `NotFound`.
pub(crate) fn found(rows_affected: u64) -> Result<(), StorageError> {
    if rows_affected == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

fn unavailable(e: DbErr) -> StorageError {
    StorageError::Unavailable(e.to_string())
}

#[derive(FromQueryResult)]
struct Meta {
    argorithm_id: String,
    maintainer: String,
    filename: String,
    function: String,
    description: String,
    parameters: String,
    example: String,
    module_hash: String,
    module_size: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<Meta> for ArgorithmRecord {
    type Error = StorageError;
    fn try_from(m: Meta) -> Result<Self, StorageError> {
        let json = |text: &str, what: &str| {
            serde_json::from_str(text)
                .map_err(|e| StorageError::Corrupt(format!("{} {what}: {e}", m.argorithm_id)))
        };
        Ok(ArgorithmRecord {
            parameters: json(&m.parameters, "parameters")?,
            example: json(&m.example, "example")?,
            argorithm_id: m.argorithm_id,
            maintainer: m.maintainer,
            filename: m.filename,
            function: m.function,
            description: m.description,
            module_hash: m.module_hash,
            module_size: m.module_size,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

const META_COLUMNS: [Column; 11] = [
    Column::ArgorithmId,
    Column::Maintainer,
    Column::Filename,
    Column::Function,
    Column::Description,
    Column::Parameters,
    Column::Example,
    Column::ModuleHash,
    Column::ModuleSize,
    Column::CreatedAt,
    Column::UpdatedAt,
];

#[async_trait]
impl Storage for SqliteStorage {
    async fn insert_argorithm(&self, new: NewArgorithm) -> Result<(), StorageError> {
        let t = now();
        let id = new.argorithm_id.clone();
        let row = entity::ActiveModel {
            argorithm_id: Set(new.argorithm_id),
            maintainer: Set(new.maintainer),
            filename: Set(new.filename),
            function: Set(new.function),
            description: Set(new.description),
            parameters: Set(new.parameters.to_string()),
            example: Set(new.example.to_string()),
            module_hash: Set(new.module_hash),
            module_size: Set(new.module.len() as i64),
            module: Set(new.module),
            created_at: Set(t),
            updated_at: Set(t),
        };
        let result = Entity::insert(row).exec_without_returning(&self.db).await;
        self.records.forget(&id);
        result.map_err(classify)?;
        Ok(())
    }

    async fn update_argorithm(&self, new: NewArgorithm) -> Result<(), StorageError> {
        let id = new.argorithm_id.clone();
        let result = Entity::update_many()
            .col_expr(Column::Filename, Expr::value(new.filename))
            .col_expr(Column::Function, Expr::value(new.function))
            .col_expr(Column::Description, Expr::value(new.description))
            .col_expr(Column::Parameters, Expr::value(new.parameters.to_string()))
            .col_expr(Column::Example, Expr::value(new.example.to_string()))
            .col_expr(Column::ModuleHash, Expr::value(new.module_hash))
            .col_expr(Column::ModuleSize, Expr::value(new.module.len() as i64))
            .col_expr(Column::Module, Expr::value(new.module))
            .col_expr(Column::UpdatedAt, Expr::value(now()))
            .filter(Column::ArgorithmId.eq(new.argorithm_id))
            .exec(&self.db)
            .await;
        self.records.forget(&id);
        found(result.map_err(classify)?.rows_affected)
    }

    async fn delete_argorithm(&self, argorithm_id: &str) -> Result<(), StorageError> {
        let result = Entity::delete_by_id(argorithm_id.to_owned()).exec(&self.db).await;
        self.records.forget(argorithm_id);
        found(result.map_err(classify)?.rows_affected)
    }

    async fn get_argorithm(&self, argorithm_id: &str) -> Result<Option<ArgorithmRecord>, StorageError> {
        let generation = match self.records.get(argorithm_id) {
            Ok(hit) => return Ok(Some(hit)),
            Err(generation) => generation,
        };
        let row = Entity::find_by_id(argorithm_id.to_owned())
            .select_only()
            .columns(META_COLUMNS)
            .into_model::<Meta>()
            .one(&self.db)
            .await
            .map_err(classify)?;
        let record = row.map(ArgorithmRecord::try_from).transpose()?;
        if let Some(record) = &record {
            self.records.keep(generation, record);
        }
        Ok(record)
    }

    async fn list_argorithms(&self) -> Result<Vec<ArgorithmRecord>, StorageError> {
        let rows = Entity::find()
            .select_only()
            .columns(META_COLUMNS)
            .order_by_asc(Column::ArgorithmId)
            .into_model::<Meta>()
            .all(&self.db)
            .await
            .map_err(classify)?;
        rows.into_iter().map(ArgorithmRecord::try_from).collect()
    }

    async fn get_module(&self, argorithm_id: &str) -> Result<Option<ModuleBlob>, StorageError> {
        let row = Entity::find_by_id(argorithm_id.to_owned()).one(&self.db).await.map_err(classify)?;
        Ok(row.map(|r| ModuleBlob { hash: r.module_hash, bytes: r.module }))
    }

    fn describe(&self) -> String {
        format!("SQLite at {}", self.path)
    }
}
