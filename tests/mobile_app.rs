//! The Unity app's calls from shared/clients.md, in its order, checking every field it parses.
mod helpers;

use helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_mobile_app_registers_logs_in_verifies_lists_and_runs() {
    let app = spawn_auth_app().await;
    let admin = app.admin_token().await;
    assert_eq!(app.with_token(&admin).insert_example("bubblesort").await.status, 200);

    // connect
    let info = app.server_info().await;
    assert_eq!(info.status, 200);
    assert_eq!(info.body["auth"], "ENABLED");

    // create account (form), then the same email again
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 200);
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 409);

    // login
    assert_eq!(app.login_user("stranger@example.com", "Learner123").await.status, 404);
    assert_eq!(app.login_user("learner@example.com", "wrong-pass").await.status, 401);
    let login = app.login_user("learner@example.com", "Learner123").await;
    assert_eq!(login.status, 200);
    assert_eq!(login.body["token_type"], "bearer");
    let token = login.body["access_token"].as_str().unwrap().to_owned();

    // check token: an empty form with the bearer header
    assert_eq!(app.with_token(&token).post_form("/users/verify", &[]).await.status, 200);
    assert_eq!(app.with_token("expired-or-garbage").post_form("/users/verify", &[]).await.status, 401);

    // list: the fields the app reads
    let list = app.list().await;
    assert_eq!(list.status, 200);
    let item = &list.body.as_array().unwrap()[0];
    for field in ["argorithmID", "maintainer", "description", "function", "filename", "parameters", "example"] {
        assert!(item.get(field).is_some(), "{field} missing from the list item");
    }
    assert!(item["parameters"].is_object() && item["example"].is_object());

    // run with the example the app shows, then with the learner's own parameters
    for (parameters, status) in [(item["example"].clone(), "run_parameters"), (json!({"array": "oops"}), "run_example")] {
        let run = app.with_token(&token).run("bubblesort", parameters).await;
        assert_eq!(run.status, 200);
        assert_eq!(run.body["status"], status);
        for state in run.body["data"].as_array().unwrap() {
            assert!(state["state_type"].is_string());
            assert!(state["state_def"].is_object() || state["state_def"].is_null());
            assert!(state["comments"].is_string());
        }
    }
}

#[tokio::test]
async fn the_mobile_app_lists_and_runs_a_python_argorithm_like_any_other() {
    let app = spawn_auth_app().await;
    let admin = app.admin_token().await;
    let (source, config) = sandbox::testing::python_example("infix_to_postfix");
    let form = upload_form("infix_to_postfix.py", source, &config);
    let res = app.client.post(app.url("/argorithms/insert")).bearer_auth(&admin).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 200);
    let token = app.login_user("learner@example.com", "Learner123").await.body["access_token"].as_str().unwrap().to_owned();

    let list = app.list().await;
    let item = list.body.as_array().unwrap().iter().find(|i| i["argorithmID"] == "infix_to_postfix_py").expect("listed");
    for field in ["argorithmID", "maintainer", "description", "function", "filename", "parameters", "example"] {
        assert!(item.get(field).is_some(), "{field} missing from the list item");
    }
    for (parameters, status) in [(item["example"].clone(), "run_parameters"), (json!({"expression": 7}), "run_example")] {
        let run = app.with_token(&token).run("infix_to_postfix_py", parameters).await;
        assert_eq!(run.status, 200, "{:?}", run.body);
        assert_eq!(run.body["status"], status);
        let states = run.body["data"].as_array().unwrap();
        assert!(states.iter().any(|s| s["state_type"] == "stack_push"), "a stack is drawn");
        for state in states {
            assert!(state["state_type"].is_string() && state["comments"].is_string());
            assert!(state["state_def"].is_object() || state["state_def"].is_null());
        }
    }
}

#[tokio::test]
async fn without_auth_the_app_is_told_no_login_is_needed() {
    let app = spawn_app().await;
    assert_eq!(app.server_info().await.body["auth"], "DISABLED");
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 405);
    assert_eq!(app.login_user("learner@example.com", "Learner123").await.status, 405);
    app.insert_example("fibonacci").await;
    let run = app.run("fibonacci", json!({"n": 5})).await;
    assert_eq!(run.body["status"], "run_parameters");
}
