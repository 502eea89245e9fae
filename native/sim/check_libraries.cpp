// Checks of the kernel simulator's device and math-library stand-ins (device.cpp, cublas.cpp,
// cusolver.cpp) against what CUDA documents: the pool keeps freed blocks until trimmed (so an
// allocation can fail while memory is only cached), copies refuse pointers on the wrong side,
// the GEMM equals its column-major definition for every transpose, leading dimension and
// stride, and rejects what cuBLAS rejects; the eigen-solver reads one triangle, destroys A and
// reports per-matrix failure. Built and run by scripts/check-kernel-sim.sh. Exit status: failures.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <cublas_v2.h>
#include <cusolverDn.h>

#include "check.hpp"

namespace {

using check::Buffer;
using check::expect;

constexpr size_t kCapacity = 1 << 20;  // set for this program in main()

void check_pool() {
    cudaMemPool_t pool;
    cudaDeviceGetDefaultMemPool(&pool, 0);
    uint64_t keep = UINT64_MAX;
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
    void *a = nullptr, *b = nullptr;
    expect(cudaMallocAsync(&a, 600000, nullptr) == cudaSuccess, "600 kB of a 1 MiB device");
    expect(std::isnan(static_cast<float*>(a)[0]), "new device memory reads as NaN, not zeros");
    expect(cudaMallocAsync(&b, 600000, nullptr) == cudaErrorMemoryAllocation && b == nullptr,
           "a second 600 kB does not fit");
    expect(cudaGetLastError() == cudaErrorMemoryAllocation && cudaGetLastError() == cudaSuccess,
           "the failed allocation is the last error, read once");
    cudaFreeAsync(a, nullptr);
    cudaStreamSynchronize(nullptr);
    size_t free_b = 0, total = 0;
    cudaMemGetInfo(&free_b, &total);
    expect(total == kCapacity && free_b < kCapacity - 590000, "a freed block stays reserved by the pool");
    expect(cudaMallocAsync(&a, 300000, nullptr) == cudaSuccess, "a smaller request reuses the cached block");
    cudaFreeAsync(a, nullptr);
    expect(cudaMallocAsync(&b, 700000, nullptr) == cudaErrorMemoryAllocation,
           "a larger request fails while the pool holds the cached block");
    cudaGetLastError();
    cudaMemPoolTrimTo(pool, 0);
    expect(cudaMallocAsync(&b, 700000, nullptr) == cudaSuccess, "after trimming the pool it fits");
    cudaFreeAsync(b, nullptr);
    keep = 0;
    cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep);
    cudaStreamSynchronize(nullptr);
    cudaMemGetInfo(&free_b, &total);
    expect(free_b == kCapacity, "with release threshold 0 a synchronization gives everything back");
}

void check_copies() {
    Buffer<float> d(16);
    std::vector<float> h(16, 1.f), back(32);
    expect(cudaMemcpyAsync(h.data(), d.p, 64, cudaMemcpyHostToDevice, nullptr) == cudaErrorInvalidValue,
           "a host-to-device copy into host memory is refused");
    expect(cudaMemcpyAsync(back.data(), d.p, 128, cudaMemcpyDeviceToHost, nullptr) == cudaErrorInvalidValue,
           "a copy reading past the end of its allocation is refused");
    expect(cudaMemsetAsync(d.p + 8, 0, 64, nullptr) == cudaErrorInvalidValue, "a memset past the end is refused");
    expect(cudaFreeAsync(d.p + 1, nullptr) == cudaErrorInvalidValue, "freeing an interior pointer is refused");
    Buffer<float> e(32);
    expect(cudaMemcpy2DAsync(e.p, 8 * 4, d.p, 4 * 4, 4 * 4, 4, cudaMemcpyDeviceToDevice, nullptr) == cudaSuccess &&
               cudaMemcpy2DAsync(e.p, 2 * 4, d.p, 4 * 4, 4 * 4, 4, cudaMemcpyDeviceToDevice, nullptr) ==
                   cudaErrorInvalidPitchValue,
           "2-D copies check their pitches");
    cudaGetLastError();
}

// op(X)(i, j) of a column-major matrix with leading dimension ld.
float op(const std::vector<float>& x, cublasOperation_t t, int ld, size_t offset, int i, int j) {
    return t == CUBLAS_OP_N ? x[offset + i + size_t(j) * ld] : x[offset + j + size_t(i) * ld];
}

void check_gemm() {
    cublasHandle_t h;
    cublasCreate(&h);
    std::mt19937 rng(7);
    std::normal_distribution<float> g;
    const int m = 5, n = 3, k = 4, batch = 2;
    bool all = true;
    for (cublasOperation_t ta : {CUBLAS_OP_N, CUBLAS_OP_T})
        for (cublasOperation_t tb : {CUBLAS_OP_N, CUBLAS_OP_T}) {
            int lda = (ta == CUBLAS_OP_N ? m : k) + 2, ldb = (tb == CUBLAS_OP_N ? k : n) + 1, ldc = m + 3;
            long long sa = lda * 6, sb = ldb * 6, sc = ldc * n + 1;
            std::vector<float> a(sa * batch), b(sb * batch), c(sc * batch);
            for (auto* v : {&a, &b, &c})
                for (float& x : *v) x = g(rng);
            Buffer<float> da(a.size(), a), db(b.size(), b), dc(c.size(), c);
            float alpha = 0.5f, beta = -2.f;
            cublasStatus_t st = cublasSgemmStridedBatched(h, ta, tb, m, n, k, &alpha, da.p, lda, sa, db.p, ldb, sb,
                                                          &beta, dc.p, ldc, sc, batch);
            std::vector<float> out = dc.get();
            bool ok = st == CUBLAS_STATUS_SUCCESS;
            for (int q = 0; q < batch; q++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += double(op(a, ta, lda, q * sa, i, p)) * op(b, tb, ldb, q * sb, p, j);
                        double want = alpha * s + beta * c[q * sc + i + j * ldc];
                        ok = ok && std::fabs(out[q * sc + i + j * ldc] - want) <= 1e-5 + 1e-5 * std::fabs(want);
                    }
            for (int q = 0; q < batch; q++)  // padding rows of C are not written
                ok = ok && out[q * sc + m] == c[q * sc + m];
            all = all && ok;
        }
    expect(all, "strided batched GEMM equals its column-major definition for all four transpose pairs");
    Buffer<float> a(20), b(20), c(20);
    std::vector<float> nan(20, NAN), ones(20, 1.f);
    cudaMemcpyAsync(a.p, ones.data(), 80, cudaMemcpyHostToDevice, nullptr);
    cudaMemcpyAsync(b.p, ones.data(), 80, cudaMemcpyHostToDevice, nullptr);
    cudaMemcpyAsync(c.p, nan.data(), 80, cudaMemcpyHostToDevice, nullptr);
    float one = 1, zero = 0;
    cublasStatus_t st = cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, a.p, 4, 0, b.p, 4, 0,
                                                  &zero, c.p, 4, 0, 1);
    expect(st == CUBLAS_STATUS_SUCCESS && c.get()[0] == 4.f, "beta 0 does not read C (NaN there stays out)");
    expect(cublasSgemmStridedBatched(h, CUBLAS_OP_T, CUBLAS_OP_N, 4, 4, 3, &one, a.p, 2, 0, b.p, 4, 0, &zero, c.p, 4,
                                     0, 1) == CUBLAS_STATUS_INVALID_VALUE,
           "lda below the rows of the stored A (k for OP_T) is CUBLAS_STATUS_INVALID_VALUE");
    expect(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 2, 2, 2, &one, a.p, 2, 4, b.p, 2, 4, &zero, c.p, 2,
                                     2, 2) == CUBLAS_STATUS_INVALID_VALUE,
           "batch entries of C that overlap are refused");
    Buffer<float> c2(40);
    expect(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, a.p, 4, 16, b.p, 4, 0, &zero, c2.p, 4,
                                     16, 1) == CUBLAS_STATUS_SUCCESS &&
               cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, a.p, 4, 16, b.p, 4, 0, &zero,
                                         c2.p, 4, 16, 2) == CUBLAS_STATUS_EXECUTION_FAILED,
           "an A whose second batch entry lies past its allocation fails (a fault on a GPU)");
    cublasDestroy(h);
    expect(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &one, a.p, 1, 0, b.p, 1, 0, &zero, c.p, 1,
                                     0, 1) == CUBLAS_STATUS_NOT_INITIALIZED,
           "a destroyed handle is CUBLAS_STATUS_NOT_INITIALIZED");
}

void check_eigen() {
    cusolverDnHandle_t h;
    cusolverDnParams_t params;
    cusolverDnCreate(&h);
    cusolverDnCreateParams(&params);
    // A = R diag(3, -1, 2) R^T, R a rotation in the (0, 2) plane; lda 4 with a padding row.
    const int n = 3, lda = 4, batch = 2;
    double c = std::cos(0.3), s = std::sin(0.3);
    double r[3][3] = {{c, 0, -s}, {0, 1, 0}, {s, 0, c}}, l[3] = {3, -1, 2};
    std::vector<double> a(lda * n * batch, NAN);
    for (int q = 0; q < batch; q++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {  // lower triangle only: the upper one stays NaN
                double v = 0;
                for (int t = 0; t < n; t++) v += r[i][t] * l[t] * r[j][t];
                a[q * lda * n + i + j * lda] = (q + 1) * v;
            }
    a[lda * n + 1 + 0 * lda] = NAN;  // the second matrix cannot converge
    Buffer<double> da(a.size(), a), w(n * batch);
    Buffer<int> info(batch);
    size_t dev_bytes = 0, host_bytes = 0;
    cusolverDnXsyevBatched_bufferSize(h, params, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n, CUDA_R_64F,
                                      da.p, lda, CUDA_R_64F, w.p, CUDA_R_64F, &dev_bytes, &host_bytes, batch);
    Buffer<char> dev(dev_bytes);
    std::vector<char> host(host_bytes);
    expect(cusolverDnXsyevBatched(h, params, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n, CUDA_R_64F, da.p,
                                  lda, CUDA_R_64F, w.p, CUDA_R_64F, dev.p, dev_bytes - 1, host.data(), host_bytes,
                                  info.p, batch) == CUSOLVER_STATUS_INVALID_VALUE,
           "a device workspace smaller than _bufferSize asked for is refused");
    cusolverStatus_t st =
        cusolverDnXsyevBatched(h, params, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n, CUDA_R_64F, da.p,
                               lda, CUDA_R_64F, w.p, CUDA_R_64F, dev.p, dev_bytes, host.data(), host_bytes, info.p, batch);
    std::vector<double> ev = w.get();
    std::vector<int> inf = info.get();
    expect(st == CUSOLVER_STATUS_SUCCESS && std::fabs(ev[0] + 1) < 1e-12 && std::fabs(ev[1] - 2) < 1e-12 &&
               std::fabs(ev[2] - 3) < 1e-12 && inf[0] == 0,
           "eigenvalues ascending from the lower triangle alone (the upper one holds NaN)");
    expect(inf[1] != 0, "a matrix holding NaN reports its info entry");
    expect(std::isnan(da.get()[0]), "NOVECTOR leaves A destroyed");
    expect(cusolverDnXsyevBatched_bufferSize(h, params, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, 120,
                                             CUDA_R_64F, da.p, 120, CUDA_R_64F, w.p, CUDA_R_64F, &dev_bytes,
                                             &host_bytes, 200000) == CUSOLVER_STATUS_INVALID_VALUE,
           "n * lda * batchSize beyond INT32_MAX is refused");
    cusolverDnDestroyParams(params);
    cusolverDnDestroy(h);
}

}  // namespace

int main() {
    setenv("GEOMLENS_SIM_DEVICE_MEMORY", std::to_string(kCapacity).c_str(), 1);
    check_pool();
    check_copies();
    check_gemm();
    check_eigen();
    std::printf("%d passed, %d failed\n", check::passes, check::failures);
    return check::failures;
}
