/* The Titans linear memory in chunks (Titans eq. 8-16): within a chunk every gradient is taken at
   the chunk-start state M0, so the chunk is GEMM-shaped.

   With r_t = M0 k_t - v_t (the gradient of 1/2||M k - v||^2 is r_t k_t^T), local tokens t = 0..c-1,
   and S0 the momentum at the chunk start:
     es[t]  = eta_0 ... eta_t                  E(t,j) = eta_{j+1} ... eta_t      (E(t,t) = 1)
     a[t]   = (1-alpha_0) ... (1-alpha_t)      b[t] = (1-alpha_t) b[t-1] + es[t]  (b[-1] = 0)
     Z(t,j) = (1-alpha_t) Z(t-1,j) + E(t,j)   (Z(j,j) = 1),   W(t,j) = theta_j Z(t,j)
   give  M_t = a[t] M0 + b[t] S0 - sum_{j<=t} W(t,j) r_j k_j^T
         S_t = es[t] S0 - sum_{j<=t} E(t,j) theta_j r_j k_j^T
         y_t = M_t q_t = a[t] M0 q_t + b[t] S0 q_t - sum_{j<=t} W(t,j) (q_t . k_j) r_j.
   All decays are products (no ratios), so alpha = 1 (full forgetting) is safe. */
#include "CKernels.h"
#include "internal.h"
#include <string.h>

static void chunk(double *M, double *S, const double *K, const double *V, const double *Q, const double *alpha,
                  const double *eta, const double *theta, double *Y, size_t c, size_t dk, size_t dv, double *w) {
    double *E = w, *Z = E + c * c, *A = Z + c * c, *R = A + c * c, *QS = R + c * dv, *Rw = QS + c * dv;
    double *Mn = Rw + c * dv, *es = Mn + dv * dk, *a = es + c, *b = a + c;
    for (size_t t = 0; t < c; t++) {
        double keep = 1 - alpha[t];
        es[t] = (t ? es[t - 1] : 1) * eta[t];
        a[t] = (t ? a[t - 1] : 1) * keep;
        b[t] = (t ? keep * b[t - 1] : 0) + es[t];
        E[t * c + t] = 1;
        Z[t * c + t] = 1;
        for (size_t j = 0; j < t; j++) {
            E[t * c + j] = eta[t] * E[(t - 1) * c + j];
            Z[t * c + j] = keep * Z[(t - 1) * c + j] + E[t * c + j];
        }
    }
    /* R = K M0^T - V; the reads of M0 and S0: Y = diag(a) Q M0^T, QS = Q S0^T. */
    nl_dgemm(0, 1, c, dv, dk, 1, K, dk, M, dk, 0, R, dv);
    for (size_t x = 0; x < c * dv; x++) R[x] -= V[x];
    nl_dgemm(0, 1, c, dv, dk, 1, Q, dk, M, dk, 0, Y, dv);
    nl_dgemm(0, 1, c, dv, dk, 1, Q, dk, S, dk, 0, QS, dv);
    for (size_t t = 0; t < c; t++)
        for (size_t i = 0; i < dv; i++) Y[t * dv + i] = a[t] * Y[t * dv + i] + b[t] * QS[t * dv + i];
    /* Y -= ((Q K^T) o W, lower incl. diagonal) R */
    nl_dgemm(0, 1, c, c, dk, 1, Q, dk, K, dk, 0, A, c);
    for (size_t t = 0; t < c; t++)
        for (size_t j = 0; j < c; j++) A[t * c + j] = j <= t ? A[t * c + j] * theta[j] * Z[t * c + j] : 0;
    nl_dgemm(0, 0, c, dv, c, -1, A, c, R, dv, 1, Y, dv);
    /* End of chunk: M = a M0 + b S0 - R^T diag(W(c-1, .)) K;  S = es S0 - R^T diag(E(c-1, .) theta) K. */
    size_t l = c - 1;
    for (size_t x = 0; x < dv * dk; x++) Mn[x] = a[l] * M[x] + b[l] * S[x];
    for (size_t j = 0; j < c; j++)
        for (size_t i = 0; i < dv; i++) Rw[j * dv + i] = theta[j] * Z[l * c + j] * R[j * dv + i];
    nl_dgemm(1, 0, dv, dk, c, -1, Rw, dv, K, dk, 1, Mn, dk);
    for (size_t j = 0; j < c; j++)
        for (size_t i = 0; i < dv; i++) Rw[j * dv + i] = theta[j] * E[l * c + j] * R[j * dv + i];
    nl_dgemm(1, 0, dv, dk, c, -1, Rw, dv, K, dk, es[l], S, dk);
    memcpy(M, Mn, dv * dk * sizeof(double));
}

void nl_titans_memory(double *M, double *S, const double *K, const double *V, const double *Q, const double *alpha,
                      const double *eta, const double *theta, double *Y, size_t T, size_t dk, size_t dv, size_t C) {
    if (T == 0) return;
    if (C == 0) C = 1;
    size_t cap = T < C ? T : C;
    double *w = nl_scratch(8, 3 * cap * cap + 3 * cap * dv + dv * dk + 3 * cap + 1);
    for (size_t t0 = 0; t0 < T; t0 += C) {
        size_t c = T - t0 < C ? T - t0 : C;
        chunk(M, S, K + t0 * dk, V + t0 * dv, Q + t0 * dk, alpha + t0, eta + t0, theta + t0, Y + t0 * dv, c, dk, dv, w);
    }
}
