// Bilinear upsampling by integer factors (Resize mode linear) and its adjoint. Each output pixel
// reads two taps per axis at its source coordinate, clamped to the plane; the adjoint scatters
// the four weighted contributions back with atomics (sums in any order, as reduce_to does).
#include "context.hpp"

namespace {

struct Tap {
    int lo, hi;
    float w;  // weight of hi
};

// Source coordinate of output index o (mode: 0 half_pixel, 1 align_corners, 2 asymmetric).
__device__ inline Tap tap(int o, int n, int f, int mode) {
    int out = n * f;
    float s = mode == 0 ? (o + 0.5f) / f - 0.5f : mode == 1 ? (out > 1 ? (float)o * (n - 1) / (out - 1) : 0.f)
                                                             : (float)o / f;
    s = fminf(fmaxf(s, 0.f), (float)(n - 1));
    int lo = (int)floorf(s);
    return {lo, min(lo + 1, n - 1), s - lo};
}

__global__ void up_linear_kernel(const float* __restrict__ x, float* __restrict__ y, int h, int w, int fy, int fx,
                                 int mode, int64_t count) {
    int wo = w * fx, ho = h * fy;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int ox = i % wo;
        int oy = (i / wo) % ho;
        const float* p = x + (i / ((int64_t)wo * ho)) * h * w;
        Tap ty = tap(oy, h, fy, mode), tx = tap(ox, w, fx, mode);
        float top = (1.f - tx.w) * p[ty.lo * w + tx.lo] + tx.w * p[ty.lo * w + tx.hi];
        float bottom = (1.f - tx.w) * p[ty.hi * w + tx.lo] + tx.w * p[ty.hi * w + tx.hi];
        y[i] = (1.f - ty.w) * top + ty.w * bottom;
    }
}

__global__ void up_linear_adjoint_kernel(const float* __restrict__ g, float* __restrict__ x, int h, int w, int fy,
                                         int fx, int mode, int64_t count) {
    int wo = w * fx, ho = h * fy;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int ox = i % wo;
        int oy = (i / wo) % ho;
        float* p = x + (i / ((int64_t)wo * ho)) * h * w;
        Tap ty = tap(oy, h, fy, mode), tx = tap(ox, w, fx, mode);
        float v = g[i];
        atomicAdd(p + ty.lo * w + tx.lo, (1.f - ty.w) * (1.f - tx.w) * v);
        atomicAdd(p + ty.lo * w + tx.hi, (1.f - ty.w) * tx.w * v);
        atomicAdd(p + ty.hi * w + tx.lo, ty.w * (1.f - tx.w) * v);
        atomicAdd(p + ty.hi * w + tx.hi, ty.w * tx.w * v);
    }
}

void check_shape(int64_t planes, int h, int w, int fy, int fx, int mode) {
    geomlens::require(planes >= 0 && h > 0 && w > 0 && fy > 0 && fx > 0, "bad upsampling shape");
    geomlens::require(mode >= 0 && mode <= 2, "unknown coordinate mode " + std::to_string(mode));
}

}  // namespace

extern "C" int geomlens_upsample_linear(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w,
                                        int fy, int fx, int mode) {
    return geomlens::guard("geomlens_upsample_linear", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        check_shape(planes, h, w, fy, fx, mode);
        int64_t count = planes * h * fy * (int64_t)w * fx;
        if (count == 0) return;
        geomlens::require(x && y, "null pointer");
        up_linear_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, h, w, fy, fx, mode, count);
        GEOMLENS_CHECK_LAUNCH("up_linear_kernel");
    });
}

extern "C" int geomlens_upsample_linear_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h,
                                                int w, int fy, int fx, int mode) {
    return geomlens::guard("geomlens_upsample_linear_adjoint", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        check_shape(planes, h, w, fy, fx, mode);
        int64_t count = planes * h * fy * (int64_t)w * fx;
        if (count == 0) return;
        geomlens::require(x && g, "null pointer");
        GEOMLENS_CHECK_CUDA(cudaMemsetAsync(x, 0, sizeof(float) * planes * h * w, s));
        up_linear_adjoint_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(g, x, h, w, fy, fx, mode,
                                                                                         count);
        GEOMLENS_CHECK_LAUNCH("up_linear_adjoint_kernel");
    });
}
