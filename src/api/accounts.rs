//! Account and moderation routes. This server does not offer accounts yet (AUTH=ENABLED is
//! refused at start), so every route answers what the legacy server answered with auth
//! disabled: 405 with a `detail`. Nothing here pretends to succeed.
use super::ApiTags;
use crate::error::ApiError;
use poem_openapi::payload::{Form, Json};
use poem_openapi::{ApiResponse, Object, OpenApi};

/// The OAuth2 password form the legacy clients send.
#[derive(Object, serde::Deserialize)]
struct Credentials {
    /// The account's email.
    username: String,
    password: String,
}

/// The account an admin action applies to.
#[derive(Object)]
struct EmailRequest {
    email: String,
}

#[derive(Object)]
#[allow(dead_code)]
struct Token {
    access_token: String,
    /// Always `bearer`.
    token_type: String,
}

#[derive(ApiResponse)]
#[allow(dead_code)]
enum TokenResponse {
    /// Logged in.
    #[oai(status = 200)]
    Ok(Json<Token>),
}

#[derive(ApiResponse)]
#[allow(dead_code)]
enum Done {
    /// Done.
    #[oai(status = 200)]
    Ok,
}

fn auth_disabled() -> ApiError {
    ApiError::not_allowed("authentication is disabled on this server")
}

pub struct ProgrammersApi;

#[OpenApi(tag = "ApiTags::Programmers")]
impl ProgrammersApi {
    /// Creates a programmer account and a user account for the email.
    #[oai(path = "/programmers/register", method = "post", operation_id = "programmer_register")]
    async fn register(&self, _form: Form<Credentials>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Exchanges an email and password for a token.
    #[oai(path = "/programmers/login", method = "post", operation_id = "programmer_login")]
    async fn login(&self, _form: Form<Credentials>) -> Result<TokenResponse, ApiError> {
        Err(auth_disabled())
    }

    /// Checks a programmer token.
    #[oai(path = "/programmers/verify", method = "post", operation_id = "programmer_verify")]
    async fn verify(&self) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }
}

pub struct UsersApi;

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// Creates a user account.
    #[oai(path = "/users/register", method = "post", operation_id = "user_register")]
    async fn register(&self, _form: Form<Credentials>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Exchanges an email and password for a token.
    #[oai(path = "/users/login", method = "post", operation_id = "user_login")]
    async fn login(&self, _form: Form<Credentials>) -> Result<TokenResponse, ApiError> {
        Err(auth_disabled())
    }

    /// Checks a user token.
    #[oai(path = "/users/verify", method = "post", operation_id = "user_verify")]
    async fn verify(&self) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }
}

pub struct AdminApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminApi {
    /// Makes a programmer an admin.
    #[oai(path = "/admin/grant", method = "post", operation_id = "admin_grant")]
    async fn grant(&self, _req: Json<EmailRequest>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Takes admin rights away.
    #[oai(path = "/admin/revoke", method = "post", operation_id = "admin_revoke")]
    async fn revoke(&self, _req: Json<EmailRequest>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Blocks an email from logging in.
    #[oai(path = "/admin/black_list", method = "post", operation_id = "admin_black_list")]
    async fn black_list(&self, _req: Json<EmailRequest>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Lifts a block.
    #[oai(path = "/admin/white_list", method = "post", operation_id = "admin_white_list")]
    async fn white_list(&self, _req: Json<EmailRequest>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Deletes a user account.
    #[oai(path = "/admin/delete_user", method = "post", operation_id = "admin_delete_user")]
    async fn delete_user(&self, _req: Json<EmailRequest>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }

    /// Deletes a programmer account.
    #[oai(path = "/admin/delete_programmer", method = "post", operation_id = "admin_delete_programmer")]
    async fn delete_programmer(&self, _req: Json<EmailRequest>) -> Result<Done, ApiError> {
        Err(auth_disabled())
    }
}
