#!/usr/bin/env bash
# Installs everything the build and the tests need. Idempotent: a second run
# only checks. Usage: scripts/setup.sh [--no-browser]
#  - a wasm32 standard library: the active rustc's if it has one (after
#    `rustup target add wasm32-unknown-unknown`), else Debian's rustc-web +
#    rust-web-src (std built from source), lld-22 as the wasm linker and
#    rust-web-clippy for the style checks;
#  - the wasm-bindgen CLI at exactly the version in Cargo.lock;
#  - for the email tests: Debian's python3-aiosmtpd, a real SMTP server;
#  - the npm packages: binaryen's wasm-opt for every build (never Debian's
#    binaryen 108, which silently breaks hydration), playwright-core and
#    axe-core (accessibility checks in the browser tests);
#  - for the browser tests (not with --no-browser): Debian chromium;
#  - for the integration tests on PostgreSQL (not with --no-browser):
#    Debian's postgresql (scripts/pg.sh starts a throwaway server).
set -euo pipefail
cd "$(dirname "$0")/.."
browser=1
[ "${1:-}" = "--no-browser" ] && browser=0

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "setup: please install $* (no apt-get here)" >&2
    return 1
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  if [ $apt_updated = 0 ]; then
    $sudo apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. wasm32 standard library
if ( . scripts/wasm-env.sh ) 2>/dev/null; then
  echo "setup: wasm toolchain present"
elif rustup target add wasm32-unknown-unknown 2>/dev/null && ( . scripts/wasm-env.sh ) 2>/dev/null; then
  echo "setup: added the wasm32 target with rustup"
else
  echo "setup: installing Debian's rustc-web, rust-web-src and lld-22 (std is built from source)"
  apt_install rustc-web cargo-web rust-web-src lld-22 rust-web-clippy
  ( . scripts/wasm-env.sh )
fi
# scripts/lint.sh runs clippy on the wasm build with the same toolchain.
if ( . scripts/wasm-env.sh; [ "$WASM_CARGO" = /usr/bin/cargo ] ) && ! [ -x /usr/bin/cargo-clippy ]; then
  echo "setup: installing Debian's rust-web-clippy (clippy for the wasm build)"
  apt_install rust-web-clippy
fi

# 2. wasm-bindgen CLI = the crate version in Cargo.lock
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (a few minutes, once)"
  # no --locked: its lockfile pins a webpki-roots the registry no longer serves
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

# 3. a real SMTP server for the email tests: aiosmtpd, run by Debian's python3
if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "setup: installing Debian python3-aiosmtpd (the tests' SMTP server)"
  apt_install python3 python3-aiosmtpd
fi

# 4. wasm-opt (npm binaryen) for every build, the run command's too, so
#    both serve the same optimised app; Chromium only for the browser tests.
if ! [ -x tests/browser/node_modules/.bin/playwright-core ] || ! [ -x tests/browser/node_modules/.bin/wasm-opt ] \
   || ! [ -f tests/browser/node_modules/axe-core/axe.min.js ] || ! [ -d tests/browser/node_modules/oidc-provider ]; then
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
if [ $browser = 1 ] && ! [ -x /usr/bin/chromium ]; then
  echo "setup: installing Debian chromium"
  apt_install chromium fonts-dejavu-core
fi
if [ $browser = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "setup: installing Debian postgresql (the tests' second backend)"
  apt_install postgresql
fi
echo "setup: done"
