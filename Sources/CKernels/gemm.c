/* GEMM: C := alpha op(A) op(B) + beta C, row-major, with packing and a register-blocked micro-kernel
   (the Goto/BLIS scheme: an A block in L2, a B micro-panel in L1): 6x32 on AVX-512, 6x8 on AVX2+FMA
   and in portable C. Every element of C is summed in the same order whatever the tile shape (a
   zeroed accumulator over one KC block, then added to C), so the shapes differ only in speed and in
   the KC blocking. */
#include "CKernels.h"
#include "internal.h"
#include <pthread.h>
#include <string.h>

enum { MR = 6, NR = 8, KC = 256, MC = 144, NC = 3072 };  /* portable and AVX2 */
enum { KC_512 = 256, MC_512 = 192, NC_512 = 3072 };        /* AVX-512 (a 6 x 32 tile) */
enum { MR_MAX = 6, NR_MAX = 32 };                          /* the largest tile of any path */

typedef void (*ukernel_fn)(size_t, const double *, const double *, double *, size_t);

/* One path's tile and cache blocks. */
typedef struct {
    size_t mr, nr, kc, mc, nc;
    ukernel_fn kernel;
} gemm_shape;

static inline double op_a(int trans, const double *A, size_t lda, size_t i, size_t p) {
    return trans ? A[p * lda + i] : A[i * lda + p];
}

/* Packs op(A)[i0..i0+mc, p0..p0+kc] scaled by alpha into mr-row slivers: sliver s holds, for each
   p, the mr values of rows s*mr..s*mr+mr-1 (zero past the edge). */
static void pack_a(size_t mr, int trans, const double *A, size_t lda, size_t i0, size_t mc, size_t p0, size_t kc,
                   double alpha, double *dst) {
    for (size_t s = 0; s < mc; s += mr) {
        size_t rows = mc - s < mr ? mc - s : mr;
        for (size_t p = 0; p < kc; p++) {
            size_t r = 0;
            for (; r < rows; r++) dst[r] = alpha * op_a(trans, A, lda, i0 + s + r, p0 + p);
            for (; r < mr; r++) dst[r] = 0;
            dst += mr;
        }
    }
}

/* Packs op(B)[p0..p0+kc, j0..j0+nc] into nr-column slivers: sliver s holds, for each p, the nr
   values of columns s*nr..s*nr+nr-1 (zero past the edge). */
static void pack_b(size_t nr, int trans, const double *B, size_t ldb, size_t p0, size_t kc, size_t j0, size_t nc,
                   double *dst) {
    for (size_t s = 0; s < nc; s += nr) {
        size_t cols = nc - s < nr ? nc - s : nr;
        for (size_t p = 0; p < kc; p++) {
            size_t c = 0;
            if (!trans) {
                const double *row = B + (p0 + p) * ldb + j0 + s;
                for (; c < cols; c++) dst[c] = row[c];
            } else {
                for (; c < cols; c++) dst[c] = B[(j0 + s + c) * ldb + p0 + p];
            }
            for (; c < nr; c++) dst[c] = 0;
            dst += nr;
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

/* c[6 x 32] (row stride ldc) += a-sliver (6 rows) x b-sliver (32 columns) over kc: 24 accumulators
   of 8 doubles, four vector loads of B and six broadcasts of A per step. (Measured against 8 x 24,
   12 x 16 and 4 x 48: 6 x 32 was as fast or faster, and 32 columns divide the common sizes.) */
NL_AVX512 static void ukernel_avx512(size_t kc, const double *a, const double *b, double *c, size_t ldc) {
    __m512d c00 = _mm512_setzero_pd(), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    __m512d c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    __m512d c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int r = 0; r < 6; r++)
        for (int v = 0; v < 4; v++) _mm_prefetch((const char *)(c + r * ldc + 8 * v), _MM_HINT_T0);
#define NL_ROW(r)                                                              \
    x = _mm512_set1_pd(a[r]);                                                  \
    c##r##0 = _mm512_fmadd_pd(x, b0, c##r##0);                                 \
    c##r##1 = _mm512_fmadd_pd(x, b1, c##r##1);                                 \
    c##r##2 = _mm512_fmadd_pd(x, b2, c##r##2);                                 \
    c##r##3 = _mm512_fmadd_pd(x, b3, c##r##3);
    for (size_t p = 0; p < kc; p++, a += 6, b += 32) {
        _mm_prefetch((const char *)(b + 32 * 8), _MM_HINT_T0);
        __m512d b0 = _mm512_load_pd(b), b1 = _mm512_load_pd(b + 8), b2 = _mm512_load_pd(b + 16), b3 = _mm512_load_pd(b + 24), x;
        NL_ROW(0) NL_ROW(1) NL_ROW(2) NL_ROW(3) NL_ROW(4) NL_ROW(5)
    }
#undef NL_ROW
#define NL_ACC(r, v) _mm512_storeu_pd(c + r * ldc + 8 * v, _mm512_add_pd(_mm512_loadu_pd(c + r * ldc + 8 * v), c##r##v));
#define NL_ACC_ROW(r) NL_ACC(r, 0) NL_ACC(r, 1) NL_ACC(r, 2) NL_ACC(r, 3)
    NL_ACC_ROW(0) NL_ACC_ROW(1) NL_ACC_ROW(2) NL_ACC_ROW(3) NL_ACC_ROW(4) NL_ACC_ROW(5)
#undef NL_ACC_ROW
#undef NL_ACC
}
#endif

/* The shape of each path (index: NL_PATH_*). */
static const gemm_shape shapes[3] = {
    {MR, NR, KC, MC, NC, ukernel_portable},
#if NL_HAVE_X86
    {MR, NR, KC, MC, NC, ukernel_avx2},
    {6, 32, KC_512, MC_512, NC_512, ukernel_avx512},
#else
    {MR, NR, KC, MC, NC, ukernel_portable},
    {MR, NR, KC, MC, NC, ukernel_portable},
#endif
};

/* The macro-kernel: every mr x nr tile of the packed blocks; edge tiles go through a local tile. */
static void macro_kernel(const gemm_shape *g, size_t mc, size_t nc, size_t kc, const double *pa, const double *pb,
                         double *C, size_t ldc) {
    double edge[MR_MAX * NR_MAX];
    size_t mr = g->mr, nr = g->nr;
    for (size_t j = 0; j < nc; j += nr) {
        size_t cols = nc - j < nr ? nc - j : nr;
        const double *b = pb + j * kc;
        for (size_t i = 0; i < mc; i += mr) {
            size_t rows = mc - i < mr ? mc - i : mr;
            const double *a = pa + i * kc;
            double *c = C + i * ldc + j;
            if (rows == mr && cols == nr) { g->kernel(kc, a, b, c, ldc); continue; }
            memset(edge, 0, mr * nr * sizeof(double));
            g->kernel(kc, a, b, edge, nr);
            for (size_t r = 0; r < rows; r++)
                for (size_t s = 0; s < cols; s++) c[r * ldc + s] += edge[r * nr + s];
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
    const gemm_shape *g = &shapes[nl_kernels_path()];
    size_t MRg = g->mr, NRg = g->nr, KCg = g->kc, MCg = g->mc, NCg = g->nc;
    size_t ncap = n < NCg ? n : NCg, kcap = k < KCg ? k : KCg, mcap = m < MCg ? m : MCg;
    double *pb = nl_scratch(0, ((ncap + NRg - 1) / NRg) * NRg * kcap);
    double *pa = nl_scratch(1, ((mcap + MRg - 1) / MRg) * MRg * kcap);
    for (size_t jc = 0; jc < n; jc += NCg) {
        size_t nc = n - jc < NCg ? n - jc : NCg;
        for (size_t pc = 0; pc < k; pc += KCg) {
            size_t kc = k - pc < KCg ? k - pc : KCg;
            pack_b(NRg, transB, B, ldb, pc, kc, jc, nc, pb);
            for (size_t ic = 0; ic < m; ic += MCg) {
                size_t mc = m - ic < MCg ? m - ic : MCg;
                pack_a(MRg, transA, A, lda, ic, mc, pc, kc, alpha, pa);
                macro_kernel(g, mc, nc, kc, pa, pb, C + ic * ldc + jc, ldc);
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
    int path_cap, poison;
} gemm_job;

static void *gemm_worker(void *arg) {
    gemm_job *j = arg;
    nl_kernels_force_path(j->path_cap);
    nl_kernels_poison_scratch(j->poison);
    gemm_serial(j->transA, j->transB, j->m, j->n, j->k, j->alpha, j->A, j->lda, j->B, j->ldb, j->beta, j->C, j->ldc);
    nl_scratch_release();
    return NULL;
}

/* Columns of C split in two: every element is summed in the same order as serially, so the
   result is bitwise the same with one thread or two. */
void nl_dgemm(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
              const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc) {
    size_t nr = shapes[nl_kernels_path()].nr;
    if (max_threads >= 2 && 2.0 * m * n * k >= parallel_threshold_flop && n >= 2 * nr) {
        size_t left = ((n / 2 + nr - 1) / nr) * nr;
        const double *Bright = transB ? B + left * ldb : B + left;
        gemm_job job = {transA, transB, m, n - left, k, lda, ldb, ldc, alpha, beta, A, Bright, C + left,
                        nl_kernels_path_cap(), nl_scratch_poisoned()};
        pthread_t worker;
        if (pthread_create(&worker, NULL, gemm_worker, &job) == 0) {
            gemm_serial(transA, transB, m, left, k, alpha, A, lda, B, ldb, beta, C, ldc);
            pthread_join(worker, NULL);
            return;
        }
    }
    gemm_serial(transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
