//! Accounts (programmers and users) and their moderation. With AUTH=DISABLED these routes
//! answer 405, as the legacy server did.
use super::schema::{EmailAddress, Password};
use super::ApiTags;
use crate::account_rules::{check_password, normalize_email};
use crate::auth::{hash_password, issue_token, require, require_admin, verify_password, Auth};
use crate::error::{statuses, ApiError, Detail, Errors, BODY_MALFORMED, BODY_TOO_LARGE, BODY_TOO_SLOW, BODY_WRONG_TYPE, FULL};
use crate::settings::AuthSettings;
use crate::state::AppState;
use poem::web::Data;
use poem_openapi::payload::{Form, Json};
use poem_openapi::{Object, OpenApi};
use std::sync::Arc;
use storage_backends::{AccountKind, NewAccount, StorageError};

/// The OAuth2 password form the legacy clients send (other OAuth2 fields are ignored).
#[derive(Object, serde::Deserialize)]
struct Credentials {
    /// The account's email.
    username: EmailAddress,
    password: Password,
}

/// The account an admin action applies to.
#[derive(Object)]
struct EmailRequest {
    email: EmailAddress,
}

#[derive(Object)]
struct Token {
    access_token: String,
    /// Always `bearer`.
    token_type: String,
}

fn auth_settings(state: &AppState) -> Result<&AuthSettings, ApiError> {
    state.settings.auth.as_ref().ok_or_else(|| ApiError::not_allowed("authentication is disabled on this server"))
}

fn ok(detail: impl Into<String>) -> Json<Detail> {
    Json(Detail { detail: detail.into() })
}

async fn new_account(state: &AppState, form: &Credentials) -> Result<NewAccount, ApiError> {
    let email = normalize_email(&form.username.0)
        .ok_or_else(|| ApiError::unprocessable(format!("{:?} is not an email address", form.username.0)))?;
    check_password(&form.password.0).map_err(ApiError::unprocessable)?;
    let password_hash = hash_password(form.password.0.clone(), state.settings.bcrypt_cost).await?;
    Ok(NewAccount { email, password_hash, public_id: uuid::Uuid::new_v4().to_string(), is_admin: false })
}

fn taken(e: StorageError) -> ApiError {
    match e {
        StorageError::Conflict => ApiError::conflict("email is already in use"),
        other => ApiError::from_storage(other, "account"),
    }
}

async fn login(state: &AppState, form: &Credentials, kind: AccountKind) -> Result<Json<Token>, ApiError> {
    let settings = auth_settings(state)?;
    let missing = || ApiError::not_found(format!("no {} account with this email", kind.as_str()));
    let email = normalize_email(&form.username.0).ok_or_else(missing)?;
    let account = state
        .storage
        .get_account(kind, &email)
        .await
        .map_err(|e| ApiError::from_storage(e, "account"))?
        .ok_or_else(missing)?;
    // The password first, so the answer for a blacklisted email tells nothing to a stranger.
    if !verify_password(form.password.0.clone(), account.password_hash).await? {
        return Err(ApiError::unauthorized("incorrect password"));
    }
    if account.blacklisted {
        return Err(ApiError::unauthorized("this account is blacklisted"));
    }
    let access_token = issue_token(&email, settings)?;
    Ok(Json(Token { access_token, token_type: "bearer".into() }))
}

async fn verify(state: &AppState, auth: &Auth, kind: AccountKind) -> Result<Json<Detail>, ApiError> {
    auth_settings(state)?;
    let who = require(state, auth, kind).await?;
    Ok(ok(format!("the token of {} is valid", who.email)))
}

const AUTH_OFF: &str = "Accounts are off on this server (AUTH=DISABLED).";
const FORM_MALFORMED: &str = "The form does not parse or lacks `username` or `password`.";

statuses!(RegisterStatuses {
    400 => FORM_MALFORMED,
    405 => AUTH_OFF,
    408 => BODY_TOO_SLOW,
    409 => "The email has an account of this kind.",
    413 => BODY_TOO_LARGE,
    415 => BODY_WRONG_TYPE,
    422 => "The email is not an email address, the password is not 8 characters to 72 bytes, or a field is not UTF-8.",
    503 => FULL,
});
statuses!(LoginStatuses {
    400 => FORM_MALFORMED,
    401 => "The password is wrong, or the account is blacklisted.",
    404 => "No account of this kind has the email.",
    405 => AUTH_OFF,
    408 => BODY_TOO_SLOW,
    413 => BODY_TOO_LARGE,
    415 => BODY_WRONG_TYPE,
    422 => "A form field is not UTF-8.",
    503 => FULL,
});
statuses!(VerifyStatuses {
    401 => "No valid token, no account of this kind for it, or the account is blacklisted.",
    405 => AUTH_OFF,
    408 => BODY_TOO_SLOW,
    413 => BODY_TOO_LARGE,
    503 => FULL,
});
statuses!(AdminStatuses {
    400 => BODY_MALFORMED,
    401 => "No valid token, or the caller is not an admin.",
    404 => "No account has the email.",
    405 => AUTH_OFF,
    406 => "The account is the server's own admin (ADMIN_EMAIL), or a blacklisted email is to be granted.",
    408 => BODY_TOO_SLOW,
    413 => BODY_TOO_LARGE,
    415 => BODY_WRONG_TYPE,
    503 => FULL,
});

pub struct ProgrammersApi;

#[OpenApi(tag = "ApiTags::Programmers")]
impl ProgrammersApi {
    /// Creates a programmer account and a user account for the email (the CLI's `account
    /// signup`); an existing user account of the email is kept.
    #[oai(path = "/programmers/register", method = "post", operation_id = "programmer_register")]
    async fn register(&self, state: Data<&Arc<AppState>>, form: Form<Credentials>) -> Result<Json<Detail>, Errors<RegisterStatuses>> {
        auth_settings(&state)?;
        let new = new_account(&state, &form).await?;
        let email = new.email.clone();
        state.storage.register_programmer(new).await.map_err(taken)?;
        tracing::info!(%email, "programmer registered");
        Ok(ok(format!("programmer and user accounts created for {email}")))
    }

    /// Exchanges an email and password for a token.
    #[oai(path = "/programmers/login", method = "post", operation_id = "programmer_login")]
    async fn login(&self, state: Data<&Arc<AppState>>, form: Form<Credentials>) -> Result<Json<Token>, Errors<LoginStatuses>> {
        Ok(login(&state, &form, AccountKind::Programmer).await?)
    }

    /// 200 when the token belongs to a programmer account that may act.
    #[oai(path = "/programmers/verify", method = "post", operation_id = "programmer_verify")]
    async fn verify(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Json<Detail>, Errors<VerifyStatuses>> {
        Ok(verify(&state, &auth, AccountKind::Programmer).await?)
    }
}

pub struct UsersApi;

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// Creates a user account (the mobile app's sign-up).
    #[oai(path = "/users/register", method = "post", operation_id = "user_register")]
    async fn register(&self, state: Data<&Arc<AppState>>, form: Form<Credentials>) -> Result<Json<Detail>, Errors<RegisterStatuses>> {
        auth_settings(&state)?;
        let new = new_account(&state, &form).await?;
        let email = new.email.clone();
        state.storage.create_account(AccountKind::User, new).await.map_err(taken)?;
        tracing::info!(%email, "user registered");
        Ok(ok(format!("user account created for {email}")))
    }

    /// Exchanges an email and password for a token. Swagger UI's Authorize dialog logs in here.
    #[oai(path = "/users/login", method = "post", operation_id = "user_login")]
    async fn login(&self, state: Data<&Arc<AppState>>, form: Form<Credentials>) -> Result<Json<Token>, Errors<LoginStatuses>> {
        Ok(login(&state, &form, AccountKind::User).await?)
    }

    /// 200 when the token belongs to a user account that may act.
    #[oai(path = "/users/verify", method = "post", operation_id = "user_verify")]
    async fn verify(&self, state: Data<&Arc<AppState>>, auth: Auth) -> Result<Json<Detail>, Errors<VerifyStatuses>> {
        Ok(verify(&state, &auth, AccountKind::User).await?)
    }
}

/// The email an admin action names, checked: admins act only with AUTH=ENABLED, and the
/// server's own admin account (ADMIN_EMAIL) cannot be demoted, blacklisted or deleted.
async fn target(state: &AppState, auth: &Auth, req: &EmailRequest, protect_root: bool) -> Result<String, ApiError> {
    auth_settings(state)?;
    let who = require_admin(state, auth).await?;
    let email = normalize_email(&req.email.0).ok_or_else(|| ApiError::not_found("no account with this email"))?;
    if protect_root && email == state.settings.admin_email {
        return Err(ApiError::not_acceptable("the server's admin account (ADMIN_EMAIL) cannot be changed"));
    }
    tracing::info!(admin = %who.email, target = %email, "admin action");
    Ok(email)
}

fn missing(e: StorageError) -> ApiError {
    match e {
        StorageError::NotFound => ApiError::not_found("no account with this email"),
        other => ApiError::from_storage(other, "account"),
    }
}

pub struct AdminApi;

#[OpenApi(tag = "ApiTags::Admin")]
impl AdminApi {
    /// Makes a programmer an admin; a blacklisted email cannot be granted (406).
    #[oai(path = "/admin/grant", method = "post", operation_id = "admin_grant")]
    async fn grant(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<EmailRequest>) -> Result<Json<Detail>, Errors<AdminStatuses>> {
        let email = target(&state, &auth, &req, false).await?;
        let account = state
            .storage
            .get_account(AccountKind::Programmer, &email)
            .await
            .map_err(missing)?
            .ok_or_else(|| ApiError::not_found("no programmer account with this email"))?;
        if account.blacklisted {
            return Err(ApiError::not_acceptable("this email is blacklisted and cannot be granted admin privileges").into());
        }
        state.storage.set_admin(&email, true).await.map_err(missing)?;
        Ok(ok(format!("{email} is now an admin")))
    }

    /// Takes admin rights away.
    #[oai(path = "/admin/revoke", method = "post", operation_id = "admin_revoke")]
    async fn revoke(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<EmailRequest>) -> Result<Json<Detail>, Errors<AdminStatuses>> {
        let email = target(&state, &auth, &req, true).await?;
        state.storage.set_admin(&email, false).await.map_err(missing)?;
        Ok(ok(format!("{email} is no longer an admin")))
    }

    /// Blocks every account of an email (and removes admin rights); its tokens stop working.
    #[oai(path = "/admin/black_list", method = "post", operation_id = "admin_black_list")]
    async fn black_list(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<EmailRequest>) -> Result<Json<Detail>, Errors<AdminStatuses>> {
        let email = target(&state, &auth, &req, true).await?;
        state.storage.set_blacklisted(&email, true).await.map_err(missing)?;
        Ok(ok(format!("{email} is blacklisted")))
    }

    /// Lifts a block.
    #[oai(path = "/admin/white_list", method = "post", operation_id = "admin_white_list")]
    async fn white_list(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<EmailRequest>) -> Result<Json<Detail>, Errors<AdminStatuses>> {
        let email = target(&state, &auth, &req, true).await?;
        state.storage.set_blacklisted(&email, false).await.map_err(missing)?;
        Ok(ok(format!("{email} is whitelisted")))
    }

    /// Deletes a user account.
    #[oai(path = "/admin/delete_user", method = "post", operation_id = "admin_delete_user")]
    async fn delete_user(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<EmailRequest>) -> Result<Json<Detail>, Errors<AdminStatuses>> {
        let email = target(&state, &auth, &req, true).await?;
        state.storage.delete_account(AccountKind::User, &email).await.map_err(missing)?;
        Ok(ok(format!("the user account of {email} is deleted")))
    }

    /// Deletes a programmer account. Its ARgorithms stay, still naming it as maintainer, for
    /// admins to keep or delete.
    #[oai(path = "/admin/delete_programmer", method = "post", operation_id = "admin_delete_programmer")]
    async fn delete_programmer(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<EmailRequest>) -> Result<Json<Detail>, Errors<AdminStatuses>> {
        let email = target(&state, &auth, &req, true).await?;
        state.storage.delete_account(AccountKind::Programmer, &email).await.map_err(missing)?;
        Ok(ok(format!("the programmer account of {email} is deleted")))
    }
}
