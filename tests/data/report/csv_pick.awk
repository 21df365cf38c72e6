# csv_pick.awk: the columns named in `want` (separated by spaces) of a CSV
# file with a heading line, joined by commas (the picked values must hold
# none). Fields may be quoted (RFC 4180: commas, doubled quotes and line
# breaks inside). Used by tests/cli/report*.sh on `kesra export` output:
#     awk -v want="uuid village" -f tests/data/report/csv_pick.awk FILE
function split_csv(line,   n, i, c, f, q) {
	n = 0; f = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c != "\"") f = f c
			else if (substr(line, i + 1, 1) == "\"") { f = f c; i++ }
			else q = 0
		} else if (c == "\"") q = 1
		else if (c == ",") { F[++n] = f; f = "" }
		else f = f c
	}
	F[++n] = f
	return n
}
{
	rec = $0
	while (gsub(/"/, "\"", rec) % 2 == 1 && (getline more) > 0)
		rec = rec "\n" more
	n = split_csv(rec)
	if (NR == 1) {
		for (i = 1; i <= n; i++) col[F[i]] = i
		nw = split(want, w, " ")
		for (i = 1; i <= nw; i++)
			if (!(w[i] in col)) { print "no column " w[i] >"/dev/stderr"; exit 1 }
		next
	}
	out = ""
	for (i = 1; i <= nw; i++) out = out (i > 1 ? "," : "") F[col[w[i]]]
	print out
}
