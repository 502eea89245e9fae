// Reflect and edge padding of the last two axes (CycleGAN-style ReflectionPad2d, ReplicationPad2d)
// and its adjoint. The adjoint gathers, one thread per input element, from the few padded
// positions that copy it (per axis: the interior one and at most one mirrored range on each
// side), so it needs no atomics and is deterministic.
#include "context.hpp"

namespace {

struct Pads {
    int top, bottom, left, right, mode;
};

// Source index in [0, n) of padded index i along an axis padded by `before`.
__device__ inline int source(int i, int n, int before, int mode) {
    int j = i - before;
    if (j < 0) return mode == GEOMLENS_PAD_REFLECT ? -j : 0;
    if (j >= n) return mode == GEOMLENS_PAD_REFLECT ? 2 * (n - 1) - j : n - 1;
    return j;
}

// Padded indices [lo, hi) beyond the interior one (j + before) that copy source index j: side 0
// the leading pad, side 1 the trailing pad.
struct Span {
    int lo, hi;
};
__device__ inline Span copies(int j, int n, int before, int after, int mode, int side) {
    if (mode == GEOMLENS_PAD_REFLECT) {
        if (side == 0) return (j >= 1 && j <= before) ? Span{before - j, before - j + 1} : Span{0, 0};
        int i = before + 2 * (n - 1) - j;
        return (j >= n - 1 - after && j <= n - 2) ? Span{i, i + 1} : Span{0, 0};
    }
    if (side == 0) return j == 0 ? Span{0, before} : Span{0, 0};
    return j == n - 1 ? Span{before + n, before + n + after} : Span{0, 0};
}

__global__ void pad_kernel(const float* __restrict__ x, float* __restrict__ y, int h, int w, Pads p, int64_t count) {
    int ho = h + p.top + p.bottom, wo = w + p.left + p.right;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int ox = i % wo;
        int oy = (i / wo) % ho;
        int64_t plane = i / ((int64_t)wo * ho);
        y[i] = x[(plane * h + source(oy, h, p.top, p.mode)) * w + source(ox, w, p.left, p.mode)];
    }
}

__global__ void pad_adjoint_kernel(const float* __restrict__ g, float* __restrict__ x, int h, int w, Pads p,
                                   int64_t count) {
    int ho = h + p.top + p.bottom, wo = w + p.left + p.right;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int jx = i % w;
        int jy = (i / w) % h;
        const float* gp = g + i / ((int64_t)w * h) * ho * wo;
        Span ys[3] = {{jy + p.top, jy + p.top + 1}, copies(jy, h, p.top, p.bottom, p.mode, 0),
                      copies(jy, h, p.top, p.bottom, p.mode, 1)};
        Span xs[3] = {{jx + p.left, jx + p.left + 1}, copies(jx, w, p.left, p.right, p.mode, 0),
                      copies(jx, w, p.left, p.right, p.mode, 1)};
        float sum = 0.f;
        for (const Span& sy : ys)
            for (int oy = sy.lo; oy < sy.hi; oy++)
                for (const Span& sx : xs)
                    for (int ox = sx.lo; ox < sx.hi; ox++) sum += gp[(int64_t)oy * wo + ox];
        x[i] = sum;
    }
}

Pads checked(int h, int w, int top, int bottom, int left, int right, int mode) {
    geomlens::require(h > 0 && w > 0, "plane must be at least 1 x 1");
    geomlens::require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "pads must be non-negative");
    geomlens::require(mode == GEOMLENS_PAD_REFLECT || mode == GEOMLENS_PAD_EDGE, "unknown pad mode " +
                                                                                   std::to_string(mode));
    geomlens::require(mode != GEOMLENS_PAD_REFLECT || (top < h && bottom < h && left < w && right < w),
                      "reflect pads must be smaller than the side they mirror");
    return {top, bottom, left, right, mode};
}

}  // namespace

extern "C" int geomlens_border_pad(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w,
                                   int top, int bottom, int left, int right, int mode) {
    return geomlens::guard("geomlens_border_pad", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        Pads p = checked(h, w, top, bottom, left, right, mode);
        geomlens::require(planes >= 0, "negative plane count");
        int64_t count = planes * (h + top + bottom) * (int64_t)(w + left + right);
        if (count == 0) return;
        geomlens::require(x && y, "null pointer");
        pad_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, y, h, w, p, count);
        GEOMLENS_CHECK_LAUNCH("pad_kernel");
    });
}

extern "C" int geomlens_border_pad_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h,
                                           int w, int top, int bottom, int left, int right, int mode) {
    return geomlens::guard("geomlens_border_pad_adjoint", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        Pads p = checked(h, w, top, bottom, left, right, mode);
        geomlens::require(planes >= 0, "negative plane count");
        int64_t count = planes * h * (int64_t)w;
        if (count == 0) return;
        geomlens::require(x && g, "null pointer");
        pad_adjoint_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(g, x, h, w, p, count);
        GEOMLENS_CHECK_LAUNCH("pad_adjoint_kernel");
    });
}
