//! Swagger UI rendered by a real browser (Debian's headless Chromium) lists every operation.
//! Chromium is required: `.ci/run` installs it, and this test fails without it.
mod helpers;

use helpers::*;
use std::process::Command;

fn chromium() -> String {
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return candidate.to_owned();
        }
    }
    panic!("Chromium is not installed (apt-get install chromium); this test needs a real browser");
}

#[tokio::test]
async fn swagger_ui_shows_every_operation_in_a_real_browser() {
    // With accounts on, every route is in the document.
    let app = spawn_auth_app().await;
    let browser = chromium();
    let profile = tempfile::TempDir::new().unwrap();
    let url = app.url("/docs/");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=10000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains("ARgorithm Server"), "the title is rendered: {}", &dom[..dom.len().min(2000)]);
    let spec: serde_json::Value = serde_json::from_str(&argorithm_server::api::service().spec()).unwrap();
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let marker = format!("class=\"opblock-summary-path\" data-path=\"{path}\"");
            assert!(dom.contains(&marker), "{method} {path} is not shown");
            operations += 1;
        }
    }
    // The 20 legacy routes and the code pane's source route.
    assert_eq!(operations, 21, "every route is an operation");
    assert_eq!(dom.matches("class=\"opblock-summary-path\"").count(), 21);
    for tag in ["Argorithms", "Programmers", "Users", "Admin", "Service"] {
        assert!(dom.contains(&format!("data-tag=\"{tag}\"")), "tag {tag} is not shown");
    }
}
