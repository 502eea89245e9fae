// Kernel simulator: the part of the CUDA language and runtime that kernels/*.cu use, for g++ on
// the host. scripts/build-kernel-sim.sh rewrites each launch `k<<<grid, block, shm, s>>>(args)`
// into `::sim::launcher(::sim::Config(grid, block, shm, s), coop, [&](auto&&... a) { k(a...); })(args)`
// and compiles the kernels with this header in place of the real one, so the kernels' own code
// (index arithmetic, strides, block reductions, warp shuffles, barriers) runs on host memory.
// It says nothing about timing, the device math library's rounding, or races that neither
// of its two schedules (first to last, last to first) exposes.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
// Blocks run one after another on one OS thread, so one static copy per declaration suffices.
#define __shared__ static

typedef struct sim_stream* cudaStream_t;

enum cudaError_t {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorLaunchFailure = 719
};

const char* cudaGetErrorName(cudaError_t e);
const char* cudaGetErrorString(cudaError_t e);
cudaError_t cudaGetLastError();
inline cudaError_t cudaSetDevice(int) { return cudaSuccess; }
inline cudaError_t cudaMemsetAsync(void* p, int value, size_t bytes, cudaStream_t) {
    if (bytes != 0 && p == nullptr) return cudaErrorInvalidValue;
    std::memset(p, value, bytes);
    return cudaSuccess;
}

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
    unsigned x, y, z;
};

namespace sim {

struct Config {
    dim3 grid, block;
    size_t shared_bytes;
    cudaStream_t stream;
    Config(dim3 g, dim3 b, size_t shm = 0, cudaStream_t s = nullptr) : grid(g), block(b), shared_bytes(shm), stream(s) {}
};

// The built-in variables of the simulated thread that is running now.
struct ThreadState {
    uint3 thread{0, 0, 0}, block{0, 0, 0};
    dim3 block_dim, grid_dim;
};
ThreadState& state();

// Runs body once per simulated thread of the grid. cooperative: every block's threads run as
// fibers that meet at __syncthreads and at warp shuffles; otherwise threads run one after
// another and a barrier is an error (the build marks files that use barriers cooperative).
// A bad configuration records cudaErrorInvalidConfiguration for cudaGetLastError, as CUDA does.
void run_grid(const Config& c, bool cooperative, const std::function<void()>& body);

template <typename Body>
struct Launcher {
    Config config;
    bool cooperative;
    Body body;
    template <typename... Args>
    void operator()(Args&&... args) {
        run_grid(config, cooperative, [&] { body(args...); });
    }
};

template <typename Body>
Launcher<Body> launcher(Config c, bool cooperative, Body body) {
    return Launcher<Body>{c, cooperative, body};
}

// Order of blocks, and of threads between barriers: false = first to last (the default, or
// GEOMLENS_SIM_ORDER=reverse in the environment for true).
void set_reverse_order(bool on);

void sync_block();
// Exchanges `bytes` bytes with the lane `delta` above within the warp (own value past lane 31).
void shuffle_down(void* value, size_t bytes, unsigned delta);

}  // namespace sim

#define threadIdx (::sim::state().thread)
#define blockIdx (::sim::state().block)
#define blockDim (::sim::state().block_dim)
#define gridDim (::sim::state().grid_dim)

inline void __syncthreads() { ::sim::sync_block(); }

template <typename T>
T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
    if (mask != 0xffffffffu || width != 32) throw std::logic_error("simulator: only full-warp shuffles are simulated");
    ::sim::shuffle_down(&v, sizeof v, delta);
    return v;
}

// One OS thread runs a whole grid, so plain read-modify-write is atomic here.
template <typename T>
T atomicAdd(T* p, T v) {
    T old = *p;
    *p = old + v;
    return old;
}

inline int __popcll(unsigned long long v) { return __builtin_popcountll(v); }
inline double rsqrt(double v) { return 1.0 / std::sqrt(v); }
inline float rsqrtf(float v) { return 1.f / std::sqrt(v); }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
inline int64_t min(int64_t a, int64_t b) { return a < b ? a : b; }
inline int64_t max(int64_t a, int64_t b) { return a > b ? a : b; }
