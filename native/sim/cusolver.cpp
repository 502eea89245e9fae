// Kernel simulator's cuSOLVER stand-in (see cusolverDn.h beside it): cusolverDnXsyevBatched in
// float64, checked as cuSOLVER documents it: sizes (n * lda * batch within INT32_MAX), data types,
// the workspace sizes its _bufferSize query returned (device buffer in device memory, host buffer
// in host memory), one info per matrix. It reads only the `uplo` triangle of each column-major
// matrix, writes the eigenvalues ascending, and in NOVECTOR mode leaves A destroyed (NaN), so a
// caller that reads A afterwards, or relies on the other triangle, gets wrong results here too.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <cusolverDn.h>

#include "../host/jacobi.hpp"
#include "device.hpp"

struct sim_cusolver {
    cudaStream_t stream = nullptr;
};
struct sim_cusolver_params {};

namespace {

std::mutex lock;
std::set<const void*> live;

bool is_live(const void* p) {
    std::lock_guard<std::mutex> g(lock);
    return live.count(p) != 0;
}

template <typename T>
cusolverStatus_t create(T** out) {
    if (out == nullptr) return CUSOLVER_STATUS_INVALID_VALUE;
    std::lock_guard<std::mutex> g(lock);
    *out = new T();
    live.insert(*out);
    return CUSOLVER_STATUS_SUCCESS;
}

template <typename T>
cusolverStatus_t destroy(T* p) {
    std::lock_guard<std::mutex> g(lock);
    if (live.erase(p) == 0) return CUSOLVER_STATUS_NOT_INITIALIZED;
    delete p;
    return CUSOLVER_STATUS_SUCCESS;
}

cusolverStatus_t refuse(cusolverStatus_t s, const std::string& why) {
    std::fprintf(stderr, "kernel simulator (cuSOLVER stand-in): %s\n", why.c_str());
    return s;
}

size_t device_bytes(int64_t n, int64_t batch) { return sizeof(double) * size_t(n * n + n) * size_t(batch); }
size_t host_bytes(int64_t n) { return sizeof(double) * size_t(n) + 64; }

// The checks shared by the query and the call; an empty string means the arguments are good.
std::string bad_arguments(cusolverDnHandle_t h, cusolverDnParams_t params, cusolverEigMode_t jobz,
                          cublasFillMode_t uplo, int64_t n, cudaDataType ta, int64_t lda, cudaDataType tw,
                          cudaDataType tc, int64_t batch) {
    if (!is_live(h)) return "handle not created or already destroyed";
    if (!is_live(params)) return "params not created or already destroyed";
    if (!sim::usable_stream(h->stream)) return "the handle's stream was destroyed";
    if (jobz != CUSOLVER_EIG_MODE_NOVECTOR && jobz != CUSOLVER_EIG_MODE_VECTOR) return "bad jobz";
    if (uplo != CUBLAS_FILL_MODE_LOWER && uplo != CUBLAS_FILL_MODE_UPPER) return "uplo must be LOWER or UPPER";
    if (n < 0 || batch < 0 || lda < std::max<int64_t>(1, n)) return "n, lda or batchSize out of range";
    if (ta != CUDA_R_64F || tw != CUDA_R_64F || tc != CUDA_R_64F) return "only CUDA_R_64F is simulated";
    if (n * lda * batch > std::numeric_limits<int32_t>::max()) return "n * lda * batchSize exceeds INT32_MAX";
    return "";
}

}  // namespace

cusolverStatus_t cusolverDnCreate(cusolverDnHandle_t* handle) { return create(handle); }
cusolverStatus_t cusolverDnDestroy(cusolverDnHandle_t handle) { return destroy(handle); }
cusolverStatus_t cusolverDnCreateParams(cusolverDnParams_t* params) { return create(params); }
cusolverStatus_t cusolverDnDestroyParams(cusolverDnParams_t params) { return destroy(params); }

cusolverStatus_t cusolverDnSetStream(cusolverDnHandle_t handle, cudaStream_t stream) {
    if (!is_live(handle)) return CUSOLVER_STATUS_NOT_INITIALIZED;
    if (!sim::usable_stream(stream)) return refuse(CUSOLVER_STATUS_INVALID_VALUE, "cusolverDnSetStream: stream not live");
    handle->stream = stream;
    return CUSOLVER_STATUS_SUCCESS;
}

cusolverStatus_t cusolverDnXsyevBatched_bufferSize(cusolverDnHandle_t h, cusolverDnParams_t params,
                                                   cusolverEigMode_t jobz, cublasFillMode_t uplo, int64_t n,
                                                   cudaDataType ta, const void* A, int64_t lda, cudaDataType tw,
                                                   const void* W, cudaDataType tc, size_t* dev, size_t* host,
                                                   int64_t batch) {
    std::string bad = bad_arguments(h, params, jobz, uplo, n, ta, lda, tw, tc, batch);
    if (!bad.empty()) return refuse(CUSOLVER_STATUS_INVALID_VALUE, "cusolverDnXsyevBatched_bufferSize: " + bad);
    if (!dev || !host) return CUSOLVER_STATUS_INVALID_VALUE;
    (void)A, (void)W;  // the sizes depend on n and batchSize only
    *dev = device_bytes(n, batch);
    *host = host_bytes(n);
    return CUSOLVER_STATUS_SUCCESS;
}

cusolverStatus_t cusolverDnXsyevBatched(cusolverDnHandle_t h, cusolverDnParams_t params, cusolverEigMode_t jobz,
                                        cublasFillMode_t uplo, int64_t n, cudaDataType ta, void* A, int64_t lda,
                                        cudaDataType tw, void* W, cudaDataType tc, void* dev, size_t dev_bytes,
                                        void* host, size_t host_size, int* info, int64_t batch) {
    std::string call = "cusolverDnXsyevBatched: ";
    std::string bad = bad_arguments(h, params, jobz, uplo, n, ta, lda, tw, tc, batch);
    if (!bad.empty()) return refuse(CUSOLVER_STATUS_INVALID_VALUE, call + bad);
    if (jobz != CUSOLVER_EIG_MODE_NOVECTOR) return refuse(CUSOLVER_STATUS_NOT_SUPPORTED, call + "only NOVECTOR is simulated");
    if (batch == 0 || n == 0) return CUSOLVER_STATUS_SUCCESS;
    if (dev_bytes < device_bytes(n, batch) || host_size < host_bytes(n))
        return refuse(CUSOLVER_STATUS_INVALID_VALUE, call + "workspace smaller than _bufferSize asked for");
    if (!sim::device_range(dev, dev_bytes)) return refuse(CUSOLVER_STATUS_INVALID_VALUE, call + "device workspace is not device memory");
    if (host == nullptr || sim::device_range(host, 0)) return refuse(CUSOLVER_STATUS_INVALID_VALUE, call + "host workspace is not host memory");
    auto* a = static_cast<double*>(A);
    auto* w = static_cast<double*>(W);
    if (!sim::device_range(a, sizeof(double) * size_t(lda * (n - 1) + n + lda * n * (batch - 1))))
        return refuse(CUSOLVER_STATUS_EXECUTION_FAILED, call + "A reaches outside live device memory");
    if (!sim::device_range(w, sizeof(double) * size_t(n * batch)))
        return refuse(CUSOLVER_STATUS_EXECUTION_FAILED, call + "W reaches outside live device memory");
    if (!sim::device_range(info, sizeof(int) * size_t(batch)))
        return refuse(CUSOLVER_STATUS_EXECUTION_FAILED, call + "info is not batchSize ints of device memory");
    // The workspaces are the solver's to overwrite.
    std::memset(dev, 0xAB, dev_bytes);
    std::memset(host, 0xAB, host_size);
    std::vector<double> full(size_t(n * n));
    for (int64_t q = 0; q < batch; q++) {
        double* m = a + lda * n * q;
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < n; i++) {
                bool stored = uplo == CUBLAS_FILL_MODE_LOWER ? i >= j : i <= j;
                double v = stored ? m[i + lda * j] : m[j + lda * i];
                full[size_t(i + n * j)] = v;
            }
        info[q] = geomlens::jacobi_eigenvalues(full.data(), static_cast<int>(n), w + n * q) ? 0 : 1;
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < n; i++) m[i + lda * j] = std::numeric_limits<double>::quiet_NaN();
    }
    return CUSOLVER_STATUS_SUCCESS;
}
