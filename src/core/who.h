/*
 * who: WHO Child Growth Standards (2006), length/height-for-age, 0-60
 * months: the LMS parameters by sex and completed month, and the z-score
 * (HAZ) of a child's length or height. Stunting is HAZ < -2 (severe < -3).
 *
 * "WHO Child Growth Standards: Length/height-for-age (2006), World Health
 * Organization; via UNICEF pygrowup (BSD)" -- see schema/who_lhfa.NOTICE.
 *
 * Months 0-23 are recumbent length, 24-60 standing height; WHO adds 0.7 cm
 * to a child under 24 months measured standing and takes 0.7 cm off one of
 * 24 months or more measured lying down. That correction is the caller's.
 * Pure functions; nothing to free.
 */
#ifndef KESRA_WHO_H
#define KESRA_WHO_H

#define WHO_MAX_MONTHS 60

/*
 * L, M (cm) and S for sex 1 (boys) or 2 (girls) at months 0..60: 0, or
 * -1 outside the table.
 */
int who_lhfa_lms(int sex, int months, double *l, double *m, double *s);

/*
 * The length/height-for-age z-score z = ((x/M)^L - 1) / (L*S) (ln(x/M)/S
 * when L = 0): 0 and *z, or -1 for a sex or month outside the table or a
 * height that is not a positive finite number.
 */
int who_haz(int sex, int months, double height_cm, double *z);

/* The height (cm) at z-score z: the inverse of who_haz; 0 outside. */
double who_lhfa_height(int sex, int months, double z);

#endif
