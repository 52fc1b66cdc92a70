#!/usr/bin/env bash
# Runs every test: style checks (rustfmt, clippy), unit tests, integration
# tests against the real server binary, and browser tests in headless
# Chromium. Sets up and builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/lint.sh
scripts/build.sh
# Same package set and profile as the build: nothing is compiled twice.
cargo test --release
rm -rf target/test-output/screenshots
node --test --test-reporter=spec tests/browser/
echo "screenshots: target/test-output/screenshots"
