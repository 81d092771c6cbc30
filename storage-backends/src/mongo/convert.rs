//! Records to and from BSON documents. Reading is strict: a field of the wrong type is a
//! corrupt record, reported as such, never silently defaulted.
use crate::{Account, AccountKind, ArgorithmRecord, NewAccount, NewArgorithm, StorageError};
use mongodb::bson::spec::BinarySubtype;
use mongodb::bson::{doc, Binary, Bson, Document};

pub(crate) trait BinaryField {
    fn string(&self, key: &str) -> Result<String, StorageError>;
    fn int(&self, key: &str) -> Result<i64, StorageError>;
    fn flag(&self, key: &str) -> Result<bool, StorageError>;
    fn binary(&self, key: &str) -> Result<Vec<u8>, StorageError>;
}

fn corrupt(d: &Document, key: &str, want: &str) -> StorageError {
    let what = d.get(key).map_or("missing".to_owned(), |v| format!("{:?}", v.element_type()));
    StorageError::Corrupt(format!("field {key} should be {want}, is {what}"))
}

impl BinaryField for Document {
    fn string(&self, key: &str) -> Result<String, StorageError> {
        match self.get(key) {
            Some(Bson::String(s)) => Ok(s.clone()),
            _ => Err(corrupt(self, key, "a string")),
        }
    }

    fn int(&self, key: &str) -> Result<i64, StorageError> {
        // Servers may narrow a small 64-bit integer to 32 bits; both are whole numbers.
        match self.get(key) {
            Some(Bson::Int64(n)) => Ok(*n),
            Some(Bson::Int32(n)) => Ok(i64::from(*n)),
            _ => Err(corrupt(self, key, "an integer")),
        }
    }

    fn flag(&self, key: &str) -> Result<bool, StorageError> {
        match self.get(key) {
            Some(Bson::Boolean(b)) => Ok(*b),
            _ => Err(corrupt(self, key, "a boolean")),
        }
    }

    fn binary(&self, key: &str) -> Result<Vec<u8>, StorageError> {
        match self.get(key) {
            Some(Bson::Binary(b)) => Ok(b.bytes.clone()),
            _ => Err(corrupt(self, key, "binary data")),
        }
    }
}

/// Parameters and example are kept as JSON text: their keys are the author's, and MongoDB
/// restricts field names (`$`, `.`) that JSON allows.
pub(crate) fn argorithm_doc(new: NewArgorithm, created_at: i64, updated_at: i64) -> Document {
    doc! {
        "argorithmID": new.argorithm_id,
        "maintainer": new.maintainer,
        "filename": new.filename,
        "function": new.function,
        "description": new.description,
        "parameters": new.parameters.to_string(),
        "example": new.example.to_string(),
        "module_hash": new.module_hash,
        "module_size": new.module.len() as i64,
        "module": Binary { subtype: BinarySubtype::Generic, bytes: new.module },
        "created_at": created_at,
        "updated_at": updated_at,
    }
}

pub(crate) fn record(d: &Document) -> Result<ArgorithmRecord, StorageError> {
    let id = d.string("argorithmID")?;
    let json = |key: &str| {
        serde_json::from_str(&d.string(key)?).map_err(|e| StorageError::Corrupt(format!("{id} {key}: {e}")))
    };
    Ok(ArgorithmRecord {
        maintainer: d.string("maintainer")?,
        filename: d.string("filename")?,
        function: d.string("function")?,
        description: d.string("description")?,
        parameters: json("parameters")?,
        example: json("example")?,
        module_hash: d.string("module_hash")?,
        module_size: d.int("module_size")?,
        created_at: d.int("created_at")?,
        updated_at: d.int("updated_at")?,
        argorithm_id: id,
    })
}

pub(crate) fn account_doc(new: NewAccount, created_at: i64) -> Document {
    doc! {
        "email": new.email,
        "password_hash": new.password_hash,
        "public_id": new.public_id,
        "is_admin": new.is_admin,
        "blacklisted": false,
        "created_at": created_at,
    }
}

pub(crate) fn account(kind: AccountKind, d: &Document) -> Result<Account, StorageError> {
    Ok(Account {
        kind,
        email: d.string("email")?,
        password_hash: d.string("password_hash")?,
        public_id: d.string("public_id")?,
        is_admin: d.flag("is_admin")?,
        blacklisted: d.flag("blacklisted")?,
        created_at: d.int("created_at")?,
    })
}
