//! `gatehouse-wasm-split <input.wasm> <out-dir>`: splits the browser app
//! before wasm-bindgen sees it (the splitter needs the relocations that
//! wasm-bindgen drops). Writes into `out-dir`:
//! - `main.wasm`, the module that wasm-bindgen then processes;
//! - one `split_*.wasm` per lazily loaded screen and `chunk_*.wasm` for code
//!   several of them share;
//! - `__wasm_split.js`, the loader the main module imports;
//! - `__wasm_split_manifest.json`: for each screen, the files it needs, so a
//!   page can preload its own chunks.
use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, out_dir] = args.as_slice() else {
        eprintln!("usage: gatehouse-wasm-split <input.wasm> <out-dir>");
        return ExitCode::from(2);
    };
    match run(Path::new(input), Path::new(out_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm split failed: {e:?}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &Path, out_dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input)?;
    std::fs::create_dir_all(out_dir)?;
    let main_out = out_dir.join("main.wasm");
    let areas = split_names(&wasm);
    if areas.is_empty() {
        return Err("the app has no lazily loaded areas: was it built with app/src/lazy.rs?".into());
    }
    let admin: BTreeSet<String> = areas.iter().filter(|a| a.starts_with("admin_")).cloned().collect();
    let front: BTreeSet<String> = areas.difference(&admin).cloned().collect();
    // Code that several areas share: what only visitor and developer areas
    // share goes into one chunk, what both sides share into another, and
    // administrator areas keep a chunk per set of areas (the released
    // splitter's rule), so the dashboard stays small. One chunk per set made
    // 122 files, 60 of them for the portal home, which was then slower on a
    // slow link than the unsplit app. The rule is monotone, as the splitter
    // requires.
    let group = |needed_by: &BTreeSet<String>| {
        if needed_by.is_subset(&admin) {
            needed_by.clone()
        } else if needed_by.is_subset(&front) {
            front.clone()
        } else {
            areas.clone()
        }
    };
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = out_dir;
        opts.main_out_path = &main_out;
        opts.link_name = "./__wasm_split.js";
        // The loader imports `initSync` from here. scripts/link-chunks.mjs
        // replaces this import: the glue is served under a content-hashed
        // name, and a second URL would load a second copy of it.
        opts.main_module = "./gatehouse.js";
        opts.chunk_group = Some(&group);
        opts
    })
    .map_err(|e| format!("{e:?}"))?;
    let manifest: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    std::fs::write(out_dir.join("__wasm_split_manifest.json"), serde_json::to_string_pretty(&manifest)?)?;
    println!("split into main.wasm and {} chunks", split.split_modules.len());
    Ok(())
}

/// The areas (split modules) the app declares: each `#[wasm_split(area, …)]`
/// function leaves an import named `__wasm_split_00<area>00_import_…`.
fn split_names(wasm: &[u8]) -> BTreeSet<String> {
    const MARK: &[u8] = b"__wasm_split_00";
    let mut out = BTreeSet::new();
    let mut rest = wasm;
    while let Some(at) = rest.windows(MARK.len()).position(|w| w == MARK) {
        rest = &rest[at + MARK.len()..];
        let name: Vec<u8> = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').copied().collect();
        let name = String::from_utf8_lossy(&name);
        if let Some((area, _)) = name.split_once("00_import_") {
            out.insert(area.to_string());
        }
    }
    out
}
