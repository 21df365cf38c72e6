#!/bin/sh
# tests/tui/bytes.sh: what the screens cost on a slow link, in bytes kesra
# writes to its terminal (tmux pipe-pane -o: the pane's output), at 80x24
# in the family form of the bundled DTSEN dictionary, with
# TERM=xterm-256color and TERM=vt100. Deterministic: bytes, not time.
#
#   typing: 20 characters in a text field cost at most 4 bytes each;
#   a move to the next field (Enter after a value) at most 40 bytes, and
#     no move clears the screen;
#   a full paint (Ctrl-L) of a form page at most 2048 bytes.
#
# A field's hint waits for a pause (1.5 s); KESRA_HINT_MS=60000 keeps it
# out of the counts, which are then the screens' own.
. tests/lib.sh

DB=$T/bytes.db
P=$T/pipe
MENU=$(ui_text "Choose a register:")
ESC=$(printf '\033')

pipe_on() {
	: >"$P"
	tm pipe-pane -o -t "$TM_SESSION" "cat >> $P"
	sleep 0.2
}
# pipe_off: stop and print the byte count.
pipe_off() {
	sleep 0.3
	tm pipe-pane -t "$TM_SESSION"
	sleep 0.2
	wc -c <"$P" | tr -d ' '
}
_cursor_moved() { [ "$(cursor)" != "$1" ]; }
# move: Enter, and the bytes it cost (after the cursor has moved).
move() {
	_c=$(cursor)
	pipe_on
	send Enter
	_poll 5 _cursor_moved "$_c"
	pipe_off
}
# cleared: the captured output clears the screen (ED 2, or home + ED).
cleared() {
	grep -q -e "${ESC}\\[2J" -e "${ESC}\\[H${ESC}\\[J" -e "${ESC}\\[J" "$P"
}

for term in xterm-256color vt100; do
	start --term $term --env KESRA_HINT_MS=60000 --env KESRA_TODAY=2026-11-28 --
	expect "$MENU" "$term: the menu shows"
	send n
	at_field "Provinsi"

	# a full paint of page 1 of the family form
	pipe_on
	send C-l
	sleep 0.3
	n=$(pipe_off)
	if [ "$n" -le 2048 ] && [ "$n" -gt 200 ]; then
		ok "$term: Ctrl-L repaints page 1 of the family form in $n bytes (<= 2048)"
	else
		not_ok "$term: Ctrl-L repaints page 1 of the family form in $n bytes (<= 2048)"
	fi
	send C-v
	at_field "Nama kepala keluarga"

	# typing
	pipe_on
	type_text "Yohanis Kambu Sawena"
	_poll 5 _shows_typed "Nama kepala keluarga" "Yohanis Kambu Sawena"
	n=$(pipe_off)
	if [ "$n" -le 80 ] && [ "$n" -ge 20 ]; then
		ok "$term: 20 typed keys cost $n bytes (<= 4 a key)"
	else
		not_ok "$term: 20 typed keys cost $n bytes (<= 4 a key)" "$(od -c "$P" | head -20)"
	fi

	# field moves: Enter after each value of page 2
	worst=0
	total=0
	nmoves=0
	bad=""
	for v in "" 9601021234560001 1 4 01-10-2026 "Petrus Sawen" 02-10-2026 \
	    "Agus Mayor" 1; do
		[ -z "$v" ] || type_text "$v"
		[ -z "$v" ] || sleep 0.2
		n=$(move)
		if cleared; then bad="$bad clear-after-'$v'"; fi
		total=$((total + n))
		nmoves=$((nmoves + 1))
		[ "$n" -gt "$worst" ] && worst=$n
	done
	if [ "$worst" -le 40 ]; then
		ok "$term: $nmoves field moves cost at most $worst bytes each (<= 40; $total in all)"
	else
		not_ok "$term: $nmoves field moves cost at most $worst bytes each (<= 40; $total in all)" "$(screen)"
	fi
	is "$bad" "" "$term: no field move clears the screen"
	cursor_in "Nama responden" "$term: the moves went through page 2 to the respondent"

	# a full paint of page 2 with its values
	pipe_on
	send C-l
	sleep 0.3
	n=$(pipe_off)
	if [ "$n" -le 2048 ] && [ "$n" -gt 200 ]; then
		ok "$term: Ctrl-L repaints page 2 with its values in $n bytes (<= 2048)"
	else
		not_ok "$term: Ctrl-L repaints page 2 with its values in $n bytes (<= 2048)"
	fi
	like "$(screen)" "Yohanis Kambu Sawena" "$term: the repaint shows the values"
	# the hint, when the operator pauses, is content: shown, not counted
	send F10
	wait_for "$(printf '%.20s' "$(ui_text "Unsaved changes. Save them? y = save, n = discard, Esc = stay")")" >/dev/null
	send n
	wait_for "$MENU" >/dev/null
done
finish
