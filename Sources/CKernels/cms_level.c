/* One CMS level over a sequence (arXiv eq. 70-71): a chunk of tokens is one GEMM-shaped forward
   pass, and the chunk's summed gradient is two more GEMMs, all at the chunk-start weights. */
#include "CKernels.h"
#include "internal.h"
#include <string.h>

size_t nl_cms_level(double *W1, double *W2, const double *X, const double *R, double *Y, size_t T, size_t d_in,
                    size_t d_h, size_t d_out, size_t period, double eta, int flush, const double phi[3],
                    double *W1_after, double *W2_after) {
    int frozen = period == 0;                 /* frequency zero: outputs only, never an update */
    if (frozen) period = T ? T : 1;
    size_t cap = T < period ? T : period, updates = 0;
    if (cap == 0) return 0;
    double *Z = nl_scratch(3, cap * (3 * d_h + d_out));
    double *D = Z + cap * d_h, *B = D + cap * d_h, *G = B + cap * d_h;
    for (size_t t0 = 0; t0 < T; t0 += period) {
        size_t c = T - t0 < period ? T - t0 : period;
        const double *Xc = X + t0 * d_in, *Rc = R + t0 * d_out;
        double *Yc = Y + t0 * d_out;
        /* Forward at the chunk-start weights: Z = Xc W1^T, H = phi(Z) (in place), Yc = H W2^T. */
        nl_dgemm(0, 1, c, d_h, d_in, 1, Xc, d_in, W1, d_in, 0, Z, d_h);
        for (size_t x = 0; x < c * d_h; x++) {
            double z = Z[x];
            D[x] = phi[1] + 2 * phi[2] * z;
            Z[x] = phi[0] + z * (phi[1] + z * phi[2]);
        }
        nl_dgemm(0, 1, c, d_out, d_h, 1, Z, d_h, W2, d_h, 0, Yc, d_out);
        if (frozen || (c < period && !flush)) continue;  /* an unfinished chunk updates only with flush */
        /* delta2 = Yc - Rc; delta1 = phi'(Z) o (delta2 W2); both with W2 before its update. */
        for (size_t x = 0; x < c * d_out; x++) G[x] = Yc[x] - Rc[x];
        nl_dgemm(0, 0, c, d_h, d_out, 1, G, d_out, W2, d_h, 0, B, d_h);
        for (size_t x = 0; x < c * d_h; x++) B[x] *= D[x];
        nl_dgemm(1, 0, d_out, d_h, c, -eta, G, d_out, Z, d_h, 1, W2, d_h);   /* W2 -= eta delta2^T H */
        nl_dgemm(1, 0, d_h, d_in, c, -eta, B, d_h, Xc, d_in, 1, W1, d_in);  /* W1 -= eta delta1^T X */
        if (W1_after) memcpy(W1_after + updates * d_h * d_in, W1, d_h * d_in * sizeof(double));
        if (W2_after) memcpy(W2_after + updates * d_out * d_h, W2, d_out * d_h * sizeof(double));
        updates++;
    }
    return updates;
}
