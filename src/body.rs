//! Request bodies, read before any handler sees them: at most `MAX_UPLOAD_BYTES` whatever the
//! framing (a Content-Length, chunked, or HTTP/2 DATA frames that announce no length), within
//! `BODY_TIMEOUT_SECONDS`, and out of one budget of buffered bytes shared by every request, so
//! neither one large body nor many at once can take the server's memory. Reading stops at the
//! first byte over the limit.
//!
//! Stalled bodies cannot hold the budget hostage: a body that sends no byte for
//! `BODY_STALL_SECONDS` is refused and gives its share back, and a sixteenth of the budget is
//! kept for small bodies (a Content-Length of at most 64 KiB, every run request among them), so
//! they are read at once even while large ones fill the rest. Every body still counts.
use bytes::BytesMut;
use futures_util::StreamExt;
use poem::http::{header, Method};
use poem::{Body, Request};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The budget is counted in KiB, the semaphore's unit.
const UNIT: usize = 1024;

/// A body whose announced length is at most this may draw from the reserve.
pub const SMALL_BODY: usize = 64 << 10;

pub struct BodyLimits {
    pub max_bytes: usize,
    pub timeout: Duration,
    pub stall: Duration,
    budget: Arc<Semaphore>,
    /// Kept for small bodies when the budget is spent.
    reserve: Arc<Semaphore>,
}

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    TooLarge,
    TooSlow,
    /// No byte came for the stall time.
    Stalled,
    /// The shared budget stayed spent for the whole body timeout.
    Busy,
    Broken(String),
}

impl BodyLimits {
    pub fn new(max_bytes: usize, timeout: Duration, stall: Duration, budget_bytes: usize) -> Self {
        let reserve = (budget_bytes / 16).max(SMALL_BODY).min(budget_bytes / 2);
        let permits = |bytes: usize| (bytes / UNIT).clamp(1, Semaphore::MAX_PERMITS);
        BodyLimits {
            max_bytes,
            timeout,
            stall,
            budget: Arc::new(Semaphore::new(permits(budget_bytes.saturating_sub(reserve)))),
            reserve: Arc::new(Semaphore::new(permits(reserve))),
        }
    }

    fn announced(req: &Request) -> Option<u64> {
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
    }

    /// Whether a request may carry a body worth reading.
    pub fn applies_to(req: &Request) -> bool {
        matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
            || req.headers().contains_key(header::CONTENT_LENGTH)
            || req.headers().contains_key(header::TRANSFER_ENCODING)
    }

    /// A Content-Length over the limit, refused before a byte of the body is read.
    pub fn announced_too_large(&self, req: &Request) -> bool {
        Self::announced(req).is_some_and(|n| n > self.max_bytes as u64)
    }

    /// Reads the whole body into memory and puts it back in the request; returns it too. The
    /// permit holds the body's share of the budget until the request is answered.
    pub async fn buffer(&self, req: &mut Request) -> Result<(OwnedSemaphorePermit, bytes::Bytes), Refused> {
        let small = Self::announced(req).filter(|&n| n <= SMALL_BODY as u64);
        let body = req.take_body();
        let waiting = AtomicBool::new(false);
        match tokio::time::timeout(self.timeout, self.read(body, small, &waiting)).await {
            Ok(Ok((bytes, permit))) => {
                req.set_body(Body::from_bytes(bytes.clone()));
                Ok((permit, bytes))
            }
            Ok(Err(refused)) => Err(refused),
            // Out of time while other bodies held the budget is the server's doing, not the client's.
            Err(_) if waiting.load(Ordering::Relaxed) => Err(Refused::Busy),
            Err(_) => Err(Refused::TooSlow),
        }
    }

    async fn acquire(&self, units: usize, waiting: &AtomicBool) -> Result<OwnedSemaphorePermit, Refused> {
        let units = u32::try_from(units).map_err(|_| Refused::TooLarge)?;
        waiting.store(true, Ordering::Relaxed);
        let permit = self.budget.clone().acquire_many_owned(units).await.map_err(|_| Refused::Busy);
        waiting.store(false, Ordering::Relaxed);
        permit
    }

    /// The whole of a small body's share at once: from the budget if it has room, else from
    /// the reserve, else waiting for the budget like any other body.
    async fn acquire_small(&self, length: u64, waiting: &AtomicBool) -> Result<OwnedSemaphorePermit, Refused> {
        let units = u32::try_from((length as usize).div_ceil(UNIT).max(1)).map_err(|_| Refused::TooLarge)?;
        if let Ok(permit) = self.budget.clone().try_acquire_many_owned(units) {
            return Ok(permit);
        }
        if let Ok(permit) = self.reserve.clone().try_acquire_many_owned(units) {
            return Ok(permit);
        }
        self.acquire(units as usize, waiting).await
    }

    async fn read(&self, body: Body, small: Option<u64>, waiting: &AtomicBool) -> Result<(bytes::Bytes, OwnedSemaphorePermit), Refused> {
        let mut stream = body.into_bytes_stream();
        let mut buf = BytesMut::new();
        let (mut held, mut held_units) = match small {
            Some(length) => (self.acquire_small(length, waiting).await?, (length as usize).div_ceil(UNIT).max(1)),
            None => (self.acquire(1, waiting).await?, 1usize),
        };
        loop {
            let chunk = match tokio::time::timeout(self.stall, stream.next()).await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(_) => return Err(Refused::Stalled),
            };
            let chunk = chunk.map_err(|e| Refused::Broken(e.to_string()))?;
            if buf.len() + chunk.len() > self.max_bytes {
                return Err(Refused::TooLarge);
            }
            let units = (buf.len() + chunk.len()).div_ceil(UNIT).max(1);
            if units > held_units {
                held.merge(self.acquire(units - held_units, waiting).await?);
                held_units = units;
            }
            buf.extend_from_slice(&chunk);
        }
        Ok((buf.freeze(), held))
    }
}

#[cfg(test)]
mod tests {
    use super::{BodyLimits, Refused};
    use poem::{Body, Request};
    use std::time::Duration;

    fn streamed(chunks: usize, size: usize) -> Request {
        let stream = futures_util::stream::iter((0..chunks).map(move |_| Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; size]))));
        Request::builder().method(poem::http::Method::POST).body(Body::from_bytes_stream(stream))
    }

    #[tokio::test]
    async fn a_body_without_a_length_is_cut_at_the_limit() {
        let limits = BodyLimits::new(10_000, Duration::from_secs(5), Duration::from_secs(5), 1 << 20);
        let mut req = streamed(100, 1000);
        assert_eq!(limits.buffer(&mut req).await.err(), Some(Refused::TooLarge));
        let mut req = streamed(10, 1000);
        let _held = limits.buffer(&mut req).await.unwrap();
        assert_eq!(req.take_body().into_vec().await.unwrap().len(), 10_000);
    }

    #[tokio::test]
    async fn a_body_slower_than_the_timeout_is_refused() {
        let limits = BodyLimits::new(1 << 20, Duration::from_millis(100), Duration::from_secs(5), 1 << 20);
        let slow = futures_util::stream::unfold(0, |n| async move {
            tokio::time::sleep(Duration::from_millis(60)).await;
            (n < 5).then(|| (Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"x")), n + 1))
        });
        let mut req = Request::builder().method(poem::http::Method::POST).body(Body::from_bytes_stream(slow));
        assert_eq!(limits.buffer(&mut req).await.err(), Some(Refused::TooSlow));
    }

    #[tokio::test]
    async fn bodies_wait_for_the_shared_budget_and_give_up_at_the_timeout() {
        // 64 KiB of budget, and 64 KiB of reserve that bodies without a small Content-Length never take.
        let limits = BodyLimits::new(1 << 20, Duration::from_millis(200), Duration::from_secs(5), 128 << 10);
        let mut first = streamed(64, 1024);
        let held = limits.buffer(&mut first).await.unwrap();
        let mut second = streamed(1, 1024);
        assert_eq!(limits.buffer(&mut second).await.err(), Some(Refused::Busy), "the budget is spent");
        drop(held);
        let mut third = streamed(1, 1024);
        assert!(limits.buffer(&mut third).await.is_ok(), "answered requests give their share back");
    }

    fn with_length(req: Request, length: usize) -> Request {
        let (mut parts, body) = req.into_parts();
        parts.headers.insert(poem::http::header::CONTENT_LENGTH, length.into());
        Request::from_parts(parts, body)
    }

    #[tokio::test]
    async fn a_small_body_is_read_from_the_reserve_while_large_ones_hold_the_budget() {
        let limits = BodyLimits::new(4 << 20, Duration::from_millis(300), Duration::from_secs(5), 2 << 20);
        // 1,920 KiB of budget and 128 KiB of reserve: a large body takes the budget.
        let mut large = streamed(1920, 1024);
        let _held = limits.buffer(&mut large).await.unwrap();
        let mut another_large = streamed(2, 1024);
        assert_eq!(limits.buffer(&mut another_large).await.err(), Some(Refused::Busy), "large bodies never take the reserve");
        let started = std::time::Instant::now();
        let mut small = with_length(streamed(1, 60), 60);
        let (_permit, bytes) = limits.buffer(&mut small).await.expect("a small body is read at once");
        assert_eq!(bytes.len(), 60);
        assert!(started.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_body_that_stalls_is_refused_and_gives_its_share_back() {
        let limits = BodyLimits::new(1 << 20, Duration::from_secs(10), Duration::from_millis(100), 64 << 10);
        use futures_util::StreamExt;
        let stalls = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(vec![b'x'; 1000]))]).chain(futures_util::stream::pending::<Result<bytes::Bytes, std::io::Error>>());
        let mut req = Request::builder().method(poem::http::Method::POST).body(Body::from_bytes_stream(stalls));
        let started = std::time::Instant::now();
        assert_eq!(limits.buffer(&mut req).await.err(), Some(Refused::Stalled));
        assert!(started.elapsed() < Duration::from_secs(1), "refused at the stall time, not the body timeout");
    }
}
