#!/bin/sh
# tests/tui/drafts.sh: hang-up safety, driven in tmux at 80x24 on the
# fixture dictionary tests/data/constructs (household with a member roster).
#
#  1. SIGHUP mid-entry, in an unfinished roster row: the whole form (every
#     household value, a hostile address, the unfinished row with the text
#     typed in its current field) is kept in kesra_draft, the household
#     table untouched; the next start offers it, resumes it in the same
#     field of the same row with every value, and the household then saved
#     normally leaves no draft.
#  2. SIGTERM mid-entry: kept; refused at the next start (n): deleted, the
#     menu stays.
#  3. tmux kill-server (the terminal gone): kept; resumed in the same field.
#  4. Idle: with KESRA_DRAFT_IDLE_SECONDS=1 the form is kept while kesra
#     waits; F10 then n (discard) deletes the draft.
#  5. A draft kept (Esc at the question) is not touched by another new
#     record's idle draft or its discarding.
#  6. A saved household changed and SIGTERM: its draft is keyed by its id,
#     the record untouched; resumed and saved: one revision more.
. tests/lib.sh

SCHEMA=$TOP/tests/data/constructs
DB=$T/drafts.db
TODAY=2026-11-28
KK1=9601021234560001
KK2=9601021234560002
KK3=9601021234560003
NIK_HEAD=9601021505900001
ADDR='Jl. "Kutip" 5; a=b \n \ tab'

q() { sql "$DB" "$1"; }
ROSTER_KEYS=$(ui_text "n add  Enter edit  Del remove  +/- move  F2 save  PgUp/F10 back")
ROSTER_KEYS=$(printf '%.14s' "$ROSTER_KEYS")
RESUMEQ=$(ui_text "Resume the unfinished %s %s kept at %s? y = resume, n = discard it" |
    sed 's/ %s.*//')
UNSAVEDQ=$(ui_text "Unsaved changes. Save them? y = save, n = discard, Esc = stay")
UNSAVEDQ=$(printf '%.24s' "$UNSAVEDQ")
MENU=$(ui_text "Choose a register:")
SAVED=$(ui_text "Saved: %s (#%lld)" | sed 's/%s.*//')
KEPT=$(ui_text "stopped by a hang-up or a signal; the form being typed was kept as a draft")

_q_is() { [ "$(q "$1")" = "$2" ]; }
# q_is QUERY WANT DESC [SECONDS]: a check that sqlite3 gives WANT (waits).
q_is() {
	if _poll "${4:-5}" _q_is "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3" "query: $1" "got:  '$(q "$1")'" "want: '$2'"
	fi
}
_gone() { ! kill -0 "$1" 2>/dev/null; }
# pid_gone PID DESC: a check that the process has ended (waits 5 s).
pid_gone() {
	if _POLL_EXIT=1 _poll 5 _gone "$1"; then
		ok "$2"
	else
		not_ok "$2" "process $1 still runs" "screen:" "$(screen)"
	fi
}
# The household page 1 of a new record, then page 2 (members 1), ending
# in the roster list.
household() { # KK ADDRESS
	send n
	at_field "Provinsi" || { not_ok "the household form opens" "$(screen)"; return 1; }
	send Enter
	fill "Kabupaten/kota" "96.01" &&
	fill "Kecamatan" "96.01.02" &&
	fill "Desa/kelurahan" "96.01.02.2003" &&
	fill "Nomor KK" "$1" &&
	fill "Alamat" "$2" &&
	at_field "Telepon" && send Enter &&
	fill "Jumlah anggota" "1"
}
_field_has() { _row_has "$(label_row "$1")" "$2"; }
field_has() {
	if _poll 5 _field_has "$1" "$2"; then
		ok "$3"
	else
		not_ok "$3" "line of '$1': '$(screen_line $(($(label_row "$1") + 1)))'" \
		    "want: '$2'" "screen:" "$(screen)"
	fi
}

# ---- 1. SIGHUP in an unfinished roster row ----------------------------------
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
expect "$MENU" "the menu shows"
if household "$KK1" "$ADDR"; then
	ok "household page 1 and members typed"
else
	not_ok "household page 1 and members typed"
fi
send NPage
if wait_for "$ROSTER_KEYS"; then ok "PgDn goes to the member roster"; else not_ok "PgDn goes to the member roster" "$(screen)"; fi
send n
fill "Nama" "Ani Wompere" && type_text "960102150590"
if _poll 5 _field_has "NIK" "960102150590"; then
	ok "a member row is being typed: name kept, NIK half typed"
else
	not_ok "a member row is being typed: name kept, NIK half typed" "$(screen)"
fi
pid=$(kesra_pid)
kill -HUP "$pid"
pid_gone "$pid" "SIGHUP: kesra exits"
q_is "SELECT count(*) FROM household" 0 "SIGHUP: no household was saved"
q_is "SELECT user = '$(id -un)', record, record_id < 0, field FROM kesra_draft" \
    "1|household|1|nik" "SIGHUP: the draft is kept for this operator (a new record: a negative key), in field nik"
st=$(q "SELECT state FROM kesra_draft")
like "$st" "pending	960102150590" "the draft holds the half-typed NIK"
like "$st" "v	name	Ani Wompere" "the draft holds the unfinished row's name"
like "$st" "v	kk	$KK1" "the draft holds the household's KK"
if grep -q -F -- "$KEPT" "$ERR_FILE"; then
	ok "kesra says on stderr that the form was kept"
else
	not_ok "kesra says on stderr that the form was kept" "$(cat "$ERR_FILE")"
fi

start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
msg_has "$RESUMEQ" "the next start offers to resume the draft"
like "$(msg_line)" "$KK1" "the question names the household"
send y
if at_field "NIK" && _poll 5 _field_has "NIK" "960102150590"; then
	ok "resumed in the NIK field of the unfinished row, the typed digits there"
else
	not_ok "resumed in the NIK field of the unfinished row, the typed digits there" "$(screen)" "cursor: $(cursor)"
fi
field_has "Nama" "Ani Wompere" "the row's name is back"
# finish the row and the household: the typed digits are kept, the rest added
type_text "0001"
send Enter
fill "Jenis kelamin" "2" &&
fill "Tanggal lahir" "15-05-1990" &&
fill "Hubungan dengan KK" "1" ""
send F2
if wait_for "$ROSTER_KEYS" && wait_for "Ani Wompere"; then
	ok "the resumed row is kept in the roster"
else
	not_ok "the resumed row is kept in the roster" "$(screen)"
fi
send F2
msg_has "$SAVED" "F2 saves the resumed household"
q_is "SELECT kk, address, members FROM household" "$KK1|$ADDR|1" \
    "sqlite3: the household as typed before the hang-up (hostile address intact)"
q_is "SELECT name, nik, sex, birth_date, relationship FROM member" \
    "Ani Wompere|$NIK_HEAD|2|1990-05-15|1" "sqlite3: the member as typed across the hang-up"
q_is "SELECT count(*) FROM kesra_draft" 0 "saving normally deletes the draft"
send F10
wait_for "$MENU" >/dev/null
send F10
wait_exit >/dev/null

# ---- 2. SIGTERM, then refused ------------------------------------------------
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
expect "$MENU" "menu again"
send n
at_field "Provinsi" && send Enter
fill "Kabupaten/kota" "96.01" && type_text "96.0"
_poll 5 _field_has "Kecamatan" "96.0"
pid=$(kesra_pid)
kill -TERM "$pid"
pid_gone "$pid" "SIGTERM: kesra exits"
q_is "SELECT record_id < 0, field FROM kesra_draft" "1|district" \
    "SIGTERM: the draft is kept, in the district field"
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
msg_has "$RESUMEQ" "offered again after SIGTERM"
send n
q_is "SELECT count(*) FROM kesra_draft" 0 "n: the draft is discarded"
expect "$MENU" "n: the menu stays"
q_is "SELECT count(*) FROM household" 1 "n: nothing else changed"

# ---- 3. the terminal gone: tmux kill-server ----------------------------------
send n
at_field "Provinsi" && send Enter
fill "Kabupaten/kota" "96.01" &&
fill "Kecamatan" "96.01.02" &&
fill "Desa/kelurahan" "96.01.02.2003" &&
type_text "96010212345"
_poll 5 _field_has "Nomor KK" "96010212345"
pid=$(kesra_pid)
tm kill-server
pid_gone "$pid" "kill-server: kesra exits when its terminal goes away"
q_is "SELECT count(*), field FROM kesra_draft" "1|kk" \
    "kill-server: the draft is kept, in the KK field"
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
msg_has "$RESUMEQ" "offered after the terminal went away"
send y
if at_field "Nomor KK" && _poll 5 _field_has "Nomor KK" "96010212345"; then
	ok "resumed in the KK field with the digits typed"
else
	not_ok "resumed in the KK field with the digits typed" "$(screen)"
fi
field_has "Desa/kelurahan" "Klarion" "the village is back"
type_text "60003"
send Enter
fill "Alamat" "Jl. Klarion" && send Enter
fill "Jumlah anggota" "1" ""
send F10
msg_has "$UNSAVEDQ" "F10 asks about the unsaved household"
send n
expect "$MENU" "n discards it"
q_is "SELECT count(*) FROM kesra_draft" 0 "discarding the form deletes its draft"

# ---- 4. idle ------------------------------------------------------------------
start --env KESRA_TODAY=$TODAY --env KESRA_DRAFT_IDLE_SECONDS=1 -- --schema "$SCHEMA"
expect "$MENU" "menu (idle time 1 s)"
send n
at_field "Provinsi" && send Enter
type_text "96.0"
_poll 5 _field_has "Kabupaten/kota" "96.0"
q_is "SELECT field || ' ' || (instr(state, 'pending	96.0') > 0) FROM kesra_draft" \
    "regency 1" "idle: the form is kept with the text being typed" 5
pid=$(kesra_pid)
if kill -0 "$pid" 2>/dev/null; then ok "idle: kesra still runs"; else not_ok "idle: kesra still runs"; fi
send F10
msg_has "$UNSAVEDQ" "F10 asks"
send n
q_is "SELECT count(*) FROM kesra_draft" 0 "discarded: no draft"
send C-x
wait_exit >/dev/null

# ---- 5. a kept draft and another new record ------------------------------------
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
expect "$MENU" "menu (5)"
send n
at_field "Provinsi" && send Enter
type_text "96.7"
_poll 5 _field_has "Kabupaten/kota" "96.7"
pid=$(kesra_pid)
kill -HUP "$pid"
pid_gone "$pid" "SIGHUP with a new household"
start --env KESRA_TODAY=$TODAY --env KESRA_DRAFT_IDLE_SECONDS=1 -- --schema "$SCHEMA"
msg_has "$RESUMEQ" "offered"
send Escape
expect "$MENU" "Esc: not now, the menu"
q_is "SELECT count(*) FROM kesra_draft" 1 "Esc keeps the draft"
send n
at_field "Provinsi" && send Enter
type_text "96.0"
sleep 2
q_is "SELECT count(*) FROM kesra_draft" 2 "another new household idle: a draft of its own beside the kept one"
send F10
msg_has "$UNSAVEDQ" "F10 asks"
send n
q_is "SELECT count(*) || ' ' || group_concat(field) FROM kesra_draft" "1 regency" \
    "discarding the other one leaves the kept draft"
q_is "SELECT instr(state, 'pending	96.7') > 0 FROM kesra_draft" 1 \
    "the kept draft still holds its own typed text"
send C-x
wait_exit >/dev/null

# ---- 6. a saved record changed, SIGTERM, resumed, saved ----------------------
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
msg_has "$RESUMEQ" "the kept draft is offered"
send n
expect "$MENU" "n: discarded"
send Enter
wait_for "$KK1" >/dev/null
send Enter
at_field "Provinsi"
rev=$(q "SELECT rev FROM household WHERE id = 1")
for i in 1 2 3 4 5; do send Enter; sleep 0.2; done
at_field "Alamat"
send C-k
type_text "Jl. Baru 7"
_poll 5 _field_has "Alamat" "Jl. Baru 7"
pid=$(kesra_pid)
kill -TERM "$pid"
pid_gone "$pid" "SIGTERM in a saved household being changed"
q_is "SELECT record_id, field FROM kesra_draft" "1|address" \
    "the draft of a saved record is keyed by its id"
q_is "SELECT address FROM household WHERE id = 1" "$ADDR" "the record itself is untouched"
start --env KESRA_TODAY=$TODAY -- --schema "$SCHEMA"
msg_has "$RESUMEQ" "offered"
send y
if at_field "Alamat" && _poll 5 _field_has "Alamat" "Jl. Baru 7"; then
	ok "resumed in the address with the new text"
else
	not_ok "resumed in the address with the new text" "$(screen)"
fi
send F2
msg_has "$SAVED" "F2 saves the change"
q_is "SELECT address, rev FROM household WHERE id = 1" "Jl. Baru 7|$((rev + 1))" \
    "sqlite3: the change is saved (one revision more)"
q_is "SELECT count(*) FROM member WHERE parent_id = 1 AND deleted_at IS NULL" 1 \
    "the member row is still there"
q_is "SELECT count(*) FROM kesra_draft" 0 "saved: no draft"
finish
