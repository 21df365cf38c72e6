/*
 * i18n: message translation through gettext (part of the C library).
 * Source strings are English; po/id.po holds Indonesian, the default.
 * Core uses dgettext so it works whatever text domain the caller sets.
 */
#ifndef KESRA_I18N_H
#define KESRA_I18N_H

#include <libintl.h>

#define KESRA_DOMAIN "kesra"
#define _(s) dgettext(KESRA_DOMAIN, s)
#define N_(s) s

#endif
