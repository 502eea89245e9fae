// Kernel simulator's cuBLAS stand-in (see cublas_v2.h beside it): column-major strided batched
// GEMM, C_q = alpha op(A_q) op(B_q) + beta C_q, checked the way cuBLAS documents its arguments
// (CUBLAS_STATUS_INVALID_VALUE for a negative size or a leading dimension below the rows of the
// stored matrix), plus what a GPU would only show as a fault or a race: every matrix must lie in
// live device memory, and the C of different batch entries must not overlap.
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <cublas_v2.h>

#include "device.hpp"

struct sim_cublas {
    cudaStream_t stream = nullptr;
};

namespace {

std::mutex handles_lock;
std::set<cublasHandle_t> handles;

bool live(cublasHandle_t h) {
    std::lock_guard<std::mutex> g(handles_lock);
    return handles.count(h) != 0;
}

cublasStatus_t refuse(cublasStatus_t s, const std::string& why) {
    std::fprintf(stderr, "kernel simulator (cuBLAS stand-in): %s\n", why.c_str());
    return s;
}

// The elements a column-major rows x cols matrix with leading dimension ld spans, over `batch`
// entries `stride` apart (strides of 0, a shared operand, are allowed; negative ones are not).
size_t span(int rows, int cols, int ld, long long stride, int batch) {
    return size_t(stride) * size_t(batch - 1) + size_t(ld) * size_t(cols - 1) + size_t(rows);
}

template <typename T>
cublasStatus_t gemm(const char* name, cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                    int k, const T* alpha, const T* A, int lda, long long sa, const T* B, int ldb, long long sb,
                    const T* beta, T* C, int ldc, long long sc, int batch) {
    std::string call(name);
    if (!live(h)) return refuse(CUBLAS_STATUS_NOT_INITIALIZED, call + ": handle not created or already destroyed");
    if (!sim::usable_stream(h->stream)) return refuse(CUBLAS_STATUS_INVALID_VALUE, call + ": the handle's stream was destroyed");
    if (ta > CUBLAS_OP_C || tb > CUBLAS_OP_C || ta < CUBLAS_OP_N || tb < CUBLAS_OP_N)
        return refuse(CUBLAS_STATUS_INVALID_VALUE, call + ": bad operation");
    int a_rows = ta == CUBLAS_OP_N ? m : k, a_cols = ta == CUBLAS_OP_N ? k : m;
    int b_rows = tb == CUBLAS_OP_N ? k : n, b_cols = tb == CUBLAS_OP_N ? n : k;
    if (m < 0 || n < 0 || k < 0 || batch < 0 || lda < std::max(1, a_rows) || ldb < std::max(1, b_rows) ||
        ldc < std::max(1, m))
        return refuse(CUBLAS_STATUS_INVALID_VALUE,
                      call + ": m " + std::to_string(m) + " n " + std::to_string(n) + " k " + std::to_string(k) +
                          " lda " + std::to_string(lda) + " ldb " + std::to_string(ldb) + " ldc " +
                          std::to_string(ldc) + " batch " + std::to_string(batch) +
                          " (a leading dimension must be at least the rows of the stored matrix)");
    if (m == 0 || n == 0 || batch == 0) return CUBLAS_STATUS_SUCCESS;
    if (!alpha || !beta) return refuse(CUBLAS_STATUS_INVALID_VALUE, call + ": alpha or beta is null");
    if (sa < 0 || sb < 0 || sc < 0) return refuse(CUBLAS_STATUS_INVALID_VALUE, call + ": negative stride");
    if (batch > 1 && size_t(sc) < span(m, n, ldc, 0, 1))
        return refuse(CUBLAS_STATUS_INVALID_VALUE, call + ": stride of C " + std::to_string(sc) +
                                                       " makes batch entries overlap (a race on a GPU)");
    bool reads_ab = k > 0 && *alpha != T(0);
    if (reads_ab && !sim::device_range(A, sizeof(T) * span(a_rows, a_cols, lda, sa, batch)))
        return refuse(CUBLAS_STATUS_EXECUTION_FAILED, call + ": A reaches outside live device memory");
    if (reads_ab && !sim::device_range(B, sizeof(T) * span(b_rows, b_cols, ldb, sb, batch)))
        return refuse(CUBLAS_STATUS_EXECUTION_FAILED, call + ": B reaches outside live device memory");
    if (!sim::device_range(C, sizeof(T) * span(m, n, ldc, sc, batch)))
        return refuse(CUBLAS_STATUS_EXECUTION_FAILED, call + ": C reaches outside live device memory");
    // Column by column of C: op(B)'s column gathered once; op(A) = A runs down A's contiguous
    // columns (axpy), op(A) = A^T along its contiguous rows (dot). Sums in double.
    std::vector<double> bj(static_cast<size_t>(reads_ab ? k : 0)), cj(static_cast<size_t>(m));
    for (int q = 0; q < batch; q++) {
        const T* a = A + q * sa;
        const T* b = B + q * sb;
        T* c = C + q * sc;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < int(bj.size()); p++)
                bj[p] = tb == CUBLAS_OP_N ? b[p + size_t(j) * ldb] : b[j + size_t(p) * ldb];
            std::fill(cj.begin(), cj.end(), 0.0);
            if (ta == CUBLAS_OP_N) {
                for (int p = 0; p < int(bj.size()); p++) {
                    const T* col = a + size_t(p) * lda;
                    for (int i = 0; i < m; i++) cj[i] += double(col[i]) * bj[p];
                }
            } else {
                for (int i = 0; i < m; i++) {
                    const T* row = a + size_t(i) * lda;
                    double s = 0;
                    for (int p = 0; p < int(bj.size()); p++) s += double(row[p]) * bj[p];
                    cj[i] = s;
                }
            }
            T* out = c + size_t(j) * ldc;
            for (int i = 0; i < m; i++)  // beta == 0: C is not read (it may hold NaN), as cuBLAS documents
                out[i] = T(double(*alpha) * cj[i] + (*beta == T(0) ? 0.0 : double(*beta) * out[i]));
        }
    }
    return CUBLAS_STATUS_SUCCESS;
}

}  // namespace

const char* cublasGetStatusName(cublasStatus_t s) {
    switch (s) {
        case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
        case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
        case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
        case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
        case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    }
    return "CUBLAS_STATUS_UNKNOWN";
}

cublasStatus_t cublasCreate(cublasHandle_t* handle) {
    if (handle == nullptr) return CUBLAS_STATUS_INVALID_VALUE;
    std::lock_guard<std::mutex> g(handles_lock);
    *handle = new sim_cublas();
    handles.insert(*handle);
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy(cublasHandle_t handle) {
    std::lock_guard<std::mutex> g(handles_lock);
    if (handles.erase(handle) == 0) return CUBLAS_STATUS_NOT_INITIALIZED;
    delete handle;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream(cublasHandle_t handle, cudaStream_t stream) {
    if (!live(handle)) return CUBLAS_STATUS_NOT_INITIALIZED;
    if (!sim::usable_stream(stream)) return refuse(CUBLAS_STATUS_INVALID_VALUE, "cublasSetStream: stream not live");
    handle->stream = stream;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                                         int k, const float* alpha, const float* A, int lda, long long sa,
                                         const float* B, int ldb, long long sb, const float* beta, float* C, int ldc,
                                         long long sc, int batch) {
    return gemm("cublasSgemmStridedBatched", h, ta, tb, m, n, k, alpha, A, lda, sa, B, ldb, sb, beta, C, ldc, sc,
                batch);
}

cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n,
                                         int k, const double* alpha, const double* A, int lda, long long sa,
                                         const double* B, int ldb, long long sb, const double* beta, double* C,
                                         int ldc, long long sc, int batch) {
    return gemm("cublasDgemmStridedBatched", h, ta, tb, m, n, k, alpha, A, lda, sa, B, ldb, sb, beta, C, ldc, sc,
                batch);
}
