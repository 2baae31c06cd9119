#ifndef NESTEDLEARNINGSPEC_CGMP_SHIM_H
#define NESTEDLEARNINGSPEC_CGMP_SHIM_H
#include <gmp.h>

/* GMP spells its function-like accessors as macros, which Swift does not import.
   These inline wrappers give them real names. */
static inline mpz_ptr nl_mpq_numref(mpq_ptr q) { return mpq_numref(q); }
static inline mpz_ptr nl_mpq_denref(mpq_ptr q) { return mpq_denref(q); }
static inline int nl_mpq_sgn(mpq_srcptr q) { return mpq_sgn(q); }
static inline int nl_mpz_sgn(mpz_srcptr z) { return mpz_sgn(z); }
static inline int nl_mpz_odd_p(mpz_srcptr z) { return mpz_odd_p(z); }
static inline const char *nl_gmp_version(void) { return gmp_version; }
#endif
