// Status codes + per-thread last error for the C ABI (pattern of cuVS c_api / ggml CUDA_CHECK).
// GEOMLENS_CHECK_* record the failing statement, file and line, then return the status; guard()
// runs an entry point's body and turns any C++ exception into a status, so none escapes.
#pragma once

#include <cuda_runtime.h>
#include <exception>
#include <new>
#include <string>

#include "geomlens.h"

namespace geomlens {

void set_error(const std::string& message);

struct Failure {
    int status;
    std::string message;
};

// Returns GEOMLENS_OK, or the status of the first failed check with its message recorded.
template <typename Body>
int guard(const char* entry, Body&& body) {
    try {
        body();
        return GEOMLENS_OK;
    } catch (const Failure& f) {
        set_error(std::string(entry) + ": " + f.message);
        return f.status;
    } catch (const std::bad_alloc&) {
        set_error(std::string(entry) + ": host out of memory");
        return GEOMLENS_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_error(std::string(entry) + ": " + e.what());
        return GEOMLENS_ERR_INTERNAL;
    } catch (...) {
        set_error(std::string(entry) + ": unknown C++ exception");
        return GEOMLENS_ERR_INTERNAL;
    }
}

inline std::string where(const char* stmt, const char* file, int line) {
    return std::string(stmt) + " at " + file + ":" + std::to_string(line);
}

[[noreturn]] inline void fail(int status, const std::string& message) { throw Failure{status, message}; }

inline void require(bool ok, const std::string& what) {
    if (!ok) fail(GEOMLENS_ERR_INVALID_ARGUMENT, what);
}

}  // namespace geomlens

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
inline unsigned ceil_div(int64_t a, int64_t b) { return static_cast<unsigned>((a + b - 1) / b); }
constexpr int kThreads = 256;
// Grid-stride loops keep grids within limits for any count.
inline unsigned grid_for(int64_t count) {
    int64_t g = (count + kThreads - 1) / kThreads;
    return static_cast<unsigned>(g < 65535 * 8 ? (g < 1 ? 1 : g) : 65535 * 8);
}
}  // namespace geomlens
