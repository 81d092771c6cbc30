//! A JSON body that is already text. Run traces are assembled from the states' own JSON text,
//! so they are never parsed into a tree and serialized again; the schema is still `T`'s. The
//! text may be in parts, so that a trace many answers share is never copied into each.
use bytes::Bytes;
use poem::{IntoResponse, Response};
use poem_openapi::payload::Payload;
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::Type;
use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Answers in parts bigger than this are sent in their parts, without copying them together.
const SHARE_ABOVE: u64 = 64 << 10;

pub struct RawJson<T>(Vec<Bytes>, PhantomData<fn() -> T>);

impl<T> RawJson<T> {
    /// `text` must be one JSON value of type `T`.
    pub fn new(text: impl Into<Bytes>) -> Self {
        RawJson(vec![text.into()], PhantomData)
    }

    /// `parts`, one after another, must be one JSON value of type `T`.
    pub fn from_parts(parts: Vec<Bytes>) -> Self {
        RawJson(parts, PhantomData)
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(Bytes::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let mut parts: VecDeque<Bytes> = self.0.into_iter().filter(|p| !p.is_empty()).collect();
        let size: u64 = parts.iter().map(|p| p.len() as u64).sum();
        let body = match parts.len() {
            0 => poem::Body::empty(),
            1 => poem::Body::from_bytes(parts.pop_front().unwrap_or_default()),
            // A small answer costs less copied once than written in parts.
            _ if size <= SHARE_ABOVE => poem::Body::from(parts.into_iter().fold(Vec::with_capacity(size as usize), |mut all, p| {
                all.extend_from_slice(&p);
                all
            })),
            _ => poem::Body::from(http_body_util::BodyExt::boxed(Parts { parts, size })),
        };
        Response::builder().content_type("application/json; charset=utf-8").body(body)
    }
}

/// Bytes in parts, with their exact size, so the answer still carries a Content-Length.
struct Parts {
    parts: VecDeque<Bytes>,
    size: u64,
}

impl http_body::Body for Parts {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        let next = self.parts.pop_front();
        if let Some(part) = &next {
            self.size -= part.len() as u64;
        }
        Poll::Ready(next.map(|part| Ok(http_body::Frame::data(part))))
    }

    fn is_end_stream(&self) -> bool {
        self.parts.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.size)
    }
}
