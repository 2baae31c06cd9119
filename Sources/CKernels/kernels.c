#include "CKernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Portable path: plain loops, any CPU. */
static void delta_rule_portable(double *M, const double *K, const double *V, const double *Q, const double *beta,
                                double *Y, double *p, size_t T, size_t dk, size_t dv) {
    for (size_t t = 0; t < T; t++) {
        const double *k = K + t * dk, *v = V + t * dv, *q = Q + t * dk;
        for (size_t i = 0; i < dv; i++) {
            double s = 0;
            for (size_t j = 0; j < dk; j++) s += M[i * dk + j] * k[j];
            p[i] = beta[t] * (v[i] - s);
        }
        for (size_t i = 0; i < dv; i++) {
            double *row = M + i * dk, y = 0;
            for (size_t j = 0; j < dk; j++) { row[j] += p[i] * k[j]; y += row[j] * q[j]; }
            Y[t * dv + i] = y;
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static inline double hsum(__m256d a) {
    __m128d lo = _mm256_castpd256_pd128(a), hi = _mm256_extractf128_pd(a, 1);
    lo = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

/* AVX2 + FMA path: rows of M in registers of 4 doubles; the tail (d_k mod 4) in scalar FMA. */
__attribute__((target("avx2,fma")))
static void delta_rule_avx2(double *M, const double *K, const double *V, const double *Q, const double *beta,
                            double *Y, double *p, size_t T, size_t dk, size_t dv) {
    size_t dk4 = dk & ~(size_t)3;
    for (size_t t = 0; t < T; t++) {
        const double *k = K + t * dk, *v = V + t * dv, *q = Q + t * dk;
        for (size_t i = 0; i < dv; i++) {
            const double *row = M + i * dk;
            __m256d acc = _mm256_setzero_pd();
            size_t j = 0;
            for (; j < dk4; j += 4) acc = _mm256_fmadd_pd(_mm256_loadu_pd(row + j), _mm256_loadu_pd(k + j), acc);
            double s = hsum(acc);
            for (; j < dk; j++) s = __builtin_fma(row[j], k[j], s);
            p[i] = beta[t] * (v[i] - s);
        }
        for (size_t i = 0; i < dv; i++) {
            double *row = M + i * dk;
            __m256d pi = _mm256_set1_pd(p[i]), acc = _mm256_setzero_pd();
            size_t j = 0;
            for (; j < dk4; j += 4) {
                __m256d r = _mm256_fmadd_pd(pi, _mm256_loadu_pd(k + j), _mm256_loadu_pd(row + j));
                _mm256_storeu_pd(row + j, r);
                acc = _mm256_fmadd_pd(r, _mm256_loadu_pd(q + j), acc);
            }
            double y = hsum(acc);
            for (; j < dk; j++) { row[j] = __builtin_fma(p[i], k[j], row[j]); y = __builtin_fma(row[j], q[j], y); }
            Y[t * dv + i] = y;
        }
    }
}
#endif

static int avx2_available(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int nl_kernels_path(void) { return avx2_available(); }

void nl_delta_rule(double *M, const double *K, const double *V, const double *Q, const double *beta,
                   double *Y, double *scratch, size_t T, size_t dk, size_t dv) {
#if defined(__x86_64__)
    if (avx2_available()) { delta_rule_avx2(M, K, V, Q, beta, Y, scratch, T, dk, dv); return; }
#endif
    delta_rule_portable(M, K, V, Q, beta, Y, scratch, T, dk, dv);
}
