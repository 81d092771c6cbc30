//! The deployment files, validated as far as a machine without a Docker engine can: the
//! dashboard queries only metrics the server exports, every file parses, every variable the
//! compose files read is in `.env.example`, every path they mount exists, and Redis accepts
//! `redis.conf`.
mod helpers;

use helpers::servers::ServerProcess;
use helpers::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn yaml(path: &str) -> serde_yaml::Value {
    serde_yaml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

/// Metric names in a PromQL expression: identifiers followed by `{`, `[`, `)` or space that
/// are not functions, keywords or label names.
fn metric_names(expr: &str) -> BTreeSet<String> {
    const NOT_METRICS: [&str; 15] = [
        "sum", "by", "rate", "histogram_quantile", "clamp_min", "le", "path", "argorithm_id", "status_code", "status",
        "parameters", "exception_type", "result", "operation", "kind",
    ];
    let mut names = BTreeSet::new();
    let mut rest = expr;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        let tail = &rest[start..];
        let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
        let word = &tail[..end];
        let before = rest[..start].chars().last();
        let inside_braces = rest[..start].matches('{').count() > rest[..start].matches('}').count();
        let is_number = before.is_some_and(|c| c.is_ascii_digit() || c == '.');
        if word.contains('_') && !NOT_METRICS.contains(&word) && !inside_braces && !is_number && !word.starts_with("__") {
            names.insert(word.to_owned());
        }
        rest = &tail[end..];
    }
    names.retain(|n| !n.starts_with("legend"));
    names
}

fn dashboard_exprs() -> Vec<String> {
    let dashboard: Value = serde_json::from_str(&read("grafana/dashboards/argorithm-server.json")).expect("the dashboard is JSON");
    let mut exprs = Vec::new();
    for panel in dashboard["panels"].as_array().expect("panels") {
        for target in panel["targets"].as_array().expect("targets") {
            exprs.push(target["expr"].as_str().expect("expr").to_owned());
        }
    }
    exprs
}

#[tokio::test]
async fn every_metric_the_dashboard_queries_is_exported_by_the_server() {
    let app = spawn_app_with(&ONE_SLOT).await;
    app.insert_example("fibonacci").await;
    app.run("fibonacci", json!({"n": 4})).await;
    app.server_info().await;
    // Exceptions are series only once one happened: two runs at once on one slot give a 503.
    assert_eq!(two_runs_on_one_slot(&app).await, [422, 503]);
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let exported: BTreeSet<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split(['{', ' ']).next().unwrap())
        .collect();
    let exprs = dashboard_exprs();
    assert!(exprs.len() >= 10, "{exprs:?}");
    let mut queried = BTreeSet::new();
    for expr in &exprs {
        queried.extend(metric_names(expr));
    }
    for legacy in ["server_requests_total", "server_responses_total", "execution_requests_total", "execution_responses_total", "cache_requests_total", "sandbox_limit_violations_total"] {
        assert!(queried.contains(legacy), "the dashboard charts {legacy}: {queried:?}");
    }
    for name in &queried {
        assert!(exported.contains(name.as_str()), "the dashboard queries {name}, which the server does not export");
    }
}

#[test]
fn the_metric_name_extraction_finds_names_and_skips_functions_and_labels() {
    let names = metric_names(r#"histogram_quantile(0.5, sum by (le, path) (rate(server_x_bucket{result="hit"}[$__rate_interval]))) / clamp_min(sum(rate(cache_y_total[5m])), 1e-9)"#);
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["cache_y_total", "server_x_bucket"]);
}

#[test]
fn grafana_provisioning_points_at_prometheus_and_the_dashboard_folder() {
    let ds = yaml("grafana/provisioning/datasources/prometheus.yml");
    let source = &ds["datasources"][0];
    assert_eq!(source["type"].as_str(), Some("prometheus"));
    assert_eq!(source["url"].as_str(), Some("http://prometheus:9090"));
    let uid = source["uid"].as_str().unwrap();
    let dashboard: Value = serde_json::from_str(&read("grafana/dashboards/argorithm-server.json")).unwrap();
    for panel in dashboard["panels"].as_array().unwrap() {
        assert_eq!(panel["datasource"]["uid"].as_str(), Some(uid), "{}", panel["title"]);
    }
    let providers = yaml("grafana/provisioning/dashboards/argorithm.yml");
    let path = providers["providers"][0]["options"]["path"].as_str().unwrap().to_owned();
    let compose = yaml("docker-compose.prod.yml");
    let mounts: Vec<String> = compose["services"]["grafana"]["volumes"].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    assert!(mounts.iter().any(|m| m.starts_with("./grafana/dashboards:") && m.contains(&path)), "{mounts:?}");
    for line in read("grafana/grafana.ini").lines().map(str::trim) {
        let ok = line.is_empty() || line.starts_with('#') || line.starts_with(';') || (line.starts_with('[') && line.ends_with(']')) || line.contains(" = ");
        assert!(ok, "grafana.ini: {line:?}");
    }
}

/// `${NAME}`, `${NAME:-default}`, `${NAME:?message}` in a compose file; `$$` is a literal `$`.
fn compose_variables(text: &str) -> BTreeSet<String> {
    let text = text.replace("$$", "");
    text.split("${")
        .skip(1)
        .map(|rest| rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap().to_owned())
        .collect()
}

fn env_example_names() -> BTreeSet<String> {
    read(".env.example")
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(|l| l.split('=').next().unwrap().to_owned())
        .collect()
}

#[test]
fn every_variable_the_compose_files_read_is_in_env_example() {
    let names = env_example_names();
    for file in ["docker-compose.local.yml", "docker-compose.prod.yml"] {
        let vars = compose_variables(&read(file));
        assert!(!vars.is_empty(), "{file}");
        for v in vars {
            assert!(names.contains(&v), "{file} reads ${{{v}}}, which .env.example does not name");
        }
    }
    // Every server variable .env.example names is one the server knows.
    let known: BTreeSet<String> = argorithm_server::settings::variables().into_iter().map(|v| v.name).collect();
    for name in &names {
        assert!(known.contains(name.as_str()) || name.starts_with("GRAFANA_"), "{name} in .env.example is read by nothing");
    }
}

#[test]
fn the_compose_files_are_well_formed_and_mount_files_that_exist() {
    for file in ["docker-compose.local.yml", "docker-compose.prod.yml"] {
        let compose = yaml(file);
        let services = compose["services"].as_mapping().unwrap_or_else(|| panic!("{file}: services"));
        for (name, service) in services {
            let name = name.as_str().unwrap();
            assert!(service["image"].is_string() || service["build"].is_string(), "{file}: {name} has an image or a build");
            if let Some(ctx) = service["build"].as_str() {
                assert!(repo(ctx).join("Dockerfile").is_file(), "{file}: {name} builds from {ctx}");
            }
            for volume in service["volumes"].as_sequence().into_iter().flatten() {
                let source = volume.as_str().unwrap().split(':').next().unwrap();
                if source.starts_with("./") {
                    assert!(repo(source).exists(), "{file}: {name} mounts {source}, which is not in the repository");
                } else {
                    let named = compose["volumes"].as_mapping().map(|v| v.contains_key(source)).unwrap_or(false);
                    assert!(named, "{file}: {name} uses volume {source}, which is not declared");
                }
            }
            for dep in service["depends_on"].as_sequence().into_iter().flatten() {
                assert!(services.contains_key(dep), "{file}: {name} depends on {dep:?}");
            }
        }
    }
    let prod = yaml("docker-compose.prod.yml");
    for service in ["mongo", "redis", "server", "prometheus", "grafana"] {
        assert!(prod["services"][service].is_mapping(), "the production file runs {service}");
    }
    let env = &prod["services"]["server"]["environment"];
    assert_eq!(env["DATABASE"].as_str(), Some("MONGO"));
    assert_eq!(env["AUTH"].as_str(), Some("ENABLED"));
    assert_eq!(env["CACHING"].as_str(), Some("ENABLED"));
    let local = yaml("docker-compose.local.yml");
    let local_env = &local["services"]["server"]["environment"];
    assert!(local_env["DATABASE"].is_null() && local_env["CACHING"].is_null(), "the local file keeps the default embedded mode");
}

#[test]
fn the_docker_image_carries_the_python_runtime_compiled_for_its_unprivileged_user() {
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.contains("python3-venv"), "the build stage can build the runtime (sandbox/build.rs)");
    assert!(dockerfile.contains("--print-python-runtime"), "the runtime the build made is what the image gets");
    let runtime_stage = dockerfile.rsplit("\nFROM ").next().unwrap();
    for needed in ["PYTHON_RUNTIME=/usr/local/lib/argorithm-server/python-runtime.wasm", "PYTHON_RUNTIME_CACHE=/var/cache/argorithm-server", "chmod 700 /var/cache/argorithm-server"] {
        assert!(runtime_stage.contains(needed), "{needed}");
    }
    let user_at = runtime_stage.find("USER ").expect("a USER line");
    let prepare_at = runtime_stage.find("--prepare-python-runtime").expect("the runtime is compiled into the image");
    assert!(prepare_at > user_at, "compiled as the server's user, into a folder only that user writes");
}

#[test]
fn the_dockerfile_is_multi_stage_non_root_and_keeps_data_in_a_volume() {
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.lines().filter(|l| l.starts_with("FROM ")).count() >= 2);
    let user = dockerfile.lines().find_map(|l| l.strip_prefix("USER ")).expect("a USER line");
    assert!(!user.starts_with("root") && !user.starts_with('0'), "{user}");
    assert!(dockerfile.contains("VOLUME [\"/data\"]") && dockerfile.contains("STORAGE_FOLDER=/data"));
    assert!(dockerfile.contains("--bin argorithm-server") && dockerfile.contains("--locked"));
}

#[test]
fn prometheus_scrapes_the_server_with_the_token_file_the_compose_file_writes() {
    let config = yaml("prometheus.yml");
    let job = &config["scrape_configs"][0];
    assert_eq!(job["metrics_path"].as_str(), Some("/metrics"));
    let token_file = job["authorization"]["credentials_file"].as_str().unwrap();
    let compose = read("docker-compose.prod.yml");
    assert!(compose.contains(&format!("> {token_file}")), "the compose file writes {token_file}");
    let out = std::process::Command::new(std::env::var("PROMTOOL").unwrap_or_else(|_| "promtool".into()))
        .args(["check", "config", "--syntax-only"])
        .arg(repo("prometheus.yml"))
        .output()
        .expect("promtool is needed: install Debian's `prometheus` package (bash .ci/run does) or set PROMTOOL");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn redis_accepts_redis_conf_with_a_password_and_an_lru_limit() {
    let conf = repo("redis.conf").display().to_string();
    // The file's own port and bind are overridden so the test does not collide with anything.
    let redis = ServerProcess::redis_with_config(&conf, "conf-test-password");
    let url = format!("redis://:conf-test-password@127.0.0.1:{}/0", redis.port);
    let mut conn = deadpool_redis::redis::Client::open(url).unwrap().get_multiplexed_async_connection().await.unwrap();
    let get = |name: &'static str| {
        let mut conn = conn.clone();
        async move { deadpool_redis::redis::cmd("CONFIG").arg("GET").arg(name).query_async::<Vec<String>>(&mut conn).await.unwrap()[1].clone() }
    };
    assert_eq!(get("maxmemory-policy").await, "allkeys-lru");
    assert_eq!(get("maxmemory").await, (256u64 << 20).to_string());
    let anonymous = format!("redis://127.0.0.1:{}/0", redis.port);
    let mut open = deadpool_redis::redis::Client::open(anonymous).unwrap().get_multiplexed_async_connection().await.unwrap();
    let refused = deadpool_redis::redis::cmd("GET").arg("x").query_async::<Option<String>>(&mut open).await;
    assert!(refused.is_err(), "a password is required");
    let _ = &mut conn;
}
