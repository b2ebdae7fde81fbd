#!/usr/bin/env bash
# Every test, as CI runs them: installs what the machine lacks, builds with zero warnings, runs the
# suite on the debug build, then the subprocess tests (the hub, sync, signals, the demo, the fault
# proxy and the crash loops) again on the release build that users run, under zh_CN.UTF-8 so every
# message a test expects is checked in Chinese too (TIANBAO_TEST_LANG), then a short libFuzzer run
# of every fuzz target. Long modes: Tests/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps
# Outside tools some tests drive (they say so, and skip, when one is absent).
if ! command -v faketime >/dev/null; then
  echo "Installing faketime (for the clock tests)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq faketime >/dev/null) || echo "faketime could not be installed: the clock tests will be skipped" >&2
fi

if ! command -v soffice >/dev/null; then
  echo "Installing LibreOffice Calc (to open the .xlsx workbooks as officials do)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null) || echo "LibreOffice could not be installed: the workbook test will be skipped" >&2
fi

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing nginx (to load the deployment sample as Debian's nginx does)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx-light >/dev/null) || echo "nginx could not be installed: the nginx sample test will be skipped" >&2
fi

if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi -E "wqy|cjk"; then
  echo "Installing chromium and a Chinese font (to open the hub's dashboard as officials do)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-wqy-zenhei >/dev/null) || echo "chromium could not be installed: the dashboard's browser test will be skipped" >&2
fi

if ! command -v zsh >/dev/null; then
  echo "Installing zsh (to load the zsh completion script)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends zsh >/dev/null) || echo "zsh could not be installed: the zsh completion test will be skipped" >&2
fi

if ! command -v schemathesis >/dev/null || ! command -v redbot >/dev/null; then
  echo "Installing schemathesis and redbot from PyPI (to hold the hub to Sync/openapi.yaml and check its headers)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  command -v pip >/dev/null || command -v pip3 >/dev/null || ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null) || true
  pip=$(command -v pip || command -v pip3 || echo "python3 -m pip")
  ($pip install -q schemathesis redbot >/dev/null 2>&1 || $pip install -q --user --break-system-packages schemathesis redbot >/dev/null 2>&1) \
    || echo "schemathesis/redbot could not be installed (is PyPI reachable?): the HTTP audit tests will be skipped" >&2
  export PATH="$PATH:$HOME/.local/bin"
fi

log=$(mktemp)
swift build --build-tests 2>&1 | tee "$log"
if grep -E "(^|: )warning:" "$log"; then
  echo "The build has warnings (above); Tianbao builds with none." >&2
  exit 1
fi
swift test

echo "==> The release binary: subprocess tests, in Chinese (the debug run above spoke English)"
swift build -c release --static-swift-stdlib --product tianbao 2>&1 | tail -n 1
TIANBAO_BIN="$PWD/.build/release/tianbao" TIANBAO_TEST_LANG=zh_CN.UTF-8 swift test --skip-build --filter CLITests

echo "==> Fuzz targets: a short libFuzzer run of each"
bash Tests/fuzz.sh all -runs=20000
