/* Newton-Schulz iteration for the orthogonal polar factor, built on nl_dgemm:
   X <- a X + b (X X^T) X + c (X X^T)^2 X, exactly as written, in place. */
#include "CKernels.h"
#include "internal.h"
#include <string.h>

/* Scratch: slot 5 = A = X X^T (m x m), slot 6 = B = b A + c A A (m x m), slot 7 = copy of X (m x n).
   Slots 0 and 1 belong to nl_dgemm. */
void nl_newton_schulz(double *X, size_t m, size_t n, double a, double b, double c, size_t steps) {
    if (m == 0 || n == 0 || steps == 0) return;
    double *A = nl_scratch(5, m * m);
    double *B = c != 0 ? nl_scratch(6, m * m) : NULL;
    double *Y = nl_scratch(7, m * n);
    for (size_t s = 0; s < steps; s++) {
        /* A = X X^T */
        nl_dgemm(0, 1, m, m, n, 1.0, X, n, X, n, 0.0, A, m);
        const double *P = A;  /* X_new = a X + scale * P X */
        double scale = b;
        if (c != 0) {
            /* B = c A A + b A */
            nl_dgemm(0, 0, m, m, m, c, A, m, A, m, 0.0, B, m);
            if (b != 0)
                for (size_t i = 0; i < m * m; i++) B[i] += b * A[i];
            P = B;
            scale = 1.0;
        }
        /* X = a X + scale * P Y, with Y the old X (nl_dgemm scales C by beta = a first). */
        memcpy(Y, X, m * n * sizeof(double));
        nl_dgemm(0, 0, m, n, m, scale, P, m, Y, n, a, X, n);
    }
}
