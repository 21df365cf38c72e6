# tests/cli/fuzz.sh: the libFuzzer targets (tests/fuzz/) as part of make
# test: each runs over its seed corpus and its regression cases, then
# fuzzes briefly (FUZZ_TEST_SECONDS, default 10) with a fixed seed.
# Skipped when they are not built (no clang: make builds them when
# clang is there).
. tests/lib.sh

FZ=${FZ:-build/fuzz}
if ! ls "$FZ"/fuzz_* >/dev/null 2>&1; then
	echo "ok - # SKIP the fuzz targets are not built (no clang)"
	finish
fi
out=$(FZ=$FZ FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-10} FUZZ_SEED=${FUZZ_SEED:-1} \
    sh tests/fuzz/run.sh)
rc=$?
printf '%s\n' "$out"
NPASS=$((NPASS + $(printf '%s\n' "$out" | grep -c '^ok ')))
NFAIL=$((NFAIL + $(printf '%s\n' "$out" | grep -c '^not ok ')))
[ "$rc" -eq 0 ] || [ "$NFAIL" -gt 0 ] || not_ok "fuzz run exit $rc"
finish
