//! The service routes, the legacy auth-disabled answers, JSON errors everywhere, the player
//! page, the OpenAPI document and its checked-in copy.
mod helpers;

use helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_server_says_auth_is_disabled() {
    let app = spawn_app().await;
    let res = app.server_info().await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body, json!({"auth": "DISABLED"}));
}

#[tokio::test]
async fn the_auth_check_is_a_404_when_auth_is_disabled() {
    let app = spawn_app().await;
    let res = app.get("/auth").await;
    assert_eq!(res.status, 404);
    assert!(res.body["detail"].as_str().unwrap().contains("disabled"));
}

#[tokio::test]
async fn account_routes_answer_405_as_the_legacy_server_did_without_auth() {
    let app = spawn_app().await;
    for path in ["/programmers/register", "/programmers/login", "/users/register", "/users/login"] {
        let res = app.post_form(path, &[("username", "a@b.c"), ("password", "secret123")]).await;
        assert_eq!(res.status, 405, "{path}");
        assert!(res.body["detail"].as_str().unwrap().contains("disabled"), "{path}");
    }
    for path in ["/programmers/verify", "/users/verify"] {
        assert_eq!(app.post_form(path, &[]).await.status, 405, "{path}");
    }
    for path in ["grant", "revoke", "black_list", "white_list", "delete_user", "delete_programmer"] {
        let res = app.post_json(&format!("/admin/{path}"), json!({"email": "a@b.c"})).await;
        assert_eq!(res.status, 405, "{path}");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = spawn_app().await;
    let res = app.get("/no/such/route").await;
    assert_eq!(res.status, 404);
    assert!(res.body["detail"].is_string());
    let res = app.get("/argorithms/run").await;
    assert_eq!(res.status, 405);
    assert!(res.body["detail"].is_string());
}

#[tokio::test]
async fn a_run_body_that_is_not_json_is_a_400_in_json() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/argorithms/run"))
        .header("content-type", "application/json")
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn the_landing_page_is_the_trace_player_and_links_the_docs() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("ARgorithm Player"));
    for link in ["href=\"/docs/\"", "href=\"/openapi.json\"", "href=\"/argorithms/list\""] {
        assert!(html.contains(link), "{link}");
    }
    let script = app.client.get(app.url("/player/player.js")).send().await.unwrap();
    assert_eq!(script.status().as_u16(), 200);
    assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let missing = app.client.get(app.url("/player/nothing.js")).send().await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn the_checked_in_openapi_yaml_is_what_a_server_with_accounts_serves() {
    let app = spawn_auth_app().await;
    let served: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("openapi.yaml is checked in");
    let checked_in: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    assert!(
        served == checked_in,
        "openapi.yaml is out of date: regenerate it with `cargo run -q -- --print-openapi > openapi.yaml`"
    );
    assert_eq!(text, argorithm_server::api::spec_yaml(), "openapi.yaml must be the generated text");
}

#[tokio::test]
async fn the_document_lists_every_legacy_route() {
    let app = spawn_auth_app().await;
    let spec: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let routes = [
        ("get", "/argorithm"),
        ("get", "/auth"),
        ("get", "/argorithms/list"),
        ("get", "/argorithms/view/{argorithmID}"),
        ("post", "/argorithms/insert"),
        ("post", "/argorithms/update"),
        ("post", "/argorithms/delete"),
        ("post", "/argorithms/run"),
        ("post", "/programmers/register"),
        ("post", "/programmers/login"),
        ("post", "/programmers/verify"),
        ("post", "/users/register"),
        ("post", "/users/login"),
        ("post", "/users/verify"),
        ("post", "/admin/grant"),
        ("post", "/admin/revoke"),
        ("post", "/admin/black_list"),
        ("post", "/admin/white_list"),
        ("post", "/admin/delete_user"),
        ("post", "/admin/delete_programmer"),
    ];
    for (method, path) in routes {
        assert!(spec["paths"][path][method].is_object(), "{method} {path} missing from the document");
    }
    let insert = &spec["paths"]["/argorithms/insert"]["post"]["requestBody"]["content"];
    assert!(insert["multipart/form-data"].is_object());
    let login = &spec["paths"]["/users/login"]["post"]["requestBody"]["content"];
    assert!(login["application/x-www-form-urlencoded"].is_object());
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let init = app.client.get(app.url("/docs/swagger-initializer.js")).send().await.unwrap().text().await.unwrap();
    assert!(init.contains("/openapi.json"), "{init}");
}

#[tokio::test]
async fn without_accounts_the_document_leaves_out_the_routes_that_only_answer_405() {
    let app = spawn_app().await;
    let served: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let paths: Vec<&String> = served["paths"].as_object().unwrap().keys().collect();
    for path in &paths {
        assert!(!path.starts_with("/programmers/") && !path.starts_with("/users/") && !path.starts_with("/admin/"), "{path}");
    }
    assert!(paths.contains(&&"/argorithms/run".to_owned()) && paths.contains(&&"/auth".to_owned()), "{paths:?}");
    assert!(served["components"].get("securitySchemes").is_none());
    assert!(!served.to_string().contains("\"security\""), "no operation asks for a token");
    // Those routes still answer as the legacy server did.
    assert_eq!(app.register_user("learner@example.com", "Learner123").await.status, 405);
    let full: serde_json::Value = serde_json::from_str(&argorithm_server::api::spec_json(true)).unwrap();
    assert_eq!(served["components"]["schemas"], full["components"]["schemas"], "the same schemas");
}

#[tokio::test]
async fn the_document_says_what_the_handlers_enforce() {
    let spec: serde_json::Value = serde_json::from_str(&argorithm_server::api::spec_json(true)).unwrap();
    let register = &spec["paths"]["/users/register"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"];
    let fields = if register["$ref"].is_string() {
        let name = register["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        spec["components"]["schemas"][name]["properties"].clone()
    } else {
        register["properties"].clone()
    };
    assert_eq!(fields["username"]["format"], "email", "{fields}");
    assert_eq!((fields["password"]["minLength"].as_u64(), fields["password"]["maxLength"].as_u64()), (Some(8), Some(72)), "{fields}");
    let insert = &spec["paths"]["/argorithms/insert"]["post"];
    let upload = &insert["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"];
    assert_eq!(upload["file"]["format"], "binary", "{upload}");
    let config_ref = upload["data"]["$ref"].as_str().or_else(|| upload["data"]["allOf"][0]["$ref"].as_str());
    assert!(config_ref.is_some_and(|r| r.ends_with("/ArgorithmConfig")), "{upload}");
    for (path, method) in [("/argorithms/insert", "post"), ("/argorithms/run", "post"), ("/users/login", "post")] {
        let responses = spec["paths"][path][method]["responses"].as_object().unwrap();
        for status in ["400", "408", "413", "415", "503"] {
            assert!(responses.contains_key(status), "{method} {path} documents {status}");
        }
    }
}
