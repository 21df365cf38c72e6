#!/bin/sh
# Runs every test and prints one closing line: "N passed, M failed".
#  - unit tests: $B/tests/test_* (cmocka binaries, built by make)
#  - shell tests: tests/cli/*.sh (command line, no terminal) and
#    tests/tui/*.sh (the real binary driven in tmux); each prints
#    "ok - ..." / "not ok - ..." lines and exits non-zero on a failure.
# ONLY=unit|cli|tui runs one kind. Set KEEP=1 to keep temporary folders.
B=${B:-build/rel}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # $1 = name; output in $log; $2 = exit status
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -gt 0 ] && failures="$failures $1"
}

if [ -z "$ONLY" ] || [ "$ONLY" = unit ]; then
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		echo "== $t"
		"$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		p=${p:-0}; f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		passed=$((passed + p))
		failed=$((failed + f))
		[ "$f" -gt 0 ] && failures="$failures $t"
	done
fi
for kind in cli tui; do
	[ -z "$ONLY" ] || [ "$ONLY" = "$kind" ] || continue
	for t in tests/$kind/*.sh; do
		[ -f "$t" ] || continue
		echo "== $t"
		KESRA="$top/kesra" sh "$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		count "$t" "$rc"
	done
done
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
