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

wasm_opt=tests/browser/node_modules/.bin/wasm-opt
if [ "$profile" != dev ] && ! [ -x "$wasm_opt" ]; then
  # An unoptimised release app is three times larger: never serve one silently.
  echo "$wasm_opt is missing: run scripts/setup.sh (it installs npm binaryen)" >&2
  exit 1
fi

t0=$(date +%s)
env "${WASM_ENV[@]}" "$WASM_CARGO" build -p gatehouse-frontend --lib --target wasm32-unknown-unknown \
  --profile "$profile" --target-dir "$WASM_TARGET_DIR" "${WASM_CARGO_ARGS[@]}"
outdir=$profile; [ "$profile" = dev ] && outdir=debug

rm -rf target/site.new && mkdir -p target/site.new/pkg
wasm-bindgen --target web --no-typescript --out-dir target/site.new/pkg --out-name gatehouse \
  "$WASM_TARGET_DIR/wasm32-unknown-unknown/$outdir/gatehouse_frontend.wasm"
# leptos asks for <name>.wasm when LEPTOS_OUTPUT_NAME is set at compile time
mv target/site.new/pkg/gatehouse_bg.wasm target/site.new/pkg/gatehouse.wasm
if [ "$profile" != dev ]; then
  # npm binaryen only: Debian's binaryen 108 silently breaks hydration.
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    target/site.new/pkg/gatehouse.wasm -o target/site.new/pkg/gatehouse.wasm
fi
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
echo "built: browser app $((t1 - t0)) s (wasm $raw bytes, brotli $br), server $((t2 - t1)) s"
