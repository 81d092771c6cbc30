//! Who is calling: tokens, passwords and the checks every protected route makes.
//!
//! A token names an email, not an account kind. It is accepted on a programmer route when a
//! programmer account with that email exists, and on a user route when a user account does,
//! so the CLI's programmer token can run ARgorithms, as with the legacy server. Every check
//! reads the account, so a deleted or blacklisted account's token stops working at once.
use crate::state::AppState;
use crate::error::ApiError;
use crate::settings::AuthSettings;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use poem_openapi::auth::Bearer;
use poem_openapi::SecurityScheme;
use serde::{Deserialize, Serialize};
use storage_backends::AccountKind;

/// A token from `/programmers/login` or `/users/login`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "JWT")]
pub struct BearerToken(Bearer);

/// Log in from Swagger UI: its Authorize dialog posts the password form to `/users/login`.
#[derive(SecurityScheme)]
#[oai(ty = "oauth2", flows(password(token_url = "/users/login")))]
pub struct PasswordLogin(Bearer);

/// The credentials of a request. Without any, `Anonymous` reaches the handler, which decides:
/// with AUTH=DISABLED everyone acts as the admin, with AUTH=ENABLED it is a 401.
#[derive(SecurityScheme)]
pub enum Auth {
    Token(BearerToken),
    Login(PasswordLogin),
    #[oai(fallback)]
    Anonymous,
}

impl Auth {
    fn token(&self) -> Option<&str> {
        match self {
            Auth::Token(BearerToken(b)) | Auth::Login(PasswordLogin(b)) => Some(&b.token),
            Auth::Anonymous => None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: u64,
    iat: u64,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub fn issue_token(email: &str, auth: &AuthSettings) -> Result<String, ApiError> {
    let iat = now_secs();
    let claims = Claims { sub: email.to_owned(), iat, exp: iat + auth.token_ttl.as_secs() };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(auth.secret_key.as_bytes()))
        .map_err(ApiError::internal)
}

/// The email a valid, unexpired token was issued to.
fn token_email(token: &str, auth: &AuthSettings) -> Option<String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    decode::<Claims>(token, &DecodingKey::from_secret(auth.secret_key.as_bytes()), &validation)
        .ok()
        .map(|data| data.claims.sub)
}

/// Routes that need a token when accounts are on (every POST but register and login). Their
/// requests are refused before their body is read when they carry no valid token.
pub fn needs_token(route: &str) -> bool {
    route.starts_with("/admin/")
        || matches!(
            route,
            "/argorithms/insert" | "/argorithms/update" | "/argorithms/delete" | "/argorithms/run" | "/programmers/verify" | "/users/verify"
        )
}

/// The 401 a request to a route that needs a token gets before its body is read, if its
/// `authorization` header holds no valid, unexpired token. The handler still checks the account.
pub fn refuse_before_body(headers: &poem::http::HeaderMap, auth: &AuthSettings) -> Option<&'static str> {
    let token = headers
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
    match token {
        None => Some("Not authenticated"),
        Some(t) if token_email(t.trim(), auth).is_none() => Some("Could not validate credentials"),
        Some(_) => None,
    }
}

/// bcrypt on a blocking thread: at cost 12 it takes a quarter of a second of CPU.
pub async fn hash_password(password: String, cost: u32) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || bcrypt::hash(password, cost))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

pub async fn verify_password(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || bcrypt::verify(password, &hash).unwrap_or(false))
        .await
        .map_err(ApiError::internal)
}

/// The caller, once checked.
#[derive(Debug, Clone)]
pub struct Identity {
    pub email: String,
    /// From the email's programmer account.
    pub is_admin: bool,
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::unauthorized(detail)
}

/// The caller as an account of `kind`. With AUTH=DISABLED everyone is the admin.
pub async fn require(state: &AppState, auth: &Auth, kind: AccountKind) -> Result<Identity, ApiError> {
    let Some(settings) = &state.settings.auth else {
        return Ok(Identity { email: state.settings.admin_email.clone(), is_admin: true });
    };
    let token = auth.token().ok_or_else(|| unauthorized("Not authenticated"))?;
    let email = token_email(token, settings).ok_or_else(|| unauthorized("Could not validate credentials"))?;
    let storage = state.storage.as_ref();
    let account = storage
        .get_account(kind, &email)
        .await
        .map_err(|e| ApiError::from_storage(e, "account"))?
        .ok_or_else(|| unauthorized(&format!("no {} account for this token", kind.as_str())))?;
    if account.blacklisted {
        return Err(unauthorized("this account is blacklisted"));
    }
    let is_admin = match kind {
        AccountKind::Programmer => account.is_admin,
        AccountKind::User => storage
            .get_account(AccountKind::Programmer, &email)
            .await
            .map_err(|e| ApiError::from_storage(e, "account"))?
            .is_some_and(|p| p.is_admin && !p.blacklisted),
    };
    Ok(Identity { email, is_admin })
}

pub async fn require_admin(state: &AppState, auth: &Auth) -> Result<Identity, ApiError> {
    let who = require(state, auth, AccountKind::Programmer).await?;
    if !who.is_admin {
        return Err(unauthorized("admin privileges are required"));
    }
    Ok(who)
}

/// Maintainers change their own ARgorithms; admins change any.
pub fn may_change(who: &Identity, maintainer: &str) -> Result<(), ApiError> {
    if who.is_admin || who.email == maintainer {
        Ok(())
    } else {
        Err(unauthorized("Only argorithm maintaner or admin can perform this action"))
    }
}
