/* Arb (FLINT's ball arithmetic) for the Swift module BallArithmetic: the headers, and a few
   helpers that keep macros and flint's rational type out of Swift. */
#ifndef NL_ARB_SHIM_H
#define NL_ARB_SHIM_H

#include <arb.h>
#include <arb_hypgeom.h>
#include <flint/fmpq.h>

/* z = the rational "p/q" (or an integer "p"), decimal, rounded to prec bits; 0 on a malformed string. */
static inline int nl_arb_set_rational_str(arb_ptr z, const char *text, slong prec) {
    fmpq_t q;
    fmpq_init(q);
    int ok = fmpq_set_str(q, text, 10) == 0;
    if (ok) arb_set_fmpq(z, q, prec);
    fmpq_clear(q);
    return ok;
}

/* Whether the ball x contains the rational "p/q"; -1 on a malformed string. */
static inline int nl_arb_contains_rational_str(arb_srcptr x, const char *text) {
    fmpq_t q;
    fmpq_init(q);
    int result = fmpq_set_str(q, text, 10) == 0 ? arb_contains_fmpq(x, q) : -1;
    fmpq_clear(q);
    return result;
}

/* The ball's lower and upper bounds, each rounded to the nearest binary64 (ties to even). */
static inline void nl_arb_bounds_nearest(arb_srcptr x, double *low, double *high) {
    arf_t b;
    arf_init(b);
    arb_get_lbound_arf(b, x, 2 * 53 + 64);
    *low = arf_get_d(b, ARF_RND_NEAR);
    arb_get_ubound_arf(b, x, 2 * 53 + 64);
    *high = arf_get_d(b, ARF_RND_NEAR);
    arf_clear(b);
}

/* The midpoint rounded to the nearest binary64, and the radius rounded up. */
static inline double nl_arb_mid_nearest(arb_srcptr x) { return arf_get_d(arb_midref(x), ARF_RND_NEAR); }
static inline double nl_arb_rad_up(arb_srcptr x) { return mag_get_d(arb_radref(x)); }

/* The lower (upper = 0) or upper (upper = 1) bound of x as the exact rational "p/q" or "p", lowest
   terms; free with flint_free. */
static inline char *nl_arb_bound_rational_str(arb_srcptr x, int upper) {
    arf_t b;
    fmpq_t q;
    arf_init(b);
    fmpq_init(q);
    if (upper) arb_get_ubound_arf(b, x, ARF_PREC_EXACT); else arb_get_lbound_arf(b, x, ARF_PREC_EXACT);
    arf_get_fmpq(q, b);
    char *text = fmpq_get_str(NULL, 10, q);
    fmpq_clear(q);
    arf_clear(b);
    return text;
}

#endif
