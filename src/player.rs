//! The trace player: a page at `/` where anyone can watch a run step by step. Its files (plain
//! HTML, CSS and JavaScript modules in `src/player/`, no build step) are compiled into the
//! binary, so nothing is fetched from anywhere else.
use poem::http::{header, StatusCode};
use poem::web::Path;
use poem::{handler, IntoResponse, Response};

pub const INDEX: &str = include_str!("player/index.html");

/// Every asset, with the content type browsers need (modules must be served as JavaScript).
const ASSETS: &[(&str, &str, &str)] = &[
    ("player.css", "text/css; charset=utf-8", include_str!("player/player.css")),
    ("api.js", "text/javascript; charset=utf-8", include_str!("player/api.js")),
    ("code.js", "text/javascript; charset=utf-8", include_str!("player/code.js")),
    ("params.js", "text/javascript; charset=utf-8", include_str!("player/params.js")),
    ("playback.js", "text/javascript; charset=utf-8", include_str!("player/playback.js")),
    ("player.js", "text/javascript; charset=utf-8", include_str!("player/player.js")),
    ("render.js", "text/javascript; charset=utf-8", include_str!("player/render.js")),
    ("trace.js", "text/javascript; charset=utf-8", include_str!("player/trace.js")),
    ("url.js", "text/javascript; charset=utf-8", include_str!("player/url.js")),
];

#[handler]
pub fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, content_type, body)) => Response::builder()
            .content_type(*content_type)
            // The files change only with the binary; a short cache keeps an upgrade visible.
            .header(header::CACHE_CONTROL, "public, max-age=300")
            .body(*body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::ASSETS;

    #[test]
    fn every_file_of_the_player_is_served() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/player");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != "index.html")
            .collect();
        files.sort();
        let mut served: Vec<&str> = ASSETS.iter().map(|(n, _, _)| *n).collect();
        served.sort();
        assert_eq!(files, served, "a file in src/player is not in ASSETS (or the other way round)");
    }
}
