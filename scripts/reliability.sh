#!/usr/bin/env bash
# Long reliability run: kills during a large import, concurrent writers and
# readers, interrupted backups and exports, damaged notebooks, overwrite
# attempts, and a final check. Prints the figures. Usage:
#   bash scripts/reliability.sh [KILLS] [ROWS] [WRITERS] [WRITES_EACH] [STOPS] [FLIPS] [CUSTOMERS]
# Defaults: 90 kills of a 300,000-row import; 8 writers × 100 writes;
# 60 interrupted backups and exports; 60 damaged copies of a notebook of
# 60 customers (small enough to be checked whole when opened) and 60 of one
# of 2,000 (not checked whole when opened). Set PARTS="stops damage overwrite"
# (any of import, writers, stops, damage, overwrite) to run only some.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-90}
ROWS=${2:-300000}
WRITERS=${3:-8}
EACH=${4:-100}
STOPS=${5:-60}
FLIPS=${6:-60}
CUSTOMERS=${7:-2000}
PARTS=${PARTS:-import writers stops damage overwrite}
part() { [[ " $PARTS " == *" $1 "* ]]; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/rolo" ./cmd/rolo
export NO_COLOR=1 TERM=dumb
db="$work/nb.db"
rolo() { "$work/rolo" --db "$db" "$@"; }
rolo init >/dev/null
rolo add 王小明 --external-id W >/dev/null

if part import; then
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
fi

if part writers; then
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
fi

# hidden lists rolo's temporary files (and SQLite's beside them) in a folder.
hidden() { find "$1" -maxdepth 1 -name '.rolo-*' | wc -l; }

if part stops; then
echo "== $STOPS backups and exports stopped at random moments (SIGKILL, SIGTERM, SIGINT in turn)"
big="$work/big.db"
"$work/rolo" demo --customers "$CUSTOMERS" --purchases $((CUSTOMERS * 60)) --out "$big" --no-tui >/dev/null
out="$work/out"; mkdir -p "$out"
# How long each takes, so the signals land anywhere in it.
t0=$(date +%s%N); "$work/rolo" --db "$big" backup "$out/probe.db"; bspan=$(( ($(date +%s%N) - t0) / 1000000 ))
t0=$(date +%s%N); "$work/rolo" --db "$big" export purchases -o "$out/probe.csv"; espan=$(( ($(date +%s%N) - t0) / 1000000 ))
want=$(wc -l < "$out/probe.csv")
rm -f "$out"/probe.*
echo "a backup takes $bspan ms, an export $espan ms"
sigs=(KILL TERM INT)
stopped=0 finished=0 partial=0 leftover=0 after_next=0 badcode=0
declare -A codes=()
for i in $(seq "$STOPS"); do
  sig=${sigs[$((i % 3))]}
  if (( i % 2 )); then args=(backup "$out/b.db"); span=$bspan; else args=(export purchases -o "$out/e.csv"); span=$espan; fi
  "$work/rolo" --db "$big" "${args[@]}" >/dev/null 2>"$work/stop.err" &
  pid=$!
  sleep "$(awk -v r="$RANDOM" -v s="$span" 'BEGIN { printf "%.3f", (r % (s + 50)) / 1000 }')"
  kill -s "$sig" "$pid" 2>/dev/null || true
  code=0; wait "$pid" 2>/dev/null || code=$?
  codes[$sig:$code]=$(( ${codes[$sig:$code]:-0} + 1 ))
  if (( code == 0 )); then finished=$((finished + 1)); else stopped=$((stopped + 1)); fi
  case "$sig:$code" in KILL:0|KILL:137|TERM:0|TERM:143|INT:0|INT:130) ;; *) badcode=$((badcode + 1)); echo "$sig gave exit $code: $(cat "$work/stop.err")";; esac
  # The destination is whole or absent.
  if [ -e "$out/b.db" ]; then
    "$work/rolo" --db "$out/b.db" check >/dev/null 2>&1 || { partial=$((partial + 1)); echo "partial backup after $sig"; }
    rm -f "$out/b.db"
  fi
  if [ -e "$out/e.csv" ]; then
    (( $(wc -l < "$out/e.csv") == want )) || { partial=$((partial + 1)); echo "partial export after $sig"; }
    rm -f "$out/e.csv"
  fi
  n=$(hidden "$out")
  if (( n > 0 )); then
    leftover=$((leftover + 1))
    [ "$sig" = KILL ] || echo "SIGKILL was not sent, yet $n temporary files are left"
    # The next rolo writing into the folder removes them.
    "$work/rolo" --db "$big" export customers --fields id -o "$out/next.csv" >/dev/null; rm -f "$out/next.csv"
    (( $(hidden "$out") == 0 )) || { after_next=$((after_next + 1)); echo "the next run left $(hidden "$out") temporary files"; }
  fi
done
echo "trials $STOPS: stopped mid-way $stopped, finished first $finished, unexpected exit codes $badcode;" \
  "partial destinations $partial; temporary files left right after $leftover (SIGKILL only), left after the next run $after_next"
echo "exit codes by signal: $(for k in "${!codes[@]}"; do echo -n "$k×${codes[$k]} "; done)"
fi

if part damage; then
# flip SRC DST: copies SRC to DST with one bit flipped in a random page
# (never the 100-byte file header); prints the page.
flip() {
  cp "$1" "$2"
  local size pages page off b
  size=$(stat -c %s "$2"); pages=$((size / 4096))
  page=$(( 2 + (RANDOM * 32768 + RANDOM) % (pages - 1) ))
  off=$(( (page - 1) * 4096 + (RANDOM * 32768 + RANDOM) % 4096 ))
  b=$(od -An -tu1 -j "$off" -N1 "$2" | tr -d ' ')
  printf "$(printf '\\%03o' $(( b ^ (1 << (RANDOM % 8)) )))" | dd of="$2" bs=1 seek="$off" conv=notrunc status=none
  echo "$page"
}
for size in 60 "$CUSTOMERS"; do
  echo "== $FLIPS copies of a notebook of $size customers, each with one bit flipped in a random page"
  src="$work/src-$size.db"
  "$work/rolo" demo --customers "$size" --out "$src" --no-tui >/dev/null
  pages=$(( $(stat -c %s "$src") / 4096 ))
  customers=$(( $("$work/rolo" --db "$src" export customers --fields id | wc -l) - 1 ))
  purchases=$(( $("$work/rolo" --db "$src" export purchases --fields id | wc -l) - 1 ))
  damaged=0 inconsistent=0 harmless=0 quick_found=0 named=0 repaired=0 copies_ok=0 saved_c=0 saved_p=0
  declare -A before=() after=()
  # tryWrites DB TALLY: add, log and list on DB; counts in TALLY the ones
  # refused with exit 3 (a notebook problem).
  tryWrites() {
    local -n tally=$2
    local c code
    for c in add log list; do
      case $c in add) args=(add "新客户") ;; log) args=(log 2 call hello) ;; list) args=(list) ;; esac
      code=0; "$work/rolo" --db "$1" "${args[@]}" >/dev/null 2>&1 || code=$?
      if (( code == 3 )); then tally[$c]=$(( ${tally[$c]:-0} + 1 )); fi
    done
  }
  for i in $(seq "$FLIPS"); do
    d="$work/dmg.db"; rm -f "$work"/dmg.* "$work"/probe.*
    flip "$src" "$d" >/dev/null
    # Is it damaged at all? (Asked of a copy: a check leaves a note.)
    cp "$d" "$work/probe.db"
    if "$work/rolo" --db "$work/probe.db" check --full >"$work/full.out" 2>&1; then harmless=$((harmless + 1)); continue; fi
    damaged=$((damaged + 1))
    # SQLite's findings ("damaged: ...") or only rolo's own (a changed
    # value: kept totals or foreign keys that no longer agree).
    if ! grep -q "^damaged: " "$work/full.out"; then inconsistent=$((inconsistent + 1)); fi
    # Named: a table, an index, the search index or the free-page list, not just "page N".
    if grep -q "^damaged: \(table\|index\|the search index\|the list of free pages\)" "$work/full.out"; then named=$((named + 1)); fi
    # Writes before any check: only what rolo sees when it opens the
    # notebook, and what the command itself reads.
    cp "$d" "$work/w.db"; tryWrites "$work/w.db" before; rm -f "$work"/w.*
    if ! "$work/rolo" --db "$d" check >/dev/null 2>&1; then quick_found=$((quick_found + 1)); fi
    # The full check finds it, and the repair saves what it can (before the
    # writes below, which would add to what it saves).
    if "$work/rolo" --db "$d" check --full --repair >"$work/repair.out" 2>&1; then
      repaired=$((repaired + 1))
      if "$work/rolo" --db "$work/dmg.recovered.db" check --full >/dev/null 2>&1; then copies_ok=$((copies_ok + 1)); fi
      saved_c=$(( saved_c + $(awk '$1 == "customers" { print $2 }' "$work/repair.out") ))
      saved_p=$(( saved_p + $(awk '$1 == "purchases" { print $2 }' "$work/repair.out") ))
    else
      echo "repair failed: $(tail -1 "$work/repair.out")"
    fi
    # After the full check has found it: refused whatever they read.
    tryWrites "$d" after
  done
  echo "$pages pages, $customers customers, $purchases purchases; flips $FLIPS: failing check --full $damaged" \
    "($((damaged - inconsistent)) damaged per SQLite, $inconsistent only a changed value: totals or foreign keys disagree), harmless $harmless"
  echo "of the $damaged: found by the quick check $quick_found; SQLite's damage named (table, index, search index) $named of $((damaged - inconsistent));" \
    "refused (exit 3) before any check: add ${before[add]:-0}, log ${before[log]:-0}, list ${before[list]:-0};" \
    "after check --full found it: add ${after[add]:-0}, log ${after[log]:-0}, list ${after[list]:-0};" \
    "repaired $repaired (copies passing check --full $copies_ok), rows saved: customers $saved_c of $((damaged * customers)), purchases $saved_p of $((damaged * purchases))"
done
fi

if part overwrite; then
echo "== overwrite attempts: export -o and backup onto the notebook, existing files, a folder, a pipe"
cd "$work"
refused=0 attempts=0
ln -sf "$db" link.db
for target in "$db" nb.db ./nb.db "$work/./nb.db" link.db nb.db-wal nb.db-shm; do
  for force in "" --force; do
    attempts=$((attempts + 1))
    code=0; "$work/rolo" --db "$db" export customers -o "$target" $force >/dev/null 2>&1 || code=$?
    (( code == 2 )) && refused=$((refused + 1))
    attempts=$((attempts + 1))
    code=0; "$work/rolo" --db "$db" backup "$target" $force >/dev/null 2>&1 || code=$?
    (( code == 2 )) && refused=$((refused + 1))
  done
done
intact=no; rolo check >/dev/null 2>&1 && intact=yes
echo "onto the notebook, its -wal/-shm, by path, ./path, a link: $attempts attempts, $refused refused (exit 2); notebook passes check: $intact"
echo precious > existing.csv; chmod 640 existing.csv
code=0; rolo export customers -o existing.csv >/dev/null 2>&1 || code=$?
kept=$(cat existing.csv)
rolo export customers -o existing.csv --force >/dev/null 2>&1
echo "existing file: without --force exit $code (content kept: $([ "$kept" = precious ] && echo yes || echo no)); with --force replaced: $(grep -q '^id' existing.csv && echo yes || echo no), mode $(stat -c %a existing.csv)"
mkdir -p folder
code=0; msg=$(rolo export customers -o folder 2>&1) || code=$?
echo "export -o folder: exit $code: $msg"
mkfifo pipe; cat pipe > piped.csv & cpid=$!
rolo export customers -o pipe >/dev/null; wait $cpid
echo "export -o a FIFO: still a FIFO $([ -p pipe ] && echo yes || echo no), reader got $(wc -l < piped.csv) lines"
echo "rolo temporary files left in the notebook's folder: $(hidden "$work")"
cd - >/dev/null
fi
