# tests/cli/fuzz.sh: the libFuzzer targets (tests/fuzz/) as part of make
# test: each runs over its seed corpus and its regression cases, then
# fuzzes briefly with a fixed seed: FUZZ_TEST_RUNS inputs (default 20000;
# the same inputs on any machine, so that CI cannot meet a new input by
# being faster), bounded by FUZZ_TEST_SECONDS (default 60). Longer,
# time-bounded runs: make fuzz.
# Skipped when they are not built (no clang: make builds them when
# clang is there).
. tests/lib.sh

FZ=${FZ:-build/fuzz}
if ! ls "$FZ"/fuzz_* >/dev/null 2>&1; then
	echo "ok - # SKIP the fuzz targets are not built (no clang)"
	finish
fi
out=$(FZ=$FZ FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-60} \
    FUZZ_RUNS=${FUZZ_TEST_RUNS:-20000} FUZZ_SEED=${FUZZ_SEED:-1} \
    sh tests/fuzz/run.sh)
rc=$?
printf '%s\n' "$out"
NPASS=$((NPASS + $(printf '%s\n' "$out" | grep -c '^ok ')))
NFAIL=$((NFAIL + $(printf '%s\n' "$out" | grep -c '^not ok ')))
[ "$rc" -eq 0 ] || [ "$NFAIL" -gt 0 ] || not_ok "fuzz run exit $rc"
finish
