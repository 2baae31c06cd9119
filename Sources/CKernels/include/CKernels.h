#ifndef NESTEDLEARNINGSPEC_CKERNELS_H
#define NESTEDLEARNINGSPEC_CKERNELS_H
#include <stddef.h>

/// Which implementation the dispatcher picked on this CPU: 1 = AVX2+FMA, 0 = portable C.
int nl_kernels_path(void);

/// The delta rule over T tokens, fused: for each token t,
///   p = M k_t;  M += beta_t (v_t - p) k_t^T;  y_t = M q_t
/// (M(I - beta k k^T) + beta v k^T, arXiv eq. 65 with right multiplication).
/// M is d_v x d_k row-major and is updated in place; K, Q are T x d_k, V and Y are T x d_v,
/// row-major; scratch needs d_v doubles and is overwritten before it is read.
void nl_delta_rule(double *M, const double *K, const double *V, const double *Q, const double *beta,
                   double *Y, double *scratch, size_t T, size_t d_k, size_t d_v);
#endif
