//! The HTTP server: hyper (HTTP/1.1, and HTTP/2 in the clear) under the poem endpoint, with the
//! bounds poem's own server does not have.
//!
//! - At most `MAX_CONNECTIONS` open connections. One more is answered a short 503 and closed at
//!   once, so a flood of held connections can neither leave new clients hanging nor use up the
//!   process's file descriptors.
//! - A connection must deliver a request head within `HEAD_TIMEOUT_SECONDS` of its first byte
//!   (or of being opened), may idle between requests for `IDLE_TIMEOUT_SECONDS`, and while a
//!   request is in hand must make progress, reading or writing, at least every
//!   `BUSY_TIMEOUT_SECONDS`. A connection past its deadline is closed. (The body's own deadline is
//!   `body.rs`'s.)
//! - Answers are bounded too: those over `SMALL_ANSWER` count against `ANSWER_BUFFER_MB`, all
//!   connections together, from the handler's return until they are sent (or the connection
//!   closes); one that does not fit is answered 503 instead. A client that reads nothing of its
//!   answer for `SEND_TIMEOUT_SECONDS` is disconnected, which frees it. (Smaller answers are
//!   bounded by the connection cap.)
//! - The empty error answers hyper writes itself, for a request it cannot parse (400), a path too
//!   long (414) or headers too large (431), get a JSON `{"detail"}` body like every other error.
use crate::metrics::Metrics;
use crate::settings::ConnectionLimits;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint, EndpointExt, IntoEndpoint, Response};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use parking_lot::Mutex;
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;

type DynEndpoint = poem::endpoint::BoxEndpoint<'static, Response>;

/// Raises the process's open-file limit to what `connections` need (plus room for storage,
/// logs and the sandbox), as far as the hard limit allows; returns how many connections fit.
pub fn fit_descriptors(connections: usize) -> usize {
    const RESERVE: u64 = 256;
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource};
        let limit = getrlimit(Resource::Nofile);
        let max = limit.maximum.unwrap_or(u64::MAX);
        let wanted = (connections as u64 + RESERVE).min(max);
        if limit.current.is_some_and(|current| current < wanted) {
            let _ = setrlimit(Resource::Nofile, rustix::process::Rlimit { current: Some(wanted), maximum: limit.maximum });
        }
        let current = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
        connections.min(current.saturating_sub(RESERVE).max(1) as usize)
    }
    #[cfg(not(unix))]
    connections
}

/// Serves `ep` on `listener` until the process ends.
pub async fn serve<E>(listener: TcpListener, ep: E, limits: ConnectionLimits, metrics: Arc<Metrics>) -> io::Result<()>
where
    E: IntoEndpoint,
    E::Endpoint: 'static,
{
    let ep: Arc<DynEndpoint> = Arc::new(ep.into_endpoint().map_to_response().boxed());
    let local = listener.local_addr()?;
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let answers = Arc::new(Semaphore::new((limits.answer_buffer_bytes / 1024).clamp(1, Semaphore::MAX_PERMITS)));
    loop {
        let (stream, remote) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was accepted: a
                // pause, so that a persisting error does not spin the accept loop.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                let (ep, metrics, answers) = (ep.clone(), metrics.clone(), answers.clone());
                metrics.connections_open.inc();
                tokio::spawn(async move {
                    let held = Answers { budget: answers, metrics: metrics.clone() };
                    if let Some(phase) = connection(stream, local, remote, ep, limits, held).await {
                        metrics.connections_timed_out.with_label_values(&[phase]).inc();
                    }
                    metrics.connections_open.dec();
                    drop(slot);
                });
            }
            Err(_) => {
                shed(stream);
                metrics.connections_shed.inc();
            }
        }
    }
}

/// A connection over the cap: one write that never waits, then closed.
fn shed(stream: TcpStream) {
    const BODY: &str = r#"{"detail":"the server has as many connections open as it allows; try again in a moment"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}

/// Serves one connection; returns the phase it was in if it was closed past its deadline.
async fn connection(stream: TcpStream, local: SocketAddr, remote: SocketAddr, ep: Arc<DynEndpoint>, limits: ConnectionLimits, answers: Answers) -> Option<&'static str> {
    let answers = Arc::new(answers);
    let _ = stream.set_nodelay(true);
    let watch = Arc::new(Watch::new());
    let io = Guarded { inner: stream, watch: watch.clone(), pending: None };
    let service = {
        let watch = watch.clone();
        service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
            let (ep, watch, answers) = (ep.clone(), watch.clone(), answers.clone());
            async move {
                watch.started();
                let req: poem::Request =
                    (req, LocalAddr(Addr::SocketAddr(local)), RemoteAddr(Addr::SocketAddr(remote)), poem::http::uri::Scheme::HTTP).into();
                let res = answers.hold(hyper::Response::from(ep.get_response(req).await), &watch);
                watch.finished();
                Ok::<_, Infallible>(res)
            }
        })
    };
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http2().max_concurrent_streams(64).max_header_list_size(64 << 10);
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(io), service);
    tokio::select! {
        _ = conn => None,
        phase = watch.expired(limits) => Some(phase),
    }
}

/// What a connection is doing, and since when, for its deadline.
struct Watch {
    state: Mutex<State>,
}

struct State {
    /// Requests being answered.
    in_hand: usize,
    /// Answers being sent.
    sending: usize,
    /// Whether bytes have come since the last request was answered (a head is on its way).
    head_started: bool,
    since: Instant,
}

impl Watch {
    fn new() -> Self {
        Watch { state: Mutex::new(State { in_hand: 0, sending: 0, head_started: true, since: Instant::now() }) }
    }

    fn read(&self) {
        let mut s = self.state.lock();
        if s.in_hand > 0 {
            s.since = Instant::now();
        } else if !s.head_started {
            s.head_started = true;
            s.since = Instant::now();
        }
    }

    fn wrote(&self) {
        let mut s = self.state.lock();
        if s.in_hand > 0 || s.sending > 0 || !s.head_started {
            s.since = Instant::now();
        }
    }

    fn started(&self) {
        let mut s = self.state.lock();
        s.in_hand += 1;
        s.since = Instant::now();
    }

    fn finished(&self) {
        let mut s = self.state.lock();
        s.in_hand = s.in_hand.saturating_sub(1);
        if s.in_hand == 0 {
            s.head_started = false;
            s.since = Instant::now();
        }
    }

    fn sending(&self) {
        self.state.lock().sending += 1;
    }

    fn sent(&self) {
        let mut s = self.state.lock();
        s.sending = s.sending.saturating_sub(1);
        s.since = Instant::now();
    }

    fn deadline(&self, limits: &ConnectionLimits) -> (Instant, &'static str) {
        let s = self.state.lock();
        let (allowed, phase) = if s.in_hand > 0 {
            (limits.busy_timeout, "busy")
        } else if s.sending > 0 {
            (limits.send_timeout, "send")
        } else if s.head_started {
            (limits.head_timeout, "head")
        } else {
            (limits.idle_timeout, "idle")
        };
        (s.since + allowed, phase)
    }

    /// Resolves, with the phase, when the connection is past its deadline.
    async fn expired(&self, limits: ConnectionLimits) -> &'static str {
        loop {
            let (deadline, phase) = self.deadline(&limits);
            if deadline <= Instant::now() {
                return phase;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// Answers at most this big are not counted against the answer buffer.
pub const SMALL_ANSWER: usize = 64 << 10;

/// The answer buffer, shared by every connection.
struct Answers {
    budget: Arc<Semaphore>,
    metrics: Arc<Metrics>,
}

use http_body_util::BodyExt;

type PoemBody = http_body_util::combinators::BoxBody<bytes::Bytes, io::Error>;

impl Answers {
    /// `res`, holding its share of the buffer until it is sent; or, when the buffer has no room
    /// for it, a 503 in its place.
    fn hold(&self, res: hyper::Response<PoemBody>, watch: &Arc<Watch>) -> hyper::Response<Held> {
        let size = http_body::Body::size_hint(res.body()).exact().unwrap_or(0) as usize;
        let mut permit = None;
        let res = if size > SMALL_ANSWER {
            let units = u32::try_from(size.div_ceil(1024)).unwrap_or(u32::MAX);
            match self.budget.clone().try_acquire_many_owned(units) {
                Ok(p) => {
                    permit = Some(p);
                    res
                }
                Err(_) => {
                    self.metrics.answers_refused.inc();
                    let body = r#"{"detail":"the server holds as many answers for clients as it can; try again in a moment"}"#;
                    hyper::Response::builder()
                        .status(503)
                        .header("content-type", "application/json")
                        .header("retry-after", "1")
                        .body(BodyExt::boxed(BodyExt::map_err(http_body_util::Full::new(bytes::Bytes::from_static(body.as_bytes())), |never| match never {})))
                        .expect("a valid answer")
                }
            }
        } else {
            res
        };
        watch.sending();
        res.map(|inner| Held { inner, _permit: permit, watch: Some(watch.clone()) })
    }
}

/// An answer's body, holding its share of the answer buffer, and telling the watch when it is
/// sent (or dropped with its connection).
pub struct Held {
    inner: PoemBody,
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
    watch: Option<Arc<Watch>>,
}

impl Held {
    fn done(&mut self) {
        if let Some(watch) = self.watch.take() {
            watch.sent();
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.done();
    }
}

impl http_body::Body for Held {
    type Data = bytes::Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<http_body::Frame<bytes::Bytes>, io::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) {
            self.done();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The socket, reporting progress to the watch and putting a body into hyper's own error
/// answers.
struct Guarded {
    inner: TcpStream,
    watch: Arc<Watch>,
    /// The rewritten error answer still to be written, and how much of it was.
    pending: Option<(Vec<u8>, usize)>,
}

impl Guarded {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*done..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    *done += n;
                    if *done == bytes.len() {
                        self.pending = None;
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// hyper's answer to a request it could not parse: an error status with an empty body, the last
/// thing it writes before closing. Every answer the app makes to an error has a JSON body.
fn with_json_body(head: &[u8]) -> Option<Vec<u8>> {
    let rest = head.strip_prefix(b"HTTP/1.1 ")?;
    if !matches!(rest.first(), Some(b'4' | b'5')) {
        return None;
    }
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let text = std::str::from_utf8(&head[..end]).ok()?;
    if end != head.len() || !text.to_ascii_lowercase().contains("\r\ncontent-length: 0\r\n") {
        return None;
    }
    let status_line = text.lines().next()?;
    let reason = status_line.splitn(3, ' ').nth(2).unwrap_or("error");
    let detail = match status_line.split(' ').nth(1) {
        Some("414") => "the request's path is too long".to_owned(),
        Some("431") => "the request's headers are too large".to_owned(),
        Some("400") => "the request could not be parsed as HTTP (a malformed request line, header or Content-Length)".to_owned(),
        _ => reason.to_owned(),
    };
    let body = serde_json::json!({ "detail": detail }).to_string();
    let mut out = String::with_capacity(text.len() + body.len() + 64);
    for (i, line) in text.split("\r\n").enumerate() {
        if line.is_empty() || line.to_ascii_lowercase().starts_with("content-length:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
        if i == 0 {
            out.push_str("content-type: application/json\r\nconnection: close\r\n");
        }
    }
    out.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    Some(out.into_bytes())
}

impl AsyncRead for Guarded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.watch.read();
        }
        polled
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(rewritten) = with_json_body(buf) {
            self.pending = Some((rewritten, 0));
            // The whole of hyper's answer is taken; what goes out instead is written by drain.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.watch.wrote();
        }
        polled
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        // hyper writes an answer with an empty body as one slice.
        if let [only] = bufs {
            if let Some(rewritten) = with_json_body(only) {
                self.pending = Some((rewritten, 0));
                let _ = self.drain(cx)?;
                return Poll::Ready(Ok(only.len()));
            }
        }
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.watch.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::with_json_body;

    #[test]
    fn hypers_empty_error_answers_get_a_json_body() {
        let head = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 10:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(with_json_body(head).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\ncontent-type: application/json\r\n"), "{out}");
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())), "{out}");
        assert!(head.contains("date: "), "other headers are kept: {out}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(body).unwrap()["detail"], "the request's path is too long");
    }

    #[test]
    fn answers_with_a_body_or_a_success_are_left_alone() {
        assert!(with_json_body(b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n").is_none());
        assert!(with_json_body(b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n{\"detail\":1}").is_none());
        assert!(with_json_body(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(with_json_body(b"{\"detail\": \"HTTP/1.1 400\"}").is_none());
    }
}
