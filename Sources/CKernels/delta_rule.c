/* The fused sequential (gated) delta rule: one pass over the state per token. */
#include "CKernels.h"
#include "internal.h"

static void delta_rule_portable(double *M, const double *K, const double *V, const double *Q, const double *alpha,
                                const double *beta, double *Y, double *c, size_t T, size_t dk, size_t dv) {
    for (size_t t = 0; t < T; t++) {
        const double *k = K + t * dk, *v = V + t * dv, *q = Q + t * dk;
        double a = alpha ? alpha[t] : 1;
        for (size_t i = 0; i < dv; i++) {
            double s = 0;
            for (size_t j = 0; j < dk; j++) s += M[i * dk + j] * k[j];
            c[i] = beta[t] * (v[i] - a * s);
        }
        for (size_t i = 0; i < dv; i++) {
            double *row = M + i * dk, y = 0;
            for (size_t j = 0; j < dk; j++) { row[j] = a * row[j] + c[i] * k[j]; y += row[j] * q[j]; }
            Y[t * dv + i] = y;
        }
    }
}

#if NL_HAVE_X86
NL_AVX2 static inline double hsum(__m256d a) {
    __m128d lo = _mm256_castpd256_pd128(a), hi = _mm256_extractf128_pd(a, 1);
    lo = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

/* Each row of M evolves on its own: m <- alpha m + c k with c = beta (v_i - alpha m.k), and
   y_i = m.q. One pass over a row per token does everything: it writes token t's update and
   accumulates both the read m.q_t and the next token's m.k_{t+1} (kept in dot[]).

   Schedule: tokens in tiles (keys and queries in L2), rows in groups of GROUP (in L1); inside a
   group, for each token, blocks of R = 4 rows in turn, so while one block waits for its c (a
   horizontal sum and a few scalar operations) the next block's FMAs run. */
enum { GROUP = 16 };

/* The four horizontal sums of a0..a3, as one vector. */
NL_AVX2 static inline __m256d hsum4(__m256d a0, __m256d a1, __m256d a2, __m256d a3) {
    __m256d h01 = _mm256_hadd_pd(a0, a1), h23 = _mm256_hadd_pd(a2, a3);
    return _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
}

/* dot[r] = m_r . k for R = 4 or 1 rows, summed in exactly the order the token pass uses
   (four_rows_token for 4 rows, one_row_token for 1), so the result does not depend on where a
   tile or a call starts: a sequence split across two calls gives the same bits as one call. */
NL_AVX2 static inline __attribute__((always_inline)) void
rows_dot(int R, double *const *row, const double *k, size_t dk, double *dot) {
    size_t dk4 = dk & ~(size_t)3, j = 0;
    __m256d s[4];
    for (int r = 0; r < R; r++) s[r] = _mm256_setzero_pd();
    for (; j < dk4; j += 4) {
        __m256d kj = _mm256_loadu_pd(k + j);
        for (int r = 0; r < R; r++) s[r] = _mm256_fmadd_pd(_mm256_loadu_pd(row[r] + j), kj, s[r]);
    }
    if (R == 4) {
        double tail[4] = {0, 0, 0, 0};
        for (; j < dk; j++)
            for (int r = 0; r < 4; r++) tail[r] = __builtin_fma(row[r][j], k[j], tail[r]);
        _mm256_storeu_pd(dot, _mm256_add_pd(hsum4(s[0], s[1], s[2], s[3]), _mm256_loadu_pd(tail)));
    } else {
        dot[0] = hsum(s[0]);
        for (; j < dk; j++) dot[0] = __builtin_fma(row[0][j], k[j], dot[0]);
    }
}

/* Token t for 4 rows i0..i0+3: c = beta (v - alpha dot), update, y = m.q, dot = m.kn. The
   horizontal sums and the scalar work of the 4 rows are done as one vector. */
NL_AVX2 static inline __attribute__((always_inline)) void
four_rows_token(int gated, double *M, const double *k, const double *q, const double *kn, double a, double b,
                const double *v, double *y, double *dot, size_t dk) {
    size_t dk4 = dk & ~(size_t)3, j = 0;
    double *row0 = M, *row1 = M + dk, *row2 = M + 2 * dk, *row3 = M + 3 * dk;
    __m256d av = _mm256_set1_pd(a);
    double cs[4];
    __m256d csv = _mm256_mul_pd(_mm256_set1_pd(b), _mm256_fnmadd_pd(av, _mm256_loadu_pd(dot), _mm256_loadu_pd(v)));
    _mm256_storeu_pd(cs, csv);
    __m256d c0 = _mm256_permute4x64_pd(csv, 0x00), c1 = _mm256_permute4x64_pd(csv, 0x55);
    __m256d c2 = _mm256_permute4x64_pd(csv, 0xAA), c3 = _mm256_permute4x64_pd(csv, 0xFF);
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, y0 = s0, y1 = s0, y2 = s0, y3 = s0;
#define NL_ROW(R)                                                                     \
    {                                                                                 \
        __m256d m = _mm256_loadu_pd(row##R + j);                                      \
        if (gated) m = _mm256_mul_pd(av, m);                                          \
        m = _mm256_fmadd_pd(c##R, kj, m);                      \
        _mm256_storeu_pd(row##R + j, m);                                              \
        y##R = _mm256_fmadd_pd(m, qj, y##R);                                          \
        s##R = _mm256_fmadd_pd(m, knj, s##R);                                         \
    }
    for (; j < dk4; j += 4) {
        __m256d kj = _mm256_loadu_pd(k + j), qj = _mm256_loadu_pd(q + j), knj = _mm256_loadu_pd(kn + j);
        NL_ROW(0) NL_ROW(1) NL_ROW(2) NL_ROW(3)
    }
#undef NL_ROW
    double ty[4] = {0, 0, 0, 0}, ts[4] = {0, 0, 0, 0};
    for (; j < dk; j++)
        for (int r = 0; r < 4; r++) {
            double *row = M + r * dk;
            row[j] = __builtin_fma(cs[r], k[j], a * row[j]);
            ty[r] = __builtin_fma(row[j], q[j], ty[r]);
            ts[r] = __builtin_fma(row[j], kn[j], ts[r]);
        }
    _mm256_storeu_pd(y, _mm256_add_pd(hsum4(y0, y1, y2, y3), _mm256_loadu_pd(ty)));
    _mm256_storeu_pd(dot, _mm256_add_pd(hsum4(s0, s1, s2, s3), _mm256_loadu_pd(ts)));
}

/* Token t for one row: the same, scalar bookkeeping. */
NL_AVX2 static inline void one_row_token(double *row, const double *k, const double *q, const double *kn, double a,
                                         double b, double v, double *y, double *dot, size_t dk) {
    size_t dk4 = dk & ~(size_t)3, j = 0;
    double c = b * (v - a * *dot);
    __m256d av = _mm256_set1_pd(a), cv = _mm256_set1_pd(c), s = _mm256_setzero_pd(), acc = s;
    for (; j < dk4; j += 4) {
        __m256d m = _mm256_fmadd_pd(cv, _mm256_loadu_pd(k + j), _mm256_mul_pd(av, _mm256_loadu_pd(row + j)));
        _mm256_storeu_pd(row + j, m);
        acc = _mm256_fmadd_pd(m, _mm256_loadu_pd(q + j), acc);
        s = _mm256_fmadd_pd(m, _mm256_loadu_pd(kn + j), s);
    }
    double out = hsum(acc), next = hsum(s);
    for (; j < dk; j++) {
        row[j] = __builtin_fma(c, k[j], a * row[j]);
        out = __builtin_fma(row[j], q[j], out);
        next = __builtin_fma(row[j], kn[j], next);
    }
    *y = out;
    *dot = next;
}

NL_AVX2 static void block_token(int R, double *M, const double *K, const double *V, const double *Q, const double *alpha,
                                const double *beta, double *Y, double *dot, size_t t, size_t t1, size_t i0, size_t dk,
                                size_t dv) {
    const double *k = K + t * dk, *q = Q + t * dk, *kn = t + 1 < t1 ? k + dk : k;
    double a = alpha ? alpha[t] : 1;
    if (R == 4) {
        if (alpha) four_rows_token(1, M + i0 * dk, k, q, kn, a, beta[t], V + t * dv + i0, Y + t * dv + i0, dot + i0, dk);
        else four_rows_token(0, M + i0 * dk, k, q, kn, a, beta[t], V + t * dv + i0, Y + t * dv + i0, dot + i0, dk);
    } else {
        one_row_token(M + i0 * dk, k, q, kn, a, beta[t], V[t * dv + i0], Y + t * dv + i0, dot + i0, dk);
    }
}

NL_AVX2 static void delta_rule_avx2(double *M, const double *K, const double *V, const double *Q, const double *alpha,
                                    const double *beta, double *Y, double *dot, size_t T, size_t dk, size_t dv) {
    size_t tile = dk ? 8192 / dk : T;   /* a tile's keys and queries: about 128 KiB */
    if (tile < 4) tile = 4;
    for (size_t t0 = 0; t0 < T; t0 += tile) {
        size_t t1 = T - t0 < tile ? T : t0 + tile;
        for (size_t g0 = 0; g0 < dv; g0 += GROUP) {
            size_t g1 = dv - g0 < GROUP ? dv : g0 + GROUP, i;
            double *row[4];
            for (i = g0; i + 4 <= g1; i += 4) {
                for (int r = 0; r < 4; r++) row[r] = M + (i + r) * dk;
                rows_dot(4, row, K + t0 * dk, dk, dot + i);
            }
            for (; i < g1; i++) { row[0] = M + i * dk; rows_dot(1, row, K + t0 * dk, dk, dot + i); }
            for (size_t t = t0; t < t1; t++) {
                for (i = g0; i + 4 <= g1; i += 4) block_token(4, M, K, V, Q, alpha, beta, Y, dot, t, t1, i, dk, dv);
                for (; i < g1; i++) block_token(1, M, K, V, Q, alpha, beta, Y, dot, t, t1, i, dk, dv);
            }
        }
    }
}
/* The AVX-512 form: the same schedule on 8-wide vectors, with rows in blocks of 8 (then 4, then 1)
   inside groups of 32. A row's last d_k mod 8 columns are one masked vector (lanes past the end load
   as zero and are never stored), summed into the same accumulators as the full vectors, so
   rows_dot512 and the token pass sum in the same order. */

/* Rows kept in L1 while a tile of tokens passes: 32 (four blocks of 8, so while one block waits for
   its c the others' FMAs run; measured faster than 16 at d = 64 and 128). */
enum { GROUP512 = 32 };

/* The four horizontal sums of a0..a3 (8 lanes each), as one 4-wide vector. */
NL_AVX512 static inline __m256d hsum4_512(__m512d a0, __m512d a1, __m512d a2, __m512d a3) {
#define NL_HALVES(a) _mm256_add_pd(_mm512_castpd512_pd256(a), _mm512_extractf64x4_pd(a, 1))
    return hsum4(NL_HALVES(a0), NL_HALVES(a1), NL_HALVES(a2), NL_HALVES(a3));
#undef NL_HALVES
}

/* The eight horizontal sums of a0..a7, as one vector (lane r holds the sum of a_r): pairs within
   128-bit lanes, then 128-bit lanes exchanged twice. */
NL_AVX512 static inline __m512d hsum8_512(__m512d a0, __m512d a1, __m512d a2, __m512d a3, __m512d a4, __m512d a5,
                                          __m512d a6, __m512d a7) {
    __m512d t01 = _mm512_add_pd(_mm512_unpacklo_pd(a0, a1), _mm512_unpackhi_pd(a0, a1));
    __m512d t23 = _mm512_add_pd(_mm512_unpacklo_pd(a2, a3), _mm512_unpackhi_pd(a2, a3));
    __m512d t45 = _mm512_add_pd(_mm512_unpacklo_pd(a4, a5), _mm512_unpackhi_pd(a4, a5));
    __m512d t67 = _mm512_add_pd(_mm512_unpacklo_pd(a6, a7), _mm512_unpackhi_pd(a6, a7));
    __m512d s03 = _mm512_add_pd(_mm512_shuffle_f64x2(t01, t23, 0x88), _mm512_shuffle_f64x2(t01, t23, 0xDD));
    __m512d s47 = _mm512_add_pd(_mm512_shuffle_f64x2(t45, t67, 0x88), _mm512_shuffle_f64x2(t45, t67, 0xDD));
    return _mm512_add_pd(_mm512_shuffle_f64x2(s03, s47, 0x88), _mm512_shuffle_f64x2(s03, s47, 0xDD));
}

/* The mask of the d_k mod 8 columns past the last full vector (0 when d_k is a multiple of 8). */
static inline __mmask8 tail_mask(size_t dk) { return (__mmask8)((1u << (dk & 7)) - 1); }

/* dot[r] = m_r . k for R = 8, 4 or 1 rows, in the order the token pass uses (see rows_dot). */
NL_AVX512 static inline __attribute__((always_inline)) void
rows_dot512(int R, double *const *row, const double *k, size_t dk, double *dot) {
    size_t dk8 = dk & ~(size_t)7, j = 0;
    __mmask8 tail = tail_mask(dk);
    __m512d s[8];
    for (int r = 0; r < R; r++) s[r] = _mm512_setzero_pd();
    for (; j < dk8; j += 8) {
        __m512d kj = _mm512_loadu_pd(k + j);
        for (int r = 0; r < R; r++) s[r] = _mm512_fmadd_pd(_mm512_loadu_pd(row[r] + j), kj, s[r]);
    }
    if (tail) {
        __m512d kj = _mm512_maskz_loadu_pd(tail, k + j);
        for (int r = 0; r < R; r++) s[r] = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, row[r] + j), kj, s[r]);
    }
    if (R == 8) _mm512_storeu_pd(dot, hsum8_512(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]));
    else if (R == 4) _mm256_storeu_pd(dot, hsum4_512(s[0], s[1], s[2], s[3]));
    else dot[0] = _mm512_reduce_add_pd(s[0]);
}

/* Token t for 8 rows i0..i0+7: as four_rows_token512, the scalar work of the 8 rows as one vector,
   and k, q and the next key loaded once for 8 rows. */
NL_AVX512 static inline __attribute__((always_inline)) void
eight_rows_token512(int gated, double *M, const double *k, const double *q, const double *kn, double a, double b,
                    const double *v, double *y, double *dot, size_t dk) {
    size_t dk8 = dk & ~(size_t)7, j = 0;
    __mmask8 tail = tail_mask(dk);
    double cs[8];
    __m512d av = _mm512_set1_pd(a);
    _mm512_storeu_pd(cs, _mm512_mul_pd(_mm512_set1_pd(b), _mm512_fnmadd_pd(av, _mm512_loadu_pd(dot), _mm512_loadu_pd(v))));
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    __m512d y0 = s0, y1 = s0, y2 = s0, y3 = s0, y4 = s0, y5 = s0, y6 = s0, y7 = s0;
#define NL_ROW(R, LOAD, STORE)                                                        \
    {                                                                                 \
        double *p = M + R * dk + j;                                                   \
        __m512d m = LOAD(p, R);                                                       \
        if (gated) m = _mm512_mul_pd(av, m);                                          \
        m = _mm512_fmadd_pd(_mm512_set1_pd(cs[R]), kj, m);                            \
        STORE(p, m);                                                                  \
        y##R = _mm512_fmadd_pd(m, qj, y##R);                                          \
        s##R = _mm512_fmadd_pd(m, knj, s##R);                                         \
    }
#define NL_ROWS(LOAD, STORE)                                                          \
    NL_ROW(0, LOAD, STORE) NL_ROW(1, LOAD, STORE) NL_ROW(2, LOAD, STORE) NL_ROW(3, LOAD, STORE) \
    NL_ROW(4, LOAD, STORE) NL_ROW(5, LOAD, STORE) NL_ROW(6, LOAD, STORE) NL_ROW(7, LOAD, STORE)
#define NL_FULL_LOAD(p, R) _mm512_loadu_pd(p)
#define NL_HELD(p, R) m##R
#define NL_FULL_STORE(p, m) _mm512_storeu_pd(p, m)
#define NL_TAIL_LOAD(p, R) _mm512_maskz_loadu_pd(tail, p)
#define NL_TAIL_STORE(p, m) _mm512_mask_storeu_pd(p, tail, m)
    for (; j < dk8; j += 8) {
        __m512d kj = _mm512_loadu_pd(k + j), qj = _mm512_loadu_pd(q + j), knj = _mm512_loadu_pd(kn + j);
        /* Rows 4..7 are read before rows 0..3 are written, so fewer reads follow a write to an
           address a multiple of 4 KiB away (rows i and i + 4 at d_k = 128): measured 10-20% faster
           at d_k = 256, a few percent at 128, no slower at 64. */
        __m512d m4 = _mm512_loadu_pd(M + 4 * dk + j), m5 = _mm512_loadu_pd(M + 5 * dk + j);
        __m512d m6 = _mm512_loadu_pd(M + 6 * dk + j), m7 = _mm512_loadu_pd(M + 7 * dk + j);
        NL_ROW(0, NL_FULL_LOAD, NL_FULL_STORE) NL_ROW(1, NL_FULL_LOAD, NL_FULL_STORE)
        NL_ROW(2, NL_FULL_LOAD, NL_FULL_STORE) NL_ROW(3, NL_FULL_LOAD, NL_FULL_STORE)
        NL_ROW(4, NL_HELD, NL_FULL_STORE) NL_ROW(5, NL_HELD, NL_FULL_STORE)
        NL_ROW(6, NL_HELD, NL_FULL_STORE) NL_ROW(7, NL_HELD, NL_FULL_STORE)
    }
    if (tail) {
        __m512d kj = NL_TAIL_LOAD(k + j, 0), qj = NL_TAIL_LOAD(q + j, 0), knj = NL_TAIL_LOAD(kn + j, 0);
        NL_ROWS(NL_TAIL_LOAD, NL_TAIL_STORE)
    }
#undef NL_ROW
#undef NL_ROWS
#undef NL_FULL_LOAD
#undef NL_HELD
#undef NL_FULL_STORE
#undef NL_TAIL_LOAD
#undef NL_TAIL_STORE
    _mm512_storeu_pd(y, hsum8_512(y0, y1, y2, y3, y4, y5, y6, y7));
    _mm512_storeu_pd(dot, hsum8_512(s0, s1, s2, s3, s4, s5, s6, s7));
}

/* Token t for 4 rows i0..i0+3 (as four_rows_token): c = beta (v - alpha dot), update, y = m.q,
   dot = m.kn. */
NL_AVX512 static inline __attribute__((always_inline)) void
four_rows_token512(int gated, double *M, const double *k, const double *q, const double *kn, double a, double b,
                   const double *v, double *y, double *dot, size_t dk) {
    size_t dk8 = dk & ~(size_t)7, j = 0;
    __mmask8 tail = tail_mask(dk);
    double *row0 = M, *row1 = M + dk, *row2 = M + 2 * dk, *row3 = M + 3 * dk;
    double cs[4];
    __m256d csv = _mm256_mul_pd(_mm256_set1_pd(b), _mm256_fnmadd_pd(_mm256_set1_pd(a), _mm256_loadu_pd(dot), _mm256_loadu_pd(v)));
    _mm256_storeu_pd(cs, csv);
    __m512d av = _mm512_set1_pd(a);
    __m512d c0 = _mm512_set1_pd(cs[0]), c1 = _mm512_set1_pd(cs[1]), c2 = _mm512_set1_pd(cs[2]), c3 = _mm512_set1_pd(cs[3]);
    __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0, y0 = s0, y1 = s0, y2 = s0, y3 = s0;
#define NL_ROW(R, LOAD, STORE)                                                        \
    {                                                                                 \
        __m512d m = LOAD(row##R + j);                                                 \
        if (gated) m = _mm512_mul_pd(av, m);                                          \
        m = _mm512_fmadd_pd(c##R, kj, m);                                             \
        STORE(row##R + j, m);                                                         \
        y##R = _mm512_fmadd_pd(m, qj, y##R);                                          \
        s##R = _mm512_fmadd_pd(m, knj, s##R);                                         \
    }
#define NL_FULL_LOAD(p) _mm512_loadu_pd(p)
#define NL_FULL_STORE(p, m) _mm512_storeu_pd(p, m)
#define NL_TAIL_LOAD(p) _mm512_maskz_loadu_pd(tail, p)
#define NL_TAIL_STORE(p, m) _mm512_mask_storeu_pd(p, tail, m)
    for (; j < dk8; j += 8) {
        __m512d kj = _mm512_loadu_pd(k + j), qj = _mm512_loadu_pd(q + j), knj = _mm512_loadu_pd(kn + j);
        NL_ROW(0, NL_FULL_LOAD, NL_FULL_STORE) NL_ROW(1, NL_FULL_LOAD, NL_FULL_STORE)
        NL_ROW(2, NL_FULL_LOAD, NL_FULL_STORE) NL_ROW(3, NL_FULL_LOAD, NL_FULL_STORE)
    }
    if (tail) {
        __m512d kj = NL_TAIL_LOAD(k + j), qj = NL_TAIL_LOAD(q + j), knj = NL_TAIL_LOAD(kn + j);
        NL_ROW(0, NL_TAIL_LOAD, NL_TAIL_STORE) NL_ROW(1, NL_TAIL_LOAD, NL_TAIL_STORE)
        NL_ROW(2, NL_TAIL_LOAD, NL_TAIL_STORE) NL_ROW(3, NL_TAIL_LOAD, NL_TAIL_STORE)
    }
#undef NL_ROW
#undef NL_FULL_LOAD
#undef NL_FULL_STORE
#undef NL_TAIL_LOAD
#undef NL_TAIL_STORE
    _mm256_storeu_pd(y, hsum4_512(y0, y1, y2, y3));
    _mm256_storeu_pd(dot, hsum4_512(s0, s1, s2, s3));
}

/* Token t for one row: the same, scalar bookkeeping. */
NL_AVX512 static inline void one_row_token512(double *row, const double *k, const double *q, const double *kn, double a,
                                              double b, double v, double *y, double *dot, size_t dk) {
    size_t dk8 = dk & ~(size_t)7, j = 0;
    __mmask8 tail = tail_mask(dk);
    double c = b * (v - a * *dot);
    __m512d av = _mm512_set1_pd(a), cv = _mm512_set1_pd(c), s = _mm512_setzero_pd(), acc = s;
    for (; j < dk8; j += 8) {
        __m512d m = _mm512_fmadd_pd(cv, _mm512_loadu_pd(k + j), _mm512_mul_pd(av, _mm512_loadu_pd(row + j)));
        _mm512_storeu_pd(row + j, m);
        acc = _mm512_fmadd_pd(m, _mm512_loadu_pd(q + j), acc);
        s = _mm512_fmadd_pd(m, _mm512_loadu_pd(kn + j), s);
    }
    if (tail) {
        __m512d m = _mm512_fmadd_pd(cv, _mm512_maskz_loadu_pd(tail, k + j), _mm512_mul_pd(av, _mm512_maskz_loadu_pd(tail, row + j)));
        _mm512_mask_storeu_pd(row + j, tail, m);
        acc = _mm512_fmadd_pd(m, _mm512_maskz_loadu_pd(tail, q + j), acc);
        s = _mm512_fmadd_pd(m, _mm512_maskz_loadu_pd(tail, kn + j), s);
    }
    *y = _mm512_reduce_add_pd(acc);
    *dot = _mm512_reduce_add_pd(s);
}

NL_AVX512 static void block_token512(int R, double *M, const double *K, const double *V, const double *Q,
                                     const double *alpha, const double *beta, double *Y, double *dot, size_t t, size_t t1,
                                     size_t i0, size_t dk, size_t dv) {
    const double *k = K + t * dk, *q = Q + t * dk, *kn = t + 1 < t1 ? k + dk : k;
    double a = alpha ? alpha[t] : 1;
    if (R == 8) {
        if (alpha) eight_rows_token512(1, M + i0 * dk, k, q, kn, a, beta[t], V + t * dv + i0, Y + t * dv + i0, dot + i0, dk);
        else eight_rows_token512(0, M + i0 * dk, k, q, kn, a, beta[t], V + t * dv + i0, Y + t * dv + i0, dot + i0, dk);
    } else if (R == 4) {
        if (alpha) four_rows_token512(1, M + i0 * dk, k, q, kn, a, beta[t], V + t * dv + i0, Y + t * dv + i0, dot + i0, dk);
        else four_rows_token512(0, M + i0 * dk, k, q, kn, a, beta[t], V + t * dv + i0, Y + t * dv + i0, dot + i0, dk);
    } else {
        one_row_token512(M + i0 * dk, k, q, kn, a, beta[t], V[t * dv + i0], Y + t * dv + i0, dot + i0, dk);
    }
}

NL_AVX512 static void delta_rule_avx512(double *M, const double *K, const double *V, const double *Q, const double *alpha,
                                        const double *beta, double *Y, double *dot, size_t T, size_t dk, size_t dv) {
    size_t tile = dk ? 8192 / dk : T;   /* a tile's keys and queries: about 128 KiB */
    if (tile < 4) tile = 4;
    for (size_t t0 = 0; t0 < T; t0 += tile) {
        size_t t1 = T - t0 < tile ? T : t0 + tile;
        for (size_t g0 = 0; g0 < dv; g0 += GROUP512) {
            size_t g1 = dv - g0 < GROUP512 ? dv : g0 + GROUP512, i = g0;
            double *row[8];
            /* Rows in blocks of 8, then 4, then 1; a row is always in the same kind of block. */
            for (; i + 8 <= g1; i += 8) {
                for (int r = 0; r < 8; r++) row[r] = M + (i + r) * dk;
                rows_dot512(8, row, K + t0 * dk, dk, dot + i);
            }
            size_t i8 = i;
            for (; i + 4 <= g1; i += 4) {
                for (int r = 0; r < 4; r++) row[r] = M + (i + r) * dk;
                rows_dot512(4, row, K + t0 * dk, dk, dot + i);
            }
            size_t i4 = i;
            for (; i < g1; i++) { row[0] = M + i * dk; rows_dot512(1, row, K + t0 * dk, dk, dot + i); }
            for (size_t t = t0; t < t1; t++) {
                for (i = g0; i < i8; i += 8) block_token512(8, M, K, V, Q, alpha, beta, Y, dot, t, t1, i, dk, dv);
                for (; i < i4; i += 4) block_token512(4, M, K, V, Q, alpha, beta, Y, dot, t, t1, i, dk, dv);
                for (; i < g1; i++) block_token512(1, M, K, V, Q, alpha, beta, Y, dot, t, t1, i, dk, dv);
            }
        }
    }
}
#endif

void nl_delta_rule(double *M, const double *K, const double *V, const double *Q, const double *alpha,
                   const double *beta, double *Y, double *scratch, size_t T, size_t dk, size_t dv) {
#if NL_HAVE_X86
    int path = nl_kernels_path();
    if (path == NL_PATH_AVX512) { delta_rule_avx512(M, K, V, Q, alpha, beta, Y, scratch, T, dk, dv); return; }
    if (path == NL_PATH_AVX2) { delta_rule_avx2(M, K, V, Q, alpha, beta, Y, scratch, T, dk, dv); return; }
#endif
    delta_rule_portable(M, K, V, Q, alpha, beta, Y, scratch, T, dk, dv);
}
