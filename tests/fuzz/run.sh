#!/bin/sh
# tests/fuzz/run.sh: run every libFuzzer target of $FZ (default
# build/fuzz, built by `make fuzz-build`) over its seed corpus
# tests/fuzz/corpus/NAME (read only: new inputs go to a scratch folder),
# then fuzz it for FUZZ_SECONDS (default 60). Prints "ok - ..." /
# "not ok - ..." per target.
#
#   FUZZ_SECONDS=N   time per target, corpus run included
#   FUZZ_RUNS=N      at most N inputs (with FUZZ_SEED: the same inputs
#                    on every machine)
#   FUZZ_SEED=N      a fixed seed (make test uses one, so that a run can be
#                    repeated); default random
#   FUZZ_ONLY=NAME   one target (yaml, expr, csv, nik, schema_image)
#
# A crash, leak, sanitizer report or time-out fails the target; the input
# that caused it is kept in $FZ/crashes/ (add it to the corpus as a
# regression case once the cause is fixed).
FZ=${FZ:-build/fuzz}
secs=${FUZZ_SECONDS:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
mkdir -p "$FZ/crashes"
work=$(mktemp -d "${TMPDIR:-/tmp}/kesra_fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail=0
found=0
for t in "$FZ"/fuzz_*; do
	[ -x "$t" ] || continue
	name=${t##*/fuzz_}
	[ -z "$FUZZ_ONLY" ] || [ "$FUZZ_ONLY" = "$name" ] || continue
	found=$((found + 1))
	corpus=tests/fuzz/corpus/$name
	mkdir -p "$work/$name"
	seed=
	[ -z "$FUZZ_SEED" ] || seed=-seed=$FUZZ_SEED
	ncorpus=$(ls "$corpus" 2>/dev/null | wc -l)
	# -timeout: one input may take 10 s at most; -rss_limit_mb: 2 GB
	# FUZZ_RUNS: a fixed number of inputs instead of a time (with a fixed
	# seed, the same inputs on every machine: make test's brief run)
	limit=-max_total_time=$secs
	[ -z "$FUZZ_RUNS" ] || limit="-runs=$FUZZ_RUNS -max_total_time=$secs"
	"$t" $seed $limit -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$FZ/crashes/$name-" \
	    "$work/$name" "$corpus" >"$work/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$work/$name.log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok - fuzz $name: $ncorpus seed inputs and ${runs:-?} runs" \
		    "in at most ${secs}s, no crash"
	else
		fail=$((fail + 1))
		echo "not ok - fuzz $name: exit $rc"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written|#0 |#1 |#2 |#3 ' \
		    "$work/$name.log" | head -30 | sed 's/^/# /'
	fi
done
if [ "$found" -eq 0 ]; then
	echo "not ok - no fuzz target in $FZ (make fuzz-build; needs clang)"
	exit 1
fi
[ "$fail" -eq 0 ]
