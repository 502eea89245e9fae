// CUDA status checks for the C ABI (pattern of ggml CUDA_CHECK): GEOMLENS_CHECK_* record the
// failing statement, file and line and fail the entry point with its status (see guard.hpp).
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "guard.hpp"

#define GEOMLENS_CHECK_CUDA(stmt)                                                                  \
    do {                                                                                           \
        cudaError_t err_ = (stmt);                                                                 \
        if (err_ != cudaSuccess)                                                                   \
            ::geomlens::fail(err_ == cudaErrorMemoryAllocation ? GEOMLENS_ERR_OUT_OF_MEMORY          \
                                                               : GEOMLENS_ERR_CUDA,                \
                             std::string(cudaGetErrorName(err_)) + " (" + cudaGetErrorString(err_) + \
                                 ") in " + ::geomlens::where(#stmt, __FILE__, __LINE__));          \
    } while (0)

// After every kernel launch: launch-configuration errors surface here, named.
#define GEOMLENS_CHECK_LAUNCH(name) GEOMLENS_CHECK_CUDA(cudaGetLastError())

namespace geomlens {
constexpr int kThreads = 256;
// Grid-stride loops keep grids within limits for any count.
inline unsigned grid_for(int64_t count) {
    int64_t g = (count + kThreads - 1) / kThreads;
    return static_cast<unsigned>(g < 65535 * 8 ? (g < 1 ? 1 : g) : 65535 * 8);
}
}  // namespace geomlens
