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
#   BENCH_SECTIONS="..."     which sections run (default: all of
#                            "cases import demo abook gobench pg"; pg, when
#                            BENCH_PG is set or Debian's postgresql package
#                            is installed)
#   BENCH_PG, BENCH_PG_NOTEBOOK  the pg section's server and notebook: the
#                            same sizes on PostgreSQL beside psql (bench/pg.sh)
#   BENCH_CASES=<regex>      only the cases whose names match (grep -E)
#   BENCH_IMPORT_RUNS=<n>    runs of each import (default RUNS)
#   ABOOK_SIZES="..."        notebook sizes (customers) of the abook section
#                            (default "1000 10000 100000"; 10 purchases each)
# A case the baseline cannot run (a newer command) is measured for the new
# rolo only. The script is manual: CI never runs it.
# Needs /usr/bin/time and sqlite3 (Debian packages "time" and "sqlite3";
# installed here when missing and running as root), and abook for the
# abook section (Debian package "abook", likewise).
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-100000}
PURCHASES=${2:-1000000}
RUNS=${3:-5}
sections="cases import demo abook gobench"
if [ -n "${BENCH_PG:-}" ] || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then sections="$sections pg"; fi
SECTIONS=" ${BENCH_SECTIONS:-$sections} "
ABOOK_SIZES=${ABOOK_SIZES:-1000 10000 100000}
want() { [[ "$SECTIONS" == *" $1 "* ]]; }
# PostgreSQL alone: bench/pg.sh makes its own notebook there.
if [ "$SECTIONS" = " pg " ]; then
  BENCH_OUT=${BENCH_OUT:-bench/out} exec bash bench/pg.sh "$CUSTOMERS" "$PURCHASES" "$RUNS"
fi
need="time:/usr/bin/time sqlite3:sqlite3"
want abook && need="$need abook:abook"
for pkg in $need; do
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
CGO_ENABLED=0 go build -o "$work/rolo" ./cmd/rolo # static, as the README builds it (both sides alike)

base=""
case "${BENCH_BASE:-}" in
none) ;;
"")
  rev=${BENCH_BASE_REV:-154e0ea}
  mkdir -p "$work/base-src"
  git archive "$rev" | tar -x -C "$work/base-src"
  (cd "$work/base-src" && CGO_ENABLED=0 go build -o "$work/base" ./cmd/rolo)
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

. bench/lib.sh # timed, median
# on NAME: whether the case runs (BENCH_CASES).
on() { [ -z "${BENCH_CASES:-}" ] || grep -qE "$BENCH_CASES" <<< "$1"; }

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
    [[ -n "${NOASOF:-}" || " ${args[*]} " == *" --as-of "* ]] || args=(--as-of "$asof" "${args[@]}")
    timed "$work/rolo" --db "$newdb" "${args[@]}"; read -r ms kb < "$work/t"; nt+=("$ms"); nm+=("$kb")
    if [ -n "$base" ] && [ -z "${NEWONLY:-}" ]; then
      timed "$base" --db "$basedb" "${args[@]}"; read -r ms kb < "$work/t"; bt+=("$ms"); bm+=("$kb")
    fi
  done
  local n b ratio nmb bmb
  n=$(printf '%s\n' "${nt[@]}" | median); nmb=$(( $(printf '%s\n' "${nm[@]}" | sort -n | tail -1) / 1024 ))
  b=-; bmb=-; ratio=-
  if [ "${#bt[@]}" -gt 0 ]; then
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

# row NAME NEW_TIMES NEW_KBS BASE_TIMES BASE_KBS SQLITE: one line of results
# from space-separated lists of runs (medians of the times, the largest memory).
row() {
  local n nmb b=- bmb=- ratio=-
  n=$(printf '%s\n' $2 | median); nmb=$(( $(printf '%s\n' $3 | sort -n | tail -1) / 1024 ))
  if [ -n "$4" ]; then
    b=$(printf '%s\n' $4 | median); bmb=$(( $(printf '%s\n' $5 | sort -n | tail -1) / 1024 ))
    ratio=$(awk -v a="$n" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
  fi
  printf '%-28s %8s %8s %6s %7s %7s %9s\n' "$1" "$n" "$b" "$ratio" "$nmb" "$bmb" "${6:--}" | tee -a "$out/results.txt"
}

if want cases; then
echo "== measuring (median of $RUNS runs; peak memory is the largest; ratio = new / baseline)"
cat "$out/results.txt"
# The floor every command pays: starting the process (new only: v1 has no --version).
on "start (--version)" && NEWONLY=1 SQ=$(sq "SELECT 1;") pair "start (--version)" --version
on "show" && SQ=$(sq "SELECT * FROM customers WHERE external_id='D000005'; SELECT * FROM purchases WHERE customer_id=5 ORDER BY date DESC LIMIT 10; SELECT * FROM contacts WHERE customer_id=5 ORDER BY at DESC LIMIT 10;") \
  pair "show" show D000005
on "find latin (anna)" && SQ=$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"anna\"' LIMIT 2000;") pair "find latin (anna)" find anna
on "find cjk (普洱茶)" && SQ=$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"普洱茶\"' LIMIT 2000;") pair "find cjk (普洱茶)" find 普洱茶
# Short CJK searches: the sqlite3 figure is a LIKE over the names alone.
on "find one character (王)" && SQ=$(sq "SELECT id, name FROM customers WHERE name LIKE '%王%' LIMIT 2000;") pair "find one character (王)" find 王
on "find two characters (王小)" && SQ=$(sq "SELECT id, name FROM customers WHERE name LIKE '%王小%' LIMIT 2000;") pair "find two characters (王小)" find 王小
on "find pinyin (wxm)" && SQ=$(sq "SELECT DISTINCT customer_id FROM search WHERE search MATCH '\"wxm\"' LIMIT 2000;") pair "find pinyin (wxm)" find wxm
on "find pinyin (wangxiao)" && SQ= pair "find pinyin (wangxiao)" find wangxiao
# due reads each customer with the kept purchase totals and rhythm, the contact log once, open complaints and follow-ups.
on "due" && SQ=$(sq "SELECT c.id, c.name, c.status, c.lost_reason, c.birthday, c.birthday_lunar, c.birthday_leap, c.cadence_days, c.created_at, t.days, t.first, t.last, t.gap, t.next_date FROM customers c LEFT JOIN purchase_totals t ON t.customer_id=c.id WHERE c.archived_at IS NULL ORDER BY c.id; SELECT customer_id, at, kind FROM contacts; SELECT * FROM contacts WHERE complaint_status='open'; SELECT * FROM followups WHERE done_at IS NULL; SELECT customer_id, revenue FROM purchase_totals;") \
  pair "due" due
on "due as of a past day" && SQ= pair "due as of a past day" due --as-of 2026-06-30
on "today" && SQ= NEWONLY=1 pair "today" today
# The day itself (no --as-of): today's agenda from the kept agenda (SQLite, schema 10).
on "due, the day itself" && SQ= NOASOF=1 pair "due, the day itself" due
on "today, the day itself" && SQ= NOASOF=1 NEWONLY=1 pair "today, the day itself" today
on "pyramid --json" && SQ=$(sq "SELECT c.id, c.name, t.revenue FROM customers c JOIN purchase_totals t ON t.customer_id=c.id ORDER BY t.revenue DESC;") \
  pair "pyramid --json" pyramid --json
on "pyramid as of 70 days back" && SQ= pair "pyramid as of 70 days back" pyramid --json --as-of 2026-09-13
on "rfm as of 70 days back" && SQ= pair "rfm as of 70 days back" rfm --json --as-of 2026-09-13
on "list --tier key" && SQ= pair "list --tier key" list --tier key
on "list -n 20" && SQ=$(sq "SELECT id, name, phone FROM customers WHERE archived_at IS NULL ORDER BY name LIMIT 20;") pair "list -n 20" list -n 20
on "list (all)" && SQ=$(sq "SELECT c.*, t.revenue FROM customers c LEFT JOIN purchase_totals t ON t.customer_id=c.id WHERE c.archived_at IS NULL ORDER BY c.name;") \
  pair "list (all)" list
on "list --json (all)" && SQ= pair "list --json (all)" list --json
on "rfm --json" && SQ=$(sq "SELECT c.id, c.name, t.revenue, t.days, t.last FROM customers c JOIN purchase_totals t ON t.customer_id=c.id;") \
  pair "rfm --json" rfm --json
on "clv (a fresh fit)" && SQ= pair "clv (a fresh fit)" clv --json {ASOF}
on "export purchases csv" && SQ=$(sq -csv -header "SELECT p.*, c.external_id, c.name FROM purchases p JOIN customers c ON c.id=p.customer_id ORDER BY p.id;") \
  pair "export purchases csv" export purchases --format csv
on "check" && SQ=$(sq "PRAGMA quick_check;") pair "check" check
fi

if want import; then
echo "== imports into an empty notebook: $CUSTOMERS customers, then $PURCHASES purchases into a notebook with its customers"
"$work/rolo" --db "$newdb" export customers > "$work/customers.csv"
"$work/rolo" --db "$newdb" export purchases > "$work/purchases.csv"
# impc / impp BINARY: one import into a fresh notebook, timed into $work/t
impc() {
  rm -f "$work/imp.db"*
  "$1" --db "$work/imp.db" init >/dev/null
  timed "$1" --db "$work/imp.db" import customers "$work/customers.csv" --allow-duplicates
}
impp() {
  rm -f "$work/imp.db"*
  "$1" --db "$work/imp.db" init >/dev/null
  "$1" --db "$work/imp.db" import customers "$work/customers.csv" --allow-duplicates 2>/dev/null
  timed "$1" --db "$work/imp.db" import purchases "$work/purchases.csv"
}
for kind in c p; do
  nt=""; nm=""; bt=""; bm=""; st=""
  for i in $(seq "${BENCH_IMPORT_RUNS:-$RUNS}"); do
    imp$kind "$work/rolo"; read -r ms kb < "$work/t"; nt="$nt $ms"; nm="$nm $kb"
    if [ -n "$base" ]; then imp$kind "$base"; read -r ms kb < "$work/t"; bt="$bt $ms"; bm="$bm $kb"; fi
    rm -f "$work/sq.db"
    if [ $kind = c ]; then
      sqlite3 "$work/sq.db" "CREATE TABLE c($(head -1 "$work/customers.csv" | tr -d '\r' | sed 's/^\xef\xbb\xbf//; s/[^,]*/"&"/g'));"
      timed sqlite3 "$work/sq.db" ".mode csv" ".import --skip 1 $work/customers.csv c"
    else
      sqlite3 "$work/sq.db" "CREATE TABLE p(id,customer_id,customer_external_id,customer_name,date,item,quantity,amount,cost,paid,channel,special_requests,mood,next_date,note,created_at);"
      timed sqlite3 "$work/sq.db" ".mode csv" ".import --skip 1 $work/purchases.csv p"
    fi
    read -r ms kb < "$work/t"; st="$st $ms"
  done
  name="import customers"; [ $kind = p ] && name="import purchases"
  row "$name" "$nt" "$nm" "$bt" "$bm" "$(printf '%s\n' $st | median)"
done
fi

if want demo; then
echo "== demo notebook of $CUSTOMERS customers and $PURCHASES purchases (one run each)"
nt=""; nm=""; bt=""; bm=""
for who in new base; do
  bin="$work/rolo"; [ $who = base ] && bin=$base
  [ -n "$bin" ] || continue
  rm -f "$work/demo.db"*
  timed "$bin" demo --customers "$CUSTOMERS" --purchases "$PURCHASES" --out "$work/demo.db" --no-tui --as-of "$asof"
  read -r ms kb < "$work/t"
  if [ $who = new ]; then nt=$ms; nm=$kb; else bt=$ms; bm=$kb; fi
done
rm -f "$work/demo.db"*
row "demo" "$nt" "$nm" "$bt" "$bm" ""
fi

if want abook; then
# abook (Debian's address book) fed the same contacts as vCard, side by
# side on the queries both answer. abook's --mutt-query matches names and
# e-mail addresses of contacts that have an e-mail address; rolo's find
# searches every text. Times: median of RUNS, interleaved.
echo "== rolo beside abook (median of $RUNS runs)"
printf '%-40s %8s %8s %6s\n' case rolo_ms abook_ms ratio | tee "$out/abook.txt"
export HOME="$work/home"; mkdir -p "$HOME" # abook keeps its settings in ~/.abook
for size in $ABOOK_SIZES; do
  adb="$work/ab.db"
  rm -f "$adb"*
  if [ "$size" = "$CUSTOMERS" ]; then cp "$newdb" "$adb"; else
    "$work/rolo" demo --customers "$size" --purchases $((size * 10)) --out "$adb" --no-tui --as-of "$asof" >/dev/null
  fi
  "$work/rolo" --db "$adb" export customers --format vcard > "$work/ab.vcf"
  rm -f "$work/ab.book"
  abook --convert --informat vcard --infile "$work/ab.vcf" --outformat abook --outfile "$work/ab.book" >/dev/null
  email=$(grep -m1 '^EMAIL' "$work/ab.vcf" | cut -d: -f2- | tr -d '\r')
  # side NAME 'ROLO ARGS' 'ABOOK ARGS'
  side() {
    local i rt="" at="" ms kb r a
    for i in $(seq "$RUNS"); do
      timed "$work/rolo" --db "$adb" --as-of "$asof" $2; read -r ms kb < "$work/t"; rt="$rt $ms"
      timed abook --datafile "$work/ab.book" $3; read -r ms kb < "$work/t"; at="$at $ms"
    done
    r=$(printf '%s\n' $rt | median); a=$(printf '%s\n' $at | median)
    printf '%-40s %8s %8s %6s\n' "$1 @ $size" "$r" "$a" "$(awk -v a="$r" -v b="$a" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" | tee -a "$out/abook.txt"
  }
  side "find a name (anna)" "find anna" "--mutt-query anna"
  side "find an e-mail address" "find $email" "--mutt-query $email"
  side "every contact (list / csv)" "list" "--convert --informat abook --infile $work/ab.book --outformat csv"
  side "every contact as vCard" "export customers --format vcard" "--convert --informat abook --infile $work/ab.book --outformat vcard"
done
fi

if want gobench; then
echo "== Go benchmarks (store hot paths, TUI first screen and keystroke) on the same notebook"
ROLO_BENCH_DB="$newdb" go test ./store ./tui -run '^$' -bench . -benchtime 5x 2>&1 | grep -E "^Benchmark|ms/keystroke" | tee "$out/gobench.txt"
go test ./tiering ./tiering/clv -run '^$' -bench . -benchtime 5x 2>&1 | grep -E "^Benchmark" | tee -a "$out/gobench.txt"
go test ./cmd/rolo -run '^$' -bench 'ImportProgress' -benchtime 10x -timeout 30m 2>&1 | grep -E "^Benchmark" | tee -a "$out/gobench.txt"
fi
if want pg; then
echo "== PostgreSQL: a team's notebook of the same size, beside psql (bench/pg.sh)"
BENCH_OUT="$out" bash bench/pg.sh "$CUSTOMERS" "$PURCHASES" "$RUNS"
fi
echo "binary: $(( $(stat -c %s "$work/rolo") / 1048576 )) MB" | tee -a "$out/results.txt"
echo "results in $out/"
