#!/bin/sh
# tests/tui/startup_cache.sh: the entry screens read the parsed dictionary
# from a private cache file (schema_cache.h) when the dictionary's files
# are unchanged. A changed dictionary, a damaged cache file, another
# dictionary's image in its place and a cache folder that cannot be written
# are all ignored safely: the menu shows what the YAML says.
. tests/lib.sh

D=$T/dict
DB=$T/mini.db
C=$T/mycache
mkdir -p "$D"
cp "$TOP/tests/data/two_fields/schema/mini.yaml" "$D/"
run --schema "$D" --db "$DB" init
is "$RC" 0 "init on the two-field dictionary"

menu() { # LABEL DESC [ENV]: start, see the label in the menu, quit
	start --env "XDG_CACHE_HOME=${3:-$C}" -- --schema "$D" --db "$DB" \
	    --lang en
	expect "$1" "$2"
	send F10
	is "$(wait_exit 10)" 0 "$2: F10 quits with status 0"
}

menu "1  Person" "first start: the menu"
f=$(ls "$C"/kesra/dictionary-*.bin 2>/dev/null)
check "the cache file is written" [ -f "$f" ]
is "$(stat -c %a "$f")" 600 "the cache file is private (0600)"
is "$(stat -c %a "$C/kesra")" 700 "the cache folder is private (0700)"

cp "$f" "$T/first.bin"
ino=$(stat -c %i "$f")
menu "1  Person" "second start, from the cache"
is "$(stat -c %i "$f")" "$ino" "the cache file is used, not written again"

# the dictionary changes: the stale image is ignored
sed 's/en: Person,/en: Persona,/' "$TOP/tests/data/two_fields/schema/mini.yaml" \
    >"$D/mini.yaml"
menu "1  Persona" "a changed dictionary: its new label"
unlike "$(screen)" "1  Person " "the old label is gone"
check "the cache file is written again" [ "$(cksum <"$f")" != \
    "$(cksum <"$T/first.bin")" ]

# the old dictionary's image in its place (another dictionary): ignored
cp "$T/first.bin" "$f"
menu "1  Persona" "an image of another dictionary: ignored"

# a damaged cache file: ignored
printf 'KESRADIC garbage' >"$f"
menu "1  Persona" "a damaged cache file: ignored"
head -c 2000 "$T/first.bin" >"$f"
menu "1  Persona" "a truncated cache file: ignored"

# a cache folder that cannot be made (its parent is a file): no cache
: >"$T/afile"
menu "1  Persona" "a cache folder that cannot be made" "$T/afile/cache"
is "$(cat "$ERR_FILE")" "" "nothing on stderr"

# a mistake in the dictionary: reported, no image written
rm -rf "$C"
sed 's/type: integer/type: nosuch/' "$TOP/tests/data/two_fields/schema/mini.yaml" \
    >"$D/mini.yaml"
start --env "XDG_CACHE_HOME=$C" -- --schema "$D" --db "$DB" --lang en
is "$(wait_exit 10)" 1 "a dictionary with a mistake: exit status 1"
like "$(cat "$ERR_FILE")" "nosuch" "the mistake is named on stderr"
is "$(ls "$C"/kesra/dictionary-*.bin 2>/dev/null)" "" "no image was written"

finish
