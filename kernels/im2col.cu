// im2col and col2im for 2-D convolution as GEMM (Conv forward and ConvTranspose's adjoint use
// im2col; ConvTranspose forward and Conv's adjoint use col2im). col2im gathers, one thread per
// input pixel, so it needs no atomics and is deterministic.
#include "context.hpp"

namespace {

struct Geometry {
    int cin, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo;
};

__global__ void im2col_kernel(const float* __restrict__ x, float* __restrict__ cols, Geometry g, int64_t count,
                              int64_t ss, int64_t rs) {
    int64_t hw = (int64_t)g.ho * g.wo;
    int64_t rows = (int64_t)g.cin * g.kh * g.kw;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        // i = (s * rows + row) * hw + oy * wo + ox, row = (c * kh + ki) * kw + kj
        int64_t pos = i % hw;
        int64_t sr = i / hw;
        int64_t row = sr % rows, s = sr / rows;
        int kj = row % g.kw;
        int ki = (row / g.kw) % g.kh;
        int64_t sc = sr / ((int64_t)g.kw * g.kh);  // s * cin + c
        int oy = pos / g.wo, ox = pos % g.wo;
        int iy = oy * g.sh - g.ph + ki * g.dh;
        int ix = ox * g.sw - g.pw + kj * g.dw;
        cols[s * ss + row * rs + pos] = (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) ? x[(sc * g.h + iy) * g.w + ix] : 0.f;
    }
}

__global__ void col2im_kernel(const float* __restrict__ cols, float* __restrict__ x, Geometry g, int64_t count,
                              int64_t ss, int64_t rs) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int ix = i % g.w;
        int iy = (i / g.w) % g.h;
        int64_t sc = i / ((int64_t)g.w * g.h);  // s * cin + c
        const float* base = cols + (sc / g.cin) * ss + (int64_t)(sc % g.cin) * g.kh * g.kw * rs;
        float sum = 0.f;
        for (int ki = 0; ki < g.kh; ki++) {
            int ty = iy + g.ph - ki * g.dh;
            if (ty < 0 || ty % g.sh != 0) continue;
            int oy = ty / g.sh;
            if (oy >= g.ho) continue;
            for (int kj = 0; kj < g.kw; kj++) {
                int tx = ix + g.pw - kj * g.dw;
                if (tx < 0 || tx % g.sw != 0) continue;
                int ox = tx / g.sw;
                if (ox >= g.wo) continue;
                sum += base[(int64_t)(ki * g.kw + kj) * rs + (int64_t)oy * g.wo + ox];
            }
        }
        x[i] = sum;
    }
}

Geometry read(const int* p) {
    geomlens::require(p != nullptr, "geometry is null");
    Geometry g{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12]};
    geomlens::require(g.cin > 0 && g.h > 0 && g.w > 0 && g.kh > 0 && g.kw > 0 && g.sh > 0 && g.sw > 0 && g.dh > 0 &&
                          g.dw > 0 && g.ho > 0 && g.wo > 0,
                      "geometry has a non-positive size");
    return g;
}

}  // namespace

extern "C" int geomlens_im2col(geomlens_context* ctx, const float* x, float* cols, const int* geometry, int n,
                               int64_t sample_stride, int64_t row_stride) {
    return geomlens::guard("geomlens_im2col", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        Geometry g = read(geometry);
        int64_t count = (int64_t)n * g.cin * g.kh * g.kw * g.ho * g.wo;
        if (count == 0) return;
        geomlens::require(x && cols, "null pointer");
        geomlens::require(sample_stride > 0 && row_stride > 0, "column strides must be positive");
        im2col_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(x, cols, g, count, sample_stride,
                                                                              row_stride);
        GEOMLENS_CHECK_LAUNCH("im2col_kernel");
    });
}

extern "C" int geomlens_col2im(geomlens_context* ctx, const float* cols, float* x, const int* geometry, int n,
                               int64_t sample_stride, int64_t row_stride) {
    return geomlens::guard("geomlens_col2im", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        Geometry g = read(geometry);
        int64_t count = (int64_t)n * g.cin * g.h * g.w;
        if (count == 0) return;
        geomlens::require(x && cols, "null pointer");
        geomlens::require(sample_stride > 0 && row_stride > 0, "column strides must be positive");
        col2im_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(cols, x, g, count, sample_stride,
                                                                              row_stride);
        GEOMLENS_CHECK_LAUNCH("col2im_kernel");
    });
}
