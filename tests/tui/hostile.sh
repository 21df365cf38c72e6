#!/bin/sh
# tests/tui/hostile.sh: hostile text never reaches the terminal raw. A
# household whose name and address hold a clear-screen sequence, an OSC 0
# title, an OSC 52 clipboard write, C0/C1 controls, a bidi override,
# invalid UTF-8 and 10 KB of text (written with sqlite3 into a database
# saved by the core) is listed and opened in the form at 80x24. Every
# byte kesra sends is recorded (tmux pipe-pane): none of the hostile
# sequences is in it; the pane title is unchanged, the screen shows
# replacement characters, leaving the name flags its invalid UTF-8, and
# the record is left as it was.
. tests/lib.sh
B=${B:-build/rel}
SAVER=$TOP/$B/tools/fault_saver
SCHEMA=$TOP/tests/data/fault/schema
DB=$T/hostile.db

"$SAVER" "$SCHEMA" "$DB" 1 2 >/dev/null 2>"$T/saver.err"
# name: ESC[2J, OSC 0 title, C1 CSI, U+202E, invalid bytes
NAME="CAST(X'4b616d62751b5b324a1b5d303b70776e6564074cc29b33316d20e280ae74786574ff4e' AS TEXT)"
# address: OSC 52 and 10 KB of text
ADDR="CAST(X'1b5d35323b633b636d30674c584a6d49483447436f3d07' AS TEXT) || replace(hex(zeroblob(5120)), '00', 'ab')"
sql "$DB" "UPDATE household SET name = $NAME, address = $ADDR WHERE id = 1"
sql "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(sql "$DB" "SELECT hex(name), hex(address) FROM household WHERE id = 1")
check "fixture: 10 KB address stored" [ "$(sql "$DB" \
    "SELECT length(address) FROM household WHERE id = 1")" -gt 10000 ]

start --schema "$SCHEMA"
tm pipe-pane -o -t "$TM_SESSION" "cat >>$(shq "$T/bytes")"
title0=$(tm display-message -p -t "$TM_SESSION" '#{pane_title}')
expect "Rumah tangga" "the menu shows"
send Enter
expect "h2" "the list shows the households"
send Home Enter
expect "#1" "the hostile record opens in the form"
sleep 0.3
scr=$(screen)
like "$scr" "Kambu" "the form shows the name"
like "$scr" "$(printf '\357\277\275')" "the screen shows replacement characters"
unlike "$scr" "$(printf '\342\200\256')" "no bidi override on the screen"
title1=$(tm display-message -p -t "$TM_SESSION" '#{pane_title}')
is "$title1" "$title0" "the pane title is unchanged (no OSC 0 reached it)"
unlike "$title1" "pwned" "the title is not 'pwned'"
# leaving the name field checks the stored value: invalid UTF-8 is an
# error naming the field, and the cursor stays there
send Tab
msg_has "Nama kepala: " "the invalid UTF-8 in the name is flagged on leaving it"
send F10
expect "h2" "back to the list"
send F10
send F10
wait_exit >/dev/null
tm pipe-pane -t "$TM_SESSION" 2>/dev/null
sleep 0.2
check "bytes sent to the terminal recorded" [ -s "$T/bytes" ]
# NAME|bytes (the clear-screen check looks for the one after the name:
# curses may clear the screen itself)
for spec in 'OSC 0 title|\033]0;pwned' 'OSC 52 clipboard|\033]52;' \
    'clear screen after the name|Kambu\033[2J' 'C1 CSI|\302\233' \
    'U+202E bidi override|\342\200\256' 'invalid byte 0xff|\377'; do
	name=${spec%%|*}
	pat=$(printf "${spec#*|}")
	if LC_ALL=C grep -F -q -- "$pat" "$T/bytes"; then
		not_ok "never sent to the terminal: $name"
	else
		ok "never sent to the terminal: $name"
	fi
done
is "$(sql "$DB" "SELECT hex(name), hex(address) FROM household WHERE id = 1")" \
    "$before" "the hostile name and address unchanged, byte for byte"
finish
