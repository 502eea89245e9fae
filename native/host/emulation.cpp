// Host emulation of libgeomlens (libgeomlens_host.so): the C ABI of geomlens.h implemented with
// plain loops over host memory, no CUDA (errors.cpp and guard.hpp are shared with the real one). It exists so the Java side of the CUDA backend (Panama
// bindings, device executor, batching, chunking) runs in CI without a GPU; it says nothing about
// the CUDA kernels themselves, which scripts/gpu-check.sh checks on a GPU.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "geomlens.h"
#include "guard.hpp"
#include "jacobi.hpp"

struct geomlens_context {
    int device;
};

namespace {

using geomlens::Failure;
using geomlens::guard;
using geomlens::require;

void need(geomlens_context* ctx) { require(ctx != nullptr, "context is null"); }

float act_value(int kind, float alpha, float x) {
    switch (kind) {
        case GEOMLENS_RELU: return x > 0.f ? x : 0.f;
        case GEOMLENS_LEAKY_RELU: return x > 0.f ? x : alpha * x;
        case GEOMLENS_SIGMOID: return 1.f / (1.f + std::exp(-x));
        case GEOMLENS_TANH: return std::tanh(x);
        case GEOMLENS_GELU: return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f));
        case GEOMLENS_GELU_TANH: return 0.5f * x * (1.f + std::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
        case GEOMLENS_ELU: return x > 0.f ? x : alpha * std::expm1(x);
        case GEOMLENS_SOFTPLUS: return std::max(x, 0.f) + std::log1p(std::exp(-std::fabs(x)));
        case GEOMLENS_SQRT: return std::sqrt(x);
        case GEOMLENS_RECIPROCAL: return 1.f / x;
        case GEOMLENS_POW: return std::pow(x, alpha);
        case GEOMLENS_EXP: return std::exp(x);
        case GEOMLENS_LOG: return std::log(x);
        case GEOMLENS_SIN: return std::sin(x);
        case GEOMLENS_COS: return std::cos(x);
        case GEOMLENS_STEP: return x > 0.f ? 1.f : 0.f;
        default: return std::erf(x);
    }
}

float act_slope(int kind, float alpha, float x) {
    switch (kind) {
        case GEOMLENS_RELU: return x > 0.f ? 1.f : 0.f;
        case GEOMLENS_LEAKY_RELU: return x > 0.f ? 1.f : alpha;
        case GEOMLENS_SIGMOID: {
            float s = 1.f / (1.f + std::exp(-x));
            return s * (1.f - s);
        }
        case GEOMLENS_TANH: {
            float t = std::tanh(x);
            return 1.f - t * t;
        }
        case GEOMLENS_GELU:
            return 0.5f * (1.f + std::erf(x * 0.70710678118654752f)) + x * 0.39894228040143268f * std::exp(-0.5f * x * x);
        case GEOMLENS_GELU_TANH: {
            float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
            float t = std::tanh(u);
            return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * 0.79788456080286536f * (1.f + 3.f * 0.044715f * x * x);
        }
        case GEOMLENS_ELU: return x > 0.f ? 1.f : alpha * std::exp(x);
        case GEOMLENS_SOFTPLUS: return 1.f / (1.f + std::exp(-x));
        case GEOMLENS_SQRT: return 0.5f / std::sqrt(x);
        case GEOMLENS_RECIPROCAL: return -1.f / (x * x);
        case GEOMLENS_POW: return alpha * std::pow(x, alpha - 1.f);
        case GEOMLENS_EXP: return std::exp(x);
        case GEOMLENS_LOG: return 1.f / x;
        case GEOMLENS_SIN: return std::cos(x);
        case GEOMLENS_COS: return -std::sin(x);
        case GEOMLENS_STEP: return 0.f;
        default: return 1.12837916709551257f * std::exp(-x * x);
    }
}

// Mean and 1 / sqrt(var + eps) of one plane.
std::pair<double, double> plane_moments(const float* p, int64_t n, float eps) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; i++) mean += p[i];
    mean /= n;
    for (int64_t i = 0; i < n; i++) var += (p[i] - mean) * (p[i] - mean);
    return {mean, 1 / std::sqrt(var / n + eps)};
}

// Bilinear taps of output index o along an axis of n inputs (as kernels/upsample_linear.cu).
struct Tap {
    int lo, hi;
    double w;
};

Tap tap(int o, int n, int f, int mode) {
    int out = n * f;
    double s = mode == 0 ? (o + 0.5) / f - 0.5 : mode == 1 ? (out > 1 ? double(o) * (n - 1) / (out - 1) : 0.0)
                                                            : double(o) / f;
    s = std::min(std::max(s, 0.0), double(n - 1));
    int lo = int(std::floor(s));
    return {lo, std::min(lo + 1, n - 1), s - lo};
}

// Every element of the column matrix of geometry p (see geomlens_im2col): fn(column index,
// index into x or -1 where the kernel reads padding). im2col gathers through it, col2im scatters.
template <typename Fn>
void for_each_column(const int* p, int n, int64_t ss, int64_t rs, Fn fn) {
    require(p, "geometry is null");
    int cin = p[0], h = p[1], w = p[2], kh = p[3], kw = p[4], sh = p[5], sw = p[6], ph = p[7], pw = p[8],
        dh = p[9], dw = p[10], ho = p[11], wo = p[12];
    for (int64_t s = 0; s < n; s++)
        for (int c = 0; c < cin; c++)
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                    for (int oy = 0; oy < ho; oy++)
                        for (int ox = 0; ox < wo; ox++) {
                            int iy = oy * sh - ph + i * dh, ix = ox * sw - pw + j * dw;
                            int64_t row = (c * kh + i) * kw + j;
                            bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            fn(s * ss + row * rs + oy * wo + ox, inside ? ((s * cin + c) * h + iy) * w + ix : -1);
                        }
}
// Padded index i of an axis of n (before padded ahead) -> the source index it copies.
int pad_source(int i, int n, int before, int mode) {
    int j = i - before;
    if (mode == GEOMLENS_PAD_EDGE) return std::min(std::max(j, 0), n - 1);
    if (j < 0) j = -j;
    if (j >= n) j = 2 * (n - 1) - j;
    return j;
}

void pad_args(int h, int w, int top, int bottom, int left, int right, int mode) {
    require(h > 0 && w > 0 && top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "bad padding shape");
    require(mode == GEOMLENS_PAD_REFLECT || mode == GEOMLENS_PAD_EDGE, "unknown pad mode");
    require(mode != GEOMLENS_PAD_REFLECT || (top < h && bottom < h && left < w && right < w),
            "reflect pads must be smaller than the side they mirror");
}

}  // namespace


extern "C" {

int geomlens_device_count(int* count) {
    return guard("geomlens_device_count", [&] {
        require(count, "null output");
        *count = 1;
    });
}

int geomlens_context_create(int device, geomlens_context** out) {
    return guard("geomlens_context_create", [&] {
        require(out && device == 0, "the host emulation has one device, 0");
        *out = new geomlens_context{device};
    });
}

int geomlens_context_destroy(geomlens_context* ctx) {
    return guard("geomlens_context_destroy", [&] { delete ctx; });
}

int geomlens_device_name(geomlens_context* ctx, char* buf, int len) {
    return guard("geomlens_device_name", [&] {
        need(ctx);
        require(buf && len > 0, "empty buffer");
        std::snprintf(buf, len, "%s", "host emulation, no GPU");
    });
}

int geomlens_mem_info(geomlens_context* ctx, size_t* free_bytes, size_t* total_bytes) {
    return guard("geomlens_mem_info", [&] {
        need(ctx);
        require(free_bytes && total_bytes, "null output");
        *free_bytes = size_t(1) << 34;
        *total_bytes = size_t(1) << 34;
    });
}

int geomlens_synchronize(geomlens_context* ctx) { return guard("geomlens_synchronize", [&] { need(ctx); }); }

int geomlens_stream(geomlens_context* ctx, void** stream) {
    return guard("geomlens_stream", [&] {
        need(ctx);
        require(stream != nullptr, "stream must not be null");
        *stream = nullptr;
    });
}

int geomlens_alloc(geomlens_context* ctx, size_t bytes, void** out) {
    return guard("geomlens_alloc", [&] {
        need(ctx);
        require(out, "null output");
        *out = nullptr;
        if (bytes == 0) return;
        *out = (bytes >> 40) ? nullptr : std::malloc(bytes);
        if (!*out)
            throw Failure{GEOMLENS_ERR_OUT_OF_MEMORY, "out of memory: asked for " + std::to_string(bytes) +
                                                          " bytes, 17179869184 of 17179869184 bytes free (host emulation)"};
        // Device memory comes uninitialized: all-ones bytes (NaN as float and double) make a read
        // before the first write show up in the results, where malloc's zeros would hide it.
        std::memset(*out, 0xFF, bytes);
    });
}

int geomlens_free(geomlens_context* ctx, void* p) {
    return guard("geomlens_free", [&] {
        need(ctx);
        std::free(p);
    });
}

int geomlens_upload(geomlens_context* ctx, void* dst, const void* src, size_t bytes) {
    return guard("geomlens_upload", [&] {
        need(ctx);
        require(bytes == 0 || (dst && src), "null pointer");
        if (bytes) std::memcpy(dst, src, bytes);
    });
}

int geomlens_download(geomlens_context* ctx, void* dst, const void* src, size_t bytes) {
    return guard("geomlens_download", [&] {
        need(ctx);
        require(bytes == 0 || (dst && src), "null pointer");
        if (bytes) std::memcpy(dst, src, bytes);
    });
}

int geomlens_memset_zero(geomlens_context* ctx, void* dst, size_t bytes) {
    return guard("geomlens_memset_zero", [&] {
        need(ctx);
        if (bytes) std::memset(dst, 0, bytes);
    });
}

int geomlens_copy_2d(geomlens_context* ctx, float* dst, int64_t dst_pitch, const float* src, int64_t src_pitch,
                     int64_t width, int64_t height) {
    return guard("geomlens_copy_2d", [&] {
        need(ctx);
        require(width >= 0 && height >= 0 && dst_pitch >= width && src_pitch >= width, "bad 2-D copy shape");
        for (int64_t r = 0; r < height; r++) std::memcpy(dst + r * dst_pitch, src + r * src_pitch, 4 * width);
    });
}

int geomlens_gemm(geomlens_context* ctx, int ta, int tb, int m, int n, int k, float alpha, const float* a,
                  int64_t sa, const float* b, int64_t sb, float beta, float* c, int64_t sc, int batch) {
    return guard("geomlens_gemm", [&] {
        need(ctx);
        require(m >= 0 && n >= 0 && k >= 0 && batch >= 0, "negative GEMM size");
        if (m == 0 || n == 0 || batch == 0) return;
        require(a && b && c, "GEMM operand is null");
        for (int q = 0; q < batch; q++) {
            const float* A = a + q * sa;
            const float* B = b + q * sb;
            float* C = c + q * sc;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++)
                        s += double(ta ? A[p * m + i] : A[i * k + p]) * (tb ? B[j * k + p] : B[p * n + j]);
                    C[i * n + j] = float(alpha * s + (beta == 0.f ? 0.0 : double(beta) * C[i * n + j]));
                }
        }
    });
}

int geomlens_gram_f64(geomlens_context* ctx, const float* m, int rows, int cols, int batch, double* gram) {
    return guard("geomlens_gram_f64", [&] {
        need(ctx);
        require(rows > 0 && cols > 0 && batch >= 0 && m && gram, "bad Gram arguments");
        bool of_rows = rows <= cols;  // the smaller Gram: M M^T or M^T M
        int n = of_rows ? rows : cols, len = of_rows ? cols : rows;
        for (int q = 0; q < batch; q++) {
            const float* mq = m + int64_t(q) * rows * cols;
            auto at = [&](int i, int t) { return double(of_rows ? mq[int64_t(i) * cols + t] : mq[int64_t(t) * cols + i]); };
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < len; t++) s += at(i, t) * at(j, t);
                    gram[(int64_t(q) * n + i) * n + j] = s;
                }
        }
    });
}

int geomlens_syev_batched_f64(geomlens_context* ctx, double* a, int n, int batch, double* w) {
    return guard("geomlens_syev_batched_f64", [&] {
        need(ctx);
        require(n > 0 && batch >= 0 && a && w, "bad eigen-solver arguments");
        for (int q = 0; q < batch; q++)
            if (!geomlens::jacobi_eigenvalues(a + int64_t(q) * n * n, n, w + int64_t(q) * n))
                throw Failure{GEOMLENS_ERR_CUSOLVER, "eigen-solver did not converge for matrix " + std::to_string(q)};
    });
}

int geomlens_activation_forward(geomlens_context* ctx, int kind, float alpha, const float* x, float* y,
                                int64_t count) {
    return guard("geomlens_activation_forward", [&] {
        need(ctx);
        require(kind >= GEOMLENS_RELU && kind <= GEOMLENS_LAST_ACTIVATION, "unknown activation " + std::to_string(kind));
        for (int64_t i = 0; i < count; i++) y[i] = act_value(kind, alpha, x[i]);
    });
}

int geomlens_activation_tangent(geomlens_context* ctx, int kind, float alpha, const float* x, const float* t,
                                float* out, int64_t rows, int64_t width, int64_t group) {
    return guard("geomlens_activation_tangent", [&] {
        need(ctx);
        require(kind >= GEOMLENS_RELU && kind <= GEOMLENS_LAST_ACTIVATION, "unknown activation " + std::to_string(kind));
        require(rows >= 0 && width >= 0 && group >= 1, "bad tangent shape");
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = 0; c < width; c++)
                out[r * width + c] = t[r * width + c] * act_slope(kind, alpha, x[(r / group) * width + c]);
    });
}

int geomlens_binary(geomlens_context* ctx, int op, const float* a, const int64_t* as, const float* b,
                    const int64_t* bs, float* out, const int64_t* shape, int rank) {
    return guard("geomlens_binary", [&] {
        need(ctx);
        require(op >= GEOMLENS_ADD && op <= GEOMLENS_DIV, "unknown binary op");
        require(rank >= 0 && rank <= GEOMLENS_MAX_RANK, "rank exceeds 8");
        int64_t count = 1;
        for (int d = 0; d < rank; d++) count *= shape[d];
        for (int64_t i = 0; i < count; i++) {
            int64_t rest = i, ia = 0, ib = 0;
            for (int d = rank - 1; d >= 0; d--) {
                int64_t idx = rest % shape[d];
                rest /= shape[d];
                ia += idx * as[d];
                ib += idx * bs[d];
            }
            float x = a[ia], y = b[ib];
            out[i] = op == GEOMLENS_ADD ? x + y : op == GEOMLENS_SUB ? x - y : op == GEOMLENS_MUL ? x * y : x / y;
        }
    });
}

int geomlens_reduce_to(geomlens_context* ctx, const float* g, const int64_t* gs, int rank, float* out,
                       const int64_t* os, int64_t out_count) {
    return guard("geomlens_reduce_to", [&] {
        need(ctx);
        require(rank >= 0 && rank <= GEOMLENS_MAX_RANK, "rank exceeds 8");
        std::fill(out, out + out_count, 0.f);
        int64_t count = 1;
        for (int d = 0; d < rank; d++) count *= gs[d];
        for (int64_t i = 0; i < count; i++) {
            int64_t rest = i, io = 0;
            for (int d = rank - 1; d >= 0; d--) {
                io += (rest % gs[d]) * os[d];
                rest /= gs[d];
            }
            out[io] += g[i];
        }
    });
}

int geomlens_im2col(geomlens_context* ctx, const float* x, float* cols, const int* p, int n, int64_t ss,
                    int64_t rs) {
    return guard("geomlens_im2col", [&] {
        need(ctx);
        for_each_column(p, n, ss, rs, [&](int64_t ci, int64_t xi) { cols[ci] = xi >= 0 ? x[xi] : 0.f; });
    });
}

int geomlens_col2im(geomlens_context* ctx, const float* cols, float* x, const int* p, int n, int64_t ss,
                    int64_t rs) {
    return guard("geomlens_col2im", [&] {
        need(ctx);
        require(p, "geometry is null");
        std::fill(x, x + int64_t(n) * p[0] * p[1] * p[2], 0.f);
        for_each_column(p, n, ss, rs, [&](int64_t ci, int64_t xi) {
            if (xi >= 0) x[xi] += cols[ci];
        });
    });
}

int geomlens_channel_affine(geomlens_context* ctx, const float* x, float* y, const float* scale, const float* shift,
                            int64_t count, int channels, int64_t plane) {
    return guard("geomlens_channel_affine", [&] {
        need(ctx);
        require(channels > 0 && plane > 0, "bad channel shape");
        for (int64_t i = 0; i < count; i++) {
            int c = (i / plane) % channels;
            y[i] = scale[c] * x[i] + (shift ? shift[c] : 0.f);
        }
    });
}

int geomlens_channel_bias(geomlens_context* ctx, float* y, const float* bias, int64_t count, int channels,
                          int64_t plane) {
    return guard("geomlens_channel_bias", [&] {
        need(ctx);
        require(channels > 0 && plane > 0, "bad channel shape");
        for (int64_t i = 0; i < count; i++) y[i] += bias[(i / plane) % channels];
    });
}

int geomlens_upsample_nearest(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w, int fy,
                              int fx) {
    return guard("geomlens_upsample_nearest", [&] {
        need(ctx);
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < h * fy; oy++)
                for (int ox = 0; ox < w * fx; ox++)
                    y[(p * h * fy + oy) * w * fx + ox] = x[(p * h + oy / fy) * w + ox / fx];
    });
}

int geomlens_upsample_nearest_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h, int w,
                                      int fy, int fx) {
    return guard("geomlens_upsample_nearest_adjoint", [&] {
        need(ctx);
        std::fill(x, x + planes * h * w, 0.f);
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < h * fy; oy++)
                for (int ox = 0; ox < w * fx; ox++)
                    x[(p * h + oy / fy) * w + ox / fx] += g[(p * h * fy + oy) * w * fx + ox];
    });
}

int geomlens_border_pad(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w, int top,
                        int bottom, int left, int right, int mode) {
    return guard("geomlens_border_pad", [&] {
        need(ctx);
        pad_args(h, w, top, bottom, left, right, mode);
        int ho = h + top + bottom, wo = w + left + right;
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                    y[(p * ho + oy) * wo + ox] =
                        x[(p * h + pad_source(oy, h, top, mode)) * w + pad_source(ox, w, left, mode)];
    });
}

int geomlens_border_pad_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h, int w,
                                int top, int bottom, int left, int right, int mode) {
    return guard("geomlens_border_pad_adjoint", [&] {
        need(ctx);
        pad_args(h, w, top, bottom, left, right, mode);
        int ho = h + top + bottom, wo = w + left + right;
        std::fill(x, x + planes * h * w, 0.f);
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                    x[(p * h + pad_source(oy, h, top, mode)) * w + pad_source(ox, w, left, mode)] +=
                        g[(p * ho + oy) * wo + ox];
    });
}

int geomlens_sparse_rows(geomlens_context* ctx, const float* x, float* y, int64_t planes, int64_t in_width,
                         int rows, const int* start, const int* column, const float* weight) {
    return guard("geomlens_sparse_rows", [&] {
        need(ctx);
        require(planes >= 0 && in_width >= 1 && rows >= 0, "bad sparse-map shape");
        for (int64_t p = 0; p < planes; p++)
            for (int r = 0; r < rows; r++) {
                float sum = 0.f;
                for (int j = start[r]; j < start[r + 1]; j++) sum += weight[j] * x[p * in_width + column[j]];
                y[p * rows + r] = sum;
            }
    });
}

int geomlens_upsample_linear(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w, int fy,
                             int fx, int mode) {
    return guard("geomlens_upsample_linear", [&] {
        need(ctx);
        require(mode >= 0 && mode <= 2, "unknown coordinate mode");
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < h * fy; oy++)
                for (int ox = 0; ox < w * fx; ox++) {
                    Tap ty = tap(oy, h, fy, mode), tx = tap(ox, w, fx, mode);
                    const float* q = x + p * h * w;
                    double top = (1 - tx.w) * q[ty.lo * w + tx.lo] + tx.w * q[ty.lo * w + tx.hi];
                    double bottom = (1 - tx.w) * q[ty.hi * w + tx.lo] + tx.w * q[ty.hi * w + tx.hi];
                    y[(p * h * fy + oy) * w * fx + ox] = float((1 - ty.w) * top + ty.w * bottom);
                }
    });
}

int geomlens_upsample_linear_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h, int w,
                                     int fy, int fx, int mode) {
    return guard("geomlens_upsample_linear_adjoint", [&] {
        need(ctx);
        require(mode >= 0 && mode <= 2, "unknown coordinate mode");
        std::fill(x, x + planes * h * w, 0.f);
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < h * fy; oy++)
                for (int ox = 0; ox < w * fx; ox++) {
                    Tap ty = tap(oy, h, fy, mode), tx = tap(ox, w, fx, mode);
                    float* q = x + p * h * w;
                    double v = g[(p * h * fy + oy) * w * fx + ox];
                    q[ty.lo * w + tx.lo] += float((1 - ty.w) * (1 - tx.w) * v);
                    q[ty.lo * w + tx.hi] += float((1 - ty.w) * tx.w * v);
                    q[ty.hi * w + tx.lo] += float(ty.w * (1 - tx.w) * v);
                    q[ty.hi * w + tx.hi] += float(ty.w * tx.w * v);
                }
    });
}

int geomlens_softmax(geomlens_context* ctx, const float* x, float* y, int64_t rows, int64_t width) {
    return guard("geomlens_softmax", [&] {
        need(ctx);
        require(rows >= 0 && width > 0, "bad softmax shape");
        for (int64_t r = 0; r < rows; r++) {
            const float* xr = x + r * width;
            float m = *std::max_element(xr, xr + width);
            double sum = 0;
            for (int64_t i = 0; i < width; i++) sum += std::exp(double(xr[i]) - m);
            for (int64_t i = 0; i < width; i++) y[r * width + i] = float(std::exp(double(xr[i]) - m) / sum);
        }
    });
}

int geomlens_softmax_tangent(geomlens_context* ctx, const float* s, const float* t, float* out, int64_t rows,
                             int64_t width, int64_t s_rows) {
    return guard("geomlens_softmax_tangent", [&] {
        need(ctx);
        require(rows >= 0 && width > 0 && s_rows > 0 && rows % s_rows == 0,
                "tangent rows must be a multiple of the primal rows");
        for (int64_t r = 0; r < rows; r++) {
            const float* sr = s + (r % s_rows) * width;
            double dot = 0;
            for (int64_t i = 0; i < width; i++) dot += double(sr[i]) * t[r * width + i];
            for (int64_t i = 0; i < width; i++) out[r * width + i] = float(sr[i] * (t[r * width + i] - dot));
        }
    });
}

int geomlens_instance_norm(geomlens_context* ctx, const float* x, float* y, const float* scale, const float* bias,
                           float eps, int64_t planes, int channels, int64_t plane) {
    return guard("geomlens_instance_norm", [&] {
        need(ctx);
        require(planes >= 0 && channels > 0 && plane > 0 && eps >= 0, "bad instance-norm shape");
        for (int64_t p = 0; p < planes; p++) {
            auto [mean, inv] = plane_moments(x + p * plane, plane, eps);
            int c = p % channels;
            for (int64_t i = 0; i < plane; i++)
                y[p * plane + i] = float(scale[c] * (x[p * plane + i] - mean) * inv + bias[c]);
        }
    });
}

int geomlens_instance_norm_tangent(geomlens_context* ctx, const float* x, const float* t, float* out,
                                   const float* scale, float eps, int64_t planes, int channels, int64_t plane,
                                   int64_t x_planes) {
    return guard("geomlens_instance_norm_tangent", [&] {
        need(ctx);
        require(planes >= 0 && channels > 0 && plane > 0 && eps >= 0 && x_planes > 0 && planes % x_planes == 0,
                "tangent planes must be a multiple of the primal planes");
        for (int64_t p = 0; p < planes; p++) {
            const float* xp = x + (p % x_planes) * plane;
            const float* tp = t + p * plane;
            auto [mean, inv] = plane_moments(xp, plane, eps);
            double mt = 0, mtx = 0;
            for (int64_t i = 0; i < plane; i++) {
                mt += tp[i];
                mtx += tp[i] * (xp[i] - mean) * inv;
            }
            mt /= plane;
            mtx /= plane;
            for (int64_t i = 0; i < plane; i++)
                out[p * plane + i] = float(scale[p % channels] * inv * (tp[i] - mt - (xp[i] - mean) * inv * mtx));
        }
    });
}

int geomlens_sign_bits(geomlens_context* ctx, const float* x, uint64_t* bits, int samples, int width,
                       int words_per_sample, int word_offset) {
    return guard("geomlens_sign_bits", [&] {
        need(ctx);
        require(word_offset + (width + 63) / 64 <= words_per_sample, "layer does not fit the sample's words");
        for (int64_t s = 0; s < samples; s++)
            for (int i = 0; i < width; i += 64) {
                uint64_t word = 0;
                for (int b = 0; b < 64 && i + b < width; b++) word |= uint64_t(x[s * width + i + b] > 0.f) << b;
                bits[s * words_per_sample + word_offset + i / 64] = word;
            }
    });
}

int geomlens_sign_changes(geomlens_context* ctx, const uint64_t* bits, int groups, int group_size,
                          int words_per_sample, const int* offsets, int layers, int64_t* counts) {
    return guard("geomlens_sign_changes", [&] {
        need(ctx);
        for (int g = 0; g < groups; g++)
            for (int l = 0; l < layers; l++) {
                int64_t total = 0;
                for (int w = offsets[l]; w < offsets[l + 1]; w++) {
                    uint64_t o = 0, a = ~uint64_t(0);
                    for (int v = 0; v < group_size; v++) {
                        uint64_t word = bits[(int64_t(g) * group_size + v) * words_per_sample + w];
                        o |= word;
                        a &= word;
                    }
                    total += __builtin_popcountll(o ^ a);
                }
                counts[g * layers + l] = total;
            }
    });
}

int geomlens_convert_f32_f64(geomlens_context* ctx, const float* x, double* y, int64_t count) {
    return guard("geomlens_convert_f32_f64", [&] {
        need(ctx);
        for (int64_t i = 0; i < count; i++) y[i] = x[i];
    });
}

int geomlens_convert_f64_f32(geomlens_context* ctx, const double* x, float* y, int64_t count) {
    return guard("geomlens_convert_f64_f32", [&] {
        need(ctx);
        for (int64_t i = 0; i < count; i++) y[i] = float(x[i]);
    });
}

}  // extern "C"
