//! Legacy Python ARgorithms over HTTP, as the toolkit CLI and curl upload them: stored as
//! source, checked at upload, run in the sandbox with the same semantics as WebAssembly.
mod helpers;

use helpers::*;
use serde_json::{json, Value};

const BUBBLESORT: &str = r#"import ARgorithmToolkit

def run(**kwargs):
    """Sorts the array, showing every comparison and swap."""
    algo = ARgorithmToolkit.StateSet()
    array = kwargs['array']
    arr = ARgorithmToolkit.Array('arr', algo, data=array, comments="This is our unsorted array")
    for i in range(len(arr)):
        for j in range(i + 1, len(arr)):
            if arr.compare(i, j, lambda a, b: a > b, comments=f"comparing {i} and {j}"):
                arr.swap(i, j, comments=f"swapping {i} and {j}")
    return algo
"#;

fn config(id: &str, file: &str, parameters: Value, example: Value) -> Vec<u8> {
    json!({"argorithmID": id, "file": file, "function": "run", "description": format!("{id}, in Python"),
           "parameters": parameters, "example": example})
    .to_string()
    .into_bytes()
}

fn bubblesort_config() -> Vec<u8> {
    config(
        "bubblesort_py",
        "bubblesort.py",
        json!({"array": {"description": "the array to sort", "type": "ARRAY", "item-type": "INT"}}),
        json!({"array": [3, 2, 1]}),
    )
}

/// A program that rejects negative numbers and fails on zero.
const PICKY: &str = r#"import ARgorithmToolkit

def run(**kwargs):
    n = kwargs['n']
    algo = ARgorithmToolkit.StateSet()
    if n < 0:
        raise ARgorithmToolkit.ARgorithmClientError("n must not be negative")
    print("n is", n)
    algo.add_comment(str(10 // n))
    return algo
"#;

fn picky_config() -> Vec<u8> {
    config("picky", "picky.py", json!({"n": {"description": "a number", "type": "INT"}}), json!({"n": 5}))
}

fn last_body(res: &Answer) -> Value {
    let data = res.body["data"].as_array().expect("a trace");
    data.iter().rev().find(|s| s["state_type"] == "array_swap").map(|s| s["state_def"]["body"].clone()).unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_legacy_python_argorithm_is_uploaded_listed_viewed_and_run() {
    let app = spawn_app().await;
    let res = app.insert("bubblesort.py", BUBBLESORT.into(), &bubblesort_config()).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    let view = app.view("bubblesort_py").await;
    assert_eq!(view.status, 200);
    let mut keys: Vec<&String> = view.body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["argorithmID", "description", "example", "filename", "function", "maintainer", "parameters"], "the legacy record shape");
    assert_eq!(view.body["filename"], "bubblesort.py");
    assert_eq!(app.list().await.body[0]["argorithmID"], "bubblesort_py");

    let res = app.run("bubblesort_py", json!({"array": [4, 1, 3, 2]})).await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    assert_eq!(res.body["status"], "run_parameters");
    assert_eq!(res.body["data"][0]["state_type"], "array_declare");
    assert_eq!(res.body["data"][0]["comments"], "This is our unsorted array");
    assert_eq!(last_body(&res), json!([1, 2, 3, 4]));
    assert_eq!(res.body["data"].as_array().unwrap().len(), 1 + 6 + 4, "6 comparisons and 4 swaps");
}

#[tokio::test]
async fn python_uploads_that_cannot_run_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let cases: [(&str, &str); 5] = [
        ("import ARgorithmToolkit\ndef run(**kwargs)\n    pass\n", "line 2"),
        ("import ARgorithmToolkit\ndef main(**kwargs):\n    pass\n", "defines no function `run`"),
        ("import ARgorithmToolkit\nimport numpy as np\ndef run(**kwargs):\n    pass\n", "`numpy`"),
        ("while True:\n    pass\ndef run(**kwargs):\n    pass\n", "ran longer than the limit"),
        ("import ARgorithmToolkit\nARgorithmToolkit.nothing_here()\ndef run(**kwargs):\n    pass\n", "AttributeError"),
    ];
    for (source, reason) in cases {
        let res = app.insert("bubblesort.py", source.into(), &bubblesort_config()).await;
        assert_eq!(res.status, 400, "{source}: {:?}", res.body);
        let detail = res.body["detail"].as_str().unwrap();
        assert!(detail.contains(reason), "{source}: {detail}");
    }
    let res = app.insert("bubblesort.py", vec![0xff, 0xfe, 0x00], &bubblesort_config()).await;
    assert_eq!(res.status, 400, "{:?}", res.body);
    assert_eq!(app.list().await.body, json!([]), "nothing refused was stored");

    // The legacy checks on the file name come first, as the CLI expects them.
    let res = app.insert("other.py", BUBBLESORT.into(), &bubblesort_config()).await;
    assert_eq!(res.status, 406, "{:?}", res.body);
    let res = app.insert("bubblesort.js", BUBBLESORT.into(), &config("x", "bubblesort.js", json!({}), json!({}))).await;
    assert_eq!(res.status, 400, "{:?}", res.body);
    assert!(res.body["detail"].as_str().unwrap().contains(".py"), "{:?}", res.body);
}

#[tokio::test]
async fn rejected_input_and_failed_runs_fall_back_to_the_example_and_say_why() {
    let app = spawn_app().await;
    assert_eq!(app.insert("picky.py", PICKY.into(), &picky_config()).await.status, 200);
    let res = app.run("picky", json!({"n": 2})).await;
    assert_eq!((res.body["status"].as_str(), res.body["data"][0]["comments"].as_str()), (Some("run_parameters"), Some("5")));

    let res = app.run("picky", json!({"n": -1})).await;
    assert_eq!(res.body["status"], "run_example", "{:?}", res.body);
    assert_eq!(res.body["data"][0]["comments"], "2", "the example (n=5) ran");
    assert_eq!(res.body["detail"], "the program rejected its input: n must not be negative");

    let res = app.run("picky", json!({"n": 0})).await;
    assert_eq!(res.body["status"], "run_example", "{:?}", res.body);
    let detail = res.body["detail"].as_str().unwrap();
    assert!(detail.contains("File \"picky.py\", line 9, in run\n    algo.add_comment(str(10 // n))"), "{detail}");
    assert!(detail.contains("ZeroDivisionError: division by zero"), "{detail}");
    assert!(detail.contains("n is 0"), "what the program printed is shown: {detail}");
}

#[tokio::test]
async fn a_python_program_whose_example_fails_too_answers_422_with_the_kind() {
    let app = spawn_app_with(&[("SANDBOX_TIMEOUT_MS", "300")]).await;
    let spin = "def run(**kwargs):\n    while True:\n        pass\n";
    assert_eq!(app.insert("spin.py", spin.into(), &config("spin", "spin.py", json!({}), json!({}))).await.status, 200);
    let res = app.run("spin", json!({})).await;
    assert_eq!(res.status, 422, "{:?}", res.body);
    assert_eq!(res.body["error"], "time_limit_exceeded");
    assert!(res.body["detail"].as_str().unwrap().contains("300 ms"), "{:?}", res.body);
    // The server is healthy afterwards.
    assert_eq!(app.insert("bubblesort.py", BUBBLESORT.into(), &bubblesort_config()).await.status, 200);
    assert_eq!(app.run("bubblesort_py", json!({"array": [2, 1]})).await.body["status"], "run_parameters");
}

#[tokio::test]
async fn python_runs_beyond_the_sandbox_slots_are_turned_away_with_503() {
    let app = spawn_app_with(&ONE_SLOT).await;
    let spin = "def run(**kwargs):\n    while True:\n        pass\n";
    assert_eq!(app.insert("spin.py", spin.into(), &config("spin", "spin.py", json!({}), json!({}))).await.status, 200);
    let (a, b) = tokio::join!(app.run("spin", json!({})), async {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        app.run("spin", json!({})).await
    });
    let mut codes = [a.status, b.status];
    codes.sort();
    assert_eq!(codes, [422, 503]);
    let busy = if a.status == 503 { a } else { b };
    assert_eq!(busy.headers["retry-after"], "1");
}

#[tokio::test]
async fn an_update_changes_what_runs_and_the_source_survives_a_restart() {
    let folder = tempfile::TempDir::new().unwrap();
    {
        let app = spawn_app_in(folder.path(), &[]).await;
        assert_eq!(app.insert("bubblesort.py", BUBBLESORT.into(), &bubblesort_config()).await.status, 200);
        let descending = BUBBLESORT.replace("a > b", "a < b");
        let res = app.update("bubblesort.py", descending.into(), &bubblesort_config()).await;
        assert_eq!(res.status, 200, "{:?}", res.body);
        assert_eq!(last_body(&app.run("bubblesort_py", json!({"array": [1, 3, 2]})).await), json!([3, 2, 1]));
    }
    // A new server on the same storage compiles the stored source again.
    let app = spawn_app_in(folder.path(), &[]).await;
    let res = app.run("bubblesort_py", json!({"array": [1, 3, 2]})).await;
    assert_eq!(res.body["status"], "run_parameters", "{:?}", res.body);
    assert_eq!(last_body(&res), json!([3, 2, 1]), "the updated source was stored");
}

#[tokio::test]
async fn one_python_file_serves_several_argorithms_by_function() {
    let app = spawn_app().await;
    let two = "import ARgorithmToolkit as T\n\ndef first(**kw):\n    a = T.StateSet()\n    a.add_comment('first')\n    return a\n\ndef second(**kw):\n    a = T.StateSet()\n    a.add_comment('second')\n    return a\n";
    for function in ["first", "second"] {
        let cfg = json!({"argorithmID": function, "file": "two.py", "function": function, "description": "",
                         "parameters": {}, "example": {}});
        assert_eq!(app.insert("two.py", two.into(), cfg.to_string().as_bytes()).await.status, 200);
    }
    for function in ["first", "second"] {
        assert_eq!(app.run(function, json!({})).await.body["data"][0]["comments"], function);
    }
}

#[tokio::test]
async fn a_server_without_the_python_runtime_says_so_and_refuses_python_uploads() {
    let folder = tempfile::TempDir::new().unwrap();
    let settings = settings_for(folder.path(), &[("PYTHON_RUNTIME", "DISABLED")]);
    let app = argorithm_server::startup::Application::build(settings).await.unwrap();
    let banner = app.banner().join("\n");
    assert!(banner.contains("python: DISABLED (PYTHON_RUNTIME=DISABLED)"), "{banner}");
    drop(app);

    let app = spawn_app_with(&[("PYTHON_RUNTIME", "DISABLED")]).await;
    let res = app.insert("bubblesort.py", BUBBLESORT.into(), &bubblesort_config()).await;
    assert_eq!(res.status, 400, "{:?}", res.body);
    let detail = res.body["detail"].as_str().unwrap();
    assert!(detail.contains("cannot run Python ARgorithms") && detail.contains("PYTHON_RUNTIME"), "{detail}");
    // WebAssembly still works.
    assert_eq!(app.insert_example("fibonacci").await.status, 200);
}

#[tokio::test]
async fn a_server_with_the_runtime_says_python_is_enabled() {
    let folder = tempfile::TempDir::new().unwrap();
    let app = argorithm_server::startup::Application::build(settings_for(folder.path(), &[])).await.unwrap();
    let banner = app.banner().join("\n");
    assert!(banner.contains("python: ENABLED"), "the runtime must be built for these tests (sandbox/build.rs): {banner}");
}
