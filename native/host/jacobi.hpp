// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations, in double: the reference
// eigen-solver of the host emulation and of the kernel simulator's cuSOLVER stand-in.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace geomlens {

// a: n x n, symmetric, overwritten. Writes the eigenvalues to w in ascending order and returns
// whether the off-diagonal part fell below 1e-30 of the matrix's squared norm within 100 sweeps
// (false for a matrix holding NaN or infinity).
inline bool jacobi_eigenvalues(double* a, int n, double* w) {
    double total = 0;
    for (int i = 0; i < n * n; i++) total += a[i] * a[i];
    bool converged = false;
    for (int sweep = 0; sweep < 100 && !converged; sweep++) {
        double off = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
        converged = off <= 1e-30 * total;
        if (converged) break;
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++) {
                double apq = a[p * n + q];
                if (apq == 0) continue;
                double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
                double c = 1 / std::sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++) {
                    double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) {
                    double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
    }
    std::vector<double> d(n);
    for (int i = 0; i < n; i++) d[i] = a[i * n + i];
    std::sort(d.begin(), d.end());
    std::copy(d.begin(), d.end(), w);
    return converged;
}

}  // namespace geomlens
