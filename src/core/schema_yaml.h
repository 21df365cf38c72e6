/*
 * schema_yaml: YAML files -> struct schema. The only file that includes
 * <yaml.h>. Every mistake is reported to the diagnostics list with
 * file:line:col and, where it helps, a hint; loading goes on after a mistake
 * so that `kesra check` can list them all at once.
 */
#ifndef KESRA_SCHEMA_YAML_H
#define KESRA_SCHEMA_YAML_H

#include "schema.h"

/*
 * Load the dictionary found in schema_dir (the one *.yaml file whose top
 * level has `dictionary:`) and the form layouts in forms_dir (may be NULL or
 * absent). Returns a finished schema, or NULL when there were errors (all of
 * them in d). The caller owns the result.
 */
struct schema *schema_yaml_load(const char *schema_dir, const char *forms_dir,
    struct diags *d);

/*
 * The same, but the schema is returned as far as it could be read even
 * when d received mistakes (NULL only when there was nothing to read), so
 * that `kesra check` can go on to list the mistakes in its expressions.
 * Such a schema is for checking only.
 */
struct schema *schema_yaml_load_partial(const char *schema_dir,
    const char *forms_dir, struct diags *d);

/* Load one dictionary file (no forms); for tests and fuzzing. */
struct schema *schema_yaml_load_file(const char *path, struct diags *d);

/* Parse a dictionary from memory (for the fuzzer); name is used in messages. */
struct schema *schema_yaml_load_string(const char *name, const char *text,
    size_t len, struct diags *d);


/*
 * The reports of schema s: s->dir/reports.yaml (none when absent: an
 * empty list). Every mistake of shape goes to d; names and expressions are
 * checked against the dictionary by report_check. Returns the reports as
 * far as they could be read (NULL only when the file could not be read or
 * parsed); the caller frees them with sch_reports_free.
 */
struct sch_reports *schema_yaml_load_reports(const struct schema *s,
    struct diags *d);
struct sch_reports *schema_yaml_load_reports_string(const struct schema *s,
    const char *name, const char *text, size_t len, struct diags *d);

#endif
