# syntax=docker/dockerfile:1
# Build stage: the whole workspace is needed for the lock file; only the server is built. Its
# build also makes the Python runtime (sandbox/build.rs: componentize-py from PyPI, pinned by
# hash), which needs python3 with venv.
FROM rust:1.95-bookworm AS build
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin argorithm-server \
 && strip target/release/argorithm-server \
 && cp "$(target/release/argorithm-server --print-python-runtime)" /python-runtime.wasm

# Runtime: a slim Debian with the binary and the Python runtime, run as an unprivileged user.
# The storage folder (SQLite file and server.log) is a volume so data outlives the container.
# The runtime is compiled once here, into a cache folder only the server's user can write; a
# host with other CPU features recompiles it at its first start.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin argorithm \
 && mkdir -p /data /var/cache/argorithm-server \
 && chown argorithm:argorithm /data /var/cache/argorithm-server \
 && chmod 700 /var/cache/argorithm-server
COPY --from=build /src/target/release/argorithm-server /usr/local/bin/argorithm-server
COPY --from=build /python-runtime.wasm /usr/local/lib/argorithm-server/python-runtime.wasm
USER argorithm:argorithm
ENV HOST=0.0.0.0 \
    PORT=8000 \
    STORAGE_FOLDER=/data \
    PYTHON_RUNTIME=/usr/local/lib/argorithm-server/python-runtime.wasm \
    PYTHON_RUNTIME_CACHE=/var/cache/argorithm-server
RUN ["/usr/local/bin/argorithm-server", "--prepare-python-runtime"]
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/argorithm-server"]
