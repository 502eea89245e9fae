// Checks of the kernel simulator itself (CUDA semantics the kernels rely on): grid-stride
// coverage, warp shuffles, block barriers with shared memory, a barrier that not every thread
// reaches, a barrier in a kernel not run as fibers, an invalid launch, an exception in a fiber.
// Built and run by scripts/test.sh with the simulator's cuda_runtime.h. Exit status: failures.
#include <cstdio>
#include <string>
#include <vector>

namespace {

int passes = 0, failures = 0;

void expect(bool ok, const char* what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what);
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
    std::vector<int> visits(n, 0);
    int* v = visits.data();
    ::sim::launcher(::sim::Config(7, 256), false, [&](auto&&... a) { count_visits(a...); })(v, n);
    bool once = true;
    for (int c : visits) once = once && c == 1;
    expect(once && cudaGetLastError() == cudaSuccess, "grid-stride loop visits every index once");
}

void check_shuffles() {
    std::vector<int> x(128), out(4, -1);
    for (int i = 0; i < 128; i++) x[i] = i * i;
    ::sim::launcher(::sim::Config(2, 64), true, [&](auto&&... a) { warp_sums(a...); })(x.data(), out.data());
    bool ok = true;
    for (int w = 0; w < 4; w++) {
        int s = 0;
        for (int i = 32 * w; i < 32 * w + 32; i++) s += i * i;
        ok = ok && out[w] == s;
    }
    expect(ok, "warp shuffle tree sums each warp into its lane 0");
}

void check_block_barrier() {
    std::vector<int> x(256), y(256, -1);
    for (int i = 0; i < 256; i++) x[i] = i;
    ::sim::launcher(::sim::Config(2, 128), true, [&](auto&&... a) { reverse_block(a...); })(x.data(), y.data());
    bool ok = true;
    for (int b = 0; b < 2; b++)
        for (int t = 0; t < 128; t++) ok = ok && y[b * 128 + t] == b * 128 + 127 - t;
    expect(ok, "__syncthreads orders shared-memory writes before reads");
}

void check_orders() {
    std::vector<int> x(64), right(64), forward(64), reverse(64);
    for (int i = 0; i < 64; i++) x[i] = i + 1, right[i] = (i + 1) % 64 + 1;
    auto run = [&](std::vector<int>& y) {
        ::sim::launcher(::sim::Config(1, 64), true, [&](auto&&... a) { rotate_without_barrier(a...); })(x.data(), y.data());
    };
    ::sim::set_reverse_order(false);
    run(forward);
    ::sim::set_reverse_order(true);
    run(reverse);
    ::sim::set_reverse_order(false);
    expect(forward != right || reverse != right, "a missing barrier gives a wrong result in one of the two orders");
}

void check_errors() {
    std::vector<int> y(64, 0);
    std::string e = error_of(
        [&] { ::sim::launcher(::sim::Config(1, 64), true, [&](auto&&... a) { barrier_in_branch(a...); })(y.data()); });
    expect(e.find("different barriers") != std::string::npos, "a barrier only some threads reach is reported");
    e = error_of(
        [&] { ::sim::launcher(::sim::Config(1, 64), false, [&](auto&&... a) { reverse_block(a...); })(y.data(), y.data()); });
    expect(e.find("not marked cooperative") != std::string::npos, "a barrier outside the fibers is reported");
    bool ran = false;
    ::sim::launcher(::sim::Config(1, 2048), false, [&]() { ran = true; })();
    expect(!ran && cudaGetLastError() == cudaErrorInvalidConfiguration && cudaGetLastError() == cudaSuccess,
           "2048 threads per block is an invalid configuration, read once by cudaGetLastError");
    e = error_of([&] { ::sim::launcher(::sim::Config(1, 32), true, [&]() { throws_in_thread_5(); })(); });
    expect(e == "thread 5 failed", "an exception in a fiber reaches the launcher");
    std::vector<int> x(128, 1), z(128, 0);
    ::sim::launcher(::sim::Config(1, 128), true, [&](auto&&... a) { reverse_block(a...); })(x.data(), z.data());
    expect(z[0] == 1 && z[127] == 1, "the simulator runs again after those errors");
}

}  // namespace

int main() {
    check_grid_stride();
    check_shuffles();
    check_block_barrier();
    check_orders();
    check_errors();
    std::printf("%d passed, %d failed\n", passes, failures);
    return failures;
}
