// InstanceNormalization (torch exports GroupNorm through it) and its symmetric derivative.
// One block per plane; mean and variance accumulate in double (planes of thousands of pixels).
#include "block_reduce.cuh"
#include "context.hpp"

namespace {

struct Moments {
    double mean;
    double inv_std;  // 1 / sqrt(var + eps)
};

__device__ Moments moments(const float* p, int64_t n, float eps) {
    double s = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += p[i];
    double mean = geomlens::block_sum(s) / n;
    double v = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        double d = p[i] - mean;
        v += d * d;
    }
    return {mean, rsqrt(geomlens::block_sum(v) / n + eps)};
}

__global__ void instance_norm_kernel(const float* __restrict__ x, float* __restrict__ y,
                                     const float* __restrict__ scale, const float* __restrict__ bias, float eps,
                                     int64_t planes, int channels, int64_t plane) {
    for (int64_t p = blockIdx.x; p < planes; p += gridDim.x) {
        const float* xp = x + p * plane;
        Moments m = moments(xp, plane, eps);
        int c = p % channels;
        for (int64_t i = threadIdx.x; i < plane; i += blockDim.x)
            y[p * plane + i] = static_cast<float>(scale[c] * ((xp[i] - m.mean) * m.inv_std) + bias[c]);
    }
}

__global__ void instance_norm_tangent_kernel(const float* __restrict__ x, const float* __restrict__ t,
                                             float* __restrict__ out, const float* __restrict__ scale, float eps,
                                             int64_t planes, int channels, int64_t plane, int64_t x_planes) {
    for (int64_t p = blockIdx.x; p < planes; p += gridDim.x) {
        const float* xp = x + (p % x_planes) * plane;
        const float* tp = t + p * plane;
        Moments m = moments(xp, plane, eps);
        double st = 0, stx = 0;
        for (int64_t i = threadIdx.x; i < plane; i += blockDim.x) {
            st += tp[i];
            stx += tp[i] * ((xp[i] - m.mean) * m.inv_std);
        }
        double mt = geomlens::block_sum(st) / plane;
        double mtx = geomlens::block_sum(stx) / plane;
        double f = scale[p % channels] * m.inv_std;
        for (int64_t i = threadIdx.x; i < plane; i += blockDim.x) {
            double xh = (xp[i] - m.mean) * m.inv_std;
            out[p * plane + i] = static_cast<float>(f * (tp[i] - mt - xh * mtx));
        }
    }
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_instance_norm(geomlens_context* ctx, const float* x, float* y, const float* scale,
                                      const float* bias, float eps, int64_t planes, int channels, int64_t plane) {
    return geomlens::guard("geomlens_instance_norm", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(planes >= 0 && channels > 0 && plane > 0 && eps >= 0, "bad instance-norm shape");
        if (planes == 0) return;
        require(x && y && scale && bias, "null pointer");
        instance_norm_kernel<<<geomlens::row_grid(planes), geomlens::kThreads, 0, s>>>(x, y, scale, bias, eps,
                                                                                      planes, channels, plane);
        GEOMLENS_CHECK_LAUNCH("instance_norm_kernel");
    });
}

extern "C" int geomlens_instance_norm_tangent(geomlens_context* ctx, const float* x, const float* t, float* out,
                                              const float* scale, float eps, int64_t planes, int channels,
                                              int64_t plane, int64_t x_planes) {
    return geomlens::guard("geomlens_instance_norm_tangent", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(planes >= 0 && channels > 0 && plane > 0 && eps >= 0 && x_planes > 0 && planes % x_planes == 0,
                "tangent planes must be a multiple of the primal planes");
        if (planes == 0) return;
        require(x && t && out && scale, "null pointer");
        instance_norm_tangent_kernel<<<geomlens::row_grid(planes), geomlens::kThreads, 0, s>>>(
            x, t, out, scale, eps, planes, channels, plane, x_planes);
        GEOMLENS_CHECK_LAUNCH("instance_norm_tangent_kernel");
    });
}
