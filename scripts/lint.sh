#!/usr/bin/env bash
# Style checks, warnings as errors: rustfmt over the workspace, clippy over
# the server build (every package and target) and over the wasm build of the
# browser app (its own cfg: the hydrate code is only compiled there).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wasm-env.sh
t0=$(date +%s)
cargo fmt --all --check
cargo clippy --release --workspace --all-targets --quiet -- -D warnings
env "${WASM_ENV[@]}" "${WASM_CLIPPY_ENV[@]}" "$WASM_CARGO" clippy -p gatehouse-frontend --lib \
  --target wasm32-unknown-unknown --profile wasm-release --target-dir "$WASM_TARGET_DIR" \
  "${WASM_CARGO_ARGS[@]}" --quiet -- -D warnings
echo "lint: rustfmt and clippy (server and wasm) clean in $(( $(date +%s) - t0 )) s"
