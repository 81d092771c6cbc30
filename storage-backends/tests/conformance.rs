//! The behaviour every storage backend must have, written once against the trait. Each test
//! function takes a fresh, empty backend; `backends()` lists the ones this machine runs.
use serde_json::json;
use std::time::Duration;
use storage_backends::mongo::{MongoOptions, MongoStorage};
use storage_backends::sqlite::SqliteStorage;

#[path = "../../tests/support/servers.rs"]
mod servers;
use storage_backends::{AccountKind, AccountStore, NewAccount, NewArgorithm, Storage, StorageError};

async fn sqlite() -> (Box<dyn Storage>, tempfile::TempDir) {
    let dir = tempfile::TempDir::new().unwrap();
    let storage = SqliteStorage::open(&dir.path().join("test.db")).await.unwrap();
    (Box::new(storage), dir)
}

fn mongo_options(url: &str) -> MongoOptions {
    MongoOptions {
        uri: url.to_owned(),
        database: servers::fresh_database_name(),
        operation_timeout: Duration::from_secs(3),
        start_timeout: Duration::from_secs(10),
        display: url.to_owned(),
    }
}

/// A fresh database on the shared MongoDB server (nx-27017 unless MONGO_TEST_URL is set).
async fn mongo() -> (Box<dyn Storage>, ()) {
    let storage = MongoStorage::connect(mongo_options(&servers::shared_mongo_url())).await.unwrap();
    (Box::new(storage), ())
}

fn argorithm(id: &str, module: &[u8]) -> NewArgorithm {
    NewArgorithm {
        argorithm_id: id.into(),
        maintainer: "ann@example.com".into(),
        filename: format!("{id}.wasm"),
        function: "run".into(),
        description: "d".into(),
        parameters: json!({"n": {"type": "INT", "description": "n"}}),
        example: json!({"n": 3}),
        module_hash: format!("hash-of-{}", module.len()),
        module: module.to_vec(),
    }
}

fn account(email: &str) -> NewAccount {
    NewAccount { email: email.into(), password_hash: "h".into(), public_id: format!("id-{email}"), is_admin: false }
}

async fn records_round_trip_without_their_modules(s: &dyn Storage) {
    s.insert_argorithm(argorithm("b", b"\0asm-b")).await.unwrap();
    s.insert_argorithm(argorithm("a", b"\0asm-aa")).await.unwrap();
    let list = s.list_argorithms().await.unwrap();
    assert_eq!(list.iter().map(|r| r.argorithm_id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    let a = s.get_argorithm("a").await.unwrap().unwrap();
    assert_eq!(a.example, json!({"n": 3}));
    assert_eq!(a.module_size, 7);
    assert_eq!(s.get_module("a").await.unwrap().unwrap().bytes, b"\0asm-aa");
    assert!(s.get_argorithm("zzz").await.unwrap().is_none());
    assert!(s.get_module("zzz").await.unwrap().is_none());
}

async fn a_taken_id_is_a_conflict_and_keeps_the_first(s: &dyn Storage) {
    s.insert_argorithm(argorithm("x", b"first")).await.unwrap();
    assert!(matches!(s.insert_argorithm(argorithm("x", b"second")).await, Err(StorageError::Conflict)));
    assert_eq!(s.get_module("x").await.unwrap().unwrap().bytes, b"first");
}

async fn an_update_replaces_config_and_module_together(s: &dyn Storage) {
    s.insert_argorithm(argorithm("u", b"old")).await.unwrap();
    let mut new = argorithm("u", b"newer");
    new.description = "changed".into();
    new.maintainer = "someone-else@example.com".into();
    s.update_argorithm(new).await.unwrap();
    let r = s.get_argorithm("u").await.unwrap().unwrap();
    assert_eq!(r.description, "changed");
    assert_eq!(r.module_hash, "hash-of-5");
    assert_eq!(r.maintainer, "ann@example.com", "update keeps the maintainer");
    assert_eq!(s.get_module("u").await.unwrap().unwrap().bytes, b"newer");
    assert!(matches!(s.update_argorithm(argorithm("nope", b"")).await, Err(StorageError::NotFound)));
}

async fn delete_removes_and_reports_unknown_ids(s: &dyn Storage) {
    s.insert_argorithm(argorithm("d", b"m")).await.unwrap();
    s.delete_argorithm("d").await.unwrap();
    assert!(s.get_argorithm("d").await.unwrap().is_none());
    assert!(matches!(s.delete_argorithm("d").await, Err(StorageError::NotFound)));
}

async fn accounts_are_unique_per_kind_and_email(s: &dyn Storage) {
    s.create_account(AccountKind::User, account("u@example.com")).await.unwrap();
    assert!(matches!(s.create_account(AccountKind::User, account("u@example.com")).await, Err(StorageError::Conflict)));
    s.register_programmer(account("u@example.com")).await.unwrap();
    assert!(matches!(s.register_programmer(account("u@example.com")).await, Err(StorageError::Conflict)));
    let user = s.get_account(AccountKind::User, "u@example.com").await.unwrap().unwrap();
    assert_eq!(user.public_id, "id-u@example.com");
    assert!(!user.is_admin && !user.blacklisted);
    s.register_programmer(account("p@example.com")).await.unwrap();
    assert!(s.get_account(AccountKind::User, "p@example.com").await.unwrap().is_some(), "programmers get a user account");
}

async fn admin_blacklist_and_delete(s: &dyn Storage) {
    s.register_programmer(account("a@example.com")).await.unwrap();
    s.set_admin("a@example.com", true).await.unwrap();
    assert!(s.get_account(AccountKind::Programmer, "a@example.com").await.unwrap().unwrap().is_admin);
    s.set_blacklisted("a@example.com", true).await.unwrap();
    for kind in [AccountKind::Programmer, AccountKind::User] {
        let acc = s.get_account(kind, "a@example.com").await.unwrap().unwrap();
        assert!(acc.blacklisted && !acc.is_admin, "{kind:?}");
    }
    s.set_blacklisted("a@example.com", false).await.unwrap();
    assert!(!s.get_account(AccountKind::User, "a@example.com").await.unwrap().unwrap().blacklisted);
    s.delete_account(AccountKind::User, "a@example.com").await.unwrap();
    assert!(s.get_account(AccountKind::User, "a@example.com").await.unwrap().is_none());
    assert!(s.get_account(AccountKind::Programmer, "a@example.com").await.unwrap().is_some());
    for r in [
        s.set_admin("ghost@example.com", true).await,
        s.set_blacklisted("ghost@example.com", true).await,
        s.delete_account(AccountKind::Programmer, "ghost@example.com").await,
    ] {
        assert!(matches!(r, Err(StorageError::NotFound)));
    }
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let (storage, _dir) = super::sqlite().await;
                    super::$name(storage.as_ref()).await;
                }
            )*
        }
        mod mongo_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let (storage, _db) = super::mongo().await;
                    super::$name(storage.as_ref()).await;
                }
            )*
        }
    };
}

conformance!(
    records_round_trip_without_their_modules,
    a_taken_id_is_a_conflict_and_keeps_the_first,
    an_update_replaces_config_and_module_together,
    delete_removes_and_reports_unknown_ids,
    accounts_are_unique_per_kind_and_email,
    admin_blacklist_and_delete,
);

#[tokio::test]
async fn sqlite_data_survives_reopening_the_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("keep.db");
    {
        let s = SqliteStorage::open(&path).await.unwrap();
        s.insert_argorithm(argorithm("kept", b"bytes")).await.unwrap();
        s.register_programmer(account("k@example.com")).await.unwrap();
    }
    let s = SqliteStorage::open(&path).await.unwrap();
    assert_eq!(s.get_module("kept").await.unwrap().unwrap().bytes, b"bytes");
    assert!(s.get_account(AccountKind::Programmer, "k@example.com").await.unwrap().is_some());
}

#[tokio::test]
async fn mongo_data_survives_a_server_restart() {
    let mut server = servers::ServerProcess::mongo();
    let options = mongo_options(&server.mongo_url());
    let s = MongoStorage::connect(options.clone()).await.unwrap();
    s.insert_argorithm(argorithm("kept", b"bytes")).await.unwrap();
    s.register_programmer(account("k@example.com")).await.unwrap();
    server.stop();
    server.restart();
    let s = MongoStorage::connect(options).await.unwrap();
    assert_eq!(s.get_module("kept").await.unwrap().unwrap().bytes, b"bytes");
    assert!(s.get_account(AccountKind::User, "k@example.com").await.unwrap().is_some());
}

#[tokio::test]
async fn mongo_unreachable_is_unavailable_then_resumes_by_itself() {
    let mut server = servers::ServerProcess::mongo();
    let mut options = mongo_options(&server.mongo_url());
    options.operation_timeout = Duration::from_millis(500);
    let s = MongoStorage::connect(options).await.unwrap();
    s.insert_argorithm(argorithm("a", b"m")).await.unwrap();
    server.stop();
    assert!(matches!(s.get_argorithm("a").await, Err(StorageError::Unavailable(_))));
    assert!(matches!(s.insert_argorithm(argorithm("b", b"m")).await, Err(StorageError::Unavailable(_))));
    server.restart();
    // The same client finds the server again, without reconnecting by hand.
    let mut back = None;
    for _ in 0..40 {
        if let Ok(found) = s.get_argorithm("a").await {
            back = found;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(back.expect("service resumed").argorithm_id, "a");
    assert!(s.get_argorithm("b").await.unwrap().is_none(), "the failed insert left nothing behind");
}

#[tokio::test]
async fn mongo_start_gives_up_after_its_timeout_with_a_clear_message() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut options = mongo_options(&format!("mongodb://127.0.0.1:{port}"));
    options.operation_timeout = Duration::from_millis(200);
    options.start_timeout = Duration::from_secs(1);
    options.display = "the test endpoint".into();
    let started = std::time::Instant::now();
    let err = MongoStorage::connect(options).await.err().expect("no server there");
    assert!(started.elapsed() >= Duration::from_millis(800), "it retried for the start timeout");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(err.to_string().contains("MongoDB at the test endpoint was not reachable within 1 s"), "{err}");
}
