/*
 * vexpr_read: how vexpr reads an SQLite value into a struct vx_value,
 * inline, for vexpr itself and for a caller that reads a row's values
 * into a vexpr_env itself (vbatch's kesra_vb_row: vexpr_env_row, then
 * each slot read into env->vals[k] with env->vgen[k] = env->gen).
 */
#ifndef KESRA_VEXPR_READ_H
#define KESRA_VEXPR_READ_H

#include <string.h>

#include <sqlite3.h>

#include "vexpr.h"

/* a's value (a BLOB, or a text SQLite could not give: VX_UNK). */
static inline __attribute__((always_inline)) void
vexpr_read_inline(sqlite3_value *a, struct vx_value *v)
{
	switch (sqlite3_value_type(a)) {
	case SQLITE_NULL:
		v->t = VX_NULL;
		return;
	case SQLITE_INTEGER:
		v->t = VX_INT;
		v->i = sqlite3_value_int64(a);
		return;
	case SQLITE_FLOAT:
		v->t = VX_REAL;
		v->r = sqlite3_value_double(a);
		return;
	case SQLITE_TEXT: {
		const char *s = (const char *)sqlite3_value_text(a);
		size_t n = (size_t)sqlite3_value_bytes(a);
		if (s == NULL) {
			v->t = VX_UNK;
			return;
		}
		v->t = VX_TEXT;
		v->s = s;
		v->n = n;
		v->z = strlen(s) == n;
		return;
	}
	default:
		v->t = VX_UNK;
		return;
	}
}

#endif
