//! The HTTP contract: one `#[OpenApi]` struct per tag, combined into one service.
mod accounts;
mod argorithms;
mod run;
mod schema;
mod service;

use crate::auth::Identity;
use crate::client::{client_address, ClientId};
use crate::state::AppState;
use poem_openapi::{OpenApiService, Tags};

/// Who a request counts against in the sandbox: the account with accounts on, else the
/// address it comes from (through a trusted proxy's `X-Forwarded-For`).
fn client_of(state: &AppState, who: &Identity, req: &poem::Request) -> ClientId {
    if state.settings.auth_enabled {
        return ClientId::Account(who.email.clone());
    }
    let peer = req.remote_addr().as_socket_addr().map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    ClientId::Address(client_address(peer, req.headers(), &state.settings.trusted_proxies))
}

#[derive(Tags)]
pub enum ApiTags {
    /// Publish, list, view, update, delete and run ARgorithms.
    Argorithms,
    /// Accounts of ARgorithm authors (used by the ARgorithmToolkit CLI).
    Programmers,
    /// Accounts of learners (used by the mobile app).
    Users,
    /// Moderation of accounts.
    Admin,
    /// Whether the server is up and which modes it runs in.
    Service,
}

pub type Api = (
    service::ServiceApi,
    argorithms::ArgorithmsApi,
    run::RunApi,
    accounts::ProgrammersApi,
    accounts::UsersApi,
    accounts::AdminApi,
);

pub fn service() -> OpenApiService<Api, ()> {
    OpenApiService::new(
        (
            service::ServiceApi,
            argorithms::ArgorithmsApi,
            run::RunApi,
            accounts::ProgrammersApi,
            accounts::UsersApi,
            accounts::AdminApi,
        ),
        "ARgorithm Server",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "Runs ARgorithms: programs (legacy ARgorithmToolkit Python files, or WebAssembly modules) that \
         emit the state trace of an algorithm, played back by the ARgorithm AR app. Compatible with \
         the legacy ARgorithm server's clients.",
    )
}

/// The document checked in as `openapi.yaml`: the whole contract, as a server with accounts on
/// (`AUTH=ENABLED`) serves it.
pub fn spec_yaml() -> String {
    service().spec_yaml()
}

/// The document a server serves at `/openapi.json`. With accounts off, the account, login and
/// admin routes only answer 405, so the document leaves them out, with the security schemes.
pub fn spec_json(auth_enabled: bool) -> String {
    let full = service().spec();
    if auth_enabled {
        return full;
    }
    let mut spec: serde_json::Value = serde_json::from_str(&full).expect("the document is JSON");
    const ACCOUNT_TAGS: [&str; 3] = ["Programmers", "Users", "Admin"];
    if let Some(paths) = spec["paths"].as_object_mut() {
        paths.retain(|path, _| !(path.starts_with("/programmers/") || path.starts_with("/users/") || path.starts_with("/admin/")));
        for item in paths.values_mut() {
            for operation in item.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                if let Some(op) = operation.as_object_mut() {
                    op.remove("security");
                }
            }
        }
    }
    if let Some(components) = spec["components"].as_object_mut() {
        components.remove("securitySchemes");
    }
    if let Some(tags) = spec["tags"].as_array_mut() {
        tags.retain(|t| !t["name"].as_str().is_some_and(|n| ACCOUNT_TAGS.contains(&n)));
    }
    spec.to_string()
}

#[cfg(test)]
mod tests {
    /// The statuses the document lists for one operation.
    fn statuses(method: &str, path: &str) -> Vec<String> {
        let spec: serde_json::Value = serde_json::from_str(&super::service().spec()).unwrap();
        let mut listed: Vec<String> = spec["paths"][path][method]["responses"].as_object().unwrap().keys().cloned().collect();
        listed.sort();
        listed
    }

    #[test]
    fn each_operation_lists_the_statuses_it_can_answer_and_no_other() {
        let http = ["414", "431", "500"];
        let want = |own: &[&str]| {
            let mut all: Vec<String> = own.iter().chain(&http).map(|s| s.to_string()).collect();
            all.sort();
            all
        };
        assert_eq!(statuses("post", "/argorithms/run"), want(&["200", "400", "401", "404", "408", "413", "415", "422", "429", "503"]));
        assert_eq!(statuses("get", "/argorithms/list"), want(&["200", "503"]));
        assert_eq!(statuses("get", "/argorithms/view/{argorithmID}"), want(&["200", "404", "503"]));
        assert_eq!(statuses("post", "/argorithms/insert"), want(&["200", "400", "401", "406", "408", "409", "413", "415", "422", "429", "503"]));
        assert_eq!(statuses("post", "/argorithms/delete"), want(&["200", "400", "401", "404", "408", "413", "415", "503"]));
        assert_eq!(statuses("post", "/users/login"), want(&["200", "400", "401", "404", "405", "408", "413", "415", "422", "503"]));
        assert_eq!(statuses("post", "/admin/grant"), want(&["200", "400", "401", "404", "405", "406", "408", "413", "415", "503"]));
        assert_eq!(statuses("get", "/auth"), want(&["200", "404", "503"]));
        assert_eq!(statuses("get", "/argorithms/source/{argorithmID}"), want(&["200", "403", "404", "503"]));
    }
}
