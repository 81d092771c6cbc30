//! Accounts in MongoDB: one collection per kind, a unique index on `email` in each.
use super::convert::{account, account_doc};
use super::{classify, found, MongoStorage};
use crate::model::now;
use crate::{Account, AccountKind, AccountStore, NewAccount, StorageError};
use async_trait::async_trait;
use mongodb::bson::{doc, Bson, Document};

/// Attempts at a flag change that keeps losing to concurrent changes of the same account.
const ATTEMPTS: usize = 5;

#[async_trait]
impl AccountStore for MongoStorage {
    async fn create_account(&self, kind: AccountKind, new: NewAccount) -> Result<(), StorageError> {
        self.accounts(kind).insert_one(account_doc(new, now())).await.map_err(classify)?;
        Ok(())
    }

    /// Two documents without a transaction (standalone servers have none): the user account
    /// first, kept if it already exists; then the programmer account, whose unique index
    /// decides races. If the second write fails for an outage, a user account this call
    /// created is removed again, so a retry starts from where it began.
    async fn register_programmer(&self, new: NewAccount) -> Result<(), StorageError> {
        if self.get_account(AccountKind::Programmer, &new.email).await?.is_some() {
            return Err(StorageError::Conflict);
        }
        let created_user = match self.create_account(AccountKind::User, new.clone()).await {
            Ok(()) => true,
            Err(StorageError::Conflict) => false,
            Err(e) => return Err(e),
        };
        match self.create_account(AccountKind::Programmer, new.clone()).await {
            Err(StorageError::Unavailable(why)) if created_user => {
                if let Err(e) = self.delete_account(AccountKind::User, &new.email).await {
                    tracing::warn!(error = %e, "could not undo a half-done registration; the user account stays");
                }
                Err(StorageError::Unavailable(why))
            }
            other => other,
        }
    }

    async fn get_account(&self, kind: AccountKind, email: &str) -> Result<Option<Account>, StorageError> {
        let found = self.accounts(kind).find_one(doc! { "email": email }).await.map_err(classify)?;
        found.map(|d| account(kind, &d)).transpose()
    }

    async fn set_admin(&self, email: &str, is_admin: bool) -> Result<(), StorageError> {
        let changed = self.change(AccountKind::Programmer, email, |d| {
            d.insert("is_admin", is_admin);
        });
        found(changed.await? as u64)
    }

    async fn set_blacklisted(&self, email: &str, blacklisted: bool) -> Result<(), StorageError> {
        let mut changed = 0;
        for kind in [AccountKind::Programmer, AccountKind::User] {
            let edit = |d: &mut Document| {
                d.insert("blacklisted", blacklisted);
                if blacklisted {
                    d.insert("is_admin", false);
                }
            };
            changed += self.change(kind, email, edit).await? as u64;
        }
        found(changed)
    }

    async fn delete_account(&self, kind: AccountKind, email: &str) -> Result<(), StorageError> {
        let result = self.accounts(kind).delete_one(doc! { "email": email }).await.map_err(classify)?;
        found(result.deleted_count)
    }
}

impl MongoStorage {
    /// Replaces the whole document, if it has not changed since it was read. `false` if there
    /// is no such account.
    async fn change(&self, kind: AccountKind, email: &str, edit: impl Fn(&mut Document)) -> Result<bool, StorageError> {
        let accounts = self.accounts(kind);
        for _ in 0..ATTEMPTS {
            let Some(current) = accounts.find_one(doc! { "email": email }).await.map_err(classify)? else {
                return Ok(false);
            };
            let mut next = current.clone();
            edit(&mut next);
            let unchanged = |key: &str| current.get(key).cloned().unwrap_or(Bson::Null);
            let filter = doc! {
                "_id": unchanged("_id"),
                "is_admin": unchanged("is_admin"),
                "blacklisted": unchanged("blacklisted"),
            };
            if accounts.replace_one(filter, next).await.map_err(classify)?.matched_count == 1 {
                return Ok(true);
            }
        }
        Err(StorageError::Unavailable(format!("the {} account of {email} kept changing", kind.as_str())))
    }
}
