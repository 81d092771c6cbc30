use serde_json::Value;

/// An ARgorithm as clients see it (the module bytes are never part of it).
#[derive(Debug, Clone, PartialEq)]
pub struct ArgorithmRecord {
    pub argorithm_id: String,
    pub maintainer: String,
    pub filename: String,
    pub function: String,
    pub description: String,
    /// The config's `parameters` object.
    pub parameters: Value,
    /// The config's `example` object.
    pub example: Value,
    /// Hex SHA-256 of the module bytes.
    pub module_hash: String,
    pub module_size: i64,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What insert and update write: a validated config and its module, together.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArgorithm {
    pub argorithm_id: String,
    pub maintainer: String,
    pub filename: String,
    pub function: String,
    pub description: String,
    pub parameters: Value,
    pub example: Value,
    pub module_hash: String,
    pub module: Vec<u8>,
}

/// Programmers publish ARgorithms; users run them. One email may hold one account of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKind {
    Programmer,
    User,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Programmer => "programmer",
            AccountKind::User => "user",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub kind: AccountKind,
    /// Lower-cased.
    pub email: String,
    pub password_hash: String,
    /// An opaque id that can be shown without revealing the email.
    pub public_id: String,
    pub is_admin: bool,
    pub blacklisted: bool,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// Lower-cased by the caller.
    pub email: String,
    pub password_hash: String,
    pub public_id: String,
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleBlob {
    pub hash: String,
    pub bytes: Vec<u8>,
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
