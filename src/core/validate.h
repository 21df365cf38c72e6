/*
 * validate: checks of values and records against the dictionary.
 * Field checks: type, required, range, value set. Messages are translated
 * (gettext) and name no terminal control; values quoted in messages are
 * sanitised.
 */
#ifndef KESRA_VALIDATE_H
#define KESRA_VALIDATE_H

#include "record.h"
#include "schema.h"

enum severity { SEV_WARNING = 1, SEV_ERROR = 2 };

struct finding {
	size_t field;   /* index into the record's fields */
	enum severity severity;
	char *rule;     /* short rule name: "required", "type", "range", ... */
	char *msg;      /* translated, one line */
};

struct findings {
	struct finding *v;
	size_t n, cap;
};
void findings_free(struct findings *f);
/* Number of findings with severity SEV_ERROR. */
size_t findings_errors(const struct findings *f);

/*
 * Check one typed value. input may have surrounding spaces. On success
 * returns 0 and sets *norm to the canonical stored form (NULL for empty).
 * On failure returns -1, sets *rule and *msg (caller frees both).
 * lang is the schema language index for labels in the message.
 */
int validate_value(const struct sch_field *f, const char *input, int lang,
    char **norm, const char **rule, char **msg);

/* Check every field of a record; appends to out. Returns the error count. */
size_t validate_record(const struct record *r, int lang, struct findings *out);

/* Parse a date in YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or DDMMYYYY. */
int validate_parse_date(const char *s, int *y, int *m, int *d);

#endif
