// Softmax over the last axis (attention weights) and its derivative s * (t - <s, t>), applied
// to k tangent rows per primal row in one launch. One block per row; sums in double.
#include <cfloat>

#include "block_reduce.cuh"
#include "context.hpp"

namespace {

__global__ void softmax_kernel(const float* __restrict__ x, float* __restrict__ y, int64_t rows, int64_t width) {
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * width;
        float* yr = y + r * width;
        float m = -FLT_MAX;
        for (int64_t i = threadIdx.x; i < width; i += blockDim.x) m = fmaxf(m, xr[i]);
        m = geomlens::block_reduce(m, geomlens::MaxOp{}, -FLT_MAX);
        double sum = 0;
        for (int64_t i = threadIdx.x; i < width; i += blockDim.x) {
            float e = expf(xr[i] - m);
            yr[i] = e;
            sum += e;
        }
        float inv = static_cast<float>(1.0 / geomlens::block_sum(sum));
        for (int64_t i = threadIdx.x; i < width; i += blockDim.x) yr[i] *= inv;
    }
}

__global__ void softmax_tangent_kernel(const float* __restrict__ s, const float* __restrict__ t,
                                       float* __restrict__ out, int64_t rows, int64_t width, int64_t s_rows) {
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* sr = s + (r % s_rows) * width;
        const float* tr = t + r * width;
        double dot = 0;
        for (int64_t i = threadIdx.x; i < width; i += blockDim.x) dot += (double)sr[i] * tr[i];
        float d = static_cast<float>(geomlens::block_sum(dot));
        for (int64_t i = threadIdx.x; i < width; i += blockDim.x) out[r * width + i] = sr[i] * (tr[i] - d);
    }
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_softmax(geomlens_context* ctx, const float* x, float* y, int64_t rows, int64_t width) {
    return geomlens::guard("geomlens_softmax", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(rows >= 0 && width > 0, "bad softmax shape");
        if (rows == 0) return;
        require(x && y, "null pointer");
        softmax_kernel<<<geomlens::row_grid(rows), geomlens::kThreads, 0, s>>>(x, y, rows, width);
        GEOMLENS_CHECK_LAUNCH("softmax_kernel");
    });
}

extern "C" int geomlens_softmax_tangent(geomlens_context* ctx, const float* s_, const float* t, float* out,
                                        int64_t rows, int64_t width, int64_t s_rows) {
    return geomlens::guard("geomlens_softmax_tangent", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(rows >= 0 && width > 0 && s_rows > 0 && rows % s_rows == 0,
                "tangent rows must be a multiple of the primal rows");
        if (rows == 0) return;
        require(s_ && t && out, "null pointer");
        softmax_tangent_kernel<<<geomlens::row_grid(rows), geomlens::kThreads, 0, s>>>(s_, t, out, rows, width,
                                                                                      s_rows);
        GEOMLENS_CHECK_LAUNCH("softmax_tangent_kernel");
    });
}
