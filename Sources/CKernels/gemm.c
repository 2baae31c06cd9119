/* GEMM: C := alpha op(A) op(B) + beta C, row-major, with packing and a 6x8 register-blocked
   AVX2+FMA micro-kernel (the Goto/BLIS scheme: an A block in L2, a B micro-panel in L1). */
#include "CKernels.h"
#include "internal.h"
#include <pthread.h>
#include <string.h>

enum { MR = 6, NR = 8, KC = 256, MC = 144, NC = 3072 };

static inline double op_a(int trans, const double *A, size_t lda, size_t i, size_t p) {
    return trans ? A[p * lda + i] : A[i * lda + p];
}

/* Packs op(A)[i0..i0+mc, p0..p0+kc] scaled by alpha into MR-row slivers: sliver s holds, for each
   p, the MR values of rows s*MR..s*MR+MR-1 (zero past the edge). */
static void pack_a(int trans, const double *A, size_t lda, size_t i0, size_t mc, size_t p0, size_t kc,
                   double alpha, double *dst) {
    for (size_t s = 0; s < mc; s += MR) {
        size_t rows = mc - s < MR ? mc - s : MR;
        for (size_t p = 0; p < kc; p++) {
            size_t r = 0;
            for (; r < rows; r++) dst[r] = alpha * op_a(trans, A, lda, i0 + s + r, p0 + p);
            for (; r < MR; r++) dst[r] = 0;
            dst += MR;
        }
    }
}

/* Packs op(B)[p0..p0+kc, j0..j0+nc] into NR-column slivers: sliver s holds, for each p, the NR
   values of columns s*NR..s*NR+NR-1 (zero past the edge). */
static void pack_b(int trans, const double *B, size_t ldb, size_t p0, size_t kc, size_t j0, size_t nc, double *dst) {
    for (size_t s = 0; s < nc; s += NR) {
        size_t cols = nc - s < NR ? nc - s : NR;
        for (size_t p = 0; p < kc; p++) {
            size_t c = 0;
            if (!trans) {
                const double *row = B + (p0 + p) * ldb + j0 + s;
                for (; c < cols; c++) dst[c] = row[c];
            } else {
                for (; c < cols; c++) dst[c] = B[(j0 + s + c) * ldb + p0 + p];
            }
            for (; c < NR; c++) dst[c] = 0;
            dst += NR;
        }
    }
}

/* c[MR x NR] (row stride ldc) += a-sliver x b-sliver over kc. Portable. */
static void ukernel_portable(size_t kc, const double *a, const double *b, double *c, size_t ldc) {
    double acc[MR][NR] = {{0}};
    for (size_t p = 0; p < kc; p++, a += MR, b += NR)
        for (int r = 0; r < MR; r++)
            for (int j = 0; j < NR; j++) acc[r][j] += a[r] * b[j];
    for (int r = 0; r < MR; r++)
        for (int j = 0; j < NR; j++) c[r * ldc + j] += acc[r][j];
}

#if NL_HAVE_X86
NL_AVX2 static void ukernel_avx2(size_t kc, const double *a, const double *b, double *c, size_t ldc) {
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int r = 0; r < MR; r++) _mm_prefetch((const char *)(c + r * ldc), _MM_HINT_T0);
    for (size_t p = 0; p < kc; p++, a += MR, b += NR) {
        _mm_prefetch((const char *)(a + 8 * MR), _MM_HINT_T0);
        __m256d b0 = _mm256_load_pd(b), b1 = _mm256_load_pd(b + 4), x;
        x = _mm256_broadcast_sd(a + 0); c00 = _mm256_fmadd_pd(x, b0, c00); c01 = _mm256_fmadd_pd(x, b1, c01);
        x = _mm256_broadcast_sd(a + 1); c10 = _mm256_fmadd_pd(x, b0, c10); c11 = _mm256_fmadd_pd(x, b1, c11);
        x = _mm256_broadcast_sd(a + 2); c20 = _mm256_fmadd_pd(x, b0, c20); c21 = _mm256_fmadd_pd(x, b1, c21);
        x = _mm256_broadcast_sd(a + 3); c30 = _mm256_fmadd_pd(x, b0, c30); c31 = _mm256_fmadd_pd(x, b1, c31);
        x = _mm256_broadcast_sd(a + 4); c40 = _mm256_fmadd_pd(x, b0, c40); c41 = _mm256_fmadd_pd(x, b1, c41);
        x = _mm256_broadcast_sd(a + 5); c50 = _mm256_fmadd_pd(x, b0, c50); c51 = _mm256_fmadd_pd(x, b1, c51);
    }
#define NL_ACC(r, lo, hi) \
    _mm256_storeu_pd(c + r * ldc, _mm256_add_pd(_mm256_loadu_pd(c + r * ldc), lo)); \
    _mm256_storeu_pd(c + r * ldc + 4, _mm256_add_pd(_mm256_loadu_pd(c + r * ldc + 4), hi));
    NL_ACC(0, c00, c01) NL_ACC(1, c10, c11) NL_ACC(2, c20, c21)
    NL_ACC(3, c30, c31) NL_ACC(4, c40, c41) NL_ACC(5, c50, c51)
#undef NL_ACC
}
#endif

typedef void (*ukernel_fn)(size_t, const double *, const double *, double *, size_t);

/* The macro-kernel: every MR x NR tile of the packed blocks; edge tiles go through a local tile. */
static void macro_kernel(ukernel_fn kernel, size_t mc, size_t nc, size_t kc, const double *pa, const double *pb,
                         double *C, size_t ldc) {
    double edge[MR * NR];
    for (size_t j = 0; j < nc; j += NR) {
        size_t cols = nc - j < NR ? nc - j : NR;
        const double *b = pb + j * kc;
        for (size_t i = 0; i < mc; i += MR) {
            size_t rows = mc - i < MR ? mc - i : MR;
            const double *a = pa + i * kc;
            double *c = C + i * ldc + j;
            if (rows == MR && cols == NR) { kernel(kc, a, b, c, ldc); continue; }
            memset(edge, 0, sizeof edge);
            kernel(kc, a, b, edge, NR);
            for (size_t r = 0; r < rows; r++)
                for (size_t s = 0; s < cols; s++) c[r * ldc + s] += edge[r * NR + s];
        }
    }
}

static void scale_c(size_t m, size_t n, double beta, double *C, size_t ldc) {
    if (beta == 1) return;
    for (size_t i = 0; i < m; i++) {
        double *row = C + i * ldc;
        if (beta == 0) memset(row, 0, n * sizeof(double));  /* C is not read: NaN in C does not leak */
        else for (size_t j = 0; j < n; j++) row[j] *= beta;
    }
}

static void gemm_serial(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
              const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc) {
    if (m == 0 || n == 0) return;
    scale_c(m, n, beta, C, ldc);
    if (k == 0 || alpha == 0) return;
    ukernel_fn kernel = ukernel_portable;
#if NL_HAVE_X86
    if (nl_kernels_path()) kernel = ukernel_avx2;
#endif
    size_t ncap = n < NC ? n : NC, kcap = k < KC ? k : KC, mcap = m < MC ? m : MC;
    double *pb = nl_scratch(0, ((ncap + NR - 1) / NR) * NR * kcap);
    double *pa = nl_scratch(1, ((mcap + MR - 1) / MR) * MR * kcap);
    for (size_t jc = 0; jc < n; jc += NC) {
        size_t nc = n - jc < NC ? n - jc : NC;
        for (size_t pc = 0; pc < k; pc += KC) {
            size_t kc = k - pc < KC ? k - pc : KC;
            pack_b(transB, B, ldb, pc, kc, jc, nc, pb);
            for (size_t ic = 0; ic < m; ic += MC) {
                size_t mc = m - ic < MC ? m - ic : MC;
                pack_a(transA, A, lda, ic, mc, pc, kc, alpha, pa);
                macro_kernel(kernel, mc, nc, kc, pa, pb, C + ic * ldc + jc, ldc);
            }
        }
    }
}

/* Two threads pay off only for long GEMMs (thread start-up and the shared L3 eat the gain below
   roughly 20 ms of work on a 2-core machine), so the split starts at 2mnk >= this many flop. */
static const double parallel_threshold_flop = 1e9;
static int max_threads = 2;

void nl_set_max_threads(int n) { max_threads = n < 1 ? 1 : n; }
int nl_max_threads(void) { return max_threads; }

typedef struct {
    int transA, transB;
    size_t m, n, k, lda, ldb, ldc;
    double alpha, beta;
    const double *A, *B;
    double *C;
    int portable, poison;
} gemm_job;

static void *gemm_worker(void *arg) {
    gemm_job *j = arg;
    nl_kernels_force_portable(j->portable);
    nl_kernels_poison_scratch(j->poison);
    gemm_serial(j->transA, j->transB, j->m, j->n, j->k, j->alpha, j->A, j->lda, j->B, j->ldb, j->beta, j->C, j->ldc);
    nl_scratch_release();
    return NULL;
}

/* Columns of C split in two: every element is summed in the same order as serially, so the
   result is bitwise the same with one thread or two. */
void nl_dgemm(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
              const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc) {
    if (max_threads >= 2 && 2.0 * m * n * k >= parallel_threshold_flop && n >= 2 * NR) {
        size_t left = ((n / 2 + NR - 1) / NR) * NR;
        const double *Bright = transB ? B + left * ldb : B + left;
        gemm_job job = {transA, transB, m, n - left, k, lda, ldb, ldc, alpha, beta, A, Bright, C + left,
                        !nl_kernels_path(), nl_scratch_poisoned()};
        pthread_t worker;
        if (pthread_create(&worker, NULL, gemm_worker, &job) == 0) {
            gemm_serial(transA, transB, m, left, k, alpha, A, lda, B, ldb, beta, C, ldc);
            pthread_join(worker, NULL);
            return;
        }
    }
    gemm_serial(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
