// Per-channel affine maps over dimension 1: folded BatchNormalization (scale, shift) and the
// bias of Conv / ConvTranspose (added in place after the GEMM).
#include "context.hpp"

namespace {

__global__ void affine_kernel(const float* __restrict__ x, float* __restrict__ y, const float* __restrict__ scale,
                              const float* __restrict__ shift, int64_t count, int channels, int64_t plane) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int c = (i / plane) % channels;
        y[i] = scale[c] * x[i] + (shift ? shift[c] : 0.f);
    }
}

__global__ void bias_kernel(float* __restrict__ y, const float* __restrict__ bias, int64_t count, int channels,
                            int64_t plane) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x)
        y[i] += bias[(i / plane) % channels];
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_channel_affine(geomlens_context* ctx, const float* x, float* y, const float* scale,
                                       const float* shift, int64_t count, int channels, int64_t plane) {
    return geomlens::guard("geomlens_channel_affine", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(count >= 0 && channels > 0 && plane > 0, "bad channel shape");
        if (count == 0) return;
        require(x && y && scale, "null pointer");
        affine_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, scale, shift, count, channels,
                                                                             plane);
        GEOMLENS_CHECK_LAUNCH("affine_kernel");
    });
}

extern "C" int geomlens_channel_bias(geomlens_context* ctx, float* y, const float* bias, int64_t count, int channels,
                                     int64_t plane) {
    return geomlens::guard("geomlens_channel_bias", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(count >= 0 && channels > 0 && plane > 0, "bad channel shape");
        if (count == 0) return;
        require(y && bias, "null pointer");
        bias_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(y, bias, count, channels, plane);
        GEOMLENS_CHECK_LAUNCH("bias_kernel");
    });
}
