#!/usr/bin/env bash
# Sets up, builds and serves the portal on http://127.0.0.1:3000 with its data
# in ./data/gatehouse.db (created and migrated on start).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-browser
scripts/build.sh
exec target/release/gatehouse serve "$@"
