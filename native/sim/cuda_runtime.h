// Kernel simulator: the part of the CUDA language and runtime that kernels/*.cu use, for g++ on
// the host. scripts/build-kernel-sim.sh rewrites each launch `k<<<grid, block, shm, s>>>(args)`
// into `::sim::launcher(::sim::Config(grid, block, shm, s), coop, "k", __FILE__, __LINE__,
// [&](auto&&... a) { k(a...); })(args)`
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
#include <type_traits>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
// Blocks run one after another on one OS thread, so one static copy per declaration suffices.
#define __shared__ static

typedef struct sim_stream* cudaStream_t;
typedef struct sim_pool* cudaMemPool_t;

// Values as in CUDA's driver_types.h, so that logs read the same.
enum cudaError_t {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorInvalidPitchValue = 12,
    cudaErrorInvalidDevicePointer = 17,
    cudaErrorInvalidMemcpyDirection = 21,
    cudaErrorInsufficientDriver = 35,
    cudaErrorNoDevice = 100,
    cudaErrorInvalidDevice = 101,
    cudaErrorInvalidResourceHandle = 400,
    cudaErrorLaunchFailure = 719
};

enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4
};

enum cudaMemPoolAttr {
    cudaMemPoolAttrReleaseThreshold = 4,
    cudaMemPoolAttrReservedMemCurrent = 5,
    cudaMemPoolAttrUsedMemCurrent = 7
};

constexpr unsigned cudaStreamNonBlocking = 0x01;

struct cudaDeviceProp {
    char name[256];
    size_t totalGlobalMem;
};

const char* cudaGetErrorName(cudaError_t e);
const char* cudaGetErrorString(cudaError_t e);
cudaError_t cudaGetLastError();

// The simulated device (native/sim/device.cpp): one device, 0, whose memory is host memory
// handed out by a stream-ordered pool with a capacity (GEOMLENS_SIM_DEVICE_MEMORY bytes, default
// 16 GiB; GEOMLENS_SIM_DEVICES=0 simulates a machine without a GPU). Streams run in call order.
// Copies, memsets and the math-library stand-ins check that device pointers lie inside live
// device allocations, as a GPU would (with a fault, where the simulator returns an error).
cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device);
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int device);
cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value);
cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value);
cudaError_t cudaMemPoolTrimTo(cudaMemPool_t pool, size_t min_bytes_to_keep);
cudaError_t cudaMallocAsync(void** ptr, size_t bytes, cudaStream_t stream);
// The typed overload of CUDA's C++ API (cuda_runtime.h has it too).
template <class T>
cudaError_t cudaMallocAsync(T** ptr, size_t bytes, cudaStream_t stream) {
    return cudaMallocAsync(reinterpret_cast<void**>(ptr), bytes, stream);
}
cudaError_t cudaFreeAsync(void* ptr, cudaStream_t stream);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream);
cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height,
                              cudaMemcpyKind kind, cudaStream_t stream);
cudaError_t cudaMemsetAsync(void* ptr, int value, size_t bytes, cudaStream_t stream);

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

// A kernel's pointer argument must be null or point into a live device allocation (a host
// pointer or a freed block would fault on a GPU); otherwise this throws, naming the argument.
void check_pointer_argument(const void* p, int index, const char* kernel, const char* file, int line);

template <typename Body>
struct Launcher {
    Config config;
    bool cooperative;
    const char* kernel;
    const char* file;
    int line;
    Body body;
    template <typename T>
    void check_argument(const T& v, int index) const {
        if constexpr (std::is_pointer_v<T>) check_pointer_argument(v, index, kernel, file, line);
    }
    template <typename... Args>
    void operator()(Args&&... args) {
        int index = 0;
        (check_argument(args, index++), ...);
        run_grid(config, cooperative, [&] { body(args...); });
    }
};

template <typename Body>
Launcher<Body> launcher(Config c, bool cooperative, const char* kernel, const char* file, int line, Body body) {
    return Launcher<Body>{c, cooperative, kernel, file, line, body};
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
