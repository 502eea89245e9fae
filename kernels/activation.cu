// Activations: forward y = f(x), and the fused tangent kernel out = t * f'(x) that applies the
// derivative at the primal to a whole group of tangents (JVP) or cotangents (VJP) in one pass,
// reading each primal row once per group instead of materialising f'(x).
#include "context.hpp"

namespace {

__device__ inline float act_value(int kind, float alpha, float x) {
    switch (kind) {
        case GEOMLENS_RELU: return x > 0.f ? x : 0.f;
        case GEOMLENS_LEAKY_RELU: return x > 0.f ? x : alpha * x;
        case GEOMLENS_SIGMOID: return 1.f / (1.f + expf(-x));
        case GEOMLENS_TANH: return tanhf(x);
        case GEOMLENS_GELU: return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
        case GEOMLENS_GELU_TANH: {
            float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
            return 0.5f * x * (1.f + tanhf(u));
        }
        case GEOMLENS_ELU: return x > 0.f ? x : alpha * expm1f(x);
        case GEOMLENS_SOFTPLUS: return fmaxf(x, 0.f) + log1pf(expf(-fabsf(x)));  // no overflow for large x
        case GEOMLENS_SQRT: return sqrtf(x);
        case GEOMLENS_RECIPROCAL: return 1.f / x;
        case GEOMLENS_POW: return powf(x, alpha);
        case GEOMLENS_EXP: return expf(x);
        case GEOMLENS_LOG: return logf(x);
        case GEOMLENS_SIN: return sinf(x);
        case GEOMLENS_COS: return cosf(x);
        case GEOMLENS_STEP: return x > 0.f ? 1.f : 0.f;
        default: return erff(x);
    }
}

__device__ inline float act_slope(int kind, float alpha, float x) {
    switch (kind) {
        case GEOMLENS_RELU: return x > 0.f ? 1.f : 0.f;
        case GEOMLENS_LEAKY_RELU: return x > 0.f ? 1.f : alpha;
        case GEOMLENS_SIGMOID: {
            float s = 1.f / (1.f + expf(-x));
            return s * (1.f - s);
        }
        case GEOMLENS_TANH: {
            float t = tanhf(x);
            return 1.f - t * t;
        }
        case GEOMLENS_GELU:
            return 0.5f * (1.f + erff(x * 0.70710678118654752f)) + x * 0.39894228040143268f * expf(-0.5f * x * x);
        case GEOMLENS_GELU_TANH: {
            float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
            float t = tanhf(u);
            float du = 0.79788456080286536f * (1.f + 3.f * 0.044715f * x * x);
            return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * du;
        }
        case GEOMLENS_ELU: return x > 0.f ? 1.f : alpha * expf(x);
        case GEOMLENS_SOFTPLUS: return 1.f / (1.f + expf(-x));
        case GEOMLENS_SQRT: return 0.5f / sqrtf(x);
        case GEOMLENS_RECIPROCAL: return -1.f / (x * x);
        case GEOMLENS_POW: return alpha * powf(x, alpha - 1.f);
        case GEOMLENS_EXP: return expf(x);
        case GEOMLENS_LOG: return 1.f / x;
        case GEOMLENS_SIN: return cosf(x);
        case GEOMLENS_COS: return -sinf(x);
        case GEOMLENS_STEP: return 0.f;
        default: return 1.12837916709551257f * expf(-x * x);
    }
}

__global__ void forward_kernel(int kind, float alpha, const float* __restrict__ x, float* __restrict__ y,
                               int64_t count) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x)
        y[i] = act_value(kind, alpha, x[i]);
}

__global__ void tangent_kernel(int kind, float alpha, const float* __restrict__ x, const float* __restrict__ t,
                               float* __restrict__ out, int64_t rows, int64_t width, int64_t group) {
    int64_t count = rows * width;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int64_t r = i / width;
        int64_t c = i - r * width;
        out[i] = t[i] * act_slope(kind, alpha, x[(r / group) * width + c]);
    }
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_activation_forward(geomlens_context* ctx, int kind, float alpha, const float* x, float* y,
                                           int64_t count) {
    return geomlens::guard("geomlens_activation_forward", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(kind >= GEOMLENS_RELU && kind <= GEOMLENS_LAST_ACTIVATION, "unknown activation " + std::to_string(kind));
        require(count >= 0 && (count == 0 || (x && y)), "bad activation arguments");
        if (count == 0) return;
        forward_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(kind, alpha, x, y, count);
        GEOMLENS_CHECK_LAUNCH("forward_kernel");
    });
}

extern "C" int geomlens_activation_tangent(geomlens_context* ctx, int kind, float alpha, const float* x,
                                           const float* t, float* out, int64_t rows, int64_t width, int64_t group) {
    return geomlens::guard("geomlens_activation_tangent", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(kind >= GEOMLENS_RELU && kind <= GEOMLENS_LAST_ACTIVATION, "unknown activation " + std::to_string(kind));
        require(rows >= 0 && width >= 0 && group >= 1, "bad tangent shape");
        int64_t count = rows * width;
        if (count == 0) return;
        require(x && t && out, "null pointer");
        tangent_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(kind, alpha, x, t, out, rows, width,
                                                                              group);
        GEOMLENS_CHECK_LAUNCH("tangent_kernel");
    });
}
