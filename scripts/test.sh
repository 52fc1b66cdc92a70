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
# The integration suite again, on PostgreSQL: a throwaway server.
pgdir=$(mktemp -d)
trap 'scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
pg_url=$(scripts/pg.sh start "$pgdir")
GATEHOUSE_TEST_PG=$pg_url cargo test --release --test api
rm -rf target/test-output/screenshots
node --test --test-reporter=spec tests/browser/
echo "screenshots: target/test-output/screenshots"
