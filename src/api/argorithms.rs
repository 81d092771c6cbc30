//! Publishing, listing, viewing, updating and deleting ARgorithms.
use super::schema::ConfigPart;
use super::{client_of, ApiTags};
use crate::argorithm_config::{oversized_field, parse_config, ArgorithmConfig};
use crate::auth::{may_change, require, Auth};
use crate::client::ClientId;
use crate::error::{statuses, ApiError, Detail, Errors, BODY_MALFORMED, BODY_TOO_LARGE, BODY_TOO_SLOW, BODY_WRONG_TYPE, FULL, FULL_GET};
use crate::raw_json::RawJson;
use crate::state::AppState;
use poem::web::Data;
use poem::Request;
use poem_openapi::param::Path;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, Object, OpenApi};
use sandbox::ProgramKind;
use std::sync::Arc;
use storage_backends::{AccountKind, ArgorithmRecord, NewArgorithm};

/// An ARgorithm as the legacy clients read it (never with its program).
#[derive(Object)]
pub struct Argorithm {
    #[oai(rename = "argorithmID")]
    argorithm_id: String,
    /// Email of the programmer who uploaded it.
    maintainer: String,
    /// The program's file name (`.wasm` or `.py`).
    filename: String,
    /// The exported entry function.
    function: String,
    description: String,
    /// The declared parameters: `{NAME: {"description", "type", ...}}`.
    parameters: serde_json::Value,
    /// Parameter values that always work: `{NAME: value}`.
    example: serde_json::Value,
}

impl From<ArgorithmRecord> for Argorithm {
    fn from(r: ArgorithmRecord) -> Self {
        Argorithm {
            argorithm_id: r.argorithm_id,
            maintainer: r.maintainer,
            filename: r.filename,
            function: r.function,
            description: r.description,
            parameters: r.parameters,
            example: r.example,
        }
    }
}

/// The upload the toolkit CLI sends.
#[derive(Multipart)]
struct UploadForm {
    /// The ARgorithm: a WebAssembly module (`.wasm`) following ABI version 1, or a legacy
    /// ARgorithmToolkit Python file (`.py`), at most `MAX_PROGRAM_BYTES`; its file name must be
    /// the config's `file`. It must compile (a module) or pass the sandbox's checks (a Python file).
    file: Upload,
    /// The config, as JSON.
    data: ConfigPart,
}

#[derive(Object)]
struct DeleteRequest {
    #[oai(rename = "argorithmID")]
    argorithm_id: String,
}

fn done(detail: String) -> Json<Detail> {
    Json(Detail { detail })
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// An upload that passed every check but compilation.
struct Checked {
    config: ArgorithmConfig,
    program: Vec<u8>,
}

/// Reads and checks an upload, without compiling it: compiling costs seconds of CPU for a large
/// module, so it comes only after the caller is known to be allowed to store it.
async fn read_upload(state: &AppState, form: UploadForm) -> Result<Checked, ApiError> {
    let limit = state.settings.max_upload_bytes;
    let uploaded_name = form.file.file_name().map(base_name).unwrap_or_default().to_owned();
    let data = form.data.0.into_vec().await.map_err(|e| ApiError::bad_request(format!("cannot read the data part: {e}")))?;
    let program = form.file.into_vec().await.map_err(|e| ApiError::bad_request(format!("cannot read the file part: {e}")))?;
    if data.len() + program.len() > limit {
        return Err(ApiError::too_large(format!("the upload is over the limit of {limit} bytes")));
    }
    let config: ArgorithmConfig = parse_config(&data).map_err(ApiError::bad_request)?;
    if let Some(why) = oversized_field(&config) {
        return Err(ApiError::unprocessable(why));
    }
    ProgramKind::of_file(&config.file).map_err(|e| ApiError::bad_request(e.to_string()))?;
    if config.file != uploaded_name {
        return Err(ApiError::not_acceptable(format!(
            "The file name was invalid: the config names {:?} but the uploaded file is {:?}",
            config.file, uploaded_name
        )));
    }
    let max_program = state.sandbox.sandbox().limits().max_program_bytes;
    if program.len() > max_program {
        return Err(ApiError::too_large(format!(
            "{} is {} bytes, over the limit of {max_program} bytes for a program",
            config.file,
            program.len()
        )));
    }
    Ok(Checked { config, program })
}

/// Compiles a checked upload (which validates a module against the ABI, or checks a Python
/// program in the sandbox) into the record to store.
async fn compile(state: &AppState, client: ClientId, upload: Checked, maintainer: String) -> Result<NewArgorithm, ApiError> {
    let Checked { config, program } = upload;
    let program = Arc::new(program);
    // Compiling hashes the program (off the async threads); the record keeps that hash.
    let module_hash = state.sandbox.compile(client, config.file.clone(), program.clone(), config.function.clone()).await?.hash_hex();
    Ok(NewArgorithm {
        argorithm_id: config.argorithm_id,
        maintainer,
        filename: config.file,
        function: config.function,
        description: config.description,
        parameters: config.parameters,
        example: config.example,
        module_hash,
        module: Arc::try_unwrap(program).unwrap_or_else(|shared| (*shared).clone()),
    })
}

async fn existing(state: &AppState, id: &str) -> Result<ArgorithmRecord, ApiError> {
    state
        .storage
        .get_argorithm(id)
        .await
        .map_err(|e| ApiError::from_storage(e, "argorithm"))?
        .ok_or_else(|| ApiError::not_found("argorithm not found"))
}

#[derive(ApiResponse)]
enum ListResponse {
    /// Every ARgorithm's record, ordered by ID.
    #[oai(status = 200)]
    Ok(RawJson<Vec<Argorithm>>),
}

const UNAUTHORIZED: &str = "No valid token, or the account may not act (AUTH=ENABLED).";
const NOT_MAINTAINER: &str = "No valid token, or the caller is neither the ARgorithm's maintainer nor an admin (AUTH=ENABLED).";
const UPLOAD_BUSY: &str = "Every upload-check slot stayed busy for 10 s, storage is unreachable, or the server holds as many connections or request bodies as it allows; try again after Retry-After.";
const UPLOAD_REFUSED: &str = "The config does not parse or lacks a field, or the program does not compile or fails its checks (the detail says which).";
const NAME_MISMATCH: &str = "The config's `file` is not the uploaded file's name.";
const FIELD_TOO_LONG: &str = "A config field is longer than the server keeps.";
const OVER_SHARE: &str = "The client already holds its share of the upload-check slots (SANDBOX_CLIENT_SHARE) and other clients are waiting.";

statuses!(ListStatuses { 503 => FULL_GET });
statuses!(SourceStatuses {
    403 => "The server does not share source (SOURCE=DISABLED).",
    404 => "No ARgorithm with this ID, or it is a WebAssembly module, which has no source.",
    503 => FULL_GET,
});

#[derive(ApiResponse)]
enum SourceResponse {
    /// The Python file, as it was uploaded.
    #[oai(status = 200)]
    Ok(PlainText<String>),
}
statuses!(ViewStatuses { 404 => "No ARgorithm with this ID.", 503 => FULL_GET });
statuses!(InsertStatuses {
    400 => UPLOAD_REFUSED,
    401 => UNAUTHORIZED,
    406 => NAME_MISMATCH,
    408 => BODY_TOO_SLOW,
    409 => "An ARgorithm with this ID exists.",
    413 => "The upload is over MAX_UPLOAD_BYTES, or the program over MAX_PROGRAM_BYTES or a sandbox limit.",
    415 => BODY_WRONG_TYPE,
    422 => FIELD_TOO_LONG,
    429 => OVER_SHARE,
    503 => UPLOAD_BUSY,
});
statuses!(UpdateStatuses {
    400 => UPLOAD_REFUSED,
    401 => NOT_MAINTAINER,
    404 => "No ARgorithm with the config's ID.",
    406 => NAME_MISMATCH,
    408 => BODY_TOO_SLOW,
    413 => "The upload is over MAX_UPLOAD_BYTES, or the program over MAX_PROGRAM_BYTES or a sandbox limit.",
    415 => BODY_WRONG_TYPE,
    422 => FIELD_TOO_LONG,
    429 => OVER_SHARE,
    503 => UPLOAD_BUSY,
});
statuses!(DeleteStatuses {
    400 => BODY_MALFORMED,
    401 => NOT_MAINTAINER,
    404 => "No ARgorithm with this ID.",
    408 => BODY_TOO_SLOW,
    413 => BODY_TOO_LARGE,
    415 => BODY_WRONG_TYPE,
    503 => FULL,
});

pub struct ArgorithmsApi;

#[OpenApi(tag = "ApiTags::Argorithms")]
impl ArgorithmsApi {
    /// Every ARgorithm, ordered by ID.
    #[oai(path = "/argorithms/list", method = "get", operation_id = "list_argorithms")]
    async fn list(&self, state: Data<&Arc<AppState>>) -> Result<ListResponse, Errors<ListStatuses>> {
        if let Some(body) = state.list.get() {
            return Ok(ListResponse::Ok(RawJson::new(body)));
        }
        let generation = state.list.generation();
        let records = state.storage.list_argorithms().await.map_err(|e| ApiError::from_storage(e, "ARgorithm"))?;
        let list: Vec<Argorithm> = records.into_iter().map(Argorithm::from).collect();
        let body = bytes::Bytes::from(poem_openapi::types::ToJSON::to_json_string(&list));
        state.list.keep(body.clone(), generation);
        Ok(ListResponse::Ok(RawJson::new(body)))
    }

    /// One ARgorithm.
    #[oai(path = "/argorithms/view/:argorithmID", method = "get", operation_id = "view_argorithm")]
    async fn view(
        &self,
        state: Data<&Arc<AppState>>,
        #[oai(name = "argorithmID")] argorithm_id: Path<String>,
    ) -> Result<Json<Argorithm>, Errors<ViewStatuses>> {
        let record = state.storage.get_argorithm(&argorithm_id).await.map_err(|e| ApiError::from_storage(e, "ARgorithm"))?;
        Ok(record.map(|r| Json(r.into())).ok_or_else(|| ApiError::not_found("no such argorithm"))?)
    }

    /// The source of a Python ARgorithm, for the player's code pane (the lines of a run with
    /// `"lines": true` are lines of this text). Anyone who may view the ARgorithm may read it,
    /// unless the server is started with SOURCE=DISABLED.
    #[oai(path = "/argorithms/source/:argorithmID", method = "get", operation_id = "argorithm_source")]
    async fn source(
        &self,
        state: Data<&Arc<AppState>>,
        #[oai(name = "argorithmID")] argorithm_id: Path<String>,
    ) -> Result<SourceResponse, Errors<SourceStatuses>> {
        if !state.settings.share_source {
            return Err(ApiError::forbidden("this server does not share ARgorithms' source (SOURCE=DISABLED)").into());
        }
        let record = existing(&state, &argorithm_id).await?;
        if ProgramKind::of_file(&record.filename).ok() != Some(ProgramKind::Python) {
            return Err(ApiError::not_found(format!("{} is a WebAssembly module: there is no source to show", record.filename)).into());
        }
        let blob = state.storage.get_module(&record.argorithm_id).await.map_err(|e| ApiError::from_storage(e, "argorithm"))?;
        let blob = blob.ok_or_else(|| ApiError::not_found("argorithm not found"))?;
        Ok(SourceResponse::Ok(PlainText(String::from_utf8_lossy(&blob.bytes).into_owned())))
    }

    /// Publishes a new ARgorithm: the module and its config in one multipart request. The
    /// caller's programmer account becomes its maintainer.
    #[oai(path = "/argorithms/insert", method = "post", operation_id = "insert_argorithm")]
    async fn insert(&self, state: Data<&Arc<AppState>>, auth: Auth, http: &Request, form: UploadForm) -> Result<Json<Detail>, Errors<InsertStatuses>> {
        let who = require(&state, &auth, AccountKind::Programmer).await?;
        let client = client_of(&state, &who, http);
        let upload = read_upload(&state, form).await?;
        let taken = state.storage.get_argorithm(&upload.config.argorithm_id).await.map_err(|e| ApiError::from_storage(e, "argorithm"))?;
        if taken.is_some() {
            return Err(ApiError::conflict("argorithm already exists").into());
        }
        let new = compile(&state, client, upload, who.email).await?;
        let id = new.argorithm_id.clone();
        // Two inserts of one ID may both get here; storage lets one win and the other gets 409.
        state.storage.insert_argorithm(new).await.map_err(|e| ApiError::from_storage(e, "argorithm"))?;
        state.list.invalidate();
        tracing::info!(argorithm_id = %id, "argorithm inserted");
        Ok(done(format!("argorithm {id} inserted")))
    }

    /// Replaces an ARgorithm's module and config; its maintainer or an admin only.
    #[oai(path = "/argorithms/update", method = "post", operation_id = "update_argorithm")]
    async fn update(&self, state: Data<&Arc<AppState>>, auth: Auth, http: &Request, form: UploadForm) -> Result<Json<Detail>, Errors<UpdateStatuses>> {
        let who = require(&state, &auth, AccountKind::Programmer).await?;
        let client = client_of(&state, &who, http);
        let upload = read_upload(&state, form).await?;
        let current = existing(&state, &upload.config.argorithm_id).await?;
        may_change(&who, &current.maintainer)?;
        let new = compile(&state, client, upload, current.maintainer).await?;
        let id = new.argorithm_id.clone();
        state.storage.update_argorithm(new).await.map_err(|e| ApiError::from_storage(e, "argorithm"))?;
        state.list.invalidate();
        state.runs.forget(&id).await;
        tracing::info!(argorithm_id = %id, "argorithm updated");
        Ok(done(format!("argorithm {id} updated")))
    }

    /// Deletes an ARgorithm; its maintainer or an admin only.
    #[oai(path = "/argorithms/delete", method = "post", operation_id = "delete_argorithm")]
    async fn delete(&self, state: Data<&Arc<AppState>>, auth: Auth, req: Json<DeleteRequest>) -> Result<Json<Detail>, Errors<DeleteStatuses>> {
        let who = require(&state, &auth, AccountKind::Programmer).await?;
        let id = &req.argorithm_id;
        may_change(&who, &existing(&state, id).await?.maintainer)?;
        state.storage.delete_argorithm(id).await.map_err(|e| ApiError::from_storage(e, "argorithm"))?;
        state.list.invalidate();
        state.runs.forget(id).await;
        tracing::info!(argorithm_id = %id, "argorithm deleted");
        Ok(done(format!("argorithm {id} deleted")))
    }
}
