//! The browser app's files (`<site_root>/pkg`: wasm, its JS glue, the
//! stylesheet), served under names that carry a hash of their content so a
//! browser may keep them for a year and never ask again: a new build changes
//! the name of exactly the files that changed, and the pages (never cached)
//! name the new ones.
//!
//! The files are read into memory at start, with the `.br` and `.gz` copies
//! `scripts/build.sh` writes beside them; each request gets the smallest copy
//! its `Accept-Encoding` allows. Each copy is decompressed once at start and
//! served only if it equals its original: a hand-replaced file must never go
//! out with a stale compressed twin (file times are no proof: copies and
//! checkouts change them).
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The URL prefix the files are served under.
pub const PREFIX: &str = "/pkg";

struct Asset {
    hash: String,
    content_type: &'static str,
    identity: Bytes,
    br: Option<Bytes>,
    gzip: Option<Bytes>,
}

/// Every file of the browser app, by its plain name (`gatehouse.wasm`).
#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
    /// Per lazily loaded area, the URLs a page of it preloads (`area_urls`).
    areas: HashMap<String, Vec<String>>,
}

impl Assets {
    /// Reads `dir` (not recursively). A missing folder gives an empty set:
    /// pages still render, they just do not hydrate (start-up warns).
    pub fn load(dir: &Path) -> Assets {
        let mut files = HashMap::new();
        let Ok(entries) = std::fs::read_dir(dir) else { return Assets::default() };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".br") || name.ends_with(".gz") || !entry.path().is_file() {
                continue;
            }
            let Ok(identity) = std::fs::read(entry.path()) else { continue };
            let twin = |ext: &str| {
                let path = dir.join(format!("{name}.{ext}"));
                let copy = std::fs::read(&path).ok()?;
                if decompress(ext, &copy).as_deref() == Some(identity.as_slice()) {
                    Some(Bytes::from(copy))
                } else {
                    tracing::warn!("{} does not match its original: not served", path.display());
                    None
                }
            };
            let asset = Asset {
                hash: content_hash(&identity),
                content_type: content_type(&name),
                br: twin("br"),
                gzip: twin("gz"),
                identity: identity.into(),
            };
            files.insert(name, asset);
        }
        let mut assets = Assets { files, areas: HashMap::new() };
        assets.areas = assets.read_areas();
        assets
    }

    /// The loader and the wasm files of each area, by their hashed URLs, from
    /// `__wasm_split_manifest.json` (written by tools/wasm-split). Read once
    /// here rather than for every page.
    fn read_areas(&self) -> HashMap<String, Vec<String>> {
        let Some(manifest) = self.files.get("__wasm_split_manifest.json") else { return HashMap::new() };
        let Ok(areas) = serde_json::from_slice::<HashMap<String, Vec<String>>>(&manifest.identity) else {
            tracing::warn!("__wasm_split_manifest.json does not parse: pages will not preload their chunks");
            return HashMap::new();
        };
        areas
            .into_iter()
            .map(|(area, stems)| {
                let urls = std::iter::once("__wasm_split.js".to_string())
                    .chain(stems.iter().map(|s| format!("{s}.wasm")))
                    .filter(|name| self.files.contains_key(name))
                    .map(|name| self.url(&name))
                    .collect();
                (area, urls)
            })
            .collect()
    }

    /// The URL to put in a page for `name`: with its content hash when the
    /// file is there, else the plain name (which then answers 404 itself).
    pub fn url(&self, name: &str) -> String {
        match self.files.get(name) {
            Some(a) => format!("{PREFIX}/{}", hashed_name(name, &a.hash)),
            None => format!("{PREFIX}/{name}"),
        }
    }

    /// The URLs of the chunk loader and of the wasm files the lazily loaded
    /// `area` needs, for the page to preload. Empty if the build has no such area.
    pub fn area_urls(&self, area: &str) -> Vec<String> {
        self.areas.get(area).cloned().unwrap_or_default()
    }

    /// Answers a request for `requested` (a file name under the prefix).
    pub fn respond(&self, requested: &str, headers: &HeaderMap) -> Response {
        let Some((asset, immutable)) = self.find(requested) else {
            return (StatusCode::NOT_FOUND, "Not found").into_response();
        };
        let etag = format!("\"{}\"", asset.hash);
        let cache = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            // The plain name's content changes with each build: ask each time.
            "no-cache"
        };
        let mut res = if headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
        {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let accepts = |coding: &str| accepts_encoding(headers, coding);
            let (body, encoding) = match (&asset.br, &asset.gzip) {
                (Some(br), _) if accepts("br") => (br.clone(), Some("br")),
                (_, Some(gz)) if accepts("gzip") => (gz.clone(), Some("gzip")),
                _ => (asset.identity.clone(), None),
            };
            let mut res = Response::new(Body::from(body));
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
            if let Some(e) = encoding {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
            }
            res
        };
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        res
    }

    /// The file a name asks for, and whether the name carried its current
    /// hash (a stale hash, from a page of an older build, is not found).
    fn find(&self, requested: &str) -> Option<(&Asset, bool)> {
        if let Some(a) = self.files.get(requested) {
            return Some((a, false));
        }
        let (stem, ext) = requested.rsplit_once('.')?;
        let (base, hash) = stem.rsplit_once('.')?;
        let asset = self.files.get(&format!("{base}.{ext}"))?;
        (asset.hash == hash).then_some((asset, true))
    }
}

/// The axum handler for `/pkg/{file}`.
pub async fn serve(State(assets): State<Arc<Assets>>, UrlPath(file): UrlPath<String>, headers: HeaderMap) -> Response {
    assets.respond(&file, &headers)
}

/// The original bytes of a `.br` or `.gz` copy (None if it does not decode).
fn decompress(ext: &str, copy: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    let ok = match ext {
        "br" => brotli_decompressor::Decompressor::new(copy, 64 * 1024).read_to_end(&mut out).is_ok(),
        "gz" => flate2::read::GzDecoder::new(copy).read_to_end(&mut out).is_ok(),
        _ => false,
    };
    ok.then_some(out)
}

/// 16 hex digits of SHA-256: enough that two builds never collide.
fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `gatehouse.wasm` with hash `ab12` is `gatehouse.ab12.wasm`.
fn hashed_name(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Whether `Accept-Encoding` allows `coding` (present and not `;q=0`).
fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let q_zero = it.any(|p| {
                p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q == 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !q_zero
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &[u8])]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("gatehouse-assets-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, body) in files {
            std::fs::write(dir.join(name), body).unwrap();
        }
        dir
    }

    fn get(assets: &Assets, file: &str, accept: &str) -> Response {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        assets.respond(file, &h)
    }

    #[test]
    fn an_area_names_its_loader_and_chunks_by_their_hashes() {
        let dir = dir_with(&[
            ("__wasm_split_manifest.json", br#"{"portal":["chunk_1","split_portal"]}"#),
            ("__wasm_split.js", b"loader"),
            ("chunk_1.wasm", b"shared"),
            ("split_portal.wasm", b"portal"),
        ]);
        let assets = Assets::load(&dir);
        let urls = assets.area_urls("portal");
        assert_eq!(urls.len(), 3);
        assert!(urls[0].starts_with("/pkg/__wasm_split.") && urls[0].ends_with(".js"));
        assert!(urls[1].starts_with("/pkg/chunk_1.") && urls[2].starts_with("/pkg/split_portal."));
        assert_eq!(urls, ["__wasm_split.js", "chunk_1.wasm", "split_portal.wasm"].map(|n| assets.url(n)));
        assert!(assets.area_urls("admin_users").is_empty());
    }

    #[test]
    fn hashed_names_are_immutable_and_pick_the_smallest_accepted_copy() {
        let body = b"wasm bytes wasm bytes wasm bytes";
        let dir = dir_with(&[("app.wasm", body), ("app.wasm.br", &brotli(body)), ("app.wasm.gz", &gzip(body))]);
        let assets = Assets::load(&dir);
        let url = assets.url("app.wasm");
        assert!(url.starts_with("/pkg/app.") && url.ends_with(".wasm") && url.len() == "/pkg/app..wasm".len() + 16);
        let file = url.trim_start_matches("/pkg/");
        let res = get(&assets, file, "gzip, deflate, br");
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(get(&assets, file, "gzip").headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(get(&assets, file, "br;q=0, gzip").headers()[header::CONTENT_ENCODING], "gzip");
        assert!(get(&assets, file, "identity").headers().get(header::CONTENT_ENCODING).is_none());
        // The plain name works too, but must be asked again each time.
        assert_eq!(get(&assets, "app.wasm", "br").headers()[header::CACHE_CONTROL], "no-cache");
        // A page of an older build names an older hash: not this file.
        assert_eq!(get(&assets, "app.0123456789abcdef.wasm", "br").status(), StatusCode::NOT_FOUND);
        assert_eq!(get(&assets, "other.wasm", "br").status(), StatusCode::NOT_FOUND);
        // Revalidation with the ETag answers 304 without a body.
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, res.headers()[header::ETAG].clone());
        assert_eq!(assets.respond("app.wasm", &h).status(), StatusCode::NOT_MODIFIED);
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn gzip(body: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(body).unwrap();
        e.finish().unwrap()
    }

    /// A valid brotli stream of `body` with no compression (one
    /// uncompressed meta-block), so the test needs no brotli encoder.
    fn brotli(body: &[u8]) -> Vec<u8> {
        assert!(!body.is_empty() && body.len() <= 65536);
        let mlen = body.len() - 1;
        // WBITS=16 (bit 0), then MLEN nibbles=4 (00), MLEN-1 in 16 bits, ISUNCOMPRESSED=1,
        // padded to a byte; after the data, an empty last meta-block (ISLAST, ISLASTEMPTY).
        let bits: u32 = (mlen as u32) << 4 | 1 << 20;
        let mut out = vec![bits as u8, (bits >> 8) as u8, (bits >> 16) as u8];
        out.extend_from_slice(body);
        out.push(0b11);
        out
    }

    #[test]
    fn a_changed_file_gets_a_new_name_and_a_stale_compressed_copy_is_not_served() {
        let dir = dir_with(&[("app.css", b"a{}"), ("app.css.br", &brotli(b"a{}")), ("app.css.gz", &gzip(b"a{}"))]);
        let before = Assets::load(&dir);
        let res = get(&before, before.url("app.css").trim_start_matches("/pkg/"), "br");
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        let before = before.url("app.css");
        std::fs::write(dir.join("app.css"), b"b{}").unwrap();
        let assets = Assets::load(&dir);
        let after = assets.url("app.css");
        assert_ne!(before, after);
        let res = get(&assets, after.trim_start_matches("/pkg/"), "br");
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none(), "the stale .br must not be served");
        let res = get(&assets, after.trim_start_matches("/pkg/"), "gzip");
        assert!(res.headers().get(header::CONTENT_ENCODING).is_none(), "nor the stale .gz");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
