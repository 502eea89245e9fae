// The kernel simulator's device (see cuda_runtime.h beside it): the CUDA runtime calls that
// native/src/context.cpp and blas.cpp make, over host memory. Device memory comes from a
// stream-ordered pool with a capacity: freed blocks stay reserved by the pool (up to its release
// threshold, as CUDA's pool keeps them) and are split for requests that fit in one of them; a
// request no cached block holds needs memory outside the pool, so an allocation can fail while
// memory is only cached, which the context's trim-and-retry must handle. Every
// device pointer a copy, memset, kernel or math-library stand-in receives is checked against
// the live allocations; a call made with an error returns it and records it for
// cudaGetLastError, as the runtime does.
#include "device.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

struct sim_stream {};
struct sim_pool {};

namespace sim {
namespace {

constexpr size_t kDefaultCapacity = size_t(16) << 30;

size_t env_size(const char* name, size_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Device {
    std::mutex lock;
    size_t capacity = env_size("GEOMLENS_SIM_DEVICE_MEMORY", kDefaultCapacity);
    int devices = static_cast<int>(env_size("GEOMLENS_SIM_DEVICES", 1));
    bool trace = env_size("GEOMLENS_SIM_TRACE_MEMORY", 0) != 0;  // one stderr line per allocation and free
    std::map<uintptr_t, size_t> live;       // base -> bytes asked for
    std::map<uintptr_t, size_t> charged;    // base -> size of the pool block it took
    std::multiset<size_t> cached;           // freed blocks the pool keeps
    size_t used = 0, cached_bytes = 0, release_threshold = 0;
    std::set<cudaStream_t> streams;
    sim_pool pool;

    size_t free_bytes() const { return capacity - used - cached_bytes; }

    // Drops cached blocks, largest first, until at most `keep` bytes stay reserved.
    void trim(size_t keep) {
        while (cached_bytes > keep && !cached.empty()) {
            auto last = std::prev(cached.end());
            cached_bytes -= *last;
            cached.erase(last);
        }
    }
};

Device& device() {
    static Device d;
    return d;
}

thread_local cudaError_t last_error = cudaSuccess;

cudaError_t status(cudaError_t e) {
    if (e != cudaSuccess) last_error = e;
    return e;
}

// Explains an error the real runtime would give without a reason, then returns it.
cudaError_t refuse(cudaError_t e, const std::string& why) {
    std::fprintf(stderr, "kernel simulator: %s\n", why.c_str());
    return status(e);
}

bool stream_ok(Device& d, cudaStream_t s) { return s == nullptr || d.streams.count(s) != 0; }

std::string hex(const void* p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%p", p);
    return buf;
}

}  // namespace

cudaError_t record_error(cudaError_t e) { return status(e); }

cudaError_t take_last_error() {
    cudaError_t e = last_error;
    last_error = cudaSuccess;
    return e;
}

bool device_range(const void* p, size_t bytes) {
    Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    auto a = reinterpret_cast<uintptr_t>(p);
    auto it = d.live.upper_bound(a);
    if (it == d.live.begin()) return false;
    --it;
    return a - it->first <= it->second && bytes <= it->second - (a - it->first);
}

bool usable_stream(cudaStream_t s) {
    Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    return stream_ok(d, s);
}

void check_pointer_argument(const void* p, int index, const char* kernel, const char* file, int line) {
    if (p == nullptr || device_range(p, 0)) return;
    throw std::logic_error("simulator: argument " + std::to_string(index) + " of " + kernel + " launched at " + file +
                           ":" + std::to_string(line) + " is " + hex(p) +
                           ", not device memory (a host pointer, or a freed block)");
}

}  // namespace sim

using sim::device;
using sim::refuse;
using sim::status;

cudaError_t cudaGetDeviceCount(int* count) {
    if (count == nullptr) return status(cudaErrorInvalidValue);
    *count = device().devices;
    return *count > 0 ? cudaSuccess : status(cudaErrorNoDevice);
}

cudaError_t cudaSetDevice(int d) {
    if (device().devices == 0) return status(cudaErrorNoDevice);
    return d == 0 ? cudaSuccess : status(cudaErrorInvalidDevice);
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int d) {
    if (prop == nullptr) return status(cudaErrorInvalidValue);
    if (d != 0 || device().devices == 0) return status(cudaErrorInvalidDevice);
    // The simulator names itself, so that no log of a run on it reads as a GPU run.
    std::snprintf(prop->name, sizeof prop->name, "%s", "kernel simulator on the host, no GPU");
    prop->totalGlobalMem = device().capacity;
    return cudaSuccess;
}

cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
    if (!free_bytes || !total_bytes) return status(cudaErrorInvalidValue);
    sim::Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    *free_bytes = d.free_bytes();
    *total_bytes = d.capacity;
    return cudaSuccess;
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned flags) {
    if (stream == nullptr || (flags & ~cudaStreamNonBlocking) != 0) return status(cudaErrorInvalidValue);
    sim::Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    *stream = new sim_stream();
    d.streams.insert(*stream);
    return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
    sim::Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    if (stream == nullptr || d.streams.erase(stream) == 0)
        return refuse(cudaErrorInvalidResourceHandle, "cudaStreamDestroy of a stream that is not live");
    delete stream;
    return cudaSuccess;
}

// Work runs when it is issued, so synchronizing only releases what the pool keeps beyond its
// threshold, as CUDA's pool does at synchronization points.
cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
    sim::Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    if (!sim::stream_ok(d, stream)) return refuse(cudaErrorInvalidResourceHandle, "synchronize on a destroyed stream");
    d.trim(d.release_threshold);
    return cudaSuccess;
}

cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t* pool, int dev) {
    if (pool == nullptr) return status(cudaErrorInvalidValue);
    if (dev != 0) return status(cudaErrorInvalidDevice);
    *pool = &device().pool;
    return cudaSuccess;
}

cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value) {
    sim::Device& d = device();
    if (pool != &d.pool || value == nullptr || attr != cudaMemPoolAttrReleaseThreshold)
        return status(cudaErrorInvalidValue);
    std::lock_guard<std::mutex> g(d.lock);
    uint64_t v;
    std::memcpy(&v, value, sizeof v);
    d.release_threshold = static_cast<size_t>(v);
    return cudaSuccess;
}

cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t pool, cudaMemPoolAttr attr, void* value) {
    sim::Device& d = device();
    if (pool != &d.pool || value == nullptr) return status(cudaErrorInvalidValue);
    std::lock_guard<std::mutex> g(d.lock);
    uint64_t v;
    switch (attr) {
        case cudaMemPoolAttrReleaseThreshold: v = d.release_threshold; break;
        case cudaMemPoolAttrReservedMemCurrent: v = d.used + d.cached_bytes; break;
        case cudaMemPoolAttrUsedMemCurrent: v = d.used; break;
        default: return status(cudaErrorInvalidValue);
    }
    std::memcpy(value, &v, sizeof v);
    return cudaSuccess;
}

cudaError_t cudaMemPoolTrimTo(cudaMemPool_t pool, size_t keep) {
    sim::Device& d = device();
    if (pool != &d.pool) return status(cudaErrorInvalidValue);
    std::lock_guard<std::mutex> g(d.lock);
    d.trim(keep);
    return cudaSuccess;
}

cudaError_t cudaMallocAsync(void** ptr, size_t bytes, cudaStream_t stream) {
    if (ptr == nullptr) return status(cudaErrorInvalidValue);
    *ptr = nullptr;
    sim::Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    if (!sim::stream_ok(d, stream)) return refuse(cudaErrorInvalidResourceHandle, "cudaMallocAsync on a destroyed stream");
    if (bytes == 0) return cudaSuccess;
    size_t block = (bytes + 255) & ~size_t(255);  // CUDA aligns allocations to 256 bytes
    auto reuse = d.cached.lower_bound(block);
    bool from_cache = reuse != d.cached.end();
    if (!from_cache && block > d.free_bytes()) return status(cudaErrorMemoryAllocation);
    void* p = std::malloc(bytes);
    if (p == nullptr) return status(cudaErrorMemoryAllocation);
    if (from_cache) {  // the pool splits a cached block: the rest stays cached
        size_t rest = *reuse - block;
        d.cached_bytes -= block;
        d.cached.erase(reuse);
        if (rest > 0) d.cached.insert(rest);
    }
    // Device memory comes uninitialized: all-ones bytes (NaN as float and double) make a read
    // before the first write show in the results, where zeros would hide it.
    std::memset(p, 0xFF, bytes);
    d.used += block;
    d.live[reinterpret_cast<uintptr_t>(p)] = bytes;
    d.charged[reinterpret_cast<uintptr_t>(p)] = block;
    if (d.trace) std::fprintf(stderr, "sim memory: alloc %zu -> %p (used %zu, cached %zu)\n", bytes, p, d.used, d.cached_bytes);
    *ptr = p;
    return cudaSuccess;
}

cudaError_t cudaFreeAsync(void* ptr, cudaStream_t stream) {
    sim::Device& d = device();
    std::lock_guard<std::mutex> g(d.lock);
    if (!sim::stream_ok(d, stream)) return refuse(cudaErrorInvalidResourceHandle, "cudaFreeAsync on a destroyed stream");
    if (ptr == nullptr) return cudaSuccess;  // as cudaFree(NULL)
    auto key = reinterpret_cast<uintptr_t>(ptr);
    auto it = d.charged.find(key);
    if (it == d.charged.end())
        return refuse(cudaErrorInvalidValue, "cudaFreeAsync of " + sim::hex(ptr) + ", not the start of a live allocation");
    d.used -= it->second;
    d.cached.insert(it->second);
    d.cached_bytes += it->second;
    d.charged.erase(it);
    d.live.erase(key);
    if (d.trace) std::fprintf(stderr, "sim memory: free %p (used %zu, cached %zu)\n", ptr, d.used, d.cached_bytes);
    std::free(ptr);  // the block's host memory goes at once, so AddressSanitizer sees a late use
    return cudaSuccess;
}

namespace {

// Whether [p, p + bytes) must lie in device memory, or must not, for a copy of this kind.
cudaError_t check_copy(const void* dst, size_t dst_bytes, const void* src, size_t src_bytes, cudaMemcpyKind kind,
                       const char* call) {
    if (kind != cudaMemcpyHostToDevice && kind != cudaMemcpyDeviceToHost && kind != cudaMemcpyDeviceToDevice)
        return refuse(cudaErrorInvalidMemcpyDirection, std::string(call) + ": only HostToDevice, DeviceToHost and "
                                                       "DeviceToDevice copies are simulated");
    bool dst_device = kind != cudaMemcpyDeviceToHost, src_device = kind != cudaMemcpyHostToDevice;
    if (sim::device_range(dst, dst_bytes) != dst_device)
        return refuse(cudaErrorInvalidValue, std::string(call) + ": destination " + sim::hex(dst) + " (" +
                                                 std::to_string(dst_bytes) + " bytes) is " +
                                                 (dst_device ? "not inside a live device allocation" : "device memory"));
    if (sim::device_range(src, src_bytes) != src_device)
        return refuse(cudaErrorInvalidValue, std::string(call) + ": source " + sim::hex(src) + " (" +
                                                 std::to_string(src_bytes) + " bytes) is " +
                                                 (src_device ? "not inside a live device allocation" : "device memory"));
    return cudaSuccess;
}

}  // namespace

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream) {
    if (!sim::usable_stream(stream)) return refuse(cudaErrorInvalidResourceHandle, "cudaMemcpyAsync on a destroyed stream");
    if (bytes == 0) return cudaSuccess;
    if (cudaError_t e = check_copy(dst, bytes, src, bytes, kind, "cudaMemcpyAsync")) return e;
    std::memmove(dst, src, bytes);
    return cudaSuccess;
}

cudaError_t cudaMemcpy2DAsync(void* dst, size_t dpitch, const void* src, size_t spitch, size_t width, size_t height,
                              cudaMemcpyKind kind, cudaStream_t stream) {
    if (!sim::usable_stream(stream)) return refuse(cudaErrorInvalidResourceHandle, "cudaMemcpy2DAsync on a destroyed stream");
    if (dpitch < width || spitch < width) return status(cudaErrorInvalidPitchValue);
    if (width == 0 || height == 0) return cudaSuccess;
    size_t dst_bytes = dpitch * (height - 1) + width, src_bytes = spitch * (height - 1) + width;
    if (cudaError_t e = check_copy(dst, dst_bytes, src, src_bytes, kind, "cudaMemcpy2DAsync")) return e;
    for (size_t r = 0; r < height; r++)
        std::memmove(static_cast<char*>(dst) + r * dpitch, static_cast<const char*>(src) + r * spitch, width);
    return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* ptr, int value, size_t bytes, cudaStream_t stream) {
    if (!sim::usable_stream(stream)) return refuse(cudaErrorInvalidResourceHandle, "cudaMemsetAsync on a destroyed stream");
    if (bytes == 0) return cudaSuccess;
    if (!sim::device_range(ptr, bytes))
        return refuse(cudaErrorInvalidValue, "cudaMemsetAsync: " + sim::hex(ptr) + " (" + std::to_string(bytes) +
                                                 " bytes) is not inside a live device allocation");
    std::memset(ptr, value, bytes);
    return cudaSuccess;
}

cudaError_t cudaGetLastError() { return sim::take_last_error(); }

const char* cudaGetErrorName(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
        case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
        case cudaErrorInvalidConfiguration: return "cudaErrorInvalidConfiguration";
        case cudaErrorInvalidPitchValue: return "cudaErrorInvalidPitchValue";
        case cudaErrorInvalidDevicePointer: return "cudaErrorInvalidDevicePointer";
        case cudaErrorInvalidMemcpyDirection: return "cudaErrorInvalidMemcpyDirection";
        case cudaErrorInsufficientDriver: return "cudaErrorInsufficientDriver";
        case cudaErrorNoDevice: return "cudaErrorNoDevice";
        case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
        case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
        default: return "cudaErrorLaunchFailure";
    }
}

const char* cudaGetErrorString(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return "no error";
        case cudaErrorInvalidValue: return "invalid argument";
        case cudaErrorMemoryAllocation: return "out of memory";
        case cudaErrorInvalidConfiguration: return "invalid configuration argument";
        case cudaErrorInvalidPitchValue: return "invalid pitch argument";
        case cudaErrorInvalidDevicePointer: return "invalid device pointer";
        case cudaErrorInvalidMemcpyDirection: return "invalid copy direction for memcpy";
        case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
        case cudaErrorNoDevice: return "no CUDA-capable device is detected";
        case cudaErrorInvalidDevice: return "invalid device ordinal";
        case cudaErrorInvalidResourceHandle: return "invalid resource handle";
        default: return "unspecified launch failure";
    }
}
