#!/usr/bin/env bash
# Tianbao demo: a province's hub and its replicas play a call from drafts to the provincial library.
#
#   bash Examples/demo.sh            installs what is missing, builds tianbao (release), then runs the story in ./tianbao-demo
#   TIANBAO_BIN=path/to/tianbao bash Examples/demo.sh   uses an existing binary
#   TIANBAO_DEMO_DIR=/tmp/x bash Examples/demo.sh       keeps its files there instead
#
# It uses only the tianbao binary, prints each step, leaves everything in one folder, stops the
# hub on exit (Ctrl-C too), and exits non-zero if any expectation fails.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
demo="${TIANBAO_DEMO_DIR:-$PWD/tianbao-demo}"

if [ -z "${TIANBAO_BIN:-}" ]; then
  bash "$root/.ci/install-deps"
  echo "==> Building tianbao (swift build -c release --static-swift-stdlib --product tianbao)"
  (cd "$root" && swift build -c release --static-swift-stdlib --product tianbao 2>&1 | tail -n 1)
  TIANBAO_BIN="$root/.build/release/tianbao"
fi
bin="$TIANBAO_BIN"

rm -rf "$demo"
mkdir -p "$demo"
cd "$demo"
hub_db="$demo/hub.sqlite"
hub_pid=""
failures=0

stop_hub() {
  if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then
    kill -TERM "$hub_pid"
    wait "$hub_pid" 2>/dev/null || true
  fi
  hub_pid=""
}
trap 'stop_hub' EXIT
trap 'echo; echo "Interrupted."; exit 130' INT TERM

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
say() { printf '    %s\n' "$*"; }
expect() {  # expect "what" actual expected
  if [ "$2" == "$3" ]; then
    say "✓ $1"
  else
    say "✗ $1: expected '$3', got '$2'"
    failures=$((failures + 1))
  fi
}
tb() { "$bin" "$@"; }                       # a command that must succeed
at() { local who="$1"; shift; "$bin" "$@" --dir "$demo/replicas/$who"; }

start_hub() {
  "$bin" serve --db "$hub_db" --listen "127.0.0.1:${port:-0}" 2>>"$demo/hub.log" &
  hub_pid=$!
  for _ in $(seq 1 200); do
    if [ -z "${port:-}" ]; then
      port=$(sed -n 's/.*serving on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$demo/hub.log" | tail -n 1)
    fi
    if [ -n "${port:-}" ] && grep -q "serving on http://127.0.0.1:$port" "$demo/hub.log"; then
      hub_url="http://127.0.0.1:$port"
      return
    fi
    sleep 0.05
  done
  echo "the hub did not start; see $demo/hub.log" >&2
  exit 1
}

enrol() {  # enrol NAME ORG ROLE
  local token
  token=$("$bin" hub enroll --db "$hub_db" --org "$2" --role "$3" --label "$1" --json | sed -n 's/.*"token" : "\(.*\)".*/\1/p')
  "$bin" init --hub "$hub_url" --token "$token" --dir "$demo/replicas/$1" >/dev/null
  say "$1: replica of $2 ($3)"
}

step "The province sets up its hub (福建省卫生健康委员会, embedded SQLite store)"
tb hub orgs --db "$hub_db" --load "$root/Examples/fujian-2026/orgs.json" >/dev/null
say "$(tb hub orgs --db "$hub_db" --json | grep -c '"code"') organisations registered: the province, 4 city commissions, hospitals and institutions"
tb hub publish --db "$hub_db" "$root/Examples/fujian-2026/round-2027.json"
say "published the 2027 round of the call (the 2026 round closed on 2026-01-30)"
start_hub
say "hub serving at $hub_url (log: $demo/hub.log)"

step "The province enrols two city commissions, four hospitals and itself; each runs 'tianbao init'"
mkdir -p "$demo/replicas"
enrol province fj-province province
enrol fuzhou fj-fuzhou city
enrol xiamen fj-xiamen city
enrol fz-first-chen fz-first hospital
enrol fz-first-li fz-first hospital
enrol fz-second fz-second hospital
enrol xm-first xm-first hospital
enrol slyy fj-slyy hospital
expect "every replica learnt the 2027 round at init" "$(at slyy calls --json | grep -c '"id" : "fujian-2027"')" "1"

step "Hospitals draft offline: the network is down"
stop_hub
apps="$root/Examples/fujian-2026/applications"
imaging=$(at fz-first-chen new fujian-2027 application --from "$apps/fz-first-imaging.json")
chronic=$(at fz-second new fujian-2027 application --from "$apps/fz-second-chronic.json")
ecg=$(at xm-first new fujian-2027 application --from "$apps/xm-first-ecg.json")
nursing=$(at slyy new fujian-2027 application --from "$apps/fj-slyy-nursing.json")
say "福州市第一医院 drafted $imaging"
say "福州市第二医院 drafted $chronic"
say "厦门市第一医院 drafted $ecg"
say "福建省立医院 drafted $nursing"
set +e; at fz-first-chen sync --budget 1 2>/dev/null; code=$?; set -e
expect "sync with the hub down exits 75 (cron simply tries again later)" "$code" "75"
start_hub

step "Two staff of 福州市第一医院 edit the same field on their own laptops"
at fz-first-chen sync
at fz-first-li sync
at fz-first-chen edit "$imaging" --set "项目名称=县域医共体影像智能辅助诊断平台（一期）" --as 陈丽
at fz-first-li edit "$imaging" --set "项目名称=县域医共体多病种影像智能辅助诊断平台" --as 李明
at fz-first-chen sync; at fz-first-li sync; at fz-first-chen sync
say "both values were kept; 'tianbao conflicts' on 陈丽's replica:"
at fz-first-chen conflicts | sed 's/^/      /'
expect "the conflict is listed with both values" "$(at fz-first-li conflicts --json | grep -c '"pick"')" "2"
pick=$(at fz-first-chen conflicts --json | grep -B6 '县域医共体多病种影像智能辅助诊断平台' | sed -n 's/.*"pick" : \([0-9]\).*/\1/p' | head -n 1)
at fz-first-chen resolve "$imaging" 项目名称 --pick "$pick"
at fz-first-chen sync; at fz-first-li sync
expect "resolved on both replicas" "$(at fz-first-li conflicts --json | grep -c '"pick"')" "0"

step "Hospitals submit"
at fz-first-chen submit "$imaging"
at fz-second submit "$chronic"
at xm-first submit "$ecg"
for who in fz-first-chen fz-second xm-first; do at "$who" sync; done
say "submitted and synced by 福州市第一医院, 福州市第二医院, 厦门市第一医院"

step "福建省立医院's network may not reach outside: it hands its work over as a bundle on a USB stick"
at slyy submit "$nursing"
at slyy bundle export --out "$demo/usb-slyy.bundle"
tb hub import --db "$hub_db" "$demo/usb-slyy.bundle"
tb hub import --db "$hub_db" "$demo/usb-slyy.bundle"
say "imported twice on the hub: the second changes nothing"

step "The cities review; 厦门 is cut off for a while and keeps working"
at fuzhou sync
at xiamen sync
stop_hub
at fuzhou recommend "$imaging" --opinion "同意推荐。该项目数据基础好，医共体试点条件成熟。"
at fuzhou recommend "$chronic" --opinion "同意推荐，建议与市级慢病管理平台对接。"
at xiamen recommend "$ecg" --opinion "同意推荐"
set +e; at xiamen sync --budget 1 2>/dev/null; code=$?; set -e
expect "厦门's sync fails while cut off (75), its work waits locally" "$code" "75"
at fuzhou compile fujian-2027 附件2 --unit fj-fuzhou --format csv --out "$demo/fuzhou-附件2-offline.csv"
at fuzhou compile fujian-2027 附件2 --unit fj-fuzhou --format html --out "$demo/fuzhou-附件2.html"
at fuzhou compile fujian-2027 附件2 --unit fj-fuzhou --out "$demo/fuzhou-附件2.xlsx"   # the workbook to print, stamp and file
offline_hash=$(at fuzhou compile fujian-2027 附件2 --unit fj-fuzhou --json | sed -n 's/.*"sha256" : "\(.*\)".*/\1/p')
say "福州 compiled its 附件2 推荐汇总表 offline: SHA-256 $offline_hash"
start_hub

step "Everyone syncs; the hub recomputes 福州's table before it is stamped (盖章)"
for who in fuzhou xiamen province fz-first-chen fz-first-li fz-second xm-first; do at "$who" sync; done
hub_hash=$(tb hub compile --db "$hub_db" fujian-2027 附件2 --unit fj-fuzhou --json | sed -n 's/.*"sha256" : "\(.*\)".*/\1/p')
expect "福州's offline table and the hub's table have the same hash" "$hub_hash" "$offline_hash"
tb hub compile --db "$hub_db" fujian-2027 附件2 --unit fj-fuzhou --format csv --out "$demo/fuzhou-附件2-hub.csv"
expect "the city's offline CSV and the hub's CSV are the same bytes (same hash, same 编制依据 line)" \
  "$(cmp -s "$demo/fuzhou-附件2-offline.csv" "$demo/fuzhou-附件2-hub.csv" && echo same)" "same"
TIANBAO_USER="规划处 李明" tb hub stamp --db "$hub_db" fujian-2027 附件2 --unit fj-fuzhou --hash "$offline_hash"
expect "the province records the stamp (盖章) by the table's hash" \
  "$(tb hub compile --db "$hub_db" fujian-2027 附件2 --unit fj-fuzhou --format csv 2>&1 >/dev/null | grep -c -E '盖章核对(: matches|：与.*一致)')" "1"
say "$demo/fuzhou-附件2.html is the print-ready page:"
at fuzhou compile fujian-2027 附件2 --unit fj-fuzhou --format md | sed 's/^/      /'

step "The province selects projects into the provincial library (入库)"
at province select "$imaging" --note "入库"
at province select "$nursing" --note "入库"
set +e; at fuzhou select "$chronic" 2>/dev/null; code=$?; set -e
expect "a city may not select (77, refused before anything is written)" "$code" "77"
at province sync
for who in fz-first-chen fz-second xm-first fuzhou xiamen; do at "$who" sync; done
expect "福州市第一医院 sees its project selected" "$(at fz-first-li sync >/dev/null; at fz-first-li show "$imaging" --json | sed -n 's/.*"status" : "\(.*\)".*/\1/p')" "selected"
expect "厦门市第一医院 sees the selected projects of others (published to everyone)" "$(at xm-first list --status selected --json | grep -c '"id"')" "2"
expect "厦门市第一医院 never sees 福州's unselected submissions" "$(at xm-first list --json | grep -c "$chronic" || true)" "0"
at province compile fujian-2027 附件2 --format html --out "$demo/province-附件2.html"

step "Completeness: who met their quota (one project each in this round)"
tb hub completeness --db "$hub_db" fujian-2027 | sed 's/^/    /'
met=$(tb hub completeness --db "$hub_db" fujian-2027 --json | grep -c '"late" : false')
expect "福州 met its quota" "$(tb hub completeness --db "$hub_db" fujian-2027 | grep -c '✓  福州市卫生健康委员会')" "1"
expect "厦门 met its quota" "$(tb hub completeness --db "$hub_db" fujian-2027 | grep -c '✓  厦门市卫生健康委员会')" "1"
expect "泉州 has not reported yet" "$(tb hub completeness --db "$hub_db" fujian-2027 | grep -c '…  泉州市卫生健康委员会')" "1"
: "$met"

step "The hub's audit trail: who enrolled, imported, published and stamped what, when"
tb hub audit --db "$hub_db" | tail -n 6 | sed 's/^/    /'
expect "the audit trail's chain is intact and holds the stamp" "$(tb hub audit --db "$hub_db" | grep -c ' stamp fujian-2027 附件2 fj-fuzhou')" "1"

step "Done"
say "files: $demo (hub.sqlite, hub.log, replicas/, *.csv, *.html, usb-slyy.bundle)"
stop_hub
if [ "$failures" -gt 0 ]; then
  say "$failures expectation(s) failed"
  exit 1
fi
say "every expectation held"
