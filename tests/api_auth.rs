//! AUTH=ENABLED: accounts, tokens, authorization, and the attacks the issue lists.
mod helpers;

use helpers::*;
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

fn token_for(email: &str, key: &str, exp_offset_secs: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims = json!({"sub": email, "iat": now, "exp": now + exp_offset_secs});
    encode(&Header::default(), &claims, &EncodingKey::from_secret(key.as_bytes())).unwrap()
}

#[tokio::test]
async fn the_server_says_auth_is_enabled() {
    let app = spawn_auth_app().await;
    assert_eq!(app.server_info().await.body, json!({"auth": "ENABLED"}));
    assert_eq!(app.get("/auth").await.status, 200);
}

#[tokio::test]
async fn programmer_signup_creates_both_accounts_and_refuses_a_taken_email() {
    let app = spawn_auth_app().await;
    assert_eq!(app.register_programmer("Ann@Example.com", "Password1").await.status, 200);
    let again = app.register_programmer("ann@example.com", "Password2").await;
    assert_eq!(again.status, 409);
    assert_eq!(again.body["detail"], "email is already in use");
    let login = app.login_user("ann@example.com", "Password1").await;
    assert_eq!(login.status, 200, "signup made a user account too");
    assert_eq!(login.body["token_type"], "bearer");
    assert!(login.body["access_token"].as_str().unwrap().split('.').count() == 3);
}

#[tokio::test]
async fn unusable_emails_and_passwords_are_a_422_that_says_why() {
    let app = spawn_auth_app().await;
    let cases = [("not-an-email", "Password1", "email"), ("a@b.co", "short", "at least 8"), ("a@b.co", &"x".repeat(73), "72 bytes")];
    for (email, password, why) in cases {
        for res in [app.register_programmer(email, password).await, app.register_user(email, password).await] {
            assert_eq!(res.status, 422, "{email}");
            assert!(res.body["detail"].as_str().unwrap().contains(why), "{:?}", res.body);
        }
    }
}

#[tokio::test]
async fn form_fields_that_are_not_utf8_are_a_422_not_a_lossy_account_name() {
    let app = spawn_auth_app().await;
    let raw = |path: &'static str, body: &'static str| {
        let req = app.client.post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    for path in ["/programmers/register", "/users/register"] {
        let (status, body) = raw(path, "username=%ff%fe%40y.com&password=password1").await;
        assert_eq!(status, 422, "{path}: {body}");
        assert_eq!(body["detail"], "the form field \"username\" is not UTF-8 text");
    }
    let (status, body) = raw("/users/login", "username=%80%81%40y.com&password=password1").await;
    assert_eq!(status, 422, "{body}");
    // Nothing was registered under a replaced name.
    assert_eq!(app.login_user("\u{fffd}\u{fffd}@y.com", "password1").await.status, 404);
    // UTF-8 that is not ASCII is fine.
    assert_eq!(app.register_user("zoë@example.com", "password1").await.status, 200);
}

#[tokio::test]
async fn login_answers_404_for_an_unknown_email_and_401_for_a_wrong_password() {
    let app = spawn_auth_app().await;
    app.register_programmer("bob@example.com", "Password1").await;
    assert_eq!(app.login_programmer("nobody@example.com", "Password1").await.status, 404);
    let wrong = app.login_programmer("bob@example.com", "Password9").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body["detail"], "incorrect password");
    assert_eq!(app.login_programmer("BOB@example.com", "Password1").await.status, 200);
}

#[tokio::test]
async fn verify_accepts_valid_tokens_and_refuses_forged_expired_and_missing_ones() {
    let app = spawn_auth_app().await;
    let token = app.programmer_token("cy@example.com").await;
    assert_eq!(app.with_token(&token).post_form("/programmers/verify", &[]).await.status, 200);
    assert_eq!(app.with_token(&token).post_form("/users/verify", &[]).await.status, 200);
    assert_eq!(app.post_form("/programmers/verify", &[]).await.status, 401);
    let forged = token_for("cy@example.com", "some-other-key-that-is-also-32-bytes-long", 3600);
    assert_eq!(app.with_token(&forged).post_form("/programmers/verify", &[]).await.status, 401);
    let expired = token_for("cy@example.com", SECRET_KEY, -10);
    assert_eq!(app.with_token(&expired).post_form("/programmers/verify", &[]).await.status, 401);
    assert_eq!(app.with_token("not.a.token").post_form("/users/verify", &[]).await.status, 401);
}

#[tokio::test]
async fn a_deleted_or_blacklisted_accounts_token_stops_working_at_once() {
    let app = spawn_auth_app().await;
    let admin = app.admin_token().await;
    let dee = app.programmer_token("dee@example.com").await;
    let eve = app.programmer_token("eve@example.com").await;

    let res = app.with_token(&admin).post_json("/admin/delete_programmer", json!({"email": "dee@example.com"})).await;
    assert_eq!(res.status, 200);
    assert_eq!(app.with_token(&dee).post_form("/programmers/verify", &[]).await.status, 401);
    assert_eq!(app.with_token(&dee).insert_example("bubblesort").await.status, 401);
    assert_eq!(app.login_programmer("dee@example.com", "Password1").await.status, 404);

    assert_eq!(app.with_token(&admin).post_json("/admin/black_list", json!({"email": "eve@example.com"})).await.status, 200);
    assert_eq!(app.with_token(&eve).post_form("/programmers/verify", &[]).await.status, 401);
    assert_eq!(app.with_token(&eve).post_form("/users/verify", &[]).await.status, 401);
    let login = app.login_programmer("eve@example.com", "Password1").await;
    assert_eq!(login.status, 401);
    assert_eq!(login.body["detail"], "this account is blacklisted");
    assert_eq!(app.with_token(&admin).post_json("/admin/white_list", json!({"email": "eve@example.com"})).await.status, 200);
    assert_eq!(app.with_token(&eve).post_form("/programmers/verify", &[]).await.status, 200);
}

#[tokio::test]
async fn a_user_token_does_not_open_programmer_routes() {
    let app = spawn_auth_app().await;
    assert_eq!(app.register_user("fay@example.com", "Password1").await.status, 200);
    let token = app.login_user("fay@example.com", "Password1").await.body["access_token"].as_str().unwrap().to_owned();
    let res = app.with_token(&token).insert_example("bubblesort").await;
    assert_eq!(res.status, 401);
    assert!(res.body["detail"].as_str().unwrap().contains("programmer"));
    assert_eq!(app.with_token(&token).post_form("/programmers/verify", &[]).await.status, 401);
    assert_eq!(app.login_programmer("fay@example.com", "Password1").await.status, 404);
}

#[tokio::test]
async fn only_the_maintainer_or_an_admin_changes_an_argorithm() {
    let app = spawn_auth_app().await;
    let gus = app.programmer_token("gus@example.com").await;
    let hal = app.programmer_token("hal@example.com").await;
    let admin = app.admin_token().await;
    assert_eq!(app.with_token(&gus).insert_example("bubblesort").await.status, 200);
    assert_eq!(app.view("bubblesort").await.body["maintainer"], "gus@example.com");

    let config = config_with("bubblesort", json!({"description": "hijacked"}));
    let res = app.with_token(&hal).update("bubblesort", &config).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.body["detail"], "Only argorithm maintaner or admin can perform this action");
    assert_eq!(app.with_token(&hal).delete("bubblesort").await.status, 401);
    assert_ne!(app.view("bubblesort").await.body["description"], "hijacked");

    let config = config_with("bubblesort", json!({"description": "moderated"}));
    assert_eq!(app.with_token(&admin).update("bubblesort", &config).await.status, 200);
    let view = app.view("bubblesort").await.body;
    assert_eq!(view["description"], "moderated");
    assert_eq!(view["maintainer"], "gus@example.com", "an admin's update keeps the maintainer");

    assert_eq!(app.with_token(&gus).delete("bubblesort").await.status, 200);
    assert_eq!(app.view("bubblesort").await.status, 404);
    assert_eq!(app.with_token(&gus).delete("bubblesort").await.status, 404);
}

#[tokio::test]
async fn writes_and_runs_need_a_token_but_list_and_view_are_public() {
    let app = spawn_auth_app().await;
    assert_eq!(app.insert_example("bubblesort").await.status, 401);
    let admin = app.admin_token().await;
    assert_eq!(app.with_token(&admin).insert_example("bubblesort").await.status, 200);
    assert_eq!(app.list().await.status, 200);
    assert_eq!(app.view("bubblesort").await.status, 200);
    let anonymous = app.run("bubblesort", json!({"array": [2, 1]})).await;
    assert_eq!(anonymous.status, 401);
    assert!(anonymous.body["detail"].is_string());
    assert_eq!(app.delete("bubblesort").await.status, 401);
    let run = app.with_token(&admin).run("bubblesort", json!({"array": [2, 1]})).await;
    assert_eq!(run.body["status"], "run_parameters");
}

#[tokio::test]
async fn admin_routes_refuse_non_admins() {
    let app = spawn_auth_app().await;
    let ivy = app.programmer_token("ivy@example.com").await;
    for path in ["grant", "revoke", "black_list", "white_list", "delete_user", "delete_programmer"] {
        let res = app.with_token(&ivy).post_json(&format!("/admin/{path}"), json!({"email": "ivy@example.com"})).await;
        assert_eq!(res.status, 401, "{path}");
        let res = app.post_json(&format!("/admin/{path}"), json!({"email": "ivy@example.com"})).await;
        assert_eq!(res.status, 401, "{path} without a token");
    }
    assert_eq!(app.with_token(&ivy).post_form("/programmers/verify", &[]).await.status, 200, "nothing changed");
}

#[tokio::test]
async fn admin_routes_answer_the_contracts_codes() {
    let app = spawn_auth_app().await;
    let admin = app.admin_token().await;
    let as_admin = app.with_token(&admin);
    for path in ["grant", "revoke", "black_list", "white_list", "delete_user", "delete_programmer"] {
        let res = as_admin.post_json(&format!("/admin/{path}"), json!({"email": "ghost@example.com"})).await;
        assert_eq!(res.status, 404, "{path}");
    }
    let jo = app.programmer_token("jo@example.com").await;
    assert_eq!(as_admin.post_json("/admin/grant", json!({"email": "jo@example.com"})).await.status, 200);
    assert_eq!(app.with_token(&jo).post_json("/admin/white_list", json!({"email": "jo@example.com"})).await.status, 200, "a granted admin is an admin");
    assert_eq!(as_admin.post_json("/admin/black_list", json!({"email": "jo@example.com"})).await.status, 200);
    assert_eq!(as_admin.post_json("/admin/grant", json!({"email": "jo@example.com"})).await.status, 406);
    assert_eq!(as_admin.post_json("/admin/white_list", json!({"email": "jo@example.com"})).await.status, 200);
    let res = app.with_token(&jo).post_json("/admin/white_list", json!({"email": "jo@example.com"})).await;
    assert_eq!(res.status, 401, "blacklisting removed admin rights");
    assert_eq!(as_admin.post_json("/admin/revoke", json!({"email": "jo@example.com"})).await.status, 200);
    assert_eq!(as_admin.post_json("/admin/delete_user", json!({"email": "jo@example.com"})).await.status, 200);
    assert_eq!(app.login_user("jo@example.com", "Password1").await.status, 404);
    assert_eq!(app.login_programmer("jo@example.com", "Password1").await.status, 200);
    let root = as_admin.post_json("/admin/black_list", json!({"email": ADMIN_EMAIL})).await;
    assert_eq!(root.status, 406, "{:?}", root.body);
}

#[tokio::test]
async fn ten_parallel_registrations_of_one_email_have_exactly_one_winner() {
    let app = std::sync::Arc::new(spawn_auth_app().await);
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let res = if i % 2 == 0 {
                    app.register_programmer("race@example.com", "Password1").await
                } else {
                    app.post_form("/programmers/register", &[("username", "RACE@example.com"), ("password", "Password1")]).await
                };
                res.status
            })
        })
        .collect();
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    assert_eq!(codes, [200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn the_admin_account_exists_after_start_and_a_restart_changes_nothing() {
    let folder = tempfile::TempDir::new().unwrap();
    let vars = auth_vars();
    {
        let app = spawn_app_in(folder.path(), &vars).await;
        assert_eq!(app.login_user(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 200);
        let admin = app.admin_token().await;
        assert_eq!(app.with_token(&admin).post_json("/admin/white_list", json!({"email": ADMIN_EMAIL})).await.status, 406);
        app.programmer_token("kim@example.com").await;
    }
    let mut changed = vars.clone();
    changed.retain(|(k, _)| *k != "ADMIN_PASSWORD");
    changed.push(("ADMIN_PASSWORD", "AnotherPass2"));
    let app = spawn_app_in(folder.path(), &changed).await;
    assert_eq!(app.login_programmer(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 200, "the stored password is kept");
    assert_eq!(app.login_programmer(ADMIN_EMAIL, "AnotherPass2").await.status, 401);
    assert_eq!(app.login_programmer("kim@example.com", "Password1").await.status, 200);
}

#[tokio::test]
async fn the_document_declares_which_operations_need_a_token() {
    let app = spawn_auth_app().await;
    let spec: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let schemes = &spec["components"]["securitySchemes"];
    assert_eq!(schemes["BearerToken"]["scheme"], "bearer");
    assert_eq!(schemes["PasswordLogin"]["flows"]["password"]["tokenUrl"], "/users/login");
    for (method, path) in [("post", "/argorithms/run"), ("post", "/argorithms/insert"), ("post", "/admin/grant"), ("post", "/users/verify")] {
        let security = spec["paths"][path][method]["security"].to_string();
        assert!(security.contains("BearerToken") && security.contains("PasswordLogin"), "{path}: {security}");
    }
    for path in ["/argorithms/list", "/users/login"] {
        let op = spec["paths"][path].as_object().unwrap().values().next().unwrap().clone();
        assert!(op.get("security").is_none(), "{path} is public");
    }
}

#[tokio::test]
async fn swagger_uis_password_flow_logs_in_and_its_token_runs_an_argorithm() {
    let app = spawn_auth_app().await;
    let admin = app.admin_token().await;
    app.with_token(&admin).insert_example("fibonacci").await;
    app.register_user("lee@example.com", "Password1").await;
    // What Swagger UI's Authorize dialog posts for an OAuth2 password flow.
    let fields = [("grant_type", "password"), ("username", "lee@example.com"), ("password", "Password1"), ("scope", ""), ("client_id", "")];
    let login = app.post_form("/users/login", &fields).await;
    assert_eq!(login.status, 200, "{:?}", login.body);
    let token = login.body["access_token"].as_str().unwrap();
    let run = app.with_token(token).run("fibonacci", json!({"n": 3})).await;
    assert_eq!(run.body["status"], "run_parameters");
}
