use thiserror::Error;

#[derive(Debug, Error, Clone)]
pub enum StorageError {
    #[error("already exists")]
    Conflict,
    #[error("not found")]
    NotFound,
    /// The database could not be reached or refused the operation; the cause is for logs only.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("corrupt record: {0}")]
    Corrupt(String),
}
