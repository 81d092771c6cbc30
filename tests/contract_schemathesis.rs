//! Schemathesis (`--checks all`) against the real server, in both auth modes (with an admin's
//! token when accounts are on): every answer must be documented, match its schema and content
//! type, and every request the schema allows must be accepted (`schemathesis.toml` lists the few
//! refusals no schema can describe, e.g. a file that is not a WebAssembly module). `.ci/run`
//! installs schemathesis in `target/schemathesis-venv`; SCHEMATHESIS may name another install.
mod helpers;

use helpers::*;
use std::path::{Path, PathBuf};

/// Test cases per operation and phase: enough to reach every status an operation documents,
/// few enough for CI's time (both modes take about 30 s here).
const EXAMPLES: &str = "100";

fn schemathesis() -> PathBuf {
    let path = std::env::var_os("SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/schemathesis-venv/bin/schemathesis"));
    assert!(path.exists(), "schemathesis is not installed at {} (run .ci/run, or set SCHEMATHESIS)", path.display());
    path
}

async fn run_against(app: &TestApp, token: Option<&str>) {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemathesis.toml");
    let mut command = tokio::process::Command::new(schemathesis());
    command
        .arg("--config-file")
        .arg(&config)
        .args(["run", &app.url("/openapi.json"), "--checks", "all", "--max-examples", EXAMPLES, "--workers", "2", "--no-color"])
        .env("NO_COLOR", "1")
        .current_dir(&app.folder);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    let out = command.output().await.expect("schemathesis runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let summary = text.lines().rev().find(|l| l.contains(" generated, ")).unwrap_or_default().to_owned();
    assert!(out.status.success(), "schemathesis found failures:\n{text}");
    // "N generated, N passed": every generated case passed, and there were some.
    let counts: Vec<u64> = summary.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    assert!(counts.len() >= 2 && counts[0] > 100 && counts[0] == counts[1], "{summary}\n{text}");
    println!("{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_the_contract_does_not_say_without_accounts() {
    let app = spawn_app_with(&[("EXAMPLES", "AUTO")]).await;
    run_against(&app, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_the_contract_does_not_say_with_accounts() {
    let app = spawn_app_with(&[auth_vars(), vec![("EXAMPLES", "AUTO")]].concat()).await;
    let token = app.admin_token().await;
    run_against(&app, Some(&token)).await;
}
