#!/bin/sh
# tests/tui/valgrind.sh: a short entry session under valgrind (memcheck,
# --leak-check=full) in tmux at 80x24: the menu, a new household typed and
# saved, the list, the record opened again, quit. Fails
# on any invalid access or definite leak (--error-exitcode). Runs the
# plain build only (valgrind cannot run an ASan binary); skipped when
# valgrind is missing or under make SAN=1.
. tests/lib.sh
B=${B:-build/rel}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "ok - # SKIP valgrind is not installed"
	finish
fi
case $B in
*san*)
	echo "ok - # SKIP valgrind: the SAN=1 build runs under ASan instead"
	finish
	;;
esac
SCHEMA=$TOP/tests/data/fault/schema
DB=$T/vg.db
"$KESRA" --schema "$SCHEMA" --db "$DB" init >/dev/null
cat >"$T/vg" <<EOF2
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --log-file=$T/valgrind.log "$KESRA" "\$@"
EOF2
chmod +x "$T/vg"
_k=$KESRA
KESRA=$T/vg
start --schema "$SCHEMA"
KESRA=$_k
expect "Rumah tangga" "valgrind: the menu shows" 30
send n
ok_fill=1
fill "Nama kepala" "Yohana Kambu" 2>/dev/null || ok_fill=0
fill "Alamat" "Jl. Basuki Rahmat 12" "" || ok_fill=0
is "$ok_fill" 1 "valgrind: a household typed"
send F2
msg_has "Yohana Kambu" "valgrind: F2 saves"
send F10
wait_gone "Nama kepala" 10
send Enter
expect "Yohana Kambu" "valgrind: the list shows it" 10
send Enter
expect "#1" "valgrind: the record opens again" 10
send F10
wait_gone "Nama kepala" 10
send F10
send F10
st=$(wait_exit 30)
is "$st" 0 "valgrind: no invalid access, no definite leak (exit status)"
if [ -s "$T/valgrind.log" ]; then
	not_ok "valgrind: nothing reported" "$(head -40 "$T/valgrind.log")"
else
	ok "valgrind: nothing reported"
fi
is "$(sql "$DB" "SELECT name FROM household")" "Yohana Kambu" \
    "valgrind: the record is stored"
finish
