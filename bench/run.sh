#!/usr/bin/env bash
# Performance of rolo on a large notebook: each case against a baseline rolo
# (another commit) measured in the same run on the same notebook, runs
# interleaved so both see the same machine load; and against SQLite's own
# shell doing the same reads, as a floor.
#
# Usage:  bash bench/run.sh [CUSTOMERS] [PURCHASES] [RUNS]
# Defaults: 100,000 customers, 1,000,000 purchases, 5 runs (median reported).
#   BENCH_BASE_REV=<commit>  build the baseline from that commit (default:
#                            154e0ea, rolo v1 before the use-case layer)
#   BENCH_BASE=<binary>      use a baseline binary instead; BENCH_BASE=none skips it
#   BENCH_DB=<file>          start from this notebook instead of a new demo one
#   BENCH_OUT=<dir>          where results go (default bench/out)
# Needs /usr/bin/time and sqlite3 (Debian packages "time" and "sqlite3";
# installed here when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-100000}
PURCHASES=${2:-1000000}
RUNS=${3:-5}
for pkg in time:/usr/bin/time sqlite3:sqlite3; do
  if ! command -v "${pkg#*:}" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && apt-get install -y -qq "${pkg%%:*}" >/dev/null
    else echo "please install ${pkg%%:*}" >&2; exit 1; fi
  fi
done
out=${BENCH_OUT:-bench/out}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1 TERM=dumb
go build -o "$work/rolo" ./cmd/rolo

base=""
case "${BENCH_BASE:-}" in
none) ;;
"")
  rev=${BENCH_BASE_REV:-154e0ea}
  mkdir -p "$work/base-src"
  git archive "$rev" | tar -x -C "$work/base-src"
  (cd "$work/base-src" && go build -o "$work/base" ./cmd/rolo)
  base="$work/base"
  echo "baseline: rolo at $rev"
  ;;
*) base="$BENCH_BASE"; echo "baseline: $base" ;;
esac

# The notebook: made by the baseline when there is one (a newer rolo opens
# an older notebook, not the other way round), then copied for each.
db="$work/bench.db"
asof=2026-11-22
if [ -n "${BENCH_DB:-}" ]; then cp "$BENCH_DB" "$db"; else
  maker=${base:-$work/rolo}
  echo "== building a notebook of $CUSTOMERS customers and $PURCHASES purchases"
  /usr/bin/time -f "%e %M" -o "$work/demo.time" "$maker" demo --customers "$CUSTOMERS" --purchases "$PURCHASES" \
    --out "$db" --no-tui --as-of "$asof" >/dev/null
  read -r demo_s demo_kb < "$work/demo.time"
  echo "demo: ${demo_s}s, peak $((demo_kb / 1024)) MB, file $(( $(stat -c %s "$db") / 1048576 )) MB"
fi
newdb="$work/new.db"
cp "$db" "$newdb"
"$work/rolo" --db "$newdb" show 1 >/dev/null 2>&1 || true # migrates the copy once (and backs it up)
rm -f "$work"/new.db.*backup* 2>/dev/null || true
basedb="$work/base.db"
[ -n "$base" ] && cp "$db" "$basedb"

# one timed run: wall milliseconds and peak kB into $work/t ("ms kb")
timed() {
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/mem" "$@" >/dev/null 2>"$work/err" || rc=$?
  t1=$(date +%s%N)
  if [ "$rc" -gt 1 ]; then echo "failed ($rc): $*" >&2; head -3 "$work/err" >&2; fi
  echo "$(( (t1 - t0) / 1000000 )) $(tail -1 "$work/mem")" > "$work/t"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# pair NAME ARGS...: RUNS runs of the new rolo and the baseline, interleaved;
# ARGS may use {ASOF}, replaced by --as-of and the run's day (a case that
# must not reuse what the run before kept gives each run its own day).
printf '%-28s %8s %8s %6s %7s %7s %9s\n' case new_ms base_ms ratio new_MB base_MB sqlite_ms > "$out/results.txt"
pair() {
  local name=$1; shift
  local i nt=() nm=() bt=() bm=() args
  for i in $(seq "$RUNS"); do
    args=()
    for a in "$@"; do
      if [ "$a" = "{ASOF}" ]; then args+=(--as-of "$(date -d "$asof - $((i - 1)) day" +%F)"); else args+=("$a"); fi
    done
    [[ " ${args[*]} " == *" --as-of "* ]] || args=(--as-of "$asof" "${args[@]}")
    timed "$work/rolo" --db "$newdb" "${args[@]}"; read -r ms kb < "$work/t"; nt+=("$ms"); nm+=("$kb")
    if [ -n "$base" ]; then
      timed "$base" --db "$basedb" "${args[@]}"; read -r ms kb < "$work/t"; bt+=("$ms"); bm+=("$kb")
    fi
  done
  local n b ratio nmb bmb
  n=$(printf '%s\n' "${nt[@]}" | median); nmb=$(( $(printf '%s\n' "${nm[@]}" | sort -n | tail -1) / 1024 ))
  b=-; bmb=-; ratio=-
  if [ -n "$base" ]; then
    b=$(printf '%s\n' "${bt[@]}" | median); bmb=$(( $(printf '%s\n' "${bm[@]}" | sort -n | tail -1) / 1024 ))
    ratio=$(awk -v a="$n" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  fi
  printf '%-28s %8s %8s %6s %7s %7s %9s\n' "$name" "$n" "$b" "$ratio" "$nmb" "$bmb" "${SQ:--}" | tee -a "$out/results.txt"
}
# sq SQL...: the median time of SQLite's shell doing the same reads.
sq() {
  local i ts=()
  for i in $(seq "$RUNS"); do timed sqlite3 "$newdb" "$@"; read -r ms kb < "$work/t"; ts+=("$ms"); done
  printf '%s\n' "${ts[@]}" | median
}

echo "== measuring (median of $RUNS runs; peak memory is the largest; ratio = new / baseline)"
cat "$out/results.txt"
SQ=$(sq "SELECT * FROM customers WHERE external_id='D000005'; SELECT * FROM purchases WHERE customer_id=5 ORDER BY date DESC LIMIT 10; SELECT * FROM contacts WHERE customer_id=5 ORDER BY at DESC LIMIT 10;") \
  pair "show" show D000005
SQ=$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"anna\"' LIMIT 2000;") pair "find latin (anna)" find anna
SQ=$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"普洱茶\"' LIMIT 2000;") pair "find cjk (普洱茶)" find 普洱茶
SQ= pair "find one character (王)" find 王
SQ=$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"wxm\"' LIMIT 2000;") pair "find pinyin (wxm)" find wxm
# due reads each customer with the kept purchase totals and rhythm, the contact log once, open complaints and follow-ups.
SQ=$(sq "SELECT c.id, c.name, c.status, c.lost_reason, c.birthday, c.birthday_lunar, c.birthday_leap, c.cadence_days, c.created_at, t.days, t.first, t.last, t.gap, t.next_date FROM customers c LEFT JOIN purchase_totals t ON t.customer_id=c.id WHERE c.archived_at IS NULL ORDER BY c.id; SELECT customer_id, at, kind FROM contacts; SELECT * FROM contacts WHERE complaint_status='open'; SELECT * FROM followups WHERE done_at IS NULL; SELECT customer_id, revenue FROM purchase_totals;") \
  pair "due" due
SQ= pair "due as of a past day" due --as-of 2026-06-30
SQ=$(sq "SELECT c.id, c.name, t.revenue FROM customers c JOIN purchase_totals t ON t.customer_id=c.id ORDER BY t.revenue DESC;") \
  pair "pyramid --json" pyramid --json
SQ= pair "pyramid as of a past day" pyramid --json --as-of 2026-06-30
SQ= pair "list --tier key" list --tier key
SQ=$(sq "SELECT c.id, c.name, t.revenue, t.days, t.last FROM customers c JOIN purchase_totals t ON t.customer_id=c.id;") \
  pair "rfm --json" rfm --json
SQ= pair "clv (a fresh fit)" clv --json {ASOF}
SQ=$(sq -csv -header "SELECT p.*, c.external_id, c.name FROM purchases p JOIN customers c ON c.id=p.customer_id ORDER BY p.id;") \
  pair "export purchases csv" export purchases --format csv
SQ=$(sq "PRAGMA quick_check;") pair "check" check

echo "== import of $PURCHASES purchases into an empty notebook"
"$work/rolo" --db "$newdb" export customers > "$work/customers.csv"
"$work/rolo" --db "$newdb" export purchases > "$work/purchases.csv"
# imp BINARY: one import into a fresh notebook, timed into $work/t
imp() {
  rm -f "$work/imp.db"*
  "$1" --db "$work/imp.db" init >/dev/null
  "$1" --db "$work/imp.db" import customers "$work/customers.csv" --allow-duplicates 2>/dev/null
  timed "$1" --db "$work/imp.db" import purchases "$work/purchases.csv"
}
nt=(); nm=(); bt=(); bm=(); st=()
for i in $(seq "$RUNS"); do
  imp "$work/rolo"; read -r ms kb < "$work/t"; nt+=("$ms"); nm+=("$kb")
  if [ -n "$base" ]; then imp "$base"; read -r ms kb < "$work/t"; bt+=("$ms"); bm+=("$kb"); fi
  rm -f "$work/sq.db"
  sqlite3 "$work/sq.db" "CREATE TABLE p(id,customer_id,customer_external_id,customer_name,date,item,quantity,amount,cost,paid,channel,special_requests,mood,next_date,note,created_at);"
  timed sqlite3 "$work/sq.db" ".mode csv" ".import --skip 1 $work/purchases.csv p"; read -r ms kb < "$work/t"; st+=("$ms")
done
n=$(printf '%s\n' "${nt[@]}" | median); nmb=$(( $(printf '%s\n' "${nm[@]}" | sort -n | tail -1) / 1024 ))
b=-; bmb=-; ratio=-
if [ -n "$base" ]; then
  b=$(printf '%s\n' "${bt[@]}" | median); bmb=$(( $(printf '%s\n' "${bm[@]}" | sort -n | tail -1) / 1024 ))
  ratio=$(awk -v a="$n" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
fi
printf '%-28s %8s %8s %6s %7s %7s %9s\n' "import purchases" "$n" "$b" "$ratio" "$nmb" "$bmb" "$(printf '%s\n' "${st[@]}" | median)" | tee -a "$out/results.txt"

echo "== Go benchmarks (store hot paths, TUI first screen and keystroke) on the same notebook"
ROLO_BENCH_DB="$newdb" go test ./store ./tui -run '^$' -bench . -benchtime 5x 2>&1 | grep -E "^Benchmark|ms/keystroke" | tee "$out/gobench.txt"
go test ./tiering ./tiering/clv -run '^$' -bench . -benchtime 5x 2>&1 | grep -E "^Benchmark" | tee -a "$out/gobench.txt"
echo "binary: $(( $(stat -c %s "$work/rolo") / 1048576 )) MB" | tee -a "$out/results.txt"
echo "results in $out/"
