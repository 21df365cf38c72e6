# tests/lib.sh: helpers for the shell tests (POSIX sh; sourced, not run).
#
#   . tests/lib.sh         from the repo root; $KESRA is the binary under test
#
# Output follows TAP loosely: one "ok - ..." or "not ok - ..." line per check,
# diagnostics on "# " lines; `finish` exits 1 when a check failed.
#
# Every script gets a private temporary folder $T (removed on exit unless
# KEEP=1) and, for the terminal tests, a private tmux server on its own socket
# (tmux -L kesra_test$$, killed on exit) running the real binary at 80x24.
# Everything kesra prints on stderr is kept in $T/*.err; `finish` fails when a
# sanitizer (make SAN=1) reported anything there.

TOP=$(pwd)
KESRA=${KESRA:-$TOP/kesra}
case $KESRA in
/*) ;;
*) KESRA=$TOP/$KESRA ;;
esac
# A predictable environment: nothing inherited may point kesra elsewhere.
unset KESRA_DB KESRA_SCHEMA KESRA_LANG KESRA_BUSY_TIMEOUT_MS LC_ALL LANGUAGE \
    TMUX
LANG=C.UTF-8
export LANG
# Sanitizer reports (make SAN=1) go to stderr, kept in $T/*.err; leaks
# count too.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS

T=$(mktemp -d "${TMPDIR:-/tmp}/kesra_test.XXXXXX") || {
	echo "not ok - cannot make a temporary folder"
	exit 1
}
# The parsed dictionary's cache (schema_cache.h) of this script only.
XDG_CACHE_HOME=$T/cache
export XDG_CACHE_HOME
SOCK=kesra_test$$
TM_SESSION=
NFAIL=0
NPASS=0
NRUN=0 # kesra starts in tmux, for the stderr files

cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	# the socket file outlives the server
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- reporting -------------------------------------------------------------

diag() { # print each argument line with "# " in front
	printf '%s\n' "$@" | sed 's/^/# /'
}

ok() {
	NPASS=$((NPASS + 1))
	echo "ok - $1"
}

not_ok() { # DESC [diagnostic lines...]
	NFAIL=$((NFAIL + 1))
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}

# check DESC COMMAND...: ok when the command succeeds.
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else not_ok "$_d" "command failed: $*"; fi
}

# is GOT WANT DESC: ok when the two strings are equal.
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3" "got:  '$1'" "want: '$2'"
	fi
}

# like TEXT PATTERN DESC: ok when TEXT contains the fixed string PATTERN.
like() {
	case $1 in
	*"$2"*) ok "$3" ;;
	*) not_ok "$3" "got:  '$1'" "want something containing: '$2'" ;;
	esac
}

# unlike TEXT PATTERN DESC: ok when TEXT does not contain PATTERN.
unlike() {
	case $1 in
	*"$2"*) not_ok "$3" "got:  '$1'" "which should not contain: '$2'" ;;
	*) ok "$3" ;;
	esac
}

# Fail when a sanitizer reported something in any captured stderr.
check_sanitizers() {
	_bad=""
	for _f in "$T"/*.err "$T"/*/*.err; do
		[ -f "$_f" ] || continue
		if grep -q -e 'runtime error' -e 'AddressSanitizer' \
		    -e 'LeakSanitizer' -e 'UndefinedBehaviorSanitizer' "$_f"; then
			_bad="$_bad $_f"
		fi
	done
	if [ -n "$_bad" ]; then
		for _f in $_bad; do
			not_ok "no sanitizer report in $(basename "$_f")" \
			    "$(head -40 "$_f")"
		done
	fi
}

finish() {
	check_sanitizers
	echo "# $NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
	exit $?
}

# ---- command line ------------------------------------------------------------

# run ARGS...: runs $KESRA with ARGS (and the caller's environment); sets
# RC, OUT and ERR (text of stdout and stderr). The stderr of each run is kept
# in $T/run.N.err for the sanitizer check.
NCLI=0
run() {
	NCLI=$((NCLI + 1))
	"$KESRA" "$@" >"$T/run.$NCLI.out" 2>"$T/run.$NCLI.err" </dev/null
	RC=$?
	OUT=$(cat "$T/run.$NCLI.out")
	ERR=$(cat "$T/run.$NCLI.err")
}

# Diagnostics for the last run.
run_diag() {
	printf 'exit %s\nstdout: %s\nstderr: %s\n' "$RC" "$OUT" "$ERR"
}

# sql DB QUERY: the sqlite3 CLI, list mode with '|' separators.
sql() {
	sqlite3 -batch "$1" "$2"
}

# Checksum of a file, or "absent".
sum_of() {
	if [ -e "$1" ]; then cksum <"$1"; else echo absent; fi
}

# Single-quote a word for sh.
shq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# ui_text MSGID [LANG]: the UI string as kesra shows it in language LANG
# (default $UI_LANG, else id), from the catalogues under build/locale; the
# msgid itself when there is no translation. Lets checks match UI strings
# whether or not po/ is translated yet.
ui_text() {
	# The catalogues the binary uses: build/locale beside a binary in the
	# source tree, else $KESRA_LOCALEDIR (the installed one is not known
	# here: the msgid is used).
	_kdir=$(dirname "$KESRA")
	if [ -f "$_kdir/src/main.c" ] && [ -d "$_kdir/build/locale" ]; then
		_ldir=$_kdir/build/locale
	else
		_ldir=${KESRA_LOCALEDIR:-}
	fi
	if [ -n "$_ldir" ] && command -v gettext >/dev/null 2>&1; then
		TEXTDOMAINDIR="$_ldir" LANGUAGE=${2:-${UI_LANG:-id}} \
		    LC_ALL=C.UTF-8 gettext kesra "$1"
	else
		printf '%s' "$1"
	fi
}

# ---- terminal (tmux) -----------------------------------------------------------

tm() {
	tmux -L "$SOCK" "$@"
}

# start [--term TERM] [--db FILE] [--env NAME=VALUE]... [--] ARGS...
# Starts "$KESRA ARGS" in a fresh tmux session at exactly 80x24, with
# TERM (default tmux-256color) and KESRA_DB (default $DB) in its environment.
# Its stderr goes to $T/tui.N.err, its exit status to $T/tui.N.status.
start() {
	# Inside tmux the right TERM is tmux's own: its Home/End/F-key
	# sequences are the ones tmux sends.
	_term=tmux-256color
	infocmp "$_term" >/dev/null 2>&1 || _term=screen
	_db=$DB
	_env=""
	while [ $# -gt 0 ]; do
		case $1 in
		--term) _term=$2; shift 2 ;;
		--db) _db=$2; shift 2 ;;
		--env) _env="$_env $(shq "$2")"; shift 2 ;;
		--) shift; break ;;
		*) break ;;
		esac
	done
	NRUN=$((NRUN + 1))
	STATUS_FILE=$T/tui.$NRUN.status
	ERR_FILE=$T/tui.$NRUN.err
	rm -f "$STATUS_FILE"
	_cmd="env TERM=$(shq "$_term") LANG=C.UTF-8 KESRA_DB=$(shq "$_db")$_env"
	_cmd="$_cmd $(shq "$KESRA")"
	for _a in "$@"; do _cmd="$_cmd $(shq "$_a")"; done
	_cmd="$_cmd 2>>$(shq "$ERR_FILE"); echo \$? >$(shq "$STATUS_FILE.tmp");"
	_cmd="$_cmd mv $(shq "$STATUS_FILE.tmp") $(shq "$STATUS_FILE")"
	_old=$TM_SESSION
	TM_SESSION=k$NRUN
	cat >"$T/tmux.conf" <<EOF
set -g exit-empty off
set -g status off
set -g escape-time 0
set -g remain-on-exit on
set -g history-limit 100
set -g default-shell /bin/sh
set-environment -g LANG C.UTF-8
EOF
	# One server per script (started with the configuration above when it
	# is not running yet); each start is a new session, the old one goes.
	tm -f "$T/tmux.conf" start-server \; \
	    set -g default-terminal "$_term" \; \
	    new-session -d -s "$TM_SESSION" -x 80 -y 24 /bin/sh -c "$_cmd"
	[ -z "$_old" ] || tm kill-session -t "$_old" >/dev/null 2>&1
}

# kesra_pid: the process id of kesra in the current session (the child of
# the pane's shell), or nothing.
kesra_pid() {
	_pp=$(tm display-message -p -t "$TM_SESSION" '#{pane_pid}' 2>/dev/null)
	[ -n "$_pp" ] && pgrep -P "$_pp" | head -1
}

# send KEYS...: tmux key names (Enter, Tab, BTab, F2, C-o, NPage, ...).
send() {
	tm send-keys -t "$TM_SESSION" "$@"
}

# type TEXT: literal text (UTF-8).
type_text() {
	tm send-keys -t "$TM_SESSION" -l -- "$1"
}

# The screen as text.
screen() {
	tm capture-pane -p -t "$TM_SESSION"
}

# screen_line N: line N of the screen (1 = top).
screen_line() {
	screen | sed -n "${1}p"
}

# Cursor position "X Y" (0-based).
cursor() {
	tm display-message -p -t "$TM_SESSION" '#{cursor_x} #{cursor_y}'
}

cursor_y() {
	tm display-message -p -t "$TM_SESSION" '#{cursor_y}'
}

# row_of TEXT: 0-based row of the first screen line containing TEXT, or -1.
row_of() {
	screen | awk -v t="$1" 'index($0, t) { print NR - 1; f = 1; exit }
	    END { if (!f) print -1 }'
}

# _poll TIMEOUT COMMAND...: run COMMAND every 0.1 s until it succeeds, for
# at most TIMEOUT seconds. Gives up at once when kesra has exited (unless
# waiting for that), so that a crash does not cost a timeout per check.
_poll() {
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" && return 0
		if [ -z "$_POLL_EXIT" ] && [ -n "$STATUS_FILE" ] &&
		    [ -f "$STATUS_FILE" ]; then
			break
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	"$@"
}

_on_screen() { screen | grep -F -q -- "$1"; }
_not_on_screen() { ! _on_screen "$1"; }
_cursor_row_is() { [ "$(cursor_y)" = "$1" ]; }

# wait_for TEXT [SECONDS]: until TEXT is on the screen (default 5 s).
wait_for() {
	_poll "${2:-5}" _on_screen "$1"
}

# wait_gone TEXT [SECONDS]: until TEXT is no longer on the screen.
wait_gone() {
	_poll "${2:-5}" _not_on_screen "$1"
}

# wait_cursor_row ROW [SECONDS]: until the cursor is on row ROW (0-based).
wait_cursor_row() {
	_poll "${2:-5}" _cursor_row_is "$1"
}

# wait_exit [SECONDS]: until kesra exits; prints its exit status. Fails
# (printing nothing) when it is still running.
wait_exit() {
	_POLL_EXIT=1
	if _poll "${1:-5}" test -f "$STATUS_FILE"; then
		_POLL_EXIT=
		cat "$STATUS_FILE"
		return 0
	fi
	_POLL_EXIT=
	return 1
}

# expect TEXT DESC [SECONDS]: a check that TEXT appears on the screen; on
# failure the screen is shown.
expect() {
	if wait_for "$1" "${3:-5}"; then
		ok "$2"
	else
		not_ok "$2" "waited for: '$1'" "screen:" "$(screen)"
	fi
}

# expect_gone TEXT DESC [SECONDS]
expect_gone() {
	if wait_gone "$1" "${3:-5}"; then
		ok "$2"
	else
		not_ok "$2" "waited for '$1' to go" "screen:" "$(screen)"
	fi
}

# form_screen: the screen with the dotted leaders between a form's labels
# and its fields shown as blanks (so "Label ...... value" reads as
# "Label        value").
form_screen() {
	screen | awk '{ while (match($0, /\.\.+ /))
	    $0 = substr($0, 1, RSTART - 1) sprintf("%" RLENGTH "s", "") \
	    substr($0, RSTART + RLENGTH); print }'
}

# label_row LABEL: 0-based row of the form line that starts with LABEL
# (followed by a space, or the end of the line; a leader counts as
# blanks), or -1.
label_row() {
	form_screen | awk -v t="$1" '
	    index($0, t) == 1 && (length($0) == length(t) ||
	    substr($0, length(t) + 1, 1) == " ") { print NR - 1; f = 1; exit }
	    END { if (!f) print -1 }'
}

_at_field() {
	_r=$(label_row "$1")
	[ "$_r" -ge 0 ] && [ "$(cursor_y)" = "$_r" ]
}

# at_field LABEL [SECONDS]: until the cursor stands in the field of LABEL.
at_field() {
	_poll "${2:-5}" _at_field "$1"
}

# _row_has ROW TEXT: screen row ROW (0-based) contains TEXT.
_row_has() {
	[ "$1" -ge 0 ] && screen | sed -n "$(($1 + 1))p" | grep -F -q -- "$2"
}

# _row_matches ROW REGEX: screen row ROW (0-based) matches the ERE.
_row_matches() {
	[ "$1" -ge 0 ] && screen | sed -n "$(($1 + 1))p" | grep -E -q -- "$2"
}

# _field_text LABEL: what the form line of LABEL shows after the label.
_field_text() {
	form_screen | awk -v t="$1" '
	    index($0, t) == 1 && (length($0) == length(t) ||
	    substr($0, length(t) + 1, 1) == " ") {
		print substr($0, length(t) + 1); exit }'
}

# _shows_typed LABEL VALUE: the field of LABEL shows VALUE, or at least its
# last 12 characters (a field as wide as its value scrolls while the cursor
# stands after the last character).
_shows_typed() {
	_ft=$(_field_text "$1")
	case $_ft in
	*"$2"*) return 0 ;;
	esac
	_tail=$(printf '%s' "$2" | awk '{ print substr($0,
	    length($0) > 12 ? length($0) - 11 : 1) }')
	case $_ft in
	*"$_tail"*) return 0 ;;
	esac
	return 1
}

# fill LABEL VALUE [KEY]: wait until the cursor is in the field of LABEL,
# type VALUE, wait until it shows, then press KEY (default Enter; "" none).
# Fails (with the screen as diagnostics) when a step does not happen.
fill() {
	if ! at_field "$1"; then
		diag "fill: the cursor is not in field '$1'"
		screen_diag
		return 1
	fi
	type_text "$2"
	if ! _poll 5 _shows_typed "$1" "$2"; then
		diag "fill: '$2' does not show in field '$1'"
		screen_diag
		return 1
	fi
	[ "${3-Enter}" = "" ] || send "${3-Enter}"
}

# The message line (row 23 of 24) of kesra's screens.
msg_line() { screen_line 23; }
_msg_has() { msg_line | grep -F -q -- "$1"; }
_msg_empty() { [ -z "$(msg_line | tr -d ' ')" ]; }

# msg_has TEXT DESC: a check that the message line shows TEXT (waits).
msg_has() {
	if _poll 5 _msg_has "$1"; then
		ok "$2"
	else
		not_ok "$2" "message line should contain '$1'" \
		    "message line: '$(msg_line)'" "screen:" "$(screen)"
	fi
}

# cursor_in LABEL DESC: a check that the cursor stands in that field.
cursor_in() {
	if at_field "$1"; then
		ok "$2"
	else
		not_ok "$2" "the cursor should be in '$1' (row $(label_row \
		    "$1"))" "cursor: $(cursor)" "screen:" "$(screen)"
	fi
}

# Show the screen as diagnostics.
screen_diag() {
	diag "screen:" "$(screen)" "cursor: $(cursor)"
}
