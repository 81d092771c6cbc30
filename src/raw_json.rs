//! A JSON body that is already text. Run traces are assembled from the states' own JSON text,
//! so they are never parsed into a tree and serialized again; the schema is still `T`'s.
use bytes::Bytes;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use std::marker::PhantomData;

pub struct RawJson<T>(Bytes, PhantomData<fn() -> T>);

impl<T> RawJson<T> {
    /// `text` must be one JSON value of type `T`.
    pub fn new(text: impl Into<Bytes>) -> Self {
        RawJson(text.into(), PhantomData)
    }
}

impl<T: Type> Payload for RawJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        content_type.starts_with("application/json")
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Send> IntoResponse for RawJson<T> {
    fn into_response(self) -> Response {
        Response::builder().content_type("application/json; charset=utf-8").body(self.0)
    }
}
