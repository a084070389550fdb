#!/usr/bin/env bash
# Performance of rolo on PostgreSQL (a team's notebook), beside psql doing
# the same reads on the same data, over a unix socket on this machine.
#
# Usage:  bash bench/pg.sh [CUSTOMERS] [PURCHASES] [RUNS]
# Defaults: 100,000 customers, 1,000,000 purchases, 5 runs (median reported).
#   BENCH_PG=postgres://USER@/postgres?host=DIR   use this server (a role that
#                  may create databases); by default a throwaway cluster is
#                  started from Debian's postgresql package, as a user that
#                  is not root, and removed at the end
#   BENCH_PG_NOTEBOOK=<name>  measure this database of that server, a rolo
#                  notebook already (no demo is written; it is not dropped)
#   BENCH_OUT=<dir>  where results go (default bench/out)
# Needs /usr/bin/time and psql (Debian packages "time" and "postgresql").
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-100000}
PURCHASES=${2:-1000000}
RUNS=${3:-5}
out=${BENCH_OUT:-bench/out}
mkdir -p "$out"
work=$(mktemp -d)
export NO_COLOR=1 TERM=dumb PGOPTIONS=--client-min-messages=warning
CGO_ENABLED=0 go build -o "$work/rolo" ./cmd/rolo # static, as the README builds it (both sides alike)

pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
server=${BENCH_PG:-}
if [ -z "$server" ]; then
  pgbin=""
  for v in 17 16 15; do [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && pgbin="/usr/lib/postgresql/$v/bin" && break; done
  [ -n "$pgbin" ] || { echo "please install Debian's postgresql package, or set BENCH_PG" >&2; exit 1; }
  runas=()
  if [ "$(id -u)" = 0 ]; then
    id rolo-ci-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin rolo-ci-pg
    runas=(runuser -u rolo-ci-pg --)
  fi
  pgdir=$(mktemp -d /tmp/rolo-bench-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown rolo-ci-pg "$pgdir"
  chmod 700 "$pgdir"
  (cd "$pgdir" && "${runas[@]}" "$pgbin/initdb" -D "$pgdir/data" -U rolo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null)
  # Durable settings (fsync on): figures a team's server would give.
  (cd "$pgdir" && "${runas[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w start \
    -o "-k $pgdir -c listen_addresses= -c shared_buffers=256MB -c max_wal_size=4GB" >/dev/null)
  server="postgres://rolo@/postgres?host=$pgdir"
fi
db_url() { # db_url NAME: the server's address for database NAME
  python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$server" "$1"
}
asof=2026-11-22
nbname=${BENCH_PG_NOTEBOOK:-rolo_bench}
nb=$(db_url "$nbname")

. bench/lib.sh # timed, median

printf '%-28s %8s %7s %9s\n' case rolo_ms rolo_MB psql_ms > "$out/pg.txt"
if [ -z "${BENCH_PG_NOTEBOOK:-}" ]; then
  psql -q "$server" -c "DROP DATABASE IF EXISTS rolo_bench" -c "CREATE DATABASE rolo_bench" >/dev/null
  echo "== a notebook of $CUSTOMERS customers and $PURCHASES purchases on PostgreSQL (rolo demo)"
  timed "$work/rolo" demo --customers "$CUSTOMERS" --purchases "$PURCHASES" --out "$nb" --no-tui --as-of "$asof"
  read -r ms kb < "$work/t"
  printf '%-28s %8s %7s %9s\n' "demo (write everything)" "$ms" "$((kb / 1024))" - | tee -a "$out/pg.txt"
fi
psql -q "$nb" -c "VACUUM ANALYZE" >/dev/null

# pair NAME SQL ARGS...: RUNS runs of rolo ARGS and of psql running SQL.
# rolo runs as of the demo's day, or with NOASOF=1 as of today (the day
# itself: due and today from the kept agenda).
pair() {
  local name=$1 sql=$2; shift 2
  local i rt=() rm=() pt=() day=(--as-of "$asof")
  [ -n "${NOASOF:-}" ] && day=()
  for i in $(seq "$RUNS"); do
    timed "$work/rolo" --db "$nb" "${day[@]}" "$@"; read -r ms kb < "$work/t"; rt+=("$ms"); rm+=("$kb")
    if [ -n "$sql" ]; then timed psql -q -X "$nb" -c "$sql"; read -r ms kb < "$work/t"; pt+=("$ms"); fi
  done
  local p=-
  [ -n "$sql" ] && p=$(printf '%s\n' "${pt[@]}" | median)
  printf '%-28s %8s %7s %9s\n' "$name" "$(printf '%s\n' "${rt[@]}" | median)" \
    "$(( $(printf '%s\n' "${rm[@]}" | sort -n | tail -1) / 1024 ))" "$p" | tee -a "$out/pg.txt"
}
echo "== measuring (median of $RUNS runs; peak memory is the largest)"
pair "show" "SELECT * FROM customers WHERE external_id='D000005'; SELECT * FROM purchases WHERE customer_id=5 ORDER BY date DESC LIMIT 10; SELECT * FROM contacts WHERE customer_id=5 ORDER BY at DESC LIMIT 10;" show D000005
pair "find cjk (普洱茶)" "SELECT DISTINCT customer_id FROM search WHERE body LIKE '%普洱茶%' LIMIT 2000;" find 普洱茶
pair "find one character (王)" "SELECT id, name FROM customers WHERE name LIKE '%王%' LIMIT 2000;" find 王
pair "find pinyin (wxm)" "SELECT id FROM customers WHERE name_initials LIKE 'wxm%' OR name_pinyin LIKE 'wxm%' LIMIT 2000;" find wxm
pair "find latin (anna)" "SELECT DISTINCT customer_id FROM search WHERE body LIKE '%anna%' LIMIT 2000;" find anna
pair "due" "SELECT c.id, c.name, t.* FROM customers c LEFT JOIN purchase_totals t ON t.customer_id = c.id WHERE c.archived_at IS NULL; SELECT customer_id, max(at) FROM contacts GROUP BY customer_id;" due
pair "today" "" today
NOASOF=1 pair "due, the day itself" "SELECT c.id, c.name, t.* FROM customers c LEFT JOIN purchase_totals t ON t.customer_id = c.id WHERE c.archived_at IS NULL; SELECT customer_id, max(at) FROM contacts GROUP BY customer_id;" due
NOASOF=1 pair "today, the day itself" "" today
pair "pyramid --json" "SELECT c.id, c.name, t.revenue FROM customers c JOIN purchase_totals t ON t.customer_id = c.id ORDER BY t.revenue DESC;" --json pyramid
pair "list -n 20" "SELECT * FROM customers ORDER BY name_pinyin, name, id LIMIT 20;" list -n 20

echo "== import of $PURCHASES purchases into an empty PostgreSQL notebook with its customers (COPY, one transaction)"
"$work/rolo" --db "$nb" export customers > "$work/customers.csv"
"$work/rolo" --db "$nb" export purchases > "$work/purchases.csv"
# psql's side: the same rows by hand, as a DBA would load them: \copy of the
# file into a scratch table, then one INSERT into purchases (its keys and
# indexes kept up to date row by row). rolo also checks each row, and writes
# the customers' totals and search rows, which psql's load leaves stale.
cat > "$work/load.sql" <<EOF
BEGIN;
CREATE TEMP TABLE raw (id bigint, customer_id bigint, customer_external_id text, customer_name text, date date,
  item text, quantity float8, amount numeric, cost numeric, paid numeric, channel text, special_requests text,
  mood text, next_date text, note text, created_at text) ON COMMIT DROP;
\\copy raw FROM '$work/purchases.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO purchases (id, customer_id, date, item, quantity, amount, cost, paid, channel, special_requests, mood,
    next_date, note, created_at)
  SELECT id, customer_id, date, item, quantity, round(amount * 100), round(cost * 100), round(paid * 100),
    coalesce(channel, ''), coalesce(special_requests, ''), coalesce(mood, ''), coalesce(next_date, ''),
    coalesce(note, ''), created_at FROM raw;
COMMIT;
EOF
fresh() { # fresh: an empty notebook holding the customers, in rolo_bench_imp
  psql -q "$server" -c "DROP DATABASE IF EXISTS rolo_bench_imp" -c "CREATE DATABASE rolo_bench_imp" >/dev/null
  imp=$(db_url rolo_bench_imp)
  "$work/rolo" --db "$imp" init >/dev/null
  "$work/rolo" --db "$imp" import customers "$work/customers.csv" --allow-duplicates 2>/dev/null
}
it=(); im=(); pt=()
for i in $(seq "$RUNS"); do
  fresh
  timed "$work/rolo" --db "$imp" import purchases "$work/purchases.csv"; read -r ms kb < "$work/t"; it+=("$ms"); im+=("$kb")
  fresh
  timed psql -q -X -v ON_ERROR_STOP=1 "$imp" -f "$work/load.sql"; read -r ms kb < "$work/t"; pt+=("$ms")
done
printf '%-28s %8s %7s %9s\n' "import purchases" "$(printf '%s\n' "${it[@]}" | median)" \
  "$(( $(printf '%s\n' "${im[@]}" | sort -n | tail -1) / 1024 ))" "$(printf '%s\n' "${pt[@]}" | median)" | tee -a "$out/pg.txt"
psql -q "$server" -c "DROP DATABASE IF EXISTS rolo_bench_imp" >/dev/null
[ -n "${BENCH_PG_NOTEBOOK:-}" ] || psql -q "$server" -c "DROP DATABASE IF EXISTS rolo_bench" >/dev/null
echo "results in $out/pg.txt"
