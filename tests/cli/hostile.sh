# tests/cli/hostile.sh: hostile text on the command-line output paths.
# Escape sequences, C1 controls, bidi overrides and invalid UTF-8 in a
# database path, an argument, a verb, a dictionary (names, types,
# expressions) and a dictionary name stored in a database reach stderr
# only as replacement characters. (Record text is covered by
# tests/unit/test_hostile.c and tests/tui/hostile.sh; verbs that print
# records, such as export, add their own checks.)
. tests/lib.sh
SCHEMA=$TOP/tests/data/fault/schema
ESC=$(printf '\033')
BAD="$(printf '\033]0;pwned\007\033[2J\302\233\342\200\256\377')"

# raw ESC, C1 CSI, U+202E or 0xff in a text: 1
has_raw() {
	printf '%s' "$1" | LC_ALL=C grep -q "$(printf '[\033\377]')" && return 0
	printf '%s' "$1" | LC_ALL=C grep -F -q "$(printf '\302\233')" && return 0
	printf '%s' "$1" | LC_ALL=C grep -F -q "$(printf '\342\200\256')"
}
inert() { # TEXT DESC
	if has_raw "$1"; then
		not_ok "$2" "output: $(printf '%s' "$1" | cat -v | head -5)"
	else
		ok "$2"
	fi
}

printf 'not a database\n' >"$T/x$BAD.db"
run --schema "$SCHEMA" --db "$T/x$BAD.db" init
is "$RC" 1 "a hostile path: refused"
like "$ERR" "pwned" "a hostile path: named in the message"
inert "$ERR" "a hostile path: no control sequence on stderr"

run "verb$BAD"
is "$RC" 2 "a hostile verb: usage error"
inert "$ERR" "a hostile verb: no control sequence on stderr"

run --schema "$SCHEMA" --db "$T/d.db" demo "--x$BAD"
is "$RC" 2 "a hostile argument: usage error"
inert "$ERR" "a hostile argument: no control sequence on stderr"

run --schema "$SCHEMA" --db "$T/d.db" demo --households "1$BAD"
is "$RC" 2 "a hostile number: usage error"
inert "$ERR" "a hostile number: no control sequence on stderr"

# a dictionary with hostile names, types and expressions
mkdir -p "$T/dict/schema"
printf 'dictionary: "x\\e]0;pwned\\a"\nversion: 1\nlanguages: [en]\nrecords:\n  "h\\e[2J":\n    fields:\n      - {name: "n\\e]52;c;AAAA\\a", type: "t\\u202eext"}\n      - {name: ok, type: text, constraint: "ok \\u202e= 1 AND \\x9b"}\n' \
    >"$T/dict/schema/d.yaml"
run --schema "$T/dict" check
is "$RC" 1 "a hostile dictionary: check finds problems"
like "$ERR" "pwned" "a hostile dictionary: the names are quoted"
inert "$ERR" "a hostile dictionary: no control sequence on stderr"

# a database whose stored dictionary name is hostile
run --schema "$SCHEMA" --db "$T/m.db" init
sql "$T/m.db" "UPDATE kesra_meta SET value = CAST(X'1b5d303b70776e6564071b5b324ac29be280aeff' AS TEXT) WHERE key = 'dictionary'"
run --schema "$SCHEMA" --db "$T/m.db" init
is "$RC" 1 "a stored hostile dictionary name: refused"
like "$ERR" "pwned" "a stored hostile dictionary name: quoted in the message"
inert "$ERR" "a stored hostile dictionary name: no control sequence on stderr"
inert "$OUT" "a stored hostile dictionary name: nothing raw on stdout"
finish
