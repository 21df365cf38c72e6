/*
 * test_schema: the YAML loader. A good dictionary (from a string, a file
 * and a folder with forms), and every kind of mistake reported with its
 * file:line:col, all of them at once.
 */
#include "testutil.h"

/* Line numbers below are part of the tests: keep them in step. */
static const char good_dict[] =
    "# test dictionary\n"                                          /* 1 */
    "dictionary: testdict\n"                                       /* 2 */
    "version: 3\n"                                                 /* 3 */
    "languages: [id, en]\n"                                        /* 4 */
    "value_sets:\n"                                                /* 5 */
    "  sex:\n"                                                     /* 6 */
    "    - {code: 1, label: {id: Laki-laki, en: Male}}\n"          /* 7 */
    "    - {code: 2, label: {id: Perempuan, en: Female}}\n"        /* 8 */
    "  colour:\n"                                                  /* 9 */
    "    - {code: red, label: {id: Merah}}\n"                      /* 10 */
    "    - {code: blue, label: Biru}\n"                            /* 11 */
    "records:\n"                                                   /* 12 */
    "  person:\n"                                                  /* 13 */
    "    label: {id: Orang, en: Person}\n"                         /* 14 */
    "    title: \"${name} (${age})\"\n"                            /* 15 */
    "    fields:\n"                                                /* 16 */
    "      - {name: name, type: text, required: true, width: 40,\n"/* 17 */
    "         label: {id: Nama, en: Name}, hint: {en: Full name}}\n"
    "      - {name: age, type: integer, min: 0, max: 130, label: {id: Umur}}\n"
    "      - {name: height, type: decimal, min: 0.5, max: 2.5}\n"  /* 20 */
    "      - {name: born, type: date}\n"                           /* 21 */
    "      - {name: married, type: yesno, required: false}\n"      /* 22 */
    "      - {name: sex, type: select_one, values: sex}\n"         /* 23 */
    "      - {name: colour, type: select_one, values: colour}\n"   /* 24 */
    "  visit:\n"                                                   /* 25 */
    "    parent: person\n"                                         /* 26 */
    "    fields:\n"                                                /* 27 */
    "      - name: note\n"                                         /* 28 */
    "        type: text\n";                                        /* 29 */

static const struct sch_field *
fld(const struct sch_record *r, const char *name)
{
	int i = schema_field_index(r, name);
	if (i < 0)
		fail_msg("record %s has no field %s", r->name, name);
	return &r->fields[i];
}

/* Checks shared by every way of loading good_dict. */
static void
check_good(const struct schema *s)
{
	const struct sch_record *p, *v;
	const struct sch_valueset *sex, *colour;
	const struct sch_field *f;
	size_t i;

	assert_string_equal(s->name, "testdict");
	assert_int_equal(s->version, 3);
	assert_int_equal(s->nlangs, 2);
	assert_string_equal(s->langs[0], "id");
	assert_string_equal(s->langs[1], "en");
	assert_int_equal(schema_lang_index(s, "en"), 1);
	assert_int_equal(schema_lang_index(s, "fr"), -1);

	/* value sets */
	assert_int_equal(s->nvaluesets, 2);
	sex = schema_valueset(s, "sex");
	colour = schema_valueset(s, "colour");
	assert_non_null(sex);
	assert_non_null(colour);
	assert_null(schema_valueset(s, "nosuch"));
	assert_int_equal(sex->nchoices, 2);
	assert_true(sex->numeric);
	assert_false(colour->numeric);
	assert_int_equal(sex->line, 6);
	assert_int_equal(sex->col, 3);
	assert_string_equal(sex->choices[1].code, "2");
	assert_string_equal(sch_text_get(&sex->choices[1].label, 1, NULL),
	    "Female");
	assert_string_equal(sch_text_get(&schema_choice(sex, "1")->label, 0,
	    NULL), "Laki-laki");
	assert_null(schema_choice(sex, "3"));
	/* a plain label is the first language's */
	assert_string_equal(schema_choice(colour, "blue")->label.s[0], "Biru");
	assert_null(schema_choice(colour, "blue")->label.s[1]);

	/* records */
	assert_int_equal(s->nrecords, 2);
	p = schema_record(s, "person");
	v = schema_record(s, "visit");
	assert_non_null(p);
	assert_non_null(v);
	assert_null(schema_record(s, "household"));
	assert_string_equal(schema_record_label(p, 1), "Person");
	assert_string_equal(schema_record_label(v, 1), "visit");
	assert_string_equal(p->title, "${name} (${age})");
	assert_null(p->parent);
	assert_string_equal(v->parent, "person");
	assert_int_equal(p->line, 13);
	assert_int_equal(p->col, 3);

	/* fields, in dictionary order */
	assert_int_equal(p->nfields, 7);
	static const char *const names[] = {"name", "age", "height", "born",
		"married", "sex", "colour"};
	static const enum field_type types[] = {FT_TEXT, FT_INTEGER,
		FT_DECIMAL, FT_DATE, FT_YESNO, FT_SELECT_ONE, FT_SELECT_ONE};
	static const char *const sql[] = {"TEXT", "INTEGER", "REAL", "TEXT",
		"INTEGER", "INTEGER", "TEXT"};
	static const int widths[] = {40, 10, 12, 10, 1, 1, 4};
	for (i = 0; i < 7; i++) {
		f = &p->fields[i];
		assert_string_equal(f->name, names[i]);
		assert_int_equal(f->type, types[i]);
		assert_string_equal(schema_field_sql_type(f), sql[i]);
		assert_int_equal(f->width, widths[i]);
		assert_int_equal(f->line, 17 + (int)i + (i > 0));
		assert_int_equal(f->col, 9);
	}
	f = fld(p, "name");
	assert_true(f->required);
	assert_string_equal(schema_field_label(f, 0), "Nama");
	assert_string_equal(schema_field_label(f, 1), "Name");
	assert_string_equal(sch_text_get(&f->hint, 1, NULL), "Full name");
	assert_string_equal(sch_text_get(&f->hint, 0, "none"), "none");
	f = fld(p, "age");
	assert_false(f->required);
	assert_true(f->has_min && f->has_max);
	assert_true(f->min == 0 && f->max == 130);
	/* no English label: the first language's */
	assert_string_equal(schema_field_label(f, 1), "Umur");
	f = fld(p, "height");
	assert_true(f->min == 0.5 && f->max == 2.5);
	assert_string_equal(schema_field_label(f, 1), "height");
	assert_false(fld(p, "married")->required);
	assert_false(fld(p, "born")->has_min);
	assert_ptr_equal(fld(p, "sex")->vs, sex);
	assert_ptr_equal(fld(p, "colour")->vs, colour);
	assert_string_equal(fld(v, "note")->name, "note");
	assert_int_equal(fld(v, "note")->line, 28);
	assert_int_equal(fld(v, "note")->col, 9);

	assert_int_equal(strlen(s->hash), 16);
	assert_int_equal(strspn(s->hash, "0123456789abcdef"), 16);
}

/* Without a form file: one generated page, dictionary order. */
static void
check_generated_page(const struct sch_record *r)
{
	size_t i;
	assert_null(r->form_file);
	assert_int_equal(r->npages, 1);
	assert_int_equal(r->pages[0].nfields, r->nfields);
	for (i = 0; i < r->nfields; i++)
		assert_int_equal(r->pages[0].fields[i], i);
}

static void
test_good_string(void **state)
{
	struct diags d = {0};
	struct schema *s;
	(void)state;
	s = schema_yaml_load_string("dict.yaml", good_dict, strlen(good_dict),
	    &d);
	tu_diags_dump(&d);
	assert_non_null(s);
	assert_int_equal(d.n, 0);
	check_good(s);
	assert_string_equal(s->file, "dict.yaml");
	assert_null(s->dir);
	check_generated_page(schema_record(s, "person"));
	check_generated_page(schema_record(s, "visit"));
	schema_free(s);
}

static void
test_good_file(void **state)
{
	struct diags d = {0};
	char *path = tu_write_file(*state, "dtsen.yaml", good_dict);
	struct schema *s = schema_yaml_load_file(path, &d);
	tu_diags_dump(&d);
	assert_non_null(s);
	assert_int_equal(d.n, 0);
	check_good(s);
	assert_string_equal(s->file, path);
	schema_free(s);
	free(path);
}

static const char good_form[] =
    "record: person\n"
    "pages:\n"
    "  - title: {id: Identitas, en: Identity}\n"
    "    fields: [name, sex, born]\n"
    "  - title: Lainnya\n"
    "    fields: [age, height]\n"
    "roster_columns: [name, age]\n";

static void
test_folder_with_forms(void **state)
{
	struct diags d = {0};
	char *sdir = tu_mkdir(*state, "schema"), *fdir = tu_mkdir(*state, "forms");
	char *dict = tu_write_file(sdir, "dtsen.yaml", good_dict);
	char *form = tu_write_file(fdir, "person.yaml", good_form);
	const struct sch_record *p;
	struct schema *s;

	/* Neighbours that are not the dictionary are left alone. */
	free(tu_write_file(sdir, "reports.yaml", "dictionary: not_this_one\n"));
	free(tu_write_file(sdir, "notes.yaml", "owner: dinsos\nlist: [1, 2]\n"));
	free(tu_write_file(sdir, "wilayah.csv", "code,name,level\n"));
	free(tu_write_file(sdir, ".hidden.yaml", "dictionary: hidden\n"));
	free(tu_write_file(fdir, "README.txt", "not yaml"));

	s = schema_yaml_load(sdir, fdir, &d);
	tu_diags_dump(&d);
	assert_non_null(s);
	assert_int_equal(d.n, 0);
	check_good(s);
	assert_string_equal(s->dir, sdir);
	assert_string_equal(s->file, dict);

	p = schema_record(s, "person");
	assert_string_equal(p->form_file, form);
	assert_int_equal(p->npages, 2);
	assert_string_equal(sch_text_get(&p->pages[0].title, 1, NULL),
	    "Identity");
	assert_string_equal(sch_text_get(&p->pages[0].title, 0, NULL),
	    "Identitas");
	/* a plain title falls back to the first language */
	assert_string_equal(sch_text_get(&p->pages[1].title, 1, NULL),
	    "Lainnya");
	/* name, sex, born */
	assert_int_equal(p->pages[0].nfields, 3);
	assert_int_equal(p->pages[0].fields[0], 0);
	assert_int_equal(p->pages[0].fields[1], 5);
	assert_int_equal(p->pages[0].fields[2], 3);
	/* age, height, then the fields the form left out: married, colour */
	assert_int_equal(p->pages[1].nfields, 4);
	assert_int_equal(p->pages[1].fields[0], 1);
	assert_int_equal(p->pages[1].fields[1], 2);
	assert_int_equal(p->pages[1].fields[2], 4);
	assert_int_equal(p->pages[1].fields[3], 6);
	/* visit has no form file */
	check_generated_page(schema_record(s, "visit"));
	schema_free(s);

	/* No forms folder at all: every record gets a generated form. */
	s = schema_yaml_load(sdir, NULL, &d);
	assert_non_null(s);
	check_generated_page(schema_record(s, "person"));
	schema_free(s);
	free(dict);
	free(form);
	free(sdir);
	free(fdir);
}

static void
test_form_unknown_field(void **state)
{
	struct diags d = {0};
	char *sdir = tu_mkdir(*state, "schema"), *fdir = tu_mkdir(*state, "forms");
	char *form = tu_write_file(fdir, "person.yaml",
	    "record: person\n"
	    "pages:\n"
	    "  - title: A\n"
	    "    fields: [name, shoe_size, age]\n"
	    "roster_columns: [name, hat]\n");
	free(tu_write_file(sdir, "dtsen.yaml", good_dict));
	assert_null(schema_yaml_load(sdir, fdir, &d));
	assert_int_equal(d.n, 2);
	tu_assert_diag_at(&d, "form 'person': unknown field 'shoe_size'", 4, 20);
	assert_string_equal(tu_diag_get(&d, "shoe_size")->file, form);
	tu_assert_diag_at(&d, "roster column names unknown field 'hat'", 5, 24);
	diags_free(&d);
	free(form);
	free(sdir);
	free(fdir);
}

static void
test_form_mistakes(void **state)
{
	struct diags d = {0};
	char *sdir = tu_mkdir(*state, "schema"), *fdir = tu_mkdir(*state, "forms");
	char *house = tu_write_file(fdir, "house.yaml", "record: house\n"
	    "pages: []\n");
	free(tu_write_file(sdir, "dtsen.yaml", good_dict));
	free(tu_write_file(fdir, "person.yaml",
	    "record: visit\n"                         /* 1 wrong record */
	    "pages:\n"
	    "  - title: A\n"
	    "    fields: [name, age, name]\n"         /* 4 placed twice */
	    "  - {title: B, fields: [height], colour: red}\n")); /* 5 key */
	/* A form without record: is fine (the file name says it). */
	free(tu_write_file(fdir, "visit.yaml", "pages:\n"
	    "  - {fields: [note]}\n"));
	assert_null(schema_yaml_load(sdir, fdir, &d));
	assert_int_equal(d.n, 4);
	tu_assert_diag_at(&d, "form for unknown record 'house'", 0, 0);
	assert_string_equal(tu_diag_get(&d, "'house'")->file, house);
	tu_assert_diag_at(&d, "form file for 'person' says record 'visit'", 1, 9);
	tu_assert_diag_at(&d, "form 'person': field 'name' is placed twice", 4,
	    25);
	tu_assert_diag_at(&d, "a page: unknown key 'colour' (known: title, "
	    "fields)", 5, 34);
	diags_free(&d);
	free(house);
	free(sdir);
	free(fdir);
}

static void
test_text_fallback(void **state)
{
	struct sch_text t = {0};
	(void)state;
	assert_string_equal(sch_text_get(&t, 0, "dflt"), "dflt");
	assert_null(sch_text_get(&t, 1, NULL));
	t.s[0] = xstrdup("Rumah tangga");
	assert_string_equal(sch_text_get(&t, 1, "dflt"), "Rumah tangga");
	assert_string_equal(sch_text_get(&t, 0, "dflt"), "Rumah tangga");
	t.s[1] = xstrdup("Household");
	assert_string_equal(sch_text_get(&t, 1, "dflt"), "Household");
	assert_string_equal(sch_text_get(&t, 0, "dflt"), "Rumah tangga");
	/* out-of-range languages fall back too */
	assert_string_equal(sch_text_get(&t, -1, NULL), "Rumah tangga");
	assert_string_equal(sch_text_get(&t, SCHEMA_MAX_LANGS, NULL),
	    "Rumah tangga");
	/* only a second-language text: the default, not the other language */
	free(t.s[0]);
	t.s[0] = NULL;
	assert_string_equal(sch_text_get(&t, 0, "dflt"), "dflt");
	sch_text_free(&t);
	assert_null(t.s[1]);
}

static void
test_malformed_yaml(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "records:\n"
	    "  r:\n"
	    "    label: a: b\n"
	    "    fields: []\n", &d);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, "bad.yaml");
	tu_assert_diag_at(&d, "YAML syntax: mapping values are not allowed", 4,
	    13);
	diags_free(&d);

	/* An unclosed flow list: reported where the parser gave up. */
	tu_schema_bad("dictionary: bad\n"
	    "languages: [id, en\n"
	    "records:\n", &d);
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "YAML syntax:");
	assert_true(d.v[0].line >= 3);
	diags_free(&d);

	/* A tab for indentation. */
	tu_schema_bad("dictionary: bad\nrecords:\n\tr: {}\n", &d);
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "YAML syntax:");
	assert_int_equal(d.v[0].line, 3);
	diags_free(&d);
}

/* A pattern whose compilation would blow up is refused before regcomp. */
static void
test_pattern_refused(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: a, type: text, pattern: \"((((a+)+)+)+)++\"}\n"
	    "      - {name: b, type: text, pattern: \"[0-9]{1,999}\"}\n"
	    "      - {name: c, type: text, pattern: \"[0-9]{16}\"}\n", &d);
	assert_int_equal(d.n, 2);
	assert_contains(d.v[0].msg, "field 'a': pattern refused: regular "
	    "expression repeats a repetition");
	assert_contains(d.v[1].msg, "field 'b': pattern refused: regular "
	    "expression repeats more than 255 times");
	diags_free(&d);
}

static void
test_unknown_type(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: a, type: txt}\n", &d);
	assert_int_equal(d.n, 1);
	tu_assert_diag_at(&d, "field 'a': unknown type 'txt'", 5, 25);
	assert_contains(d.v[0].msg, "(known: text, integer, decimal, date, "
	    "yesno, select_one, select_multiple, region, nik, kk, phone, "
	    "calculate, note)");
	diags_free(&d);
}

static void
test_duplicate_field(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: a, type: text}\n"
	    "      - {name: b, type: text}\n"
	    "      - {name: a, type: integer}\n", &d);
	assert_int_equal(d.n, 1);
	tu_assert_diag_at(&d, "duplicate field 'a' in record 'r' (first at "
	    "line 5)", 7, 9);
	diags_free(&d);
}

static void
test_value_set_mistakes(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "value_sets:\n"
	    "  yn: [{code: 1, label: Ya}, {code: 1, label: Lagi}]\n"   /* 3 */
	    "  empty: []\n"                                            /* 4 */
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: a, type: select_one, values: nosuch}\n"    /* 8 */
	    "      - {name: b, type: select_one}\n"                    /* 9 */
	    "      - {name: c, type: integer, values: yn}\n", &d);     /* 10 */
	assert_int_equal(d.n, 5);
	tu_assert_diag_at(&d, "field 'a': unknown value set 'nosuch'", 8, 9);
	tu_assert_diag_at(&d, "field 'b': select_one needs 'values: <value "
	    "set>'", 9, 9);
	tu_assert_diag_at(&d, "field 'c': 'values' is only for select_one",
	    10, 9);
	tu_assert_diag_at(&d, "value set 'yn': code '1' appears twice", 3, 3);
	tu_assert_diag_at(&d, "value set 'empty' has no codes", 4, 3);
	diags_free(&d);
}

static void
test_unknown_keys(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "records:\n"
	    "  r:\n"
	    "    lable: Rumah\n"                                  /* 4 */
	    "    fields:\n"
	    "      - {name: a, type: text, lable: A}\n"           /* 6 */
	    "recrods: {}\n", &d);                                 /* 7 */
	assert_int_equal(d.n, 3);
	tu_assert_diag_at(&d, "a field: unknown key 'lable' (known: name, type, "
	    "label, hint, required, min, max, width, values, default, "
	    "relevant, constraint,", 6, 31);
	tu_assert_diag_at(&d, "a record: unknown key 'lable' (known: label, "
	    "title, parent, fields, rules, roster_rules, min_count, "
	    "max_count, duplicate_key, filters, search_columns)", 4, 5);
	tu_assert_diag_at(&d, "the dictionary: unknown key 'recrods' (known: "
	    "dictionary, version, languages, regions, regions_retired, "
	    "value_sets, records)", 7, 1);
	diags_free(&d);
}

static void
test_reserved_names(void **state)
{
	static const char *const reserved[] = {"id", "uuid", "rev", "status",
		"updated_by", "deleted_at", "parent_id", "rowid", "kesra_x",
		"sqlite_y", NULL};
	struct diags d = {0};
	size_t i;
	(void)state;
	for (i = 0; reserved[i] != NULL; i++) {
		char *y = xasprintf("dictionary: bad\n"
		    "records:\n"
		    "  r:\n"
		    "    fields:\n"
		    "      - {name: ok, type: text}\n"
		    "      - {name: %s, type: integer}\n", reserved[i]);
		char *want = xasprintf("field name '%s' is reserved",
		    reserved[i]);
		tu_schema_bad(y, &d);
		assert_int_equal(d.n, 1);
		tu_assert_diag_at(&d, want, 6, 9);
		diags_free(&d);
		free(y);
		free(want);
	}
	/* not identifiers, and a reserved record name */
	tu_schema_bad("dictionary: bad\n"
	    "records:\n"
	    "  kesra_meta:\n"
	    "    fields:\n"
	    "      - {name: Name, type: text}\n"
	    "      - {name: \"a b\", type: text}\n", &d);
	assert_int_equal(d.n, 3);
	tu_assert_diag_at(&d, "record name 'kesra_meta' is reserved", 3, 3);
	tu_assert_diag_at(&d, "field name 'Name' is not an identifier", 5, 9);
	tu_assert_diag_at(&d, "field name 'a b' is not an identifier", 6, 9);
	diags_free(&d);
}

/* A missing name, type or dictionary name is reported, not a crash. */
static void
test_missing_keys(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "value_sets:\n"
	    "  v: [{label: x}, {code: 1}]\n"             /* 3 */
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {type: text}\n"                     /* 7 */
	    "      - {name: b}\n"                        /* 8 */
	    "      - {name: c, type: select_one, values: v}\n", &d);
	tu_assert_diag_at(&d, "a choice: missing 'code:'", 3, 7);
	tu_assert_diag_at(&d, "a field: missing 'name:'", 7, 9);
	tu_assert_diag_at(&d, "field 'b': missing 'type:' (known: text,", 8, 9);
	diags_free(&d);

	tu_schema_bad("version: 2\n"
	    "records:\n"
	    "  r: {fields: [{name: a, type: text}]}\n", &d);
	assert_int_equal(d.n, 1);
	tu_assert_diag_at(&d, "the dictionary: missing 'dictionary:'", 1, 1);
	diags_free(&d);

	tu_schema_bad("dictionary: bad\n", &d);
	assert_int_equal(d.n, 2);
	tu_assert_diag_at(&d, "the dictionary has no 'records:'", 0, 0);
	tu_assert_diag_at(&d, "the dictionary has no records", 0, 0);
	diags_free(&d);

	tu_schema_bad("dictionary: bad\nrecords:\n  r: {label: R}\n", &d);
	assert_int_equal(d.n, 2);
	tu_assert_diag_at(&d, "record 'r' needs 'fields:' as a list", 3, 6);
	tu_assert_diag_at(&d, "record 'r' has no fields", 3, 3);
	diags_free(&d);
}

static void
test_wrong_shapes(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("- dictionary\n- records\n", &d);
	assert_int_equal(d.n, 2);
	tu_assert_diag_at(&d, "the dictionary must be a mapping (key: value), "
	    "not a list", 1, 1);
	tu_assert_diag_at(&d, "the dictionary has no records", 0, 0);
	diags_free(&d);

	tu_schema_bad("dictionary: bad\n"
	    "version: two\n"                                   /* 2 */
	    "languages: [id, EN, id]\n"                        /* 3 */
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: a, type: text, required: [maybe],\n" /* 7 */
	    "         width: 99, min: 1}\n"                    /* 8 */
	    "      - {name: [x], type: text}\n", &d);          /* 9 */
	tu_assert_diag_at(&d, "version must be a number, not 'two'", 2, 10);
	tu_assert_diag_at(&d, "language 'EN' is not a code", 3, 17);
	tu_assert_diag_at(&d, "language 'id' is listed twice", 3, 21);
	tu_assert_diag_at(&d, "required must be a value, not a list", 7, 41);
	tu_assert_diag_at(&d, "width must be a whole number from 1 to 60", 8, 17);
	tu_assert_diag_at(&d, "field 'a': min and max are for integer and "
	    "decimal fields", 7, 9);
	tu_assert_diag_at(&d, "name must be a value, not a list", 9, 16);
	tu_assert_diag_at(&d, "field name '?' is not an identifier", 9, 9);
	assert_int_equal(d.n, 8);
	diags_free(&d);
}

/* Whole-number keys: fractions, zero and huge values are refused. */
static void
test_whole_numbers(void **state)
{
	struct diags d = {0};
	(void)state;
	tu_schema_bad("dictionary: bad\n"
	    "version: 1e300\n"                                          /* 2 */
	    "records:\n"
	    "  r:\n"
	    "    fields:\n"
	    "      - {name: a, type: text, width: 2.5}\n"               /* 6 */
	    "      - {name: b, type: text, width: 0}\n"                 /* 7 */
	    "      - {name: c, type: text, width: -1e300}\n", &d);      /* 8 */
	assert_int_equal(d.n, 4);
	tu_assert_diag_at(&d, "version must be a whole number from 1 to 1000000",
	    2, 10);
	assert_int_equal(d.v[1].line, 6);
	assert_int_equal(d.v[1].col, 38);
	assert_string_equal(d.v[1].msg, "width must be a whole number from 1 "
	    "to 60");
	assert_int_equal(d.v[2].line, 7);
	assert_int_equal(d.v[3].line, 8);
	assert_string_equal(d.v[3].msg, d.v[1].msg);
	diags_free(&d);
}

static void
test_empty_file(void **state)
{
	struct diags d = {0};
	char *path;
	(void)state;
	assert_null(schema_yaml_load_string("empty.yaml", "", 0, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, "empty.yaml");
	assert_string_equal(d.v[0].msg, "the file is empty");
	diags_free(&d);

	tu_schema_bad("# only a comment\n\n", &d);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "the file is empty");
	diags_free(&d);

	path = tu_write_file(*state, "empty.yaml", "");
	assert_null(schema_yaml_load_file(path, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, path);
	assert_string_equal(d.v[0].msg, "the file is empty");
	diags_free(&d);
	free(path);

	/* A file that is not there. */
	path = tu_path(*state, "absent.yaml");
	assert_null(schema_yaml_load_file(path, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, path);
	assert_string_equal(d.v[0].msg, "cannot read: No such file or directory");
	diags_free(&d);
	free(path);
}

static void
test_folder_without_dictionary(void **state)
{
	struct diags d = {0};
	char *sdir = tu_mkdir(*state, "schema");
	/* empty folder */
	assert_null(schema_yaml_load(sdir, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, sdir);
	assert_contains(d.v[0].msg, "no dictionary here");
	diags_free(&d);
	/* only files that are not a dictionary */
	free(tu_write_file(sdir, "other.yaml", "name: x\nitems: [dictionary]\n"));
	free(tu_write_file(sdir, "nested.yaml", "outer:\n  dictionary: x\n"));
	free(tu_write_file(sdir, "reports.yaml", "dictionary: x\n"));
	free(tu_write_file(sdir, "dict.yml", "dictionary: x\n"));
	assert_null(schema_yaml_load(sdir, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, sdir);
	assert_string_equal(d.v[0].msg, "no dictionary here (a *.yaml file "
	    "whose top level has 'dictionary:')");
	diags_free(&d);
	free(sdir);
}

static void
test_folder_unreadable(void **state)
{
	struct diags d = {0};
	char *missing = tu_path(*state, "no-such-folder");
	char *file = tu_write_file(*state, "plain.txt", "x");
	char *locked;

	assert_null(schema_yaml_load(missing, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].file, missing);
	assert_string_equal(d.v[0].msg, "cannot read the schema folder: No such "
	    "file or directory");
	diags_free(&d);

	assert_null(schema_yaml_load(file, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg, "cannot read the schema folder: Not a "
	    "directory");
	diags_free(&d);

	/* Permissions do not stop root, so this part runs for users only. */
	locked = tu_mkdir(*state, "locked");
	free(tu_write_file(locked, "dtsen.yaml", good_dict));
	chmod(locked, 0);
	if (geteuid() != 0) {
		assert_null(schema_yaml_load(locked, NULL, &d));
		assert_int_equal(d.n, 1);
		assert_string_equal(d.v[0].msg, "cannot read the schema folder: "
		    "Permission denied");
		diags_free(&d);
	}
	chmod(locked, 0700);
	free(locked);
	free(missing);
	free(file);
}

static void
test_two_dictionaries(void **state)
{
	struct diags d = {0};
	char *sdir = tu_mkdir(*state, "schema");
	char *a = tu_write_file(sdir, "a.yaml", good_dict);
	char *b = tu_write_file(sdir, "b.yaml", "dictionary: other\n"
	    "records: {r: {fields: [{name: x, type: text}]}}\n");
	const char *second, *first;
	char *want;
	assert_null(schema_yaml_load(sdir, NULL, &d));
	assert_int_equal(d.n, 1);
	assert_contains(d.v[0].msg, "a second dictionary in the folder");
	/* the directory order decides which is "second"; both are named */
	second = d.v[0].file;
	assert_true(strcmp(second, a) == 0 || strcmp(second, b) == 0);
	first = strcmp(second, a) == 0 ? b : a;
	want = xasprintf("(the first is %s); keep one", first);
	assert_contains(d.v[0].msg, want);
	free(want);
	diags_free(&d);
	free(a);
	free(b);
	free(sdir);
}

static void
test_all_mistakes_reported(void **state)
{
	struct diags d = {0};
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;
	(void)state;
	tu_schema_bad(
	    "dictionary: multi\n"                                  /* 1 */
	    "languages: [id, en]\n"                                /* 2 */
	    "colour: blue\n"                                       /* 3 */
	    "value_sets:\n"                                        /* 4 */
	    "  sex:\n"                                             /* 5 */
	    "    - {code: 1, label: {id: L, fr: M}}\n"             /* 6 */
	    "records:\n"                                           /* 7 */
	    "  r:\n"                                               /* 8 */
	    "    fields:\n"                                        /* 9 */
	    "      - {name: a, type: txt}\n"                       /* 10 */
	    "      - {name: b, type: text, lable: B}\n"            /* 11 */
	    "      - {name: id, type: integer}\n"                  /* 12 */
	    "      - {name: a, type: text}\n"                      /* 13 */
	    "      - {name: c, type: integer, min: abc}\n"         /* 14 */
	    "      - {name: s, type: select_one, values: nosuch}\n",/* 15 */
	    &d);
	if (d.n != 8)
		tu_diags_dump(&d);
	assert_int_equal(d.n, 8);
	tu_assert_diag_at(&d, "the dictionary: unknown key 'colour'", 3, 1);
	tu_assert_diag_at(&d, "label: language 'fr' is not in 'languages' (id, "
	    "en)", 6, 32);
	tu_assert_diag_at(&d, "field 'a': unknown type 'txt'", 10, 25);
	tu_assert_diag_at(&d, "a field: unknown key 'lable'", 11, 31);
	tu_assert_diag_at(&d, "field name 'id' is reserved", 12, 9);
	tu_assert_diag_at(&d, "duplicate field 'a' in record 'r' (first at "
	    "line 10)", 13, 9);
	tu_assert_diag_at(&d, "min must be a number, not 'abc'", 14, 39);
	tu_assert_diag_at(&d, "field 's': unknown value set 'nosuch'", 15, 9);

	/* As `kesra check` prints them: file:line:col: message. */
	f = open_memstream(&out, &outlen);
	assert_int_equal(diags_print(&d, f), 8);
	fclose(f);
	assert_contains(out, "bad.yaml:10:25: field 'a': unknown type 'txt'");
	assert_contains(out, "bad.yaml:14:39: min must be a number, not 'abc'");
	free(out);
	diags_free(&d);
}

/* Replace the first occurrence of from in text (caller frees). */
static char *
edit(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	struct sbuf b = {0};
	if (p == NULL)
		fail_msg("'%s' not in the dictionary", from);
	sbuf_addn(&b, text, (size_t)(p - text));
	sbuf_add(&b, to);
	sbuf_add(&b, p + strlen(from));
	return sbuf_steal(&b);
}

static void
test_hash(void **state)
{
	struct schema *base, *s;
	char *y;
	(void)state;
	base = tu_schema(good_dict);

	/* The same text gives the same hash. */
	s = tu_schema(good_dict);
	assert_string_equal(s->hash, base->hash);
	schema_free(s);

	/* Labels, hints, titles, widths, ranges, required, value-set labels
	 * and the version do not touch storage: same hash. */
	y = edit(good_dict, "{id: Nama, en: Name}", "{id: Nama lengkap, en: "
	    "Full name}");
	s = tu_schema(y);
	assert_string_equal(schema_field_label(&s->records[0].fields[0], 1),
	    "Full name");
	assert_string_equal(s->hash, base->hash);
	schema_free(s);
	free(y);
	y = edit(good_dict, "en: Male", "en: Man");
	s = tu_schema(y);
	assert_string_equal(s->hash, base->hash);
	schema_free(s);
	free(y);
	y = edit(good_dict, "min: 0, max: 130", "min: 1, max: 120, width: 3");
	s = tu_schema(y);
	assert_string_equal(s->hash, base->hash);
	schema_free(s);
	free(y);

	/* A new field changes it. */
	y = edit(good_dict, "      - name: note\n", "      - {name: place, type: "
	    "text}\n      - name: note\n");
	s = tu_schema(y);
	assert_int_equal(schema_record(s, "visit")->nfields, 2);
	assert_string_not_equal(s->hash, base->hash);
	schema_free(s);
	free(y);

	/* So do a changed column type, a renamed field and choice codes that
	 * stop being numbers. */
	y = edit(good_dict, "type: decimal", "type: integer");
	s = tu_schema(y);
	assert_string_not_equal(s->hash, base->hash);
	schema_free(s);
	free(y);
	/* date -> text keeps the TEXT column: storage, and hash, unchanged */
	y = edit(good_dict, "name: born, type: date", "name: born, type: text");
	s = tu_schema(y);
	assert_string_equal(s->hash, base->hash);
	schema_free(s);
	free(y);
	y = edit(good_dict, "name: born", "name: birth_date");
	s = tu_schema(y);
	assert_string_not_equal(s->hash, base->hash);
	schema_free(s);
	free(y);
	y = edit(good_dict, "{code: 2, label", "{code: F, label");
	s = tu_schema(y);   /* sex codes are no longer all numbers: TEXT */
	assert_string_equal(schema_field_sql_type(&s->records[0].fields[5]),
	    "TEXT");
	assert_string_not_equal(s->hash, base->hash);
	schema_free(s);
	free(y);
	schema_free(base);
}

static void
test_field_types_table(void **state)
{
	(void)state;
	assert_int_equal(field_type_lookup("text"), FT_TEXT);
	assert_int_equal(field_type_lookup("select_one"), FT_SELECT_ONE);
	assert_int_equal(field_type_lookup("Text"), -1);
	assert_int_equal(field_type_lookup(""), -1);
	assert_string_equal(field_type_names(),
	    "text, integer, decimal, date, yesno, select_one, select_multiple, "
	    "region, nik, kk, phone, calculate, note");
	assert_true(schema_reserved_name("created_at"));
	assert_true(schema_reserved_name("kesra_audit"));
	assert_false(schema_reserved_name("identity"));
	assert_false(schema_reserved_name("kesr"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_string),
		cmocka_unit_test_setup_teardown(test_good_file, tu_setup_tmp,
		    tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_folder_with_forms,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_form_unknown_field,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_form_mistakes,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_text_fallback),
		cmocka_unit_test(test_malformed_yaml),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_duplicate_field),
		cmocka_unit_test(test_value_set_mistakes),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_reserved_names),
		cmocka_unit_test(test_missing_keys),
		cmocka_unit_test(test_wrong_shapes),
		cmocka_unit_test(test_whole_numbers),
		cmocka_unit_test_setup_teardown(test_empty_file, tu_setup_tmp,
		    tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_folder_without_dictionary,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_folder_unreadable,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_two_dictionaries,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_all_mistakes_reported),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_pattern_refused),
		cmocka_unit_test(test_field_types_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
