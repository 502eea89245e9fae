// Nearest-neighbour upsampling by integer factors and its adjoint (each output pixel of the
// adjoint sums its fy x fx block: a gather, no atomics).
#include "context.hpp"

namespace {

__global__ void up_kernel(const float* __restrict__ x, float* __restrict__ y, int h, int w, int fy, int fx,
                          int64_t count) {
    int wo = w * fx, ho = h * fy;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int ox = i % wo;
        int oy = (i / wo) % ho;
        int64_t p = i / ((int64_t)wo * ho);
        y[i] = x[(p * h + oy / fy) * w + ox / fx];
    }
}

__global__ void up_adjoint_kernel(const float* __restrict__ g, float* __restrict__ x, int h, int w, int fy, int fx,
                                  int64_t count) {
    int wo = w * fx, ho = h * fy;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int ix = i % w;
        int iy = (i / w) % h;
        int64_t p = i / ((int64_t)w * h);
        float sum = 0.f;
        for (int a = 0; a < fy; a++)
            for (int b = 0; b < fx; b++) sum += g[(p * ho + iy * fy + a) * wo + ix * fx + b];
        x[i] = sum;
    }
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_upsample_nearest(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w,
                                         int fy, int fx) {
    return geomlens::guard("geomlens_upsample_nearest", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(planes >= 0 && h > 0 && w > 0 && fy > 0 && fx > 0, "bad upsampling shape");
        int64_t count = planes * h * fy * (int64_t)w * fx;
        if (count == 0) return;
        require(x && y, "null pointer");
        up_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, h, w, fy, fx, count);
        GEOMLENS_CHECK_LAUNCH("up_kernel");
    });
}

extern "C" int geomlens_upsample_nearest_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h,
                                                 int w, int fy, int fx) {
    return geomlens::guard("geomlens_upsample_nearest_adjoint", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(planes >= 0 && h > 0 && w > 0 && fy > 0 && fx > 0, "bad upsampling shape");
        int64_t count = planes * h * (int64_t)w;
        if (count == 0) return;
        require(x && g, "null pointer");
        up_adjoint_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(g, x, h, w, fy, fx, count);
        GEOMLENS_CHECK_LAUNCH("up_adjoint_kernel");
    });
}
