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
/* The same on 8-wide vectors; a row's last d_k mod 8 columns are one masked vector. */
NL_AVX512 static void linear_attention_avx512(double *S, const double *K, const double *V, const double *Q, double *Y,
                                              size_t T, size_t dk, size_t dv) {
    size_t dk8 = dk & ~(size_t)7;
    __mmask8 tail = (__mmask8)((1u << (dk & 7)) - 1);
    for (size_t t = 0; t < T; t++) {
        const double *k = K + t * dk, *v = V + t * dv, *q = Q + t * dk;
        for (size_t i = 0; i < dv; i++) {
            double *row = S + i * dk;
            __m512d vi = _mm512_set1_pd(v[i]), acc = _mm512_setzero_pd();
            size_t j = 0;
            for (; j < dk8; j += 8) {
                __m512d r = _mm512_fmadd_pd(vi, _mm512_loadu_pd(k + j), _mm512_loadu_pd(row + j));
                _mm512_storeu_pd(row + j, r);
                acc = _mm512_fmadd_pd(r, _mm512_loadu_pd(q + j), acc);
            }
            if (tail) {
                __m512d r = _mm512_fmadd_pd(vi, _mm512_maskz_loadu_pd(tail, k + j), _mm512_maskz_loadu_pd(tail, row + j));
                _mm512_mask_storeu_pd(row + j, tail, r);
                acc = _mm512_fmadd_pd(r, _mm512_maskz_loadu_pd(tail, q + j), acc);
            }
            Y[t * dv + i] = _mm512_reduce_add_pd(acc);
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
