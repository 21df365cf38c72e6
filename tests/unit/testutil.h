/* testutil: shared helpers for the cmocka unit tests. */
#ifndef KESRA_TESTUTIL_H
#define KESRA_TESTUTIL_H
#endif
