/* A floating-point throughput probe: many independent multiply-add chains, so the loop is bound by
   FMA throughput rather than latency. Each chain computes acc <- acc * x + y with x = 1 - 2^-40 and
   a small y: the values drift slowly upward from about 1, so they stay finite and normal (no
   denormal slow path) for any practical iteration count. */
#include "CKernels.h"
#include "internal.h"

#define NL_PEAK_X (1.0 - 0x1p-40)
#define NL_PEAK_Y 0x1p-30

static double fma_peak_portable(size_t iterations, double *sink) {
    /* Distinct starting values, so the compiler cannot prove two chains equal and merge them. */
    double a0 = 1.00, a1 = 1.01, a2 = 1.02, a3 = 1.03, a4 = 1.04, a5 = 1.05;
    double a6 = 1.06, a7 = 1.07, a8 = 1.08, a9 = 1.09, a10 = 1.10, a11 = 1.11;
    const double x = NL_PEAK_X, y = NL_PEAK_Y;
    for (size_t i = 0; i < iterations; i++) {
        a0 = a0 * x + y; a1 = a1 * x + y; a2 = a2 * x + y; a3 = a3 * x + y;
        a4 = a4 * x + y; a5 = a5 * x + y; a6 = a6 * x + y; a7 = a7 * x + y;
        a8 = a8 * x + y; a9 = a9 * x + y; a10 = a10 * x + y; a11 = a11 * x + y;
    }
    *sink = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
    return (double)iterations * 24.0;
}

#if NL_HAVE_X86
/* 12 accumulators of 4 doubles: with an FMA latency of 4 cycles and two FMA ports, at least 8
   independent chains are needed to keep both ports busy; 12 leaves headroom. */
NL_AVX2 static double fma_peak_avx2(size_t iterations, double *sink) {
    const __m256d x = _mm256_set1_pd(NL_PEAK_X), y = _mm256_set1_pd(NL_PEAK_Y);
    __m256d a0 = _mm256_set_pd(1.00, 1.01, 1.02, 1.03), a1 = _mm256_set_pd(1.04, 1.05, 1.06, 1.07);
    __m256d a2 = _mm256_set_pd(1.08, 1.09, 1.10, 1.11), a3 = _mm256_set_pd(1.12, 1.13, 1.14, 1.15);
    __m256d a4 = _mm256_set_pd(1.16, 1.17, 1.18, 1.19), a5 = _mm256_set_pd(1.20, 1.21, 1.22, 1.23);
    __m256d a6 = _mm256_set_pd(1.24, 1.25, 1.26, 1.27), a7 = _mm256_set_pd(1.28, 1.29, 1.30, 1.31);
    __m256d a8 = _mm256_set_pd(1.32, 1.33, 1.34, 1.35), a9 = _mm256_set_pd(1.36, 1.37, 1.38, 1.39);
    __m256d a10 = _mm256_set_pd(1.40, 1.41, 1.42, 1.43), a11 = _mm256_set_pd(1.44, 1.45, 1.46, 1.47);
#if defined(__clang__)
#pragma clang loop unroll(disable)  /* keep the body at exactly 12 FMAs per iteration */
#endif
    for (size_t i = 0; i < iterations; i++) {
        a0 = _mm256_fmadd_pd(a0, x, y); a1 = _mm256_fmadd_pd(a1, x, y);
        a2 = _mm256_fmadd_pd(a2, x, y); a3 = _mm256_fmadd_pd(a3, x, y);
        a4 = _mm256_fmadd_pd(a4, x, y); a5 = _mm256_fmadd_pd(a5, x, y);
        a6 = _mm256_fmadd_pd(a6, x, y); a7 = _mm256_fmadd_pd(a7, x, y);
        a8 = _mm256_fmadd_pd(a8, x, y); a9 = _mm256_fmadd_pd(a9, x, y);
        a10 = _mm256_fmadd_pd(a10, x, y); a11 = _mm256_fmadd_pd(a11, x, y);
    }
    __m256d s = _mm256_add_pd(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)),
                              _mm256_add_pd(_mm256_add_pd(a4, a5), _mm256_add_pd(a6, a7)));
    s = _mm256_add_pd(s, _mm256_add_pd(_mm256_add_pd(a8, a9), _mm256_add_pd(a10, a11)));
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
    *sink = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    return (double)iterations * 96.0;
}
/* The same 12 chains on 8-wide registers (512-bit FMA), 192 flop per iteration. */
NL_AVX512 static double fma_peak_avx512(size_t iterations, double *sink) {
    const __m512d x = _mm512_set1_pd(NL_PEAK_X), y = _mm512_set1_pd(NL_PEAK_Y);
    __m512d a[12];
    for (int c = 0; c < 12; c++) a[c] = _mm512_add_pd(_mm512_set1_pd(1.0 + 0.08 * c),
                                                      _mm512_set_pd(0.07, 0.06, 0.05, 0.04, 0.03, 0.02, 0.01, 0));
    __m512d a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
    __m512d a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11];
#if defined(__clang__)
#pragma clang loop unroll(disable)  /* keep the body at exactly 12 FMAs per iteration */
#endif
    for (size_t i = 0; i < iterations; i++) {
        a0 = _mm512_fmadd_pd(a0, x, y); a1 = _mm512_fmadd_pd(a1, x, y);
        a2 = _mm512_fmadd_pd(a2, x, y); a3 = _mm512_fmadd_pd(a3, x, y);
        a4 = _mm512_fmadd_pd(a4, x, y); a5 = _mm512_fmadd_pd(a5, x, y);
        a6 = _mm512_fmadd_pd(a6, x, y); a7 = _mm512_fmadd_pd(a7, x, y);
        a8 = _mm512_fmadd_pd(a8, x, y); a9 = _mm512_fmadd_pd(a9, x, y);
        a10 = _mm512_fmadd_pd(a10, x, y); a11 = _mm512_fmadd_pd(a11, x, y);
    }
    __m512d s = _mm512_add_pd(_mm512_add_pd(_mm512_add_pd(a0, a1), _mm512_add_pd(a2, a3)),
                              _mm512_add_pd(_mm512_add_pd(a4, a5), _mm512_add_pd(a6, a7)));
    s = _mm512_add_pd(s, _mm512_add_pd(_mm512_add_pd(a8, a9), _mm512_add_pd(a10, a11)));
    *sink = _mm512_reduce_add_pd(s);
    return (double)iterations * 192.0;
}
#endif

double nl_fma_peak_probe_width(int width, size_t iterations, double *sink) {
    switch (width) {
    case 1: return fma_peak_portable(iterations, sink);
#if NL_HAVE_X86
    case 4: return nl_kernels_host_path() >= NL_PATH_AVX2 ? fma_peak_avx2(iterations, sink) : 0;
    case 8: return nl_kernels_host_path() >= NL_PATH_AVX512 ? fma_peak_avx512(iterations, sink) : 0;
#endif
    default: return 0;
    }
}

double nl_fma_peak_probe(size_t iterations, double *sink) {
    static const int widths[] = {1, 4, 8};
    return nl_fma_peak_probe_width(widths[nl_kernels_path()], iterations, sink);
}
