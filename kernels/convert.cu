// float32 <-> float64 copies: the small psi/nu problems are formed in float64 from float32 M.
#include "context.hpp"

namespace {
template <typename From, typename To>
__global__ void convert_kernel(const From* __restrict__ x, To* __restrict__ y, int64_t count) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x)
        y[i] = static_cast<To>(x[i]);
}
}  // namespace

extern "C" int geomlens_convert_f32_f64(geomlens_context* ctx, const float* x, double* y, int64_t count) {
    return geomlens::guard("geomlens_convert_f32_f64", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        geomlens::require(count >= 0 && (count == 0 || (x && y)), "bad conversion arguments");
        if (count == 0) return;
        convert_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, count);
        GEOMLENS_CHECK_LAUNCH("convert_kernel");
    });
}

extern "C" int geomlens_convert_f64_f32(geomlens_context* ctx, const double* x, float* y, int64_t count) {
    return geomlens::guard("geomlens_convert_f64_f32", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        geomlens::require(count >= 0 && (count == 0 || (x && y)), "bad conversion arguments");
        if (count == 0) return;
        convert_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, count);
        GEOMLENS_CHECK_LAUNCH("convert_kernel");
    });
}
