/* Chunked forms of the (gated) delta rule and of linear attention: within a chunk of c tokens,
   everything is GEMM-shaped (the WY / UT representation); only a c x c triangular solve is not.

   With S the d_v x d_k state at the chunk start, g(t,i) = alpha_{i+1} ... alpha_t (1 when i = t),
   gamma_t = alpha_1 ... alpha_t, and u_t the t-th write (S_t = alpha_t S_{t-1} + u_t k_t^T):
     delta rule:       u_t + beta_t sum_{i<t} g(t,i) (k_t . k_i) u_i = beta_t (v_t - gamma_t S k_t)
     linear attention: u_t = v_t
     outputs:          y_t = gamma_t S q_t + sum_{i<=t} g(t,i) (q_t . k_i) u_i
     next state:       S' = gamma_c S + sum_i g(c,i) u_i k_i^T.
   Decays are products, never ratios, so a gate of exactly 0 is safe. */
#include "CKernels.h"
#include "internal.h"

static void scale_rows(double *X, size_t rows, size_t cols, const double *by) {
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) X[r * cols + j] *= by[r];
}

/* dst[0..n) -= a * src[0..n) */
static void axpy_minus_portable(size_t n, double a, const double *src, double *dst) {
    for (size_t j = 0; j < n; j++) dst[j] -= a * src[j];
}
#if NL_HAVE_X86
NL_AVX2 static void axpy_minus_avx2(size_t n, double a, const double *src, double *dst) {
    size_t n4 = n & ~(size_t)3, j = 0;
    __m256d av = _mm256_set1_pd(a);
    for (; j < n4; j += 4) _mm256_storeu_pd(dst + j, _mm256_fnmadd_pd(av, _mm256_loadu_pd(src + j), _mm256_loadu_pd(dst + j)));
    for (; j < n; j++) dst[j] = __builtin_fma(-a, src[j], dst[j]);
}

/* The same on 8-wide vectors, the last n mod 8 elements as one masked vector. */
NL_AVX512 static void axpy_minus_avx512(size_t n, double a, const double *src, double *dst) {
    size_t n8 = n & ~(size_t)7, j = 0;
    __mmask8 tail = (__mmask8)((1u << (n & 7)) - 1);
    __m512d av = _mm512_set1_pd(a);
    for (; j < n8; j += 8) _mm512_storeu_pd(dst + j, _mm512_fnmadd_pd(av, _mm512_loadu_pd(src + j), _mm512_loadu_pd(dst + j)));
    if (tail)
        _mm512_mask_storeu_pd(dst + j, tail, _mm512_fnmadd_pd(av, _mm512_maskz_loadu_pd(tail, src + j),
                                                               _mm512_maskz_loadu_pd(tail, dst + j)));
}
#endif

static void chunk_step(int delta, double *St, const double *K, const double *V, const double *Q, const double *alpha,
                       const double *beta, double *Y, size_t c, size_t dk, size_t dv, double *work) {
    void (*axpy_minus)(size_t, double, const double *, double *) = axpy_minus_portable;
#if NL_HAVE_X86
    int path = nl_kernels_path();
    if (path == NL_PATH_AVX512) axpy_minus = axpy_minus_avx512;
    if (path == NL_PATH_AVX2) axpy_minus = axpy_minus_avx2;
#endif
    double *G = work, *A = G + c * c, *U = A + 2 * c * c, *gam = U + c * dv, *last = gam + c;
    double *KQ = last + c, *P = KQ + 2 * c * dk;
    /* Decays: G[t][i] = g(t,i) for i <= t. */
    for (size_t t = 0; t < c; t++) {
        G[t * c + t] = 1;
        for (size_t i = t; i-- > 0;) G[t * c + i] = alpha ? G[t * c + i + 1] * alpha[i + 1] : 1;
        gam[t] = alpha ? alpha[0] * G[t * c] : 1;
    }
    /* K and Q stacked, so S and K are packed once for both products:
       P = [K; Q] S^T (2c x d_v) and B = [K; Q] K^T (2c x c). */
    for (size_t t = 0; t < c; t++)
        for (size_t j = 0; j < dk; j++) { KQ[t * dk + j] = K[t * dk + j]; KQ[(c + t) * dk + j] = Q[t * dk + j]; }
    nl_dgemm(0, 0, 2 * c, dv, dk, 1, KQ, dk, St, dv, 0, P, dv);
    nl_dgemm(0, 1, 2 * c, c, dk, 1, KQ, dk, K, dk, 0, A, c);
    /* The writes U (c x d_v). */
    if (delta) {
        for (size_t t = 0; t < c; t++)
            for (size_t j = 0; j < dv; j++) U[t * dv + j] = beta[t] * (V[t * dv + j] - gam[t] * P[t * dv + j]);
        for (size_t t = 1; t < c; t++)                                /* forward substitution */
            for (size_t i = 0; i < t; i++) {
                double w = beta[t] * G[t * c + i] * A[t * c + i];
                if (w != 0) axpy_minus(dv, w, U + i * dv, U + t * dv);
            }
    } else {
        for (size_t x = 0; x < c * dv; x++) U[x] = V[x];
    }
    /* Outputs: Y = diag(gamma) Q S^T + ((Q K^T) o G, lower incl. diagonal) U. */
    double *QK = A + c * c;
    for (size_t t = 0; t < c; t++)
        for (size_t j = 0; j < dv; j++) Y[t * dv + j] = gam[t] * P[(c + t) * dv + j];
    for (size_t t = 0; t < c; t++)
        for (size_t i = 0; i < c; i++) QK[t * c + i] = i <= t ? QK[t * c + i] * G[t * c + i] : 0;
    nl_dgemm(0, 0, c, dv, c, 1, QK, c, U, dv, 1, Y, dv);
    /* Next state: S = gamma_c S + (diag(g(c, .)) U)^T K, kept transposed: S^T = gamma_c S^T + K^T diag(g(c, .)) U. */
    if (alpha) {
        for (size_t i = 0; i < c; i++) last[i] = G[(c - 1) * c + i];
        scale_rows(U, c, dv, last);
    }
    nl_dgemm(1, 0, dk, dv, c, 1, K, dk, U, dv, gam[c - 1], St, dv);
}

static void chunked(int delta, double *S, const double *K, const double *V, const double *Q, const double *alpha,
                    const double *beta, double *Y, size_t T, size_t dk, size_t dv, size_t C) {
    if (C == 0) C = 64;
    size_t cap = T < C ? T : C;
    double *work = nl_scratch(2, 3 * cap * cap + cap * dv + 2 * cap + 2 * cap * dk + 2 * cap * dv + 1);
    /* The state is kept as S^T (d_k x d_v) through the sequence, so both GEMMs that touch it
       read and write it row by row (no transposed packing of a d x d matrix per chunk). */
    double *St = nl_scratch(4, dk * dv + 1);
    for (size_t i = 0; i < dv; i++)
        for (size_t j = 0; j < dk; j++) St[j * dv + i] = S[i * dk + j];
    for (size_t t0 = 0; t0 < T; t0 += C) {
        size_t c = T - t0 < C ? T - t0 : C;
        chunk_step(delta, St, K + t0 * dk, V + t0 * dv, Q + t0 * dk, alpha ? alpha + t0 : NULL,
                   beta ? beta + t0 : NULL, Y + t0 * dv, c, dk, dv, work);
    }
    for (size_t i = 0; i < dv; i++)
        for (size_t j = 0; j < dk; j++) S[i * dk + j] = St[j * dv + i];
}

void nl_delta_rule_chunked(double *S, const double *K, const double *V, const double *Q, const double *alpha,
                           const double *beta, double *Y, size_t T, size_t dk, size_t dv, size_t C) {
    chunked(1, S, K, V, Q, alpha, beta, Y, T, dk, dv, C);
}

void nl_linear_attention_chunked(double *S, const double *K, const double *V, const double *Q, const double *alpha,
                                 double *Y, size_t T, size_t dk, size_t dv, size_t C) {
    chunked(0, S, K, V, Q, alpha, NULL, Y, T, dk, dv, C);
}
