#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer and AddressSanitizer (Tests/README.md).
#
#   bash Tests/fuzz.sh                      every target for 10 minutes each
#   bash Tests/fuzz.sh http 3600            one target for an hour
#   bash Tests/fuzz.sh all -runs=2000       every target for a fixed number of executions (CI)
#
# Inputs that reach new code go to a scratch folder (.build-fuzz/corpus/<target>), never into the
# seed corpus; a crasher is written to Tests/Fuzz/Regressions/<target>/, where the replay test
# (FuzzReplayTests) keeps it failing until it is fixed — commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(http sync-request sync-response bundle template json deflate)
which="${1:-all}"
budget="${2:-600}"
if [ "$which" != all ]; then
  [[ " ${targets[*]} " == *" $which "* ]] || { echo "unknown fuzz target '$which': one of ${targets[*]}, or all" >&2; exit 64; }
  targets=("$which")
fi
case "$budget" in -runs=*) limit="$budget" ;; *) limit="-max_total_time=$budget" ;; esac

# One flag for both sanitizers (two --sanitize options would build twice); lld, because gold
# fails on the sanitizer's symbols; -DFUZZING hands main to libFuzzer's driver.
swift build -c release --scratch-path .build-fuzz --product tianbao-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld 2>&1 | tail -n 1
fuzzer=.build-fuzz/release/tianbao-fuzz

for target in "${targets[@]}"; do
  work=".build-fuzz/corpus/$target"
  mkdir -p "$work" "Tests/Fuzz/Regressions/$target"
  echo "==> $target ($limit)"
  # SWIFT_BACKTRACE off: Swift's backtracer would catch the crash before libFuzzer saves the input.
  # -timeout is generous: AddressSanitizer on a busy two-core machine is slow, not hung.
  log="$work.log"
  status=0
  SWIFT_BACKTRACE=enable=no TIANBAO_FUZZ_TARGET="$target" "$fuzzer" "$work" "Tests/Fuzz/Corpus/$target" \
    "$limit" -max_len=65536 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="Tests/Fuzz/Regressions/$target/" >"$log" 2>&1 || status=$?
  grep -aE "^(#[0-9]+[[:space:]]+(INITED|DONE)|stat::|==[0-9]+==|SUMMARY|artifact|.*Fatal error)" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log" >&2
    echo "fuzz target $target failed (exit $status): the input is saved under Tests/Fuzz/Regressions/$target/" >&2
    exit 1
  fi
done
