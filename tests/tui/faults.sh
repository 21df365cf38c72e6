#!/bin/sh
# tests/tui/faults.sh: the entry screens on a full disk and on a read-only
# database, driven in tmux at 80x24.
#
# Full disk: a 512 KiB tmpfs (needs root: mount -t tmpfs; skipped when it
# cannot be mounted) holds the database; once kesra runs, a file fills
# the rest. F2 then shows "disk full" on the message line, and the form
# stays open with every typed value; after space is freed F2 saves.
# The same without root: an LD_PRELOAD shim (tests/tools/shim/enospc.c)
# makes writes to files fail with ENOSPC while a flag file exists.
#
# Read-only: the database file 0444 in a folder 0555. As root (who may
# write anything) kesra runs as user nobody through setpriv, from a copy
# of the binary and catalogues in a folder nobody can read. kesra starts
# with a message, lists and opens the records, and refuses F2 with a
# message, keeping the form; the file is unchanged.
. tests/lib.sh
B=${B:-build/rel}
SAVER=$TOP/$B/tools/fault_saver
SCHEMA=$TOP/tests/data/fault/schema
FULL=$T/full
trap 'umount "$FULL" 2>/dev/null; cleanup' EXIT

DISKFULL=$(ui_text "%s: the disk is full")
DISKFULL=${DISKFULL#%s: }
READONLY=$(ui_text "%s: the database is read-only")
READONLY=${READONLY#%s: }
ROSTART=$(ui_text "Read-only database: records can be viewed, not saved")

# ---- a full disk ------------------------------------------------------------
mkdir -p "$FULL"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=512k,mode=0755 tmpfs \
    "$FULL" 2>/dev/null; then
	DB=$FULL/k.db
	"$KESRA" --schema "$SCHEMA" --db "$DB" init >/dev/null 2>"$T/init.err"
	start --schema "$SCHEMA"
	expect "Rumah tangga" "full disk: the menu shows"
	# fill what is left of the tmpfs
	dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
	check "full disk: the tmpfs is full" [ "$(df -k "$FULL" |
	    awk 'NR == 2 { print $4 }')" -eq 0 ]
	send n
	ok_fill=1
	fill "Nama kepala" "Yohana Kambu" &&
	fill "Alamat" "Jl. Basuki Rahmat 12, Sorong" "" || ok_fill=0
	is "$ok_fill" 1 "full disk: a household typed"
	send F2
	msg_has "$DISKFULL" "full disk: F2 says the disk is full"
	like "$(screen)" "Yohana Kambu" "full disk: the form keeps the name"
	like "$(screen)" "Jl. Basuki Rahmat 12, Sorong" \
	    "full disk: the form keeps the address"
	rm -f "$FULL/filler"
	send F2
	msg_has "Yohana Kambu" "after freeing space F2 saves the same form"
	is "$(sql "$DB" "SELECT name, address FROM household")" \
	    "Yohana Kambu|Jl. Basuki Rahmat 12, Sorong" \
	    "sqlite3: the record saved once space was there"
	is "$(sql "$DB" "PRAGMA integrity_check")" ok \
	    "full disk: integrity_check ok"
	send F10
	send F10
	wait_exit >/dev/null
	umount "$FULL"
else
	echo "ok - # SKIP full disk: cannot mount a tmpfs (needs root)"
fi

# ---- a full disk without root: an LD_PRELOAD shim ------------------------------
# $B/tools/enospc.so makes every write to a regular file fail with ENOSPC
# while the file $KESRA_ENOSPC exists (terminal writes go through).
SHIM=$TOP/$B/tools/enospc.so
if [ -f "$SHIM" ]; then
	DB=$T/shim.db
	FLAG=$T/disk-full
	"$KESRA" --schema "$SCHEMA" --db "$DB" init >/dev/null 2>"$T/init.err"
	start --env "LD_PRELOAD=$SHIM" --env "KESRA_ENOSPC=$FLAG" \
	    --env "ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0" \
	    --schema "$SCHEMA"
	expect "Rumah tangga" "ENOSPC shim: the menu shows"
	: >"$FLAG"
	send n
	ok_fill=1
	fill "Nama kepala" "Markus Wanma" &&
	fill "Alamat" "Kampung Baru, Raja Ampat" "" || ok_fill=0
	is "$ok_fill" 1 "ENOSPC shim: a household typed"
	send F2
	msg_has "$DISKFULL" "ENOSPC shim: F2 says the disk is full"
	like "$(screen)" "Markus Wanma" "ENOSPC shim: the form keeps the name"
	like "$(screen)" "Kampung Baru, Raja Ampat" \
	    "ENOSPC shim: the form keeps the address"
	rm -f "$FLAG"
	send F2
	msg_has "Markus Wanma" "ENOSPC shim: once writes work F2 saves"
	is "$(sql "$DB" "SELECT name, address FROM household")" \
	    "Markus Wanma|Kampung Baru, Raja Ampat" \
	    "ENOSPC shim: the record saved, once"
	is "$(sql "$DB" "PRAGMA integrity_check")" ok \
	    "ENOSPC shim: integrity_check ok"
	send F10
	send F10
	wait_exit >/dev/null
else
	not_ok "the ENOSPC shim is built ($SHIM; make test builds it)"
fi

# ---- a read-only database ----------------------------------------------------
RO=$T/ro
mkdir -p "$RO/db" "$RO/bin"
chmod 755 "$T" "$RO" "$RO/bin"
DB=$RO/db/k.db
if [ -x "$SAVER" ]; then
	"$SAVER" "$SCHEMA" "$DB" 1 3 >/dev/null 2>"$T/saver.err"
fi
is "$(sql "$DB" "SELECT count(*) FROM household")" 3 "read-only: 3 households saved"
sql "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
rm -f "$DB-wal" "$DB-shm"
chmod 444 "$DB"
chmod 555 "$RO/db"
before=$(sum_of "$DB")
if [ "$(id -u)" -eq 0 ]; then
	# root may write anything: run kesra as nobody, from a copy
	cp "$KESRA" "$RO/bin/kesra"
	cp -r "$SCHEMA" "$RO/schema"
	cp -r "$TOP/build/locale" "$RO/locale"
	chmod -R a+rX "$RO/bin" "$RO/schema" "$RO/locale"
	cat >"$RO/kesra-nobody" <<EOF2
#!/bin/sh
exec setpriv --reuid=65534 --regid=65534 --clear-groups --reset-env \
    env TERM="\$TERM" LANG=C.UTF-8 KESRA_DB="\$KESRA_DB" \
    KESRA_LOCALEDIR=$RO/locale HOME=/nonexistent \
    $RO/bin/kesra --schema $RO/schema "\$@"
EOF2
	chmod 755 "$RO/kesra-nobody"
	RUN_RO=$RO/kesra-nobody
else
	RUN_RO=$KESRA
fi
if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null 2>&1; then
	echo "ok - # SKIP read-only: no setpriv to run as another user"
else
	_saved=$KESRA
	KESRA=$RUN_RO
	if [ "$RUN_RO" = "$_saved" ]; then
		start --schema "$SCHEMA"
	else
		start
	fi
	KESRA=$_saved
	msg_has "$ROSTART" "read-only: kesra starts with a message saying so"
	expect "Rumah tangga" "read-only: the menu shows"
	send Enter
	expect "h3" "read-only: the list shows the records"
	send Enter
	expect "h1" "read-only: Enter opens a record"
	send Tab
	if at_field "Alamat"; then
		send C-k
		fill "Alamat" "changed" ""
	fi
	send F2
	msg_has "$READONLY" "read-only: F2 says the database is read-only"
	like "$(screen)" "changed" "read-only: the form keeps the typed value"
	is "$(sum_of "$DB")" "$before" "read-only: the file is unchanged"
	send F10
	send n
	send F10
	send F10
	st=$(wait_exit)
	is "$st" 0 "read-only: kesra exits normally"
fi
chmod 755 "$RO/db"
finish
