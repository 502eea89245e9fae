// A fixed sparse map of each plane's elements (GridSample on a fixed grid, Gather of index lists):
// one thread per output element sums its row's few entries. The adjoint is the same call on the
// transposed rows (built once on the host), so neither direction needs atomics and both are
// deterministic.
#include "context.hpp"

namespace {

__global__ void sparse_rows_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t in_width, int rows,
                                   const int* __restrict__ start, const int* __restrict__ column,
                                   const float* __restrict__ weight, int64_t count) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int r = i % rows;
        const float* xp = x + i / rows * in_width;
        float sum = 0.f;
        for (int j = start[r]; j < start[r + 1]; j++) sum += weight[j] * xp[column[j]];
        y[i] = sum;
    }
}

}  // namespace

extern "C" int geomlens_sparse_rows(geomlens_context* ctx, const float* x, float* y, int64_t planes,
                                    int64_t in_width, int rows, const int* start, const int* column,
                                    const float* weight) {
    return geomlens::guard("geomlens_sparse_rows", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        geomlens::require(planes >= 0 && in_width >= 1 && rows >= 0, "bad sparse-map shape");
        int64_t count = planes * rows;
        if (count == 0) return;
        geomlens::require(x && y && start && column && weight, "null pointer");
        sparse_rows_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, in_width, rows, start,
                                                                                   column, weight, count);
        GEOMLENS_CHECK_LAUNCH("sparse_rows_kernel");
    });
}
