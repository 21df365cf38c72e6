/*
 * fuzz_expr: libFuzzer target for expression compilation. A small fixed
 * dictionary (a household with a member roster) is loaded once; each
 * input becomes, in turn, a constraint, a calculation, a relevance and a
 * rule of the member record (the first byte chooses which, the rest is
 * the text), is checked with expr_check_schema, and when it compiles it is
 * evaluated over a record holding values, on an in-memory connection with
 * kesra's helper functions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "expr.h"
#include "record.h"
#include "schema.h"
#include "schema_yaml.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char dictionary[] =
    "dictionary: fuzz\n"
    "version: 1\n"
    "languages: [en]\n"
    "value_sets:\n"
    "  sex:\n"
    "    - {code: 1, label: {en: Male}, group: a}\n"
    "    - {code: 2, label: {en: Female}, group: b}\n"
    "  aid:\n"
    "    - {code: pkh, label: {en: PKH}}\n"
    "    - {code: bpnt, label: {en: BPNT}}\n"
    "records:\n"
    "  household:\n"
    "    fields:\n"
    "      - {name: kk, type: kk}\n"
    "      - {name: address, type: text}\n"
    "      - {name: size, type: integer}\n"
    "  member:\n"
    "    parent: household\n"
    "    fields:\n"
    "      - {name: name, type: text}\n"
    "      - {name: nik, type: nik}\n"
    "      - {name: sex, type: select_one, values: sex}\n"
    "      - {name: aid, type: select_multiple, values: aid}\n"
    "      - {name: birth_date, type: date}\n"
    "      - {name: income, type: decimal}\n"
    "      - {name: age, type: integer}\n"
    "      - {name: head, type: yesno}\n"
    "      - {name: x, type: integer}\n"
    "      - {name: c, type: calculate, calculation: \"age + 1\"}\n"
    "    rules:\n"
    "      - {name: r, check: \"1\", severity: warning,\n"
    "         message: {en: rule}}\n";

static struct schema *s;
static sqlite3 *h;
static struct sch_record *member, *household;
static size_t fx, fc;

static void
setup(void)
{
	struct diags d = {0};
	char *err = NULL;

	s = schema_yaml_load_string("fuzz.yaml", dictionary,
	    sizeof dictionary - 1, &d);
	if (s == NULL || d.n > 0) {
		diags_print(&d, stderr);
		abort();
	}
	diags_free(&d);
	household = (struct sch_record *)schema_record(s, "household");
	member = (struct sch_record *)schema_record(s, "member");
	fx = (size_t)schema_field_index(member, "x");
	fc = (size_t)schema_field_index(member, "c");
	if (sqlite3_open(":memory:", &h) != SQLITE_OK ||
	    expr_register_functions(h, &err) < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags d = {0};
	struct sch_expr *e, saved;
	struct expr_set *x;
	struct record *r, *p;
	char *text, *out = NULL;
	int which;

	if (s == NULL)
		setup();
	if (size < 1 || size > 64 * 1024)
		return 0;
	which = data[0] % 4;
	text = xmalloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (which) {
	case 0: e = &member->fields[fx].constraint; break;
	case 1: e = &member->fields[fc].calculation; break;
	case 2: e = &member->fields[fx].relevant; break;
	default: e = &member->rules[0].check; break;
	}
	saved = *e;
	e->text = text;
	if (expr_check_schema(s, &d) == 0 && d.n == 0 &&
	    (x = expr_compile(h, s, &d)) != NULL) {
		p = record_new(household);
		r = record_new(member);
		record_set_by_name(p, "kk", "9201010101010001");
		record_set_by_name(p, "address", "Jl. \x1b[2J Sorong");
		record_set_by_name(p, "size", "4");
		record_set_by_name(r, "name", "Yohana \xe2\x80\xae");
		record_set_by_name(r, "nik", "9201014101900001");
		record_set_by_name(r, "sex", "2");
		record_set_by_name(r, "aid", "pkh bpnt");
		record_set_by_name(r, "birth_date", "1990-01-01");
		record_set_by_name(r, "income", "1250000.5");
		record_set_by_name(r, "age", "35");
		record_set_by_name(r, "head", "1");
		record_set_by_name(r, "x", "7");
		(void)expr_constraint(x, r, p, fx);
		(void)expr_relevant(x, r, p, fx);
		(void)expr_rule(x, r, p, 0);
		if (expr_calculate(x, r, p, fc, &out) == 0)
			free(out);
		(void)expr_refresh(x, r, p, NULL);
		record_free(r);
		record_free(p);
		expr_free(x);
	}
	diags_free(&d);
	*e = saved;
	free(text);
	return 0;
}
