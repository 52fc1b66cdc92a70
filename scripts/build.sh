#!/usr/bin/env bash
# Builds the browser app (wasm + JS glue + CSS into target/site) and the
# server binary (target/release/gatehouse). Usage: scripts/build.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=wasm-release
[ "${1:-}" = "--dev" ] && profile=dev
. scripts/wasm-env.sh

want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
if [ "$have" != "$want" ]; then
  echo "wasm-bindgen CLI $have does not match the crate $want in Cargo.lock: run scripts/setup.sh" >&2
  exit 1
fi

# What scripts/optimize-wasm.mjs loads.
binaryen=tests/browser/node_modules/binaryen/index.js
if [ "$profile" != dev ] && ! [ -f "$binaryen" ]; then
  # An unoptimised release app is three times larger: never serve one silently.
  echo "$binaryen is missing: run scripts/setup.sh (it installs npm binaryen)" >&2
  exit 1
fi

t0=$(date +%s)
# The splitter runs on the build machine: build it first (it is small).
cargo build --release -q -p gatehouse-wasm-split
env "${WASM_ENV[@]}" "$WASM_CARGO" build -p gatehouse-frontend --lib --target wasm32-unknown-unknown \
  --profile "$profile" --target-dir "$WASM_TARGET_DIR" "${WASM_CARGO_ARGS[@]}"
outdir=$profile; [ "$profile" = dev ] && outdir=debug

rm -rf target/site.new target/split && mkdir -p target/site.new/pkg
# Cut each lazily loaded area (app/src/lazy.rs) out of the main module. This
# needs the relocations that --emit-relocs keeps (.cargo/config.toml) and
# that wasm-bindgen drops, so it runs first.
target/release/gatehouse-wasm-split "$WASM_TARGET_DIR/wasm32-unknown-unknown/$outdir/gatehouse_frontend.wasm" target/split
# --keep-lld-exports: the chunks import the main module's memory, table and
# shared functions through exports that wasm-bindgen would otherwise remove.
wasm-bindgen --target web --no-typescript --keep-lld-exports --out-dir target/site.new/pkg --out-name gatehouse \
  target/split/main.wasm
# leptos asks for <name>.wasm when LEPTOS_OUTPUT_NAME is set at compile time
mv target/site.new/pkg/gatehouse_bg.wasm target/site.new/pkg/gatehouse.wasm
cp target/split/split_*.wasm target/split/__wasm_split.js target/split/__wasm_split_manifest.json target/site.new/pkg/
cp target/split/chunk_*.wasm target/site.new/pkg/ 2>/dev/null || true
if [ "$profile" != dev ]; then
  # npm binaryen only: Debian's binaryen 108 silently breaks hydration.
  node scripts/optimize-wasm.mjs target/site.new/pkg
fi
node scripts/link-chunks.mjs target/site.new/pkg
cp style/main.css target/site.new/pkg/gatehouse.css
if [ "$profile" != dev ]; then
  # Brotli and gzip copies beside each file; the server sends the smallest
  # one the browser accepts (names carry a content hash: app/src/assets.rs).
  node scripts/compress.mjs target/site.new/pkg
fi
cp -r public/. target/site.new/
rm -rf target/site && mv target/site.new target/site
t1=$(date +%s)

cargo build --release
t2=$(date +%s)
raw=$(stat -c %s target/site/pkg/gatehouse.wasm)
br=$(stat -c %s target/site/pkg/gatehouse.wasm.br 2>/dev/null || echo "no")
chunks=$(cat target/site/pkg/split_*.wasm target/site/pkg/chunk_*.wasm 2>/dev/null | wc -c)
echo "built: browser app $((t1 - t0)) s (main wasm $raw bytes, brotli $br; lazily loaded chunks $chunks bytes), server $((t2 - t1)) s"
