#!/usr/bin/env bash
# Builds everything once and runs every test suite from that build.
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

swift build --build-tests
swift test --skip-build
