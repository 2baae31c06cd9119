/* Linear attention, recurrent and fused: S <- S + v_t k_t^T, y_t = S q_t (read after write). */
#include "CKernels.h"
#include "internal.h"

static void linear_attention_portable(double *S, const double *K, const double *V, const double *Q, double *Y,
                                      size_t T, size_t dk, size_t dv) {
    for (size_t t = 0; t < T; t++) {
        const double *k = K + t * dk, *v = V + t * dv, *q = Q + t * dk;
        for (size_t i = 0; i < dv; i++) {
            double *row = S + i * dk, y = 0;
            for (size_t j = 0; j < dk; j++) { row[j] += v[i] * k[j]; y += row[j] * q[j]; }
            Y[t * dv + i] = y;
        }
    }
}

#if NL_HAVE_X86
NL_AVX2 static void linear_attention_avx2(double *S, const double *K, const double *V, const double *Q, double *Y,
                                          size_t T, size_t dk, size_t dv) {
    size_t dk4 = dk & ~(size_t)3;
    for (size_t t = 0; t < T; t++) {
        const double *k = K + t * dk, *v = V + t * dv, *q = Q + t * dk;
        for (size_t i = 0; i < dv; i++) {
            double *row = S + i * dk;
            __m256d vi = _mm256_set1_pd(v[i]), acc = _mm256_setzero_pd();
            size_t j = 0;
            for (; j < dk4; j += 4) {
                __m256d r = _mm256_fmadd_pd(vi, _mm256_loadu_pd(k + j), _mm256_loadu_pd(row + j));
                _mm256_storeu_pd(row + j, r);
                acc = _mm256_fmadd_pd(r, _mm256_loadu_pd(q + j), acc);
            }
            __m128d lo = _mm_add_pd(_mm256_castpd256_pd128(acc), _mm256_extractf128_pd(acc, 1));
            double y = _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
            for (; j < dk; j++) { row[j] = __builtin_fma(v[i], k[j], row[j]); y = __builtin_fma(row[j], q[j], y); }
            Y[t * dv + i] = y;
        }
    }
}
/* The AVX-512 form. Every row of S evolves on its own, so the tokens go in tiles (keys and queries
   in L2) and the rows in groups of 16 (in L1); inside a group, for each token, rows in blocks of 8
   share the loads of k and q and one 8-lane horizontal sum. A row's last d_k mod 8 columns are one
   masked vector (lanes past the end load as zero and are never stored). */
enum { LA_GROUP512 = 16 };  /* two blocks of 8: one block alone waits on its own chains */

/* The eight horizontal sums of a0..a7, as one vector (lane r holds the sum of a_r). */
NL_AVX512 static inline __m512d la_hsum8(__m512d a0, __m512d a1, __m512d a2, __m512d a3, __m512d a4, __m512d a5,
                                         __m512d a6, __m512d a7) {
    __m512d t01 = _mm512_add_pd(_mm512_unpacklo_pd(a0, a1), _mm512_unpackhi_pd(a0, a1));
    __m512d t23 = _mm512_add_pd(_mm512_unpacklo_pd(a2, a3), _mm512_unpackhi_pd(a2, a3));
    __m512d t45 = _mm512_add_pd(_mm512_unpacklo_pd(a4, a5), _mm512_unpackhi_pd(a4, a5));
    __m512d t67 = _mm512_add_pd(_mm512_unpacklo_pd(a6, a7), _mm512_unpackhi_pd(a6, a7));
    __m512d s03 = _mm512_add_pd(_mm512_shuffle_f64x2(t01, t23, 0x88), _mm512_shuffle_f64x2(t01, t23, 0xDD));
    __m512d s47 = _mm512_add_pd(_mm512_shuffle_f64x2(t45, t67, 0x88), _mm512_shuffle_f64x2(t45, t67, 0xDD));
    return _mm512_add_pd(_mm512_shuffle_f64x2(s03, s47, 0x88), _mm512_shuffle_f64x2(s03, s47, 0xDD));
}

/* Token (k, q, v) for 8 rows of S starting at S: row_r += v_r k, y_r = row_r . q. */
NL_AVX512 static inline void la_eight_rows(double *S, const double *k, const double *q, const double *v, double *y,
                                           size_t dk) {
    size_t dk8 = dk & ~(size_t)7, j = 0;
    __mmask8 tail = (__mmask8)((1u << (dk & 7)) - 1);
    __m512d y0 = _mm512_setzero_pd(), y1 = y0, y2 = y0, y3 = y0, y4 = y0, y5 = y0, y6 = y0, y7 = y0;
#define NL_ROW(R, LOAD, STORE)                                                        \
    {                                                                                 \
        double *p = S + R * dk + j;                                                   \
        __m512d m = _mm512_fmadd_pd(_mm512_set1_pd(v[R]), kj, LOAD(p));               \
        STORE(p, m);                                                                  \
        y##R = _mm512_fmadd_pd(m, qj, y##R);                                          \
    }
#define NL_ROWS(LOAD, STORE)                                                          \
    NL_ROW(0, LOAD, STORE) NL_ROW(1, LOAD, STORE) NL_ROW(2, LOAD, STORE) NL_ROW(3, LOAD, STORE) \
    NL_ROW(4, LOAD, STORE) NL_ROW(5, LOAD, STORE) NL_ROW(6, LOAD, STORE) NL_ROW(7, LOAD, STORE)
#define NL_FULL_LOAD(p) _mm512_loadu_pd(p)
#define NL_FULL_STORE(p, m) _mm512_storeu_pd(p, m)
#define NL_TAIL_LOAD(p) _mm512_maskz_loadu_pd(tail, p)
#define NL_TAIL_STORE(p, m) _mm512_mask_storeu_pd(p, tail, m)
    for (; j < dk8; j += 8) {
        __m512d kj = _mm512_loadu_pd(k + j), qj = _mm512_loadu_pd(q + j);
        NL_ROWS(NL_FULL_LOAD, NL_FULL_STORE)
    }
    if (tail) {
        __m512d kj = NL_TAIL_LOAD(k + j), qj = NL_TAIL_LOAD(q + j);
        NL_ROWS(NL_TAIL_LOAD, NL_TAIL_STORE)
    }
#undef NL_ROW
#undef NL_ROWS
#undef NL_FULL_LOAD
#undef NL_FULL_STORE
#undef NL_TAIL_LOAD
#undef NL_TAIL_STORE
    _mm512_storeu_pd(y, la_hsum8(y0, y1, y2, y3, y4, y5, y6, y7));
}

/* Token (k, q, v_i) for one row: row += v_i k, returns row . q. */
NL_AVX512 static inline double la_one_row(double *row, const double *k, const double *q, double vi, size_t dk) {
    size_t dk8 = dk & ~(size_t)7, j = 0;
    __mmask8 tail = (__mmask8)((1u << (dk & 7)) - 1);
    __m512d v = _mm512_set1_pd(vi), acc = _mm512_setzero_pd();
    for (; j < dk8; j += 8) {
        __m512d r = _mm512_fmadd_pd(v, _mm512_loadu_pd(k + j), _mm512_loadu_pd(row + j));
        _mm512_storeu_pd(row + j, r);
        acc = _mm512_fmadd_pd(r, _mm512_loadu_pd(q + j), acc);
    }
    if (tail) {
        __m512d r = _mm512_fmadd_pd(v, _mm512_maskz_loadu_pd(tail, k + j), _mm512_maskz_loadu_pd(tail, row + j));
        _mm512_mask_storeu_pd(row + j, tail, r);
        acc = _mm512_fmadd_pd(r, _mm512_maskz_loadu_pd(tail, q + j), acc);
    }
    return _mm512_reduce_add_pd(acc);
}

NL_AVX512 static void linear_attention_avx512(double *S, const double *K, const double *V, const double *Q, double *Y,
                                              size_t T, size_t dk, size_t dv) {
    size_t tile = dk ? 8192 / dk : T;   /* a tile's keys and queries: about 128 KiB */
    if (tile < 4) tile = 4;
    for (size_t t0 = 0; t0 < T; t0 += tile) {
        size_t t1 = T - t0 < tile ? T : t0 + tile;
        for (size_t g0 = 0; g0 < dv; g0 += LA_GROUP512) {
            size_t g1 = dv - g0 < LA_GROUP512 ? dv : g0 + LA_GROUP512;
            for (size_t t = t0; t < t1; t++) {
                const double *k = K + t * dk, *q = Q + t * dk, *v = V + t * dv;
                size_t i = g0;
                for (; i + 8 <= g1; i += 8) la_eight_rows(S + i * dk, k, q, v + i, Y + t * dv + i, dk);
                for (; i < g1; i++) Y[t * dv + i] = la_one_row(S + i * dk, k, q, v[i], dk);
            }
        }
    }
}
#endif

void nl_linear_attention(double *S, const double *K, const double *V, const double *Q, double *Y,
                         size_t T, size_t dk, size_t dv) {
#if NL_HAVE_X86
    int path = nl_kernels_path();
    if (path == NL_PATH_AVX512) { linear_attention_avx512(S, K, V, Q, Y, T, dk, dv); return; }
    if (path == NL_PATH_AVX2) { linear_attention_avx2(S, K, V, Q, Y, T, dk, dv); return; }
#endif
    linear_attention_portable(S, K, V, Q, Y, T, dk, dv);
}
