/* Optional comparison against a system BLAS, loaded at run time with dlopen: never a build or link
   dependency. When no BLAS is found, nl_system_blas_load returns NULL and nl_system_dgemm returns -1. */
#if !defined(_WIN32)
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "CKernels.h"
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* CBLAS enum values, declared here so no cblas.h is needed. */
enum { NL_CBLAS_ROW_MAJOR = 101, NL_CBLAS_NO_TRANS = 111, NL_CBLAS_TRANS = 112 };

typedef void (*cblas_dgemm_fn)(int order, int transA, int transB, int m, int n, int k, double alpha,
                               const double *A, int lda, const double *B, int ldb, double beta, double *C, int ldc);
typedef void (*set_threads_fn)(int);

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static const char *blas_name = NULL;
static cblas_dgemm_fn blas_dgemm = NULL;
static set_threads_fn blas_set_threads = NULL;

static void blas_load_once(void) {
    static const char *const candidates[] = {"libopenblas.so.0", "libopenblas.so", "libblas.so.3", "libblas.so"};
    setenv("OPENBLAS_NUM_THREADS", "1", 0);  /* does not override a value the user set */
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        void *handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle) continue;
        void *sym = dlsym(handle, "cblas_dgemm");
        if (!sym) { dlclose(handle); continue; }
        memcpy(&blas_dgemm, &sym, sizeof sym);  /* object pointer to function pointer, without a cast warning */
        void *threads = dlsym(handle, "openblas_set_num_threads");
        if (threads) {
            memcpy(&blas_set_threads, &threads, sizeof threads);
            blas_set_threads(1);
        }
        blas_name = candidates[i];
        return;  /* the handle stays open for the life of the process */
    }
}

const char *nl_system_blas_load(void) {
    pthread_once(&blas_once, blas_load_once);
    return blas_name;
}

int nl_system_dgemm(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
                    const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc) {
    if (!nl_system_blas_load()) return -1;
    if (m == 0 || n == 0) return 0;
    if (m > INT_MAX || n > INT_MAX || k > INT_MAX) return -1;
    /* CBLAS rejects a leading dimension below the stored row length even where it is never used
       (a single stored row); nl_dgemm accepts it, so widen it in that case. */
    size_t a_rows = transA ? k : m, a_cols = transA ? m : k;
    size_t b_rows = transB ? n : k, b_cols = transB ? k : n;
    if (a_rows <= 1 && lda < a_cols) lda = a_cols;
    if (b_rows <= 1 && ldb < b_cols) ldb = b_cols;
    if (m == 1 && ldc < n) ldc = n;
    if (lda == 0) lda = 1;
    if (ldb == 0) ldb = 1;
    if (lda > INT_MAX || ldb > INT_MAX || ldc > INT_MAX) return -1;
    blas_dgemm(NL_CBLAS_ROW_MAJOR, transA ? NL_CBLAS_TRANS : NL_CBLAS_NO_TRANS, transB ? NL_CBLAS_TRANS : NL_CBLAS_NO_TRANS,
               (int)m, (int)n, (int)k, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
    return 0;
}

#else  /* no dlopen: the system BLAS is never available */
#include "CKernels.h"
const char *nl_system_blas_load(void) { return NULL; }
int nl_system_dgemm(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
                    const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc) {
    (void)transA; (void)transB; (void)m; (void)n; (void)k; (void)alpha;
    (void)A; (void)lda; (void)B; (void)ldb; (void)beta; (void)C; (void)ldc;
    return -1;
}
#endif
