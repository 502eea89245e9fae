// cuBLAS and cuSOLVER glue: handle lifetime, row-major (strided batched) GEMM, float64 Gram
// matrices and the batched symmetric eigen-solver for the small psi/nu problems.
#include <cublas_v2.h>
#include <cusolverDn.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "context.hpp"

namespace {
const char* cublas_name(cublasStatus_t s) { return cublasGetStatusName(s); }

std::string cusolver_name(cusolverStatus_t s) { return "cusolverStatus " + std::to_string(static_cast<int>(s)); }

cublasHandle_t blas(geomlens_context* ctx) { return static_cast<cublasHandle_t>(ctx->cublas); }
cusolverDnHandle_t solver(geomlens_context* ctx) { return static_cast<cusolverDnHandle_t>(ctx->cusolver); }

// Temporary device memory from the context's pool, freed however the entry point ends.
struct Scratch {
    void* p;
    cudaStream_t s;
    Scratch(geomlens_context* ctx, size_t bytes) : p(geomlens::device_alloc(ctx, bytes)), s(ctx->stream) {}
    Scratch(const Scratch&) = delete;
    ~Scratch() {
        if (p) cudaFreeAsync(p, s);
    }
    template <typename T>
    T* as() const {
        return static_cast<T*>(p);
    }
};
}  // namespace

#define GEOMLENS_CHECK_CUBLAS(stmt)                                                                  \
    do {                                                                                             \
        cublasStatus_t st_ = (stmt);                                                                 \
        if (st_ != CUBLAS_STATUS_SUCCESS)                                                            \
            ::geomlens::fail(st_ == CUBLAS_STATUS_ALLOC_FAILED ? GEOMLENS_ERR_OUT_OF_MEMORY            \
                                                               : GEOMLENS_ERR_CUBLAS,                \
                             std::string(cublas_name(st_)) + " in " +                                \
                                 ::geomlens::where(#stmt, __FILE__, __LINE__));                      \
    } while (0)

namespace {
// A failed cuSOLVER status as the entry point's error (running out of memory has its own code);
// `call` names what returned it.
void check_cusolver(cusolverStatus_t st, const char* call, const char* file, int line) {
    if (st != CUSOLVER_STATUS_SUCCESS)
        ::geomlens::fail(st == CUSOLVER_STATUS_ALLOC_FAILED ? GEOMLENS_ERR_OUT_OF_MEMORY : GEOMLENS_ERR_CUSOLVER,
                         cusolver_name(st) + " in " + ::geomlens::where(call, file, line));
}
}  // namespace

#define GEOMLENS_CHECK_CUSOLVER(stmt) check_cusolver((stmt), #stmt, __FILE__, __LINE__)

namespace geomlens {

void create_math_handles(geomlens_context* ctx) {
    cublasHandle_t b = nullptr;
    GEOMLENS_CHECK_CUBLAS(cublasCreate(&b));
    ctx->cublas = b;
    GEOMLENS_CHECK_CUBLAS(cublasSetStream(b, ctx->stream));
    cusolverDnHandle_t s = nullptr;
    GEOMLENS_CHECK_CUSOLVER(cusolverDnCreate(&s));
    ctx->cusolver = s;
    GEOMLENS_CHECK_CUSOLVER(cusolverDnSetStream(s, ctx->stream));
    cusolverDnParams_t p = nullptr;
    GEOMLENS_CHECK_CUSOLVER(cusolverDnCreateParams(&p));
    ctx->cusolver_params = p;
}

void destroy_math_handles(geomlens_context* ctx) {
    if (ctx->cusolver_params) cusolverDnDestroyParams(static_cast<cusolverDnParams_t>(ctx->cusolver_params));
    if (ctx->cusolver) cusolverDnDestroy(solver(ctx));
    if (ctx->cublas) cublasDestroy(blas(ctx));
    ctx->cusolver_params = ctx->cusolver = ctx->cublas = nullptr;
}

}  // namespace geomlens

using geomlens::require;

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands.
extern "C" int geomlens_gemm(geomlens_context* ctx, int trans_a, int trans_b, int m, int n, int k, float alpha,
                             const float* a, int64_t stride_a, const float* b, int64_t stride_b, float beta,
                             float* c, int64_t stride_c, int batch) {
    return geomlens::guard("geomlens_gemm", [&] {
        geomlens::stream_of(ctx);
        require(m >= 0 && n >= 0 && k >= 0 && batch >= 0, "negative GEMM size");
        if (m == 0 || n == 0 || batch == 0) return;
        require(a && b && c, "GEMM operand is null");
        int lda = trans_a ? m : k;  // row-major leading dimensions
        int ldb = trans_b ? k : n;
        cublasOperation_t ob = trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
        cublasOperation_t oa = trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
        GEOMLENS_CHECK_CUBLAS(cublasSgemmStridedBatched(blas(ctx), ob, oa, n, m, k, &alpha, b, ldb, stride_b, a, lda,
                                                        stride_a, &beta, c, n, stride_c, batch));
    });
}

extern "C" int geomlens_gram_f64(geomlens_context* ctx, const float* m, int rows, int cols, int batch,
                                 double* gram) {
    return geomlens::guard("geomlens_gram_f64", [&] {
        geomlens::stream_of(ctx);
        require(rows > 0 && cols > 0 && batch >= 0 && m && gram, "bad Gram arguments");
        int64_t count = static_cast<int64_t>(rows) * cols * batch;
        Scratch md(ctx, sizeof(double) * count);
        int rc = geomlens_convert_f32_f64(ctx, m, md.as<double>(), count);
        if (rc != GEOMLENS_OK) geomlens::fail(rc, geomlens_last_error());
        // Row-major M (rows x cols) is column-major A = M^T (cols x rows, leading dimension cols):
        // M M^T = A^T A (rows x rows), M^T M = A A^T (cols x cols).
        double one = 1.0, zero = 0.0;
        int64_t stride = static_cast<int64_t>(rows) * cols;
        const double* a = md.as<double>();
        if (rows <= cols) {
            GEOMLENS_CHECK_CUBLAS(cublasDgemmStridedBatched(blas(ctx), CUBLAS_OP_T, CUBLAS_OP_N, rows, rows, cols, &one,
                                                            a, cols, stride, a, cols, stride, &zero, gram, rows,
                                                            static_cast<int64_t>(rows) * rows, batch));
        } else {
            GEOMLENS_CHECK_CUBLAS(cublasDgemmStridedBatched(blas(ctx), CUBLAS_OP_N, CUBLAS_OP_T, cols, cols, rows, &one,
                                                            a, cols, stride, a, cols, stride, &zero, gram, cols,
                                                            static_cast<int64_t>(cols) * cols, batch));
        }
    });
}

// cuSOLVER's batched solver takes at most INT32_MAX elements (n * n * batch) per call: larger
// batches go in chunks that share one workspace.
extern "C" int geomlens_syev_batched_f64(geomlens_context* ctx, double* a, int n, int batch, double* eigenvalues) {
    return geomlens::guard("geomlens_syev_batched_f64", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(n > 0 && batch >= 0 && a && eigenvalues, "bad eigen-solver arguments");
        if (batch == 0) return;
        int64_t per_matrix = static_cast<int64_t>(n) * n;
        int chunk = static_cast<int>(std::min<int64_t>(batch, std::max<int64_t>(1, INT32_MAX / per_matrix)));
        auto params = static_cast<cusolverDnParams_t>(ctx->cusolver_params);
        size_t dev_bytes = 0, host_bytes = 0;
        GEOMLENS_CHECK_CUSOLVER(cusolverDnXsyevBatched_bufferSize(
            solver(ctx), params, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n, CUDA_R_64F, a, n, CUDA_R_64F,
            eigenvalues, CUDA_R_64F, &dev_bytes, &host_bytes, chunk));
        Scratch dev(ctx, dev_bytes + 1), info(ctx, sizeof(int) * batch);
        std::vector<char> host(host_bytes + 1);
        cusolverStatus_t st = CUSOLVER_STATUS_SUCCESS;
        for (int first = 0; first < batch && st == CUSOLVER_STATUS_SUCCESS; first += chunk) {
            st = cusolverDnXsyevBatched(solver(ctx), params, CUSOLVER_EIG_MODE_NOVECTOR, CUBLAS_FILL_MODE_LOWER, n,
                                        CUDA_R_64F, a + per_matrix * first, n, CUDA_R_64F,
                                        eigenvalues + static_cast<int64_t>(n) * first, CUDA_R_64F, dev.p, dev_bytes,
                                        host.data(), host_bytes, info.as<int>() + first, std::min(chunk, batch - first));
        }
        // Synchronize before any check: the queued chunks may still use the host workspace.
        std::vector<int> h_info(batch);
        cudaError_t copy = cudaMemcpyAsync(h_info.data(), info.p, sizeof(int) * batch, cudaMemcpyDeviceToHost, s);
        cudaError_t sync = cudaStreamSynchronize(s);
        check_cusolver(st, "cusolverDnXsyevBatched", __FILE__, __LINE__);
        GEOMLENS_CHECK_CUDA(copy);
        GEOMLENS_CHECK_CUDA(sync);
        for (int i = 0; i < batch; i++) {
            if (h_info[i] != 0)
                geomlens::fail(GEOMLENS_ERR_CUSOLVER,
                               "eigen-solver did not converge for matrix " + std::to_string(i) + " of the batch (info " +
                                   std::to_string(h_info[i]) +
                                   "): a NaN or infinity in it, e.g. a Jacobian that overflows float32?");
        }
    });
}
