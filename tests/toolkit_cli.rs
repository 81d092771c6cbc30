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
        self.run_in(self.home.path(), args, input).await
    }

    /// The same, from the folder `dir` (where `init`, `configure` and `submit` read and write).
    async fn run_in(&self, dir: &Path, args: &[&str], input: &str) -> String {
        let mut child = self.command(&self.exe).current_dir(dir).args(args).spawn().unwrap();
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

    // A WebAssembly module goes up over HTTP with the CLI's own token (the CLI uploads Python).
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

/// The legacy-form examples, with a state type each one's trace must show.
const PYTHON_EXAMPLES: [(&str, &str); 6] = [
    ("bubblesort", "array_swap"),
    ("fibonacci", "variable_highlight"),
    ("infix_to_postfix", "stack_push"),
    ("grid_bfs", "queue_push"),
    ("task_scheduler", "priorityqueue_poll"),
    ("reverse_list", "llnode_next"),
];

/// A programmer's whole Python workflow with the real CLI: `init` and `configure -b` make the
/// files (then written as the programmer would), `submit` checks and tests them locally with the
/// real toolkit and uploads them, `test` runs them on the server, `update` changes what runs and
/// `delete` removes them.
async fn python_workflow(app: &TestApp, cli: &Cli, maintainer: &str) {
    let work = tempfile::TempDir::new().unwrap();
    for (name, state_type) in PYTHON_EXAMPLES {
        let (source, config) = sandbox::testing::python_example(name);
        let out = cli.run_in(work.path(), &["init", name], "").await;
        expect(&out, "[SUCCESS]: TEMPLATE GENERATED");
        let out = cli.run_in(work.path(), &["configure", &format!("{name}.py"), "-b"], "").await;
        assert!(work.path().join(format!("{name}.config.json")).exists(), "configure made the config: {out}");
        std::fs::write(work.path().join(format!("{name}.py")), source).unwrap();
        std::fs::write(work.path().join(format!("{name}.config.json")), &config).unwrap();

        let out = cli.run_in(work.path(), &["submit", &format!("{name}.py")], "").await;
        expect(&out, "[SUCCESS]: FILES VERIFIED");
        expect(&out, "[SUCCESS]: SUBMITTED");
        let id = format!("{name}_py");
        let view = app.view(&id).await;
        assert_eq!(view.status, 200, "{name}: {:?}", view.body);
        assert_eq!((view.body["maintainer"].as_str(), view.body["filename"].as_str()), (Some(maintainer), Some(&*format!("{name}.py"))));

        let out = cli.run(&["test", &id], "").await;
        expect(&out, "Found argorithm");
        expect(&out, state_type);
        // The JSON follows the spinner's "Connecting" frames on the same line.
        let out = cli.run(&["test", &id, "--output"], "").await;
        let json_text = out.find('{').map(|i| out[i..].trim()).unwrap_or_default();
        let answer: serde_json::Value = serde_json::from_str(json_text).unwrap_or_else(|e| panic!("{name}: {e}: {:.300}", out));
        assert_eq!(answer["status"], "run_parameters", "{name}: {answer}");
        let example: serde_json::Value = serde_json::from_slice(&config).unwrap();
        let token = cli_token(cli);
        let direct = if token.is_empty() {
            app.run(&id, example["example"].clone()).await
        } else {
            app.with_token(&token).run(&id, example["example"].clone()).await
        };
        assert_eq!(answer["data"], direct.body["data"], "{name}: the CLI shows the server's trace");
    }

    // `update` changes what runs.
    let file = work.path().join("bubblesort.py");
    let changed = std::fs::read_to_string(&file).unwrap().replace("we swap them", "we exchange them");
    std::fs::write(&file, changed).unwrap();
    let out = cli.run_in(work.path(), &["update", "bubblesort.py"], "").await;
    expect(&out, "[SUCCESS]: UPDATED");
    let out = cli.run(&["test", "bubblesort_py"], "").await;
    expect(&out, "we exchange them");
    assert!(!out.contains("we swap them"), "{out}");

    for (name, _) in PYTHON_EXAMPLES {
        let out = cli.run(&["delete", &format!("{name}_py")], "y\n").await;
        expect(&out, "[INFO]: DELETED SUCCESSFULLY");
    }
    assert_eq!(app.list().await.body, json!([]), "every example was deleted");
}

/// The token the CLI holds, or none when auth is off (the server then ignores it).
fn cli_token(cli: &Cli) -> String {
    let path = cli.home.path().join(".config/argorithm/.credentials");
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_toolkit_cli_submits_tests_updates_and_deletes_python_argorithms_with_auth() {
    let app = spawn_auth_app().await;
    let cli = Cli::new(&app.address).await;
    let bob = "bob@example.com";
    let out = cli.run(&["account", "signup"], &format!("{bob}\nPassw0rdX\nPassw0rdX\n")).await;
    expect(&out, "[SUCCESS]: ACCOUNT CREATED");
    let out = cli.run(&["account", "login"], &format!("{bob}\nPassw0rdX\n")).await;
    expect(&out, "[SUCCESS]: LOGGED IN SUCCESSFULLY");
    python_workflow(&app, &cli, bob).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_toolkit_cli_submits_tests_updates_and_deletes_python_argorithms_without_auth() {
    let app = spawn_app().await;
    let cli = Cli::new(&app.address).await;
    python_workflow(&app, &cli, "admin@argorithm.local").await;
}
