// Checks of the kernel simulator itself (CUDA semantics the kernels rely on): grid-stride
// coverage, warp shuffles, block barriers with shared memory, a barrier that not every thread
// reaches, a barrier in a kernel not run as fibers, an invalid launch, an exception in a fiber,
// a host pointer handed to a kernel. Built and run by scripts/check-kernel-sim.sh with the
// simulator's cuda_runtime.h. Exit status: failures.
#include <string>
#include <vector>

#include "check.hpp"

namespace {

using check::Buffer;
using check::error_of;
using check::expect;

__global__ void count_visits(int* visits, int64_t n) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x)
        visits[i]++;
}

__global__ void warp_sums(const int* x, int* out) {
    int v = x[blockIdx.x * blockDim.x + threadIdx.x];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    if ((threadIdx.x & 31) == 0) out[(blockIdx.x * blockDim.x + threadIdx.x) / 32] = v;
}

// Reversal through shared memory: wrong unless every write lands before any read.
__global__ void reverse_block(const int* x, int* y) {
    __shared__ int tile[128];
    tile[threadIdx.x] = x[blockIdx.x * blockDim.x + threadIdx.x];
    __syncthreads();
    y[blockIdx.x * blockDim.x + threadIdx.x] = tile[blockDim.x - 1 - threadIdx.x];
}

// The same rotation without the barrier: what a thread reads depends on the schedule.
__global__ void rotate_without_barrier(const int* x, int* y) {
    __shared__ int tile[64];
    tile[threadIdx.x] = x[threadIdx.x];
    y[threadIdx.x] = tile[(threadIdx.x + 1) % blockDim.x];
    __syncthreads();
}

__global__ void barrier_in_branch(int* y) {
    if (threadIdx.x < 16) __syncthreads();
    y[threadIdx.x] = 1;
}

__global__ void throws_in_thread_5() {
    if (threadIdx.x == 5) throw std::runtime_error("thread 5 failed");
    __syncthreads();
}

void check_grid_stride() {
    const int64_t n = 100003;  // not a multiple of the block
    Buffer<int> visits(n, std::vector<int>(n, 0));
    SIM_LAUNCH(::sim::Config(7, 256), false, count_visits)(visits.p, n);
    bool once = true;
    for (int c : visits.get()) once = once && c == 1;
    expect(once && cudaGetLastError() == cudaSuccess, "grid-stride loop visits every index once");
}

void check_shuffles() {
    std::vector<int> x(128);
    for (int i = 0; i < 128; i++) x[i] = i * i;
    Buffer<int> dx(128, x), out(4);
    SIM_LAUNCH(::sim::Config(2, 64), true, warp_sums)(dx.p, out.p);
    std::vector<int> sums = out.get();
    bool ok = true;
    for (int w = 0; w < 4; w++) {
        int s = 0;
        for (int i = 32 * w; i < 32 * w + 32; i++) s += i * i;
        ok = ok && sums[w] == s;
    }
    expect(ok, "warp shuffle tree sums each warp into its lane 0");
}

void check_block_barrier() {
    std::vector<int> x(256);
    for (int i = 0; i < 256; i++) x[i] = i;
    Buffer<int> dx(256, x), dy(256);
    SIM_LAUNCH(::sim::Config(2, 128), true, reverse_block)(dx.p, dy.p);
    std::vector<int> y = dy.get();
    bool ok = true;
    for (int b = 0; b < 2; b++)
        for (int t = 0; t < 128; t++) ok = ok && y[b * 128 + t] == b * 128 + 127 - t;
    expect(ok, "__syncthreads orders shared-memory writes before reads");
}

void check_orders() {
    std::vector<int> x(64), right(64);
    for (int i = 0; i < 64; i++) x[i] = i + 1, right[i] = (i + 1) % 64 + 1;
    Buffer<int> dx(64, x), dy(64);
    auto run = [&](bool reverse) {
        ::sim::set_reverse_order(reverse);
        SIM_LAUNCH(::sim::Config(1, 64), true, rotate_without_barrier)(dx.p, dy.p);
        ::sim::set_reverse_order(false);
        return dy.get();
    };
    std::vector<int> forward = run(false), reverse = run(true);
    expect(forward != right || reverse != right, "a missing barrier gives a wrong result in one of the two orders");
}

void check_errors() {
    Buffer<int> y(64, std::vector<int>(64, 0));
    std::string e = error_of([&] { SIM_LAUNCH(::sim::Config(1, 64), true, barrier_in_branch)(y.p); });
    expect(e.find("different barriers") != std::string::npos, "a barrier only some threads reach is reported");
    e = error_of([&] { SIM_LAUNCH(::sim::Config(1, 64), false, reverse_block)(y.p, y.p); });
    expect(e.find("not marked cooperative") != std::string::npos, "a barrier outside the fibers is reported");
    bool ran = false;
    ::sim::launcher(::sim::Config(1, 2048), false, "lambda", __FILE__, __LINE__, [&]() { ran = true; })();
    expect(!ran && cudaGetLastError() == cudaErrorInvalidConfiguration && cudaGetLastError() == cudaSuccess,
           "2048 threads per block is an invalid configuration, read once by cudaGetLastError");
    e = error_of([&] { SIM_LAUNCH(::sim::Config(1, 32), true, throws_in_thread_5)(); });
    expect(e == "thread 5 failed", "an exception in a fiber reaches the launcher");
    std::vector<int> host(64, 0);
    e = error_of([&] { SIM_LAUNCH(::sim::Config(1, 64), true, reverse_block)(y.p, host.data()); });
    expect(e.find("argument 1 of reverse_block") != std::string::npos && e.find("not device memory") != std::string::npos,
           "a host pointer handed to a kernel is reported with its argument: " + e);
    Buffer<int> x(128, std::vector<int>(128, 1)), z(128, std::vector<int>(128, 0));
    SIM_LAUNCH(::sim::Config(1, 128), true, reverse_block)(x.p, z.p);
    std::vector<int> out = z.get();
    expect(out[0] == 1 && out[127] == 1, "the simulator runs again after those errors");
}

}  // namespace

int main() {
    check_grid_stride();
    check_shuffles();
    check_block_barrier();
    check_orders();
    check_errors();
    std::printf("%d passed, %d failed\n", check::passes, check::failures);
    return check::failures;
}
