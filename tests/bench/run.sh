#!/bin/sh
# tests/bench/run.sh: `make bench`. Prints every figure beside its raw
# baseline measured in the same run; never fails on a slow figure.
#
#   BENCH_PERSONS  size of the demo register (default 1000000; e.g. 20000
#                  for a quick run)
#   BENCH_ONLY     run only the benchmarks whose name contains this
#   BENCH_TIMEOUT  seconds after which one benchmark is stopped (300)
#   BENCH_SAMPLE   households of the fixed sample that import measures
#                  on a big register (5000)
#   BENCH_VALIDATE_SAMPLE  validate-all on the first N households only
#                  (unset: the whole register, as its target says)
#
# The register is made once with `kesra demo` and kept in build/bench/
# (made again when ./kesra or the dictionary is newer). Every program
# $B/bench/bench_* (from tests/bench/bench_*.c) and every script
# tests/bench/bench_*.sh is run as  NAME DB_PATH  and prints FIGURE lines
# (see bench.h); this script prints them as a table with the ratio and
# whether the target holds.
B=${B:-build/rel}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
BENCH_PERSONS=${BENCH_PERSONS:-1000000}
case $BENCH_PERSONS in
'' | *[!0-9]*) echo "bench: BENCH_PERSONS must be a number" >&2; exit 2 ;;
esac
KESRA=$top/kesra
KESRA_SCHEMA=$top/schema
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kesra_bench.XXXXXX") || exit 2
export KESRA KESRA_SCHEMA BENCH_PERSONS BENCH_TMP B
unset KESRA_DB KESRA_LANG
trap 'rm -rf "$BENCH_TMP"' EXIT
mkdir -p build/bench

# About 4.08 persons to a demo household.
households=$(( (BENCH_PERSONS * 100 + 407) / 408 ))
[ "$households" -ge 1 ] || households=1
DB=$top/build/bench/demo-$BENCH_PERSONS.db
if [ ! -f "$DB" ] || [ -n "$(find "$KESRA" schema -newer "$DB" 2>/dev/null | head -1)" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
	echo "bench: making a register of about $BENCH_PERSONS persons ($households households) ..." >&2
	"$KESRA" --db "$DB" demo --households "$households" >&2 || {
		echo "bench: kesra demo failed" >&2
		exit 1
	}
fi
export BENCH_DB="$DB"

# A benchmark that hangs is stopped (BENCH_TIMEOUT seconds each, default
# 300) so that `make bench` always ends and prints what it measured.
to=
command -v timeout >/dev/null 2>&1 && to="timeout ${BENCH_TIMEOUT:-300}"

out=$BENCH_TMP/figures
: >"$out"
start=$(date +%s)
for t in "$B"/bench/bench_* tests/bench/bench_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t")
	case $name in *.c | *.o | *.h) continue ;; esac
	[ -z "$BENCH_ONLY" ] || case $name in *"$BENCH_ONLY"*) ;; *) continue ;; esac
	echo "bench: $name ..." >&2
	t0=$(date +%s)
	case $t in
	*.sh) $to sh "$t" "$DB" >"$BENCH_TMP/one" 2>"$BENCH_TMP/err" ;;
	*) $to "$t" "$DB" >"$BENCH_TMP/one" 2>"$BENCH_TMP/err" ;;
	esac
	rc=$?
	grep '^FIGURE	' "$BENCH_TMP/one" >>"$out"
	sed 's/^/  /' "$BENCH_TMP/err" >&2
	echo "bench: $name took $(( $(date +%s) - t0 )) s" >&2
	if [ "$rc" -ne 0 ]; then
		echo "bench: $name could not measure (exit $rc)" >&2
	fi
done

persons=$BENCH_PERSONS
echo
echo "kesra benchmarks: about $persons persons, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), $(( $(date +%s) - start )) s"
printf '%-38s %12s %12s %7s %-6s %s\n' figure kesra baseline ratio unit target
awk -F '\t' '
function fmt(v) { if (v == "-") return "-"; return sprintf("%.4g", v) }
{
	name = $2; k = $3; b = $4; unit = $5; tgt = $6
	ratio = "-"; verdict = ""
	if (b != "-" && b + 0 > 0) ratio = sprintf("%.2f", k / b)
	if (tgt ~ /^x/) {
		lim = substr(tgt, 2) + 0
		verdict = (ratio != "-" && ratio + 0 <= lim) ? "ok (<= x" lim ")" : "MISSES x" lim
	} else if (tgt ~ /^<=/) {
		lim = substr(tgt, 3) + 0
		verdict = (k + 0 <= lim) ? "ok (<= " lim ")" : "MISSES <= " lim
	}
	printf "%-38s %12s %12s %7s %-6s %s\n", name, fmt(k), fmt(b), ratio, unit, verdict
	if (verdict ~ /^MISSES/) missed++
}
END { printf "\n%d figure(s), %d missing its target\n", NR, missed + 0 }
' "$out"
exit 0
