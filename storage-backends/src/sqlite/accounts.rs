//! Accounts in SQLite.
use super::account_entity::{ActiveModel, Column, Entity, Model};
use super::{classify, found, SqliteStorage};
use crate::model::now;
use crate::{Account, AccountKind, AccountStore, NewAccount, StorageError};
use async_trait::async_trait;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};

fn row(kind: AccountKind, new: NewAccount) -> ActiveModel {
    ActiveModel {
        kind: Set(kind.as_str().to_owned()),
        email: Set(new.email),
        password_hash: Set(new.password_hash),
        public_id: Set(new.public_id),
        is_admin: Set(new.is_admin),
        blacklisted: Set(false),
        created_at: Set(now()),
        ..Default::default()
    }
}

fn account(m: Model) -> Result<Account, StorageError> {
    let kind = match m.kind.as_str() {
        "programmer" => AccountKind::Programmer,
        "user" => AccountKind::User,
        other => return Err(StorageError::Corrupt(format!("account {} has kind {other:?}", m.id))),
    };
    Ok(Account {
        kind,
        email: m.email,
        password_hash: m.password_hash,
        public_id: m.public_id,
        is_admin: m.is_admin,
        blacklisted: m.blacklisted,
        created_at: m.created_at,
    })
}

async fn insert(db: &impl ConnectionTrait, kind: AccountKind, new: NewAccount) -> Result<(), StorageError> {
    Entity::insert(row(kind, new)).exec_without_returning(db).await.map_err(classify)?;
    Ok(())
}

#[async_trait]
impl AccountStore for SqliteStorage {
    async fn create_account(&self, kind: AccountKind, new: NewAccount) -> Result<(), StorageError> {
        insert(&self.db, kind, new).await
    }

    async fn register_programmer(&self, new: NewAccount) -> Result<(), StorageError> {
        let txn = self.db.begin().await.map_err(classify)?;
        // The write comes first, so the transaction takes SQLite's write lock at once and a
        // racing registration waits for it instead of failing to upgrade a read.
        insert(&txn, AccountKind::Programmer, new.clone()).await?;
        Entity::insert(row(AccountKind::User, new))
            .on_conflict(OnConflict::columns([Column::Kind, Column::Email]).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await
            .map_err(classify)?;
        txn.commit().await.map_err(classify)
    }

    async fn get_account(&self, kind: AccountKind, email: &str) -> Result<Option<Account>, StorageError> {
        let found = Entity::find()
            .filter(Column::Kind.eq(kind.as_str()))
            .filter(Column::Email.eq(email))
            .one(&self.db)
            .await
            .map_err(classify)?;
        found.map(account).transpose()
    }

    async fn set_admin(&self, email: &str, is_admin: bool) -> Result<(), StorageError> {
        let result = Entity::update_many()
            .col_expr(Column::IsAdmin, Expr::value(is_admin))
            .filter(Column::Kind.eq(AccountKind::Programmer.as_str()))
            .filter(Column::Email.eq(email))
            .exec(&self.db)
            .await
            .map_err(classify)?;
        found(result.rows_affected)
    }

    async fn set_blacklisted(&self, email: &str, blacklisted: bool) -> Result<(), StorageError> {
        let mut update = Entity::update_many().col_expr(Column::Blacklisted, Expr::value(blacklisted));
        if blacklisted {
            update = update.col_expr(Column::IsAdmin, Expr::value(false));
        }
        let result = update.filter(Column::Email.eq(email)).exec(&self.db).await.map_err(classify)?;
        found(result.rows_affected)
    }

    async fn delete_account(&self, kind: AccountKind, email: &str) -> Result<(), StorageError> {
        let result = Entity::delete_many()
            .filter(Column::Kind.eq(kind.as_str()))
            .filter(Column::Email.eq(email))
            .exec(&self.db)
            .await
            .map_err(classify)?;
        found(result.rows_affected)
    }
}
