//! The trace player at `/`, driven in Debian's headless Chromium (playwright-core, from
//! `tests/browser`) against the real server on a real socket: the bundled examples listed and
//! played, parameters typed into the form, every golden trace loaded through the page's file
//! entry point, a 20,000-state trace scrubbed, the errors a learner can meet; then the same
//! with accounts on. Screenshots of the steps are kept in `target/player-screenshots/`.
//! `.ci/run` installs Chromium, Node.js and the script's packages; without them this test fails.
mod helpers;

use helpers::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// A Python ARgorithm whose every run, its example's included, breaks the time limit.
const SPIN: &str = "def run(**kwargs):\n    while True:\n        pass\n";

async fn publish_spin(app: &TestApp, token: Option<&str>) {
    let config = json!({"argorithmID": "spin_py", "file": "spin.py", "function": "run",
                        "description": "an endless loop, stopped at the time limit", "parameters": {}, "example": {}});
    let form = upload_form("spin.py", SPIN.into(), config.to_string().as_bytes());
    let mut request = app.client.post(app.url("/argorithms/insert")).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    assert_eq!(request.send().await.unwrap().status().as_u16(), 200);
}

/// Runs the Chromium player checks `tests` against `app`; returns what the script printed.
async fn run_checks(app: &TestApp, mode: &str, tests: &[&str], extra: &[(&str, &str)]) -> String {
    run_script(app, "player.test.mjs", mode, tests, extra).await
}

/// The same checks' Firefox script (Debian's firefox-esr through puppeteer-core and WebDriver
/// BiDi; playwright-core cannot drive a stock Firefox).
async fn run_firefox_checks(app: &TestApp, mode: &str, tests: &[&str], extra: &[(&str, &str)]) -> String {
    assert!(Path::new("/usr/bin/firefox-esr").exists(), "Firefox is not installed (apt-get install firefox-esr; .ci/run does)");
    run_script(app, "player.firefox.mjs", mode, tests, extra).await
}

async fn run_script(app: &TestApp, script: &str, mode: &str, tests: &[&str], extra: &[(&str, &str)]) -> String {
    let dir = browser_dir();
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "the player test's packages are missing: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/player-screenshots").join(mode);
    let _ = std::fs::remove_dir_all(&shots);
    let mut command = tokio::process::Command::new("node");
    command
        .arg(dir.join(script))
        .env("BASE_URL", &app.address)
        .env("SCREENSHOT_DIR", &shots)
        .env("GOLDEN_DIR", sandbox::testing::golden_dir())
        .env("BUBBLESORT_ID", "bubblesort_py")
        .env("STACK_ID", "infix_to_postfix_py")
        .env("LINKED_LIST_ID", "reverse_list_py")
        .env("LIMIT_ID", "spin_py")
        .env("TESTS", tests.join(","));
    for (k, v) in extra {
        command.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(600), command.output())
        .await
        .expect("the browser checks finished")
        .unwrap_or_else(|e| panic!("node cannot run ({e}): install Node.js (.ci/run does)"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    assert!(out.status.success(), "the player checks failed ({mode}):\n{text}");
    let summary = text.lines().rev().find(|l| l.contains(" passed, ")).unwrap_or_default();
    assert!(summary.ends_with(" 0 failed"), "every check ran, none was skipped ({mode}): {summary}");
    if !tests.iter().all(|t| *t == "busy") {
        let shots_taken = std::fs::read_dir(&shots).map(|d| d.count()).unwrap_or(0);
        assert!(shots_taken > 0, "screenshots were kept in {}", shots.display());
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_lists_plays_and_scrubs_runs_in_a_real_browser() {
    let app = spawn_app_with(&[("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", "300")]).await;
    publish_spin(&app, None).await;
    let all = [
        "list", "auth", "bubblesort", "stack", "linkedlist", "limit", "golden", "odd-traces", "big", "keyboard-url", "form",
        "rules", "phone", "a11y",
    ];
    let text = run_checks(&app, "default", &all, &[]).await;
    assert!(text.contains("figures: "), "the 20,000-state figures are reported");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_says_the_server_is_busy_when_every_sandbox_slot_is_taken() {
    let app = spawn_app_with(&[("EXAMPLES", "AUTO"), ("SANDBOX_CONCURRENCY", "1"), ("SANDBOX_QUEUE_WAIT_MS", "0"), ("SANDBOX_TIMEOUT_MS", "1000")])
        .await;
    publish_spin(&app, None).await;
    // Keep the one slot taken while the page runs: endless loops, one after another.
    let (client, url) = (app.client.clone(), app.url("/argorithms/run"));
    let hog = tokio::spawn(async move {
        loop {
            let _ = client.post(&url).json(&json!({"argorithmID": "spin_py", "parameters": {}})).send().await;
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    run_checks(&app, "busy", &["busy"], &[("BUSY_ID", "bubblesort_py")]).await;
    hog.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_accounts_on_the_player_logs_a_user_in_and_plays_runs() {
    let app = spawn_app_with(&[auth_vars(), vec![("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", "300")]].concat()).await;
    let admin = app.admin_token().await;
    publish_spin(&app, Some(&admin)).await;
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 200);
    let checks = ["list", "auth", "bubblesort", "stack", "linkedlist", "limit", "keyboard-url", "form"];
    let extra = [("AUTH_EMAIL", "learner@example.com"), ("AUTH_PASSWORD", "Learner123")];
    run_checks(&app, "auth", &checks, &extra).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_works_in_firefox_too_with_and_without_accounts() {
    let app = spawn_app_with(&[("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", "300")]).await;
    publish_spin(&app, None).await;
    let all = ["list", "auth", "bubblesort", "stack", "linkedlist", "limit", "golden", "big", "keyboard-url", "form", "phone", "a11y", "offline"];
    run_firefox_checks(&app, "firefox", &all, &[]).await;

    let app = spawn_app_with(&[auth_vars(), vec![("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", "300")]].concat()).await;
    let admin = app.admin_token().await;
    publish_spin(&app, Some(&admin)).await;
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 200);
    let extra = [("AUTH_EMAIL", "learner@example.com"), ("AUTH_PASSWORD", "Learner123")];
    run_firefox_checks(&app, "firefox-auth", &["list", "auth", "bubblesort", "stack", "linkedlist", "limit", "offline"], &extra).await;
}
