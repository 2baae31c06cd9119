#ifndef NESTEDLEARNINGSPEC_CKERNELS_H
#define NESTEDLEARNINGSPEC_CKERNELS_H
#include <stddef.h>

/* Every matrix is row-major. Every kernel picks its implementation at run time: AVX-512 where the
   CPU has AVX-512 F, DQ, VL and BW, AVX2+FMA where it has both, portable C otherwise. No special
   build flags are needed. */

/// The implementation levels, narrowest first.
enum { NL_PATH_PORTABLE = 0, NL_PATH_AVX2 = 1, NL_PATH_AVX512 = 2 };

/// The best level this CPU supports: 2 = AVX-512 (F, DQ, VL, BW, with AVX2 and FMA), 1 = AVX2+FMA,
/// 0 = portable C. Checked once.
int nl_kernels_host_path(void);

/// Which implementation the dispatcher picks on this thread: the host's best level, at most the
/// calling thread's cap (nl_kernels_force_path).
int nl_kernels_path(void);

/// Caps the level the dispatcher may pick on the calling thread ("use at most this level"; clamped
/// to 0...2; 2, the default, means no cap), so tests can check each path the CPU can run.
void nl_kernels_force_path(int level);

/// The calling thread's cap (2 unless nl_kernels_force_path lowered it).
int nl_kernels_path_cap(void);

/// Caps the calling thread at the portable path (on != 0) or lifts the cap (on == 0).
void nl_kernels_force_portable(int on);

/// The most threads nl_dgemm may use (default 2; it uses a second thread only when
/// 2mnk >= 1e9 flop, about 20 ms of single-thread work, and n >= 16). Results are bitwise the same either way.
void nl_set_max_threads(int n);
int nl_max_threads(void);

/// Tests: on != 0 fills every internal scratch buffer with NaN each time a kernel takes it (on the
/// calling thread), so a read of scratch before it is written cannot hide.
void nl_kernels_poison_scratch(int on);

/// GEMM: C := alpha op(A) op(B) + beta C, where op(X) = X (trans = 0) or X^T (trans = 1),
/// op(A) is m x k, op(B) is k x n and C is m x n. With beta = 0, C is written and never read.
void nl_dgemm(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
              const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc);

/// The (gated) delta rule over T tokens, fused: for each token t,
///   p = M k_t;  M <- alpha_t M + beta_t (v_t - alpha_t p) k_t^T;  y_t = M q_t,
/// that is M_t = alpha_t M_{t-1}(I - beta_t k_t k_t^T) + beta_t v_t k_t^T (arXiv eq. 65 with
/// right multiplication; alpha = NULL means alpha_t = 1, the plain delta rule).
/// M is d_v x d_k and is updated in place; K, Q are T x d_k, V and Y are T x d_v;
/// scratch needs d_v doubles and is overwritten before it is read.
void nl_delta_rule(double *M, const double *K, const double *V, const double *Q, const double *alpha,
                   const double *beta, double *Y, double *scratch, size_t T, size_t d_k, size_t d_v);
/// The (gated) delta rule in chunks of C tokens (C = 0 picks 64): the WY/UT form, GEMM-shaped
/// except for a C x C triangular solve per chunk. Same arguments and results as nl_delta_rule up
/// to rounding (no scratch argument: it uses thread-local scratch).
void nl_delta_rule_chunked(double *S, const double *K, const double *V, const double *Q, const double *alpha,
                           const double *beta, double *Y, size_t T, size_t d_k, size_t d_v, size_t C);

/// Linear attention, recurrent and fused (arXiv eq. 15-16, read after write): for each token t,
///   S <- S + v_t k_t^T;  y_t = S q_t.   S is d_v x d_k, updated in place.
void nl_linear_attention(double *S, const double *K, const double *V, const double *Q, double *Y,
                         size_t T, size_t d_k, size_t d_v);

/// Linear attention in chunks of C tokens (C = 0 picks 64), with optional gates
/// (S <- alpha_t S + v_t k_t^T; alpha = NULL means 1): Y = Q S^T + (Q K^T masked, s <= t) V
/// per chunk, then S <- S + V^T K.
void nl_linear_attention_chunked(double *S, const double *K, const double *V, const double *Q, const double *alpha,
                                 double *Y, size_t T, size_t d_k, size_t d_v, size_t C);

/// Newton-Schulz iteration, in place on X (m x n): `steps` times,
///   X <- a X + b (X X^T) X + c (X X^T)(X X^T) X,
/// exactly as written (no normalisation, no transposing: the caller scales X_0, e.g. by its
/// Frobenius norm). Muon's quintic is a = 3.4445, b = -4.7750, c = 2.0315; the classic cubic is
/// a = 1.5, b = -0.5, c = 0 (with c = 0 the (X X^T)^2 product is skipped). Valid for any m, n, but
/// the cost is 4 m^2 n (+ 2 m^3 when c != 0) flop per step, so pass the wide orientation (m <= n).
/// Uses the calling thread's scratch slots 5, 6 and 7.
void nl_newton_schulz(double *X, size_t m, size_t n, double a, double b, double c, size_t steps);

/// FMA throughput probe: `iterations` iterations of 12 independent multiply-add chains, on the
/// widest vectors of the path the dispatcher picks (8-wide FMA on AVX-512, 192 flop per iteration;
/// 4-wide on AVX2, 96 flop; scalar a*x+y on the portable path, 24 flop). Writes the sum of the
/// chains to *sink (so nothing is optimised away) and returns the number of floating-point
/// operations performed. The caller times it.
double nl_fma_peak_probe(size_t iterations, double *sink);

/// The same probe at one vector width: 1 (scalar a*x+y), 4 (ymm FMA) or 8 (zmm FMA), whatever the
/// thread's cap. Returns the floating-point operations performed, or 0 (running nothing) when the
/// CPU lacks that width.
double nl_fma_peak_probe_width(int width, size_t iterations, double *sink);

/// Loads a system BLAS at run time (dlopen; never a build dependency), trying libopenblas.so.0,
/// libopenblas.so, libblas.so.3, libblas.so in that order, and looks up cblas_dgemm. Sets
/// OPENBLAS_NUM_THREADS=1 (unless already set) before loading and, where the library has
/// openblas_set_num_threads, sets one thread. Loads once; returns the library name or NULL.
const char *nl_system_blas_load(void);

/// The system BLAS cblas_dgemm with exactly the row-major semantics of nl_dgemm (loading the
/// library on first use). Returns 0 on success, -1 when no BLAS is loaded (or a size exceeds INT_MAX).
int nl_system_dgemm(int transA, int transB, size_t m, size_t n, size_t k, double alpha,
                    const double *A, size_t lda, const double *B, size_t ldb, double beta, double *C, size_t ldc);

/// One CMS level over T tokens (arXiv eq. 70-71; NeurIPS eq. 30-31), conventions window = chunk,
/// reduction = sum, gradient anchor = chunk start: y_t = W2 phi(W1 x_t) with
/// phi(z) = phi[0] + phi[1] z + phi[2] z^2, loss 1/2 ||y_t - r_t||^2; after every `period` tokens
/// (and after a final partial chunk when flush != 0) W <- W - eta * (sum of the chunk's gradients
/// at the chunk-start weights). period = 0 means frequency zero (never updates, even with flush).
/// W1 (d_h x d_in) and W2 (d_out x d_h) are updated in place; X is T x d_in, R and Y are T x d_out.
/// W1_after / W2_after (NULL to skip) receive the weights after each update, in order, and need
/// room for ceil(T / period) updates. Returns the number of updates. Uses scratch slots 3 (and 0-1).
size_t nl_cms_level(double *W1, double *W2, const double *X, const double *R, double *Y, size_t T, size_t d_in,
                    size_t d_h, size_t d_out, size_t period, double eta, int flush, const double phi[3],
                    double *W1_after, double *W2_after);

/// The Titans linear memory (Titans eq. 8-16) in chunks of C tokens (C >= 1; every gradient of a
/// chunk is taken at the chunk-start state, and a final partial chunk updates like any other):
///   u_t = (M_{t'} k_t - v_t) k_t^T,  S <- eta_t S - theta_t u_t,  M <- (1 - alpha_t) M + S,  y_t = M q_t.
/// M (memory) and S (momentum) are d_v x d_k and are updated in place; K, Q are T x d_k, V, Y are
/// T x d_v; alpha, eta, theta have T entries. GEMM-shaped per chunk. Uses scratch slot 8.
void nl_titans_memory(double *M, double *S, const double *K, const double *V, const double *Q, const double *alpha,
                      const double *eta, const double *theta, double *Y, size_t T, size_t d_k, size_t d_v, size_t C);

#endif
