# Shared by bench/run.sh and bench/pg.sh (sourced; $work is the run's
# scratch folder).

# timed CMD...: one timed run, wall milliseconds and peak kB into $work/t ("ms kb")
timed() {
  local t0 t1 rc=0
  t0=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/mem" "$@" >/dev/null 2>"$work/err" || rc=$?
  t1=$(date +%s%N)
  if [ "$rc" -gt 1 ]; then echo "failed ($rc): $*" >&2; head -3 "$work/err" >&2; fi
  echo "$(( (t1 - t0) / 1000000 )) $(tail -1 "$work/mem")" > "$work/t"
}
# median: the median of the numbers on stdin, one a line
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
