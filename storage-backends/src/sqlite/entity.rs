use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "argorithms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub argorithm_id: String,
    pub maintainer: String,
    pub filename: String,
    pub function: String,
    pub description: String,
    /// JSON text of the config's `parameters`.
    pub parameters: String,
    /// JSON text of the config's `example`.
    pub example: String,
    pub module_hash: String,
    pub module_size: i64,
    pub module: Vec<u8>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
