#!/usr/bin/env bash
# Long reliability run: kills during a large import, concurrent writers and
# readers, and a final check. Prints the figures. Usage:
#   bash scripts/reliability.sh [KILLS] [ROWS] [WRITERS] [WRITES_EACH]
# Defaults: 90 kills of a 300,000-row import; 8 writers × 100 writes.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-90}
ROWS=${2:-300000}
WRITERS=${3:-8}
EACH=${4:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/rolo" ./cmd/rolo
export NO_COLOR=1 TERM=dumb
db="$work/nb.db"
rolo() { "$work/rolo" --db "$db" "$@"; }
rolo init >/dev/null
rolo add 王小明 --external-id W >/dev/null

echo "== kills during an import of $ROWS purchases"
awk -v n="$ROWS" 'BEGIN { print "customer_external_id,date,item,amount"; for (i = 0; i < n; i++) printf "W,2026-01-%02d,普洱 %d,%d.50\n", 1 + i % 28, i, i % 1000 }' > "$work/big.csv"
# How long one import takes, so the kills land anywhere in it: reading,
# writing, rebuilding indexes and totals, committing.
cp "$db" "$work/probe.db"
t0=$(date +%s%N)
"$work/rolo" --db "$work/probe.db" import purchases "$work/big.csv" >/dev/null 2>&1
span=$(( ($(date +%s%N) - t0) / 1000000 + 100 ))
rm -f "$work/probe.db"*
echo "one import takes $span ms; kills land between 50 ms and that"
killed=0 finished=0 partial=0 corrupt=0
for i in $(seq "$KILLS"); do
  "$work/rolo" --db "$db" import purchases "$work/big.csv" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v r="$RANDOM" -v s="$span" 'BEGIN { printf "%.3f", (50 + r % (s - 50)) / 1000 }')"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
  if wait "$pid" 2>/dev/null; then finished=$((finished + 1)); fi
  n=$(( $(rolo export purchases --fields id | wc -l) - 1 ))
  if (( n % ROWS != 0 )); then partial=$((partial + 1)); echo "partial import: $n rows"; fi
  if ! rolo check >/dev/null 2>&1; then corrupt=$((corrupt + 1)); echo "check failed after kill $i"; fi
done
echo "trials $KILLS, killed mid-import $((killed - finished)), finished first $finished, partial $partial, corrupt $corrupt"

echo "== $WRITERS concurrent writers × $EACH writes (buy, log, follow) with a reader"
rolo rm --purge W >/dev/null; rolo add 李四 --external-id L >/dev/null
fails=0
reader() { while [ ! -f "$work/stop" ]; do rolo due --json >/dev/null 2>>"$work/reader.err" || [ $? -eq 1 ]; done; }
reader & rpid=$!
for w in $(seq "$WRITERS"); do
  ( for i in $(seq "$EACH"); do
      case $((i % 3)) in
        0) rolo buy L "$i" --item "w$w-$i" ;;
        1) rolo log L call "w$w-$i" ;;
        2) rolo follow L +3d "w$w-$i" ;;
      esac >/dev/null 2>>"$work/writer.err" || echo fail >> "$work/fails"
    done ) &
done
wait $(jobs -p | grep -v "^$rpid$") 2>/dev/null || true
touch "$work/stop"; wait "$rpid" || true
[ -f "$work/fails" ] && fails=$(wc -l < "$work/fails")
written=$(( $(rolo export purchases --fields id | wc -l) + $(rolo export contacts --fields id | wc -l) + $(rolo export followups --fields id | wc -l) - 3 ))
locked=$(cat "$work"/*.err 2>/dev/null | grep -c "locked\|busy" || true)
echo "writes attempted $((WRITERS * EACH)), failed $fails, stored $written, lost $((WRITERS * EACH - fails - written)), 'locked' errors $locked"
rolo check
