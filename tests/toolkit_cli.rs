//! The real ARgorithmToolkit 0.2.3 CLI (`ARgorithm`, from PyPI) against this server, driven as a
//! person would, prompts answered on its standard input. `.ci/run` installs it in
//! `target/cli-venv`; ARGORITHM_CLI may name another install. Without it this test fails.
mod helpers;

use helpers::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::AsyncWriteExt;

fn cli_path() -> PathBuf {
    let path = std::env::var_os("ARGORITHM_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cli-venv/bin/ARgorithm"));
    assert!(path.exists(), "the ARgorithm CLI is not installed at {} (run .ci/run, or set ARGORITHM_CLI)", path.display());
    path
}

struct Cli {
    exe: PathBuf,
    home: tempfile::TempDir,
}

impl Cli {
    /// A person's machine: a fresh home whose CLI config names our server.
    async fn new(endpoint: &str) -> Self {
        let cli = Cli { exe: cli_path(), home: tempfile::TempDir::new().unwrap() };
        let python = cli.exe.with_file_name("python");
        let out = cli
            .command(&python)
            .args(["-c", "import typer; print(typer.get_app_dir('ARgorithm'))"])
            .output()
            .await
            .unwrap();
        let dir = PathBuf::from(String::from_utf8(out.stdout).unwrap().trim());
        assert!(dir.starts_with(cli.home.path()), "the CLI's folder {} is in the test's home", dir.display());
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config"), endpoint).unwrap();
        cli
    }

    fn command(&self, program: &Path) -> tokio::process::Command {
        // setsid: no controlling terminal, so password prompts read standard input.
        let mut c = tokio::process::Command::new("setsid");
        c.arg("-w")
            .arg(program)
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .env("NO_COLOR", "1")
            .env("TERM", "dumb")
            .env("COLUMNS", "200")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn credentials(&self) -> String {
        let dir = self.home.path().join(".config/argorithm");
        std::fs::read_to_string(dir.join(".credentials")).expect("the CLI saved a token")
    }

    /// Runs `ARgorithm args...` with `input` typed at its prompts; returns what it printed.
    async fn run(&self, args: &[&str], input: &str) -> String {
        let mut child = self.command(&self.exe).args(args).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).await.unwrap();
        drop(stdin);
        let out = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
            .await
            .expect("the CLI finished")
            .unwrap();
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    }
}

fn expect(output: &str, text: &str) {
    assert!(output.contains(text), "expected {text:?} in the CLI's output:\n{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_toolkit_cli_signs_up_lists_tests_deletes_and_administers() {
    let app = spawn_auth_app().await;
    let cli = Cli::new(&app.address).await;
    let alice = "alice@example.com";

    let out = cli.run(&["account", "signup"], &format!("{alice}\nPassw0rdX\nPassw0rdX\n")).await;
    expect(&out, "[SUCCESS]: ACCOUNT CREATED");
    assert_eq!(app.login_user(alice, "Passw0rdX").await.status, 200, "signup made a user account");

    let out = cli.run(&["account", "login"], &format!("{alice}\nPassw0rdX\n")).await;
    expect(&out, "[SUCCESS]: LOGGED IN SUCCESSFULLY");
    let alice_token = cli.credentials();

    // The CLI uploads only Python, so the module goes up over HTTP with the CLI's own token.
    assert_eq!(app.with_token(&alice_token).insert_example("bubblesort").await.status, 200);
    assert_eq!(app.view("bubblesort").await.body["maintainer"], alice);

    let out = cli.run(&["list"], "").await;
    expect(&out, "- bubblesort");
    expect(&out, &format!("by {alice}"));
    expect(&out, "- array : the array to sort");

    let out = cli.run(&["test", "bubblesort"], "").await;
    expect(&out, "Found argorithm");
    expect(&out, "array_declare");
    expect(&out, "as arr[0] > arr[1] , we swap them");

    let out = cli.run(&["delete", "bubblesort"], "y\n").await;
    expect(&out, "[INFO]: DELETED SUCCESSFULLY");
    assert_eq!(app.view("bubblesort").await.status, 404);

    let out = cli.run(&["account", "logout"], "").await;
    expect(&out, "LOGGED OUT");
    let out = cli.run(&["account", "login"], &format!("{ADMIN_EMAIL}\n{ADMIN_PASSWORD}\n")).await;
    expect(&out, "[SUCCESS]: LOGGED IN SUCCESSFULLY");

    let as_alice = app.with_token(&alice_token);
    let admin_action = || as_alice.post_json("/admin/white_list", json!({"email": "nobody@example.com"}));
    let out = cli.run(&["admin", "grant", alice], "").await;
    expect(&out, "GRANTED ADMIN PRIVELEGES");
    assert_eq!(admin_action().await.status, 404, "alice is an admin: the action ran and found no such account");

    let out = cli.run(&["admin", "revoke", alice], "").await;
    expect(&out, "REVOKED ADMIN PRIVELEGES");
    assert_eq!(admin_action().await.status, 401, "alice is no longer an admin");

    let out = cli.run(&["admin", "blacklist", alice], "").await;
    expect(&out, "BLACKLISTED ACCOUNT");
    let out = cli.run(&["account", "login"], &format!("y\n{alice}\nPassw0rdX\n")).await;
    expect(&out, "INCORRECT PASSWORD");
    assert_eq!(app.with_token(&alice_token).post_form("/programmers/verify", &[]).await.status, 401);

    let out = cli.run(&["admin", "whitelist", alice], "").await;
    expect(&out, "WHITELISTED ACCOUNT");
    assert_eq!(app.login_programmer(alice, "Passw0rdX").await.status, 200);

    let out = cli.run(&["admin", "delete", alice], "").await;
    expect(&out, "DELETED ACCOUNT");
    assert_eq!(app.login_programmer(alice, "Passw0rdX").await.status, 404);
    let out = cli.run(&["admin", "delete", "--user", alice], "").await;
    expect(&out, "DELETED ACCOUNT");
    assert_eq!(app.login_user(alice, "Passw0rdX").await.status, 404);

    let out = cli.run(&["admin", "grant", "ghost@example.com"], "").await;
    expect(&out, "No such email registered");
}
