#!/usr/bin/env bash
# Every test, as CI runs them: installs what the machine lacks, builds with zero warnings, runs the
# suite on the debug build, then the subprocess tests (the hub, sync, signals, the demo) again on
# the release build that users run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps

log=$(mktemp)
swift build --build-tests 2>&1 | tee "$log"
if grep -E "(^|: )warning:" "$log"; then
  echo "The build has warnings (above); Tianbao builds with none." >&2
  exit 1
fi
swift test

echo "==> The release binary: subprocess tests"
swift build -c release --product tianbao 2>&1 | tail -n 1
TIANBAO_BIN="$PWD/.build/release/tianbao" swift test --skip-build --filter CLITests
