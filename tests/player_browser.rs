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

/// The run time limit of the browser checks' servers: short, so that the `limit` check's
/// endless loop ends soon, and long enough for the code pane's run of 19,991 states with lines
/// on a debug build.
const BROWSER_RUN_LIMIT_MS: &str = "1500";

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

/// Python ARgorithms for the code pane's checks: (file, source, parameters, example).
const CODE_PANE_PROGRAMS: [(&str, &str, &str, &str); 4] = [
    (
        "running_sum.py",
        "import ARgorithmToolkit\n\ndef total(algo, acc, items, i):\n    if i == len(items):\n        algo.add_comment(f\"the sum is {acc.value}\")\n        return\n    acc.value = acc.value + items[i]\n    total(algo, acc, items, i + 1)\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    acc = ARgorithmToolkit.Variable('sum', algo, 0, comments=\"the running sum\")\n    total(algo, acc, kwargs['items'], 0)\n    return algo\n",
        r#"{"items": {"description": "numbers to add", "type": "ARRAY", "item-type": "INT"}}"#,
        r#"{"items": [4, 2, 7, 1]}"#,
    ),
    (
        "helper_sort.py",
        "import ARgorithmToolkit\n\ndef swap_if_greater(arr, i, j):\n    if arr.compare(i, j, lambda a, b: a > b):\n        arr.swap(i, j)\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    arr = ARgorithmToolkit.Array('arr', algo, data=kwargs['array'], comments=\"unsorted\")\n    for i in range(len(arr)):\n        for j in range(i + 1, len(arr)):\n            swap_if_greater(arr, i, j)\n    return algo\n",
        r#"{"array": {"description": "numbers to sort", "type": "ARRAY", "item-type": "INT"}}"#,
        r#"{"array": [3, 1, 2]}"#,
    ),
    (
        "failing.py",
        "import ARgorithmToolkit\n\ndef pick(items, i):\n    return items[i]\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    algo.add_comment(\"before the failure\")\n    pick([1, 2], 5)\n    return algo\n",
        "{}",
        "{}",
    ),
    (
        "many_states.py",
        "import ARgorithmToolkit\n\ndef run(**kwargs):\n    algo = ARgorithmToolkit.StateSet()\n    v = ARgorithmToolkit.Variable('v', algo, 0, comments=\"counts\")\n    for i in range(kwargs['n']):\n        v.value = i\n    return algo\n",
        r#"{"n": {"description": "how many states", "type": "INT", "start": 1, "end": 19999}}"#,
        r#"{"n": 19990}"#,
    ),
];

/// The ids the code pane's checks run, as their environment names them.
const CODE_PANE_IDS: [(&str, &str); 5] =
    [("RECURSIVE_ID", "running_sum"), ("HELPER_ID", "helper_sort"), ("FAILING_ID", "failing"), ("BIG_ID", "many_states"), ("WASM_ID", "bubblesort")];

async fn publish_code_pane_programs(app: &TestApp, token: Option<&str>) {
    let mut uploads: Vec<(String, Vec<u8>, Vec<u8>)> = CODE_PANE_PROGRAMS
        .iter()
        .map(|(file, source, parameters, example)| {
            let id = file.trim_end_matches(".py");
            let config = json!({"argorithmID": id, "file": file, "function": "run", "description": format!("{id}, for the code pane"),
                                "parameters": serde_json::from_str::<serde_json::Value>(parameters).unwrap(),
                                "example": serde_json::from_str::<serde_json::Value>(example).unwrap()});
            (file.to_string(), source.as_bytes().to_vec(), config.to_string().into_bytes())
        })
        .collect();
    uploads.push(("bubblesort.wasm".into(), guest_wasm("bubblesort"), example_config("bubblesort")));
    for (file, program, config) in uploads {
        let mut request = app.client.post(app.url("/argorithms/insert")).multipart(upload_form(&file, program, &config));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let res = request.send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{file}: {}", res.text().await.unwrap());
    }
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
        .env("TESTS", tests.join(","))
        .envs(CODE_PANE_IDS);
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
    let app = spawn_app_with(&[("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", BROWSER_RUN_LIMIT_MS)]).await;
    publish_spin(&app, None).await;
    publish_code_pane_programs(&app, None).await;
    let all = [
        "list", "auth", "bubblesort", "stack", "linkedlist", "limit", "golden", "odd-traces", "big", "keyboard-url", "form",
        "rules", "phone", "a11y", "code-bubblesort", "code-recursive", "code-helper", "code-error", "code-phone", "code-none", "code-big",
    ];
    let text = run_checks(&app, "default", &all, &[]).await;
    assert!(text.contains("figures: "), "the 20,000-state figures are reported");
    assert!(text.contains("figures: code pane, "), "the code pane's scrubbing figures are reported");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_source_disabled_the_code_pane_says_the_server_does_not_share_it() {
    let app = spawn_app_with(&[("EXAMPLES", "AUTO"), ("SOURCE", "DISABLED")]).await;
    run_checks(&app, "source-disabled", &["code-disabled"], &[("SOURCE_OFF", "1")]).await;
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
    let app = spawn_app_with(&[auth_vars(), vec![("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", BROWSER_RUN_LIMIT_MS)]].concat()).await;
    let admin = app.admin_token().await;
    publish_spin(&app, Some(&admin)).await;
    publish_code_pane_programs(&app, Some(&admin)).await;
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 200);
    let checks = ["list", "auth", "bubblesort", "stack", "linkedlist", "limit", "keyboard-url", "form", "code-bubblesort", "code-error"];
    let extra = [("AUTH_EMAIL", "learner@example.com"), ("AUTH_PASSWORD", "Learner123")];
    run_checks(&app, "auth", &checks, &extra).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_player_works_in_firefox_too_with_and_without_accounts() {
    let app = spawn_app_with(&[("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", BROWSER_RUN_LIMIT_MS)]).await;
    publish_spin(&app, None).await;
    publish_code_pane_programs(&app, None).await;
    let all = [
        "list", "auth", "bubblesort", "stack", "linkedlist", "limit", "golden", "big", "keyboard-url", "form", "phone", "a11y", "offline",
        "code-bubblesort", "code-recursive", "code-helper", "code-error", "code-phone", "code-none", "code-big",
    ];
    run_firefox_checks(&app, "firefox", &all, &[]).await;

    let app = spawn_app_with(&[auth_vars(), vec![("EXAMPLES", "AUTO"), ("SANDBOX_TIMEOUT_MS", BROWSER_RUN_LIMIT_MS)]].concat()).await;
    let admin = app.admin_token().await;
    publish_spin(&app, Some(&admin)).await;
    publish_code_pane_programs(&app, Some(&admin)).await;
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 200);
    let extra = [("AUTH_EMAIL", "learner@example.com"), ("AUTH_PASSWORD", "Learner123")];
    let checks = ["list", "auth", "bubblesort", "stack", "linkedlist", "limit", "offline", "code-bubblesort"];
    run_firefox_checks(&app, "firefox-auth", &checks, &extra).await;
}
