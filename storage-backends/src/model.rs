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
