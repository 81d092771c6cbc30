use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, blob, string, text};

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateArgorithms)]
    }
}

#[derive(DeriveIden)]
enum Argorithms {
    Table,
    ArgorithmId,
    Maintainer,
    Filename,
    Function,
    Description,
    Parameters,
    Example,
    ModuleHash,
    ModuleSize,
    Module,
    CreatedAt,
    UpdatedAt,
}

struct CreateArgorithms;

impl MigrationName for CreateArgorithms {
    fn name(&self) -> &str {
        "m0001_create_argorithms"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateArgorithms {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Argorithms::Table)
                    .if_not_exists()
                    .col(string(Argorithms::ArgorithmId).primary_key())
                    .col(string(Argorithms::Maintainer))
                    .col(string(Argorithms::Filename))
                    .col(string(Argorithms::Function))
                    .col(text(Argorithms::Description))
                    .col(text(Argorithms::Parameters))
                    .col(text(Argorithms::Example))
                    .col(string(Argorithms::ModuleHash))
                    .col(big_integer(Argorithms::ModuleSize))
                    .col(blob(Argorithms::Module))
                    .col(big_integer(Argorithms::CreatedAt))
                    .col(big_integer(Argorithms::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Argorithms::Table).to_owned()).await
    }
}
