// The context shared by all entry points. cuBLAS/cuSOLVER handles are kept as void* so the
// kernels compile without those headers (they are cast back in blas.cpp and solver.cpp).
#pragma once

#include <cuda_runtime.h>

#include "status.hpp"

struct geomlens_context {
    int device = 0;
    cudaStream_t stream = nullptr;
    void* cublas = nullptr;
    void* cusolver = nullptr;
    void* cusolver_params = nullptr;
};

namespace geomlens {
// Device memory from the context's stream-ordered pool; when the pool is out of memory it hands
// its cached blocks back and tries once more, then fails with the bytes asked for and free.
void* device_alloc(geomlens_context* ctx, size_t bytes);

inline cudaStream_t stream_of(geomlens_context* ctx) {
    require(ctx != nullptr, "context is null (create one with geomlens_context_create)");
    GEOMLENS_CHECK_CUDA(cudaSetDevice(ctx->device));
    return ctx->stream;
}
}  // namespace geomlens
