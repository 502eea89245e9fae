// Helpers of the simulator's own checks (check_sim.cpp, check_libraries.cpp): PASS/FAIL lines,
// the message a call throws, device buffers, and the launch that build-kernel-sim.sh writes
// for `k<<<cfg>>>(args)`.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace check {

inline int passes = 0, failures = 0;

inline void expect(bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
    (ok ? passes : failures)++;
}

template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// n elements of device memory, filled from `host` when given.
template <typename T>
struct Buffer {
    T* p = nullptr;
    size_t n;
    explicit Buffer(size_t count, const std::vector<T>& host = {}) : n(count) {
        if (cudaMallocAsync(&p, sizeof(T) * n, nullptr) != cudaSuccess) throw std::runtime_error("cudaMallocAsync failed");
        if (!host.empty()) cudaMemcpyAsync(p, host.data(), sizeof(T) * n, cudaMemcpyHostToDevice, nullptr);
    }
    Buffer(const Buffer&) = delete;
    ~Buffer() { cudaFreeAsync(p, nullptr); }
    std::vector<T> get() const {
        std::vector<T> h(n);
        cudaMemcpyAsync(h.data(), p, sizeof(T) * n, cudaMemcpyDeviceToHost, nullptr);
        return h;
    }
};

}  // namespace check

#define SIM_LAUNCH(cfg, coop, kernel) \
    ::sim::launcher(cfg, coop, #kernel, __FILE__, __LINE__, [&](auto&&... a_) { kernel(a_...); })
