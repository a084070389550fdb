#!/usr/bin/env bash
# Performance of rolo on a large notebook, against SQLite's own shell on the
# same file. Usage:  bash bench/run.sh [CUSTOMERS] [PURCHASES] [RUNS]
# Defaults: 100,000 customers, 1,000,000 purchases, 5 runs (median reported).
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
db="$work/bench.db"
asof=2026-11-22

if [ -n "${BENCH_DB:-}" ]; then cp "$BENCH_DB" "$db"; else
echo "== building a notebook of $CUSTOMERS customers and $PURCHASES purchases"
/usr/bin/time -f "%e %M" -o "$work/demo.time" "$work/rolo" demo --customers "$CUSTOMERS" --purchases "$PURCHASES" \
  --out "$db" --no-tui --as-of "$asof" >/dev/null
read -r demo_s demo_kb < "$work/demo.time"
echo "demo: ${demo_s}s, peak $((demo_kb / 1024)) MB, file $(( $(stat -c %s "$db") / 1048576 )) MB"
fi

# one timed run: wall milliseconds and peak kB into $work/t ("ms kb")
timed() {
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/mem" "$@" >/dev/null 2>"$work/err" || rc=$?
  t1=$(date +%s%N)
  if [ "$rc" -gt 1 ]; then echo "failed ($rc): $*" >&2; cat "$work/err" >&2; fi
  echo "$(( (t1 - t0) / 1000000 )) $(tail -1 "$work/mem")" > "$work/t"
}
# median of RUNS timings of a command: prints "ms peak_kb"
measure() {
  local i times=() mems=()
  for i in $(seq "$RUNS"); do
    timed "$@"
    read -r ms kb < "$work/t"; times+=("$ms"); mems+=("$kb")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%s ", a[int((NR+1)/2)]}'
  printf '%s\n' "${mems[@]}" | sort -n | tail -1
}
rolo() { measure "$work/rolo" --db "$db" --as-of "$asof" "$@"; }
sq() { measure sqlite3 "$db" "$@"; }

printf '%-26s %9s %8s %10s %7s\n' case rolo_ms peak_MB sqlite3_ms ratio > "$out/results.txt"
row() { # name "rolo_s kb" "sqlite_s kb"
  local r m s
  r=${2% *}; m=$(( ${2#* } / 1024 )); s=${3% *}
  printf '%-26s %9s %8s %10s %7s\n' "$1" "$r" "$m" "$s" "$(awk -v a="$r" -v b="$s" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')" | tee -a "$out/results.txt"
}
echo "== measuring (median of $RUNS runs; peak memory is the largest)"
cat "$out/results.txt"
row "show" "$(rolo show D000005)" "$(sq "SELECT * FROM customers WHERE external_id='D000005'; SELECT * FROM purchases WHERE customer_id=5 ORDER BY date DESC LIMIT 10; SELECT * FROM contacts WHERE customer_id=5 ORDER BY at DESC LIMIT 10;")"
row "find latin (anna)" "$(rolo find anna)" "$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"anna\"' LIMIT 2000;")"
row "find cjk (普洱茶)" "$(rolo find 普洱茶)" "$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"普洱茶\"' LIMIT 2000;")"
row "find pinyin (wxm)" "$(rolo find wxm)" "$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"wxm\"' LIMIT 2000;")"
# due reads each customer with the kept purchase totals and rhythm, the contact log once, open complaints and follow-ups.
row "due" "$(rolo due)" "$(sq "SELECT c.id, c.name, c.status, c.lost_reason, c.birthday, c.birthday_lunar, c.birthday_leap, c.cadence_days, c.created_at, t.days, t.first, t.last, t.gap, t.next_date FROM customers c LEFT JOIN purchase_totals t ON t.customer_id=c.id WHERE c.archived_at IS NULL ORDER BY c.id; SELECT customer_id, at, kind FROM contacts; SELECT * FROM contacts WHERE complaint_status='open'; SELECT * FROM followups WHERE done_at IS NULL; SELECT customer_id, revenue FROM purchase_totals;")"
row "pyramid --json" "$(rolo pyramid --json)" "$(sq "SELECT c.id, c.name, t.revenue FROM customers c JOIN purchase_totals t ON t.customer_id=c.id ORDER BY t.revenue DESC;")"
row "rfm --json" "$(rolo rfm --json)" "$(sq "SELECT c.id, c.name, t.revenue, t.days, t.last FROM customers c JOIN purchase_totals t ON t.customer_id=c.id;")"
row "export purchases csv" "$(rolo export purchases --format csv)" "$(sq -csv -header "SELECT p.*, c.external_id, c.name FROM purchases p JOIN customers c ON c.id=p.customer_id ORDER BY p.id;")"

echo "== import of $PURCHASES purchases into an empty notebook"
"$work/rolo" --db "$db" export customers > "$work/customers.csv"
"$work/rolo" --db "$db" export purchases > "$work/purchases.csv"
imp() {
  local i times=() mems=()
  for i in $(seq "$RUNS"); do
    rm -f "$work/imp.db"*
    "$work/rolo" --db "$work/imp.db" init >/dev/null
    "$work/rolo" --db "$work/imp.db" import customers "$work/customers.csv" --allow-duplicates 2>/dev/null
    timed "$work/rolo" --db "$work/imp.db" import purchases "$work/purchases.csv"
    read -r ms kb < "$work/t"; times+=("$ms"); mems+=("$kb")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%s ", a[int((NR+1)/2)]}'
  printf '%s\n' "${mems[@]}" | sort -n | tail -1
}
sqimp() {
  local i times=()
  for i in $(seq "$RUNS"); do
    rm -f "$work/sq.db"
    sqlite3 "$work/sq.db" "CREATE TABLE p(id,customer_id,customer_external_id,customer_name,date,item,quantity,amount,cost,paid,channel,special_requests,mood,next_date,note,created_at);"
    timed sqlite3 "$work/sq.db" ".mode csv" ".import --skip 1 $work/purchases.csv p"
    read -r ms kb < "$work/t"; times+=("$ms")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%s 0\n", a[int((NR+1)/2)]}'
}
row "import purchases" "$(imp)" "$(sqimp)"

echo "== Go benchmarks (store hot paths, TUI first screen and keystroke) on the same notebook"
ROLO_BENCH_DB="$db" go test ./store ./tui -run '^$' -bench . -benchtime 5x 2>&1 | grep -E "^Benchmark|ms/keystroke" | tee "$out/gobench.txt"
go test ./tiering -run '^$' -bench . -benchtime 5x 2>&1 | grep -E "^Benchmark" | tee -a "$out/gobench.txt"
echo "binary: $(( $(stat -c %s "$work/rolo") / 1048576 )) MB" | tee -a "$out/results.txt"
echo "results in $out/"
