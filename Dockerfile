# syntax=docker/dockerfile:1
# Build stage: the whole workspace is needed for the lock file; only the server is built.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin argorithm-server \
 && strip target/release/argorithm-server

# Runtime: a slim Debian with one binary, run as an unprivileged user. The storage folder
# (SQLite file and server.log) is a volume so data outlives the container.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin argorithm \
 && mkdir -p /data \
 && chown argorithm:argorithm /data
COPY --from=build /src/target/release/argorithm-server /usr/local/bin/argorithm-server
USER argorithm:argorithm
ENV HOST=0.0.0.0 \
    PORT=8000 \
    STORAGE_FOLDER=/data
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/argorithm-server"]
