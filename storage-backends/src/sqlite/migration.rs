use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, blob, boolean, pk_auto, string, text};

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(CreateArgorithms), Box::new(CreateAccounts)]
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

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Kind,
    Email,
    PasswordHash,
    PublicId,
    IsAdmin,
    Blacklisted,
    CreatedAt,
}

struct CreateAccounts;

impl MigrationName for CreateAccounts {
    fn name(&self) -> &str {
        "m0002_create_accounts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for CreateAccounts {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .if_not_exists()
                    .col(pk_auto(Accounts::Id))
                    .col(string(Accounts::Kind))
                    .col(string(Accounts::Email))
                    .col(string(Accounts::PasswordHash))
                    .col(string(Accounts::PublicId))
                    .col(boolean(Accounts::IsAdmin))
                    .col(boolean(Accounts::Blacklisted))
                    .col(big_integer(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // One account of each kind per email; parallel registrations race on this index.
        manager
            .create_index(
                Index::create()
                    .name("accounts_kind_email")
                    .table(Accounts::Table)
                    .col(Accounts::Kind)
                    .col(Accounts::Email)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Accounts::Table).to_owned()).await
    }
}
