//! One storage trait for ARgorithm Server, and its backends.
//!
//! SQLite (through sea-orm) is the default, embedded backend. A MongoDB backend fills the same
//! trait; the conformance tests in `tests/` are written against the trait so every backend
//! runs the same suite.
mod error;
mod model;
pub mod mongo;
pub mod sqlite;

pub use error::StorageError;
pub use model::{Account, AccountKind, ArgorithmRecord, ModuleBlob, NewAccount, NewArgorithm};

use async_trait::async_trait;

/// Accounts, a trait of their own so each backend keeps them in their own module.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates one account; `Conflict` if the email already has an account of that kind.
    async fn create_account(&self, kind: AccountKind, new: NewAccount) -> Result<(), StorageError>;
    /// Creates a programmer account and, unless the email already has one, a user account, in
    /// one transaction; `Conflict` if the programmer account exists.
    async fn register_programmer(&self, new: NewAccount) -> Result<(), StorageError>;
    async fn get_account(&self, kind: AccountKind, email: &str) -> Result<Option<Account>, StorageError>;
    /// Grants or revokes admin rights of a programmer account; `NotFound` without one.
    async fn set_admin(&self, email: &str, is_admin: bool) -> Result<(), StorageError>;
    /// Blacklists (and so strips admin rights from) or whitelists every account of the email;
    /// `NotFound` if it has none.
    async fn set_blacklisted(&self, email: &str, blacklisted: bool) -> Result<(), StorageError>;
    /// `NotFound` if there is no such account.
    async fn delete_account(&self, kind: AccountKind, email: &str) -> Result<(), StorageError>;
}

/// Everything the server stores: ARgorithm records with their modules, and accounts.
#[async_trait]
pub trait Storage: AccountStore + 'static {
    /// Stores a new ARgorithm with its module; `Conflict` if the ID is taken.
    async fn insert_argorithm(&self, new: NewArgorithm) -> Result<(), StorageError>;
    /// Replaces an ARgorithm's config and module in one write; `NotFound` if it is unknown.
    /// The maintainer and creation time are kept.
    async fn update_argorithm(&self, new: NewArgorithm) -> Result<(), StorageError>;
    /// `NotFound` if it is unknown.
    async fn delete_argorithm(&self, argorithm_id: &str) -> Result<(), StorageError>;
    /// The record without its module bytes.
    async fn get_argorithm(&self, argorithm_id: &str) -> Result<Option<ArgorithmRecord>, StorageError>;
    /// Every record, without module bytes, ordered by ID.
    async fn list_argorithms(&self) -> Result<Vec<ArgorithmRecord>, StorageError>;
    /// The module bytes and their hash.
    async fn get_module(&self, argorithm_id: &str) -> Result<Option<ModuleBlob>, StorageError>;
    /// A short name for logs and the start-up banner.
    fn describe(&self) -> String;
}
