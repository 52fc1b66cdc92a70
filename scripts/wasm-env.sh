# Sourced by the build scripts: picks how to build the wasm32 crate.
# Route 1: the active rustc has a wasm32-unknown-unknown std (a laptop after
#          `rustup target add wasm32-unknown-unknown`): a plain cargo build.
# Route 2: Debian's rustc-web + rust-web-src, building std from source with
#          RUSTC_BOOTSTRAP=1 -Zbuild-std (machines where rustup cannot download).
# Each route has its own target dir: one cargo run must never mix two rustcs.
has_wasm_std() {
  local d
  d=$("$1" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  compgen -G "$d/libcore-*.rlib" >/dev/null
}
WASM_ENV=()
WASM_CARGO_ARGS=()
# For `cargo clippy` on the wasm build: the clippy of the same toolchain.
WASM_CLIPPY_ENV=()
if [ "${WASM_ROUTE:-}" != debian ] && has_wasm_std rustc; then
  WASM_CARGO=cargo
  WASM_TARGET_DIR=target/front
elif [ -x /usr/bin/rustc ] && [ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  WASM_CARGO=/usr/bin/cargo
  WASM_TARGET_DIR=target/front-debian
  WASM_CARGO_ARGS=(-Zbuild-std=std,panic_abort)
  WASM_ENV=(RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1)
  # Debian's cargo-clippy (rust-web-clippy) before rustup's proxy in PATH.
  WASM_CLIPPY_ENV=(PATH="/usr/bin:$PATH")
  if ! rust-lld -flavor wasm --version >/dev/null 2>&1; then
    lld=/usr/lib/llvm-22/bin/wasm-ld
    WASM_ENV+=(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$lld")
  fi
else
  echo "no wasm32 standard library: run scripts/setup.sh first" >&2
  return 1
fi
