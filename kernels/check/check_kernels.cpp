// Checks every kernel entry point of libgeomlens against a CPU reference in double precision
// (|got - ref| <= atol + rtol * |ref|) and times it with CUDA events. Built with
// -DGEOMLENS_KERNEL_CHECKS=ON; needs a GPU to run. Exit status: number of failed checks.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "geomlens.h"

namespace {

geomlens_context* ctx = nullptr;
int failures = 0;
int passes = 0;

void ok(int status, const char* what) {
    if (status != GEOMLENS_OK) {
        std::printf("FAIL %s: status %d: %s\n", what, status, geomlens_last_error());
        failures++;
    }
}

std::vector<float> random_floats(size_t n, unsigned seed, float scale = 1.f) {
    std::mt19937 g(seed);
    std::normal_distribution<float> d(0.f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = d(g);
    return v;
}

template <typename T>
T* upload(const std::vector<T>& h) {
    void* p = nullptr;
    ok(geomlens_alloc(ctx, sizeof(T) * (h.empty() ? 1 : h.size()), &p), "alloc");
    ok(geomlens_upload(ctx, p, h.data(), sizeof(T) * h.size()), "upload");
    return static_cast<T*>(p);
}

template <typename T>
std::vector<T> download(const T* d, size_t n) {
    std::vector<T> h(n);
    ok(geomlens_download(ctx, h.data(), d, sizeof(T) * n), "download");
    return h;
}

// Writing a buffer twice the L2 size before each timed call evicts the call's inputs from L2.
void* flush_buf = nullptr;
size_t flush_bytes = 0;

// Median over 11 calls of the time between events recorded on the context's own stream (the
// calls run there, not on the default stream), L2 flushed before each.
float time_call(const std::function<void()>& launch) {
    void* stream = nullptr;
    geomlens_stream(ctx, &stream);
    std::vector<float> times;
    for (int i = 0; i < 11; i++) {
        if (flush_buf) geomlens_memset_zero(ctx, flush_buf, flush_bytes);
        cudaEvent_t a, b;
        if (cudaEventCreate(&a) != cudaSuccess || cudaEventCreate(&b) != cudaSuccess) return 0.f;  // no GPU
        cudaEventRecord(a, static_cast<cudaStream_t>(stream));
        launch();
        cudaEventRecord(b, static_cast<cudaStream_t>(stream));
        cudaEventSynchronize(b);
        float ms = 0;
        cudaEventElapsedTime(&ms, a, b);
        times.push_back(ms);
        cudaEventDestroy(a);
        cudaEventDestroy(b);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

template <typename T>
void compare(const char* name, const std::vector<T>& got, const std::vector<double>& ref, double atol, double rtol,
             const std::function<void()>& launch) {
    double worst = 0;
    size_t at = 0;
    bool bad = got.size() != ref.size();
    for (size_t i = 0; !bad && i < ref.size(); i++) {
        double err = std::fabs(static_cast<double>(got[i]) - ref[i]);
        double tol = atol + rtol * std::fabs(ref[i]);
        double ratio = tol > 0 ? err / tol : (err == 0 ? 0.0 : INFINITY);
        if (std::isnan(ratio)) ratio = INFINITY;  // a NaN result is a failure, never a pass
        if (ratio > worst) {
            worst = ratio;
            at = i;
        }
    }
    float ms = time_call(launch);
    if (bad || worst > 1) {
        failures++;
        std::printf("FAIL %-28s entry %zu: got %.9g, ref %.9g (%.2f x tolerance)\n", name, at,
                    bad ? 0.0 : static_cast<double>(got[at]), bad ? 0.0 : ref[at], worst);
    } else {
        passes++;
        std::printf("PASS %-28s worst %.3f x tolerance, %8.2f us/call\n", name, worst, 1000.0 * ms);
    }
}

double act(int kind, double alpha, double x) {
    switch (kind) {
        case GEOMLENS_RELU: return x > 0 ? x : 0;
        case GEOMLENS_LEAKY_RELU: return x > 0 ? x : alpha * x;
        case GEOMLENS_SIGMOID: return 1 / (1 + std::exp(-x));
        case GEOMLENS_TANH: return std::tanh(x);
        case GEOMLENS_GELU: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
        case GEOMLENS_GELU_TANH: return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
        case GEOMLENS_ELU: return x > 0 ? x : alpha * std::expm1(x);
        case GEOMLENS_SOFTPLUS: return std::log1p(std::exp(x));
        case GEOMLENS_SQRT: return std::sqrt(x);
        case GEOMLENS_RECIPROCAL: return 1 / x;
        case GEOMLENS_POW: return std::pow(x, alpha);
        case GEOMLENS_EXP: return std::exp(x);
        case GEOMLENS_LOG: return std::log(x);
        case GEOMLENS_SIN: return std::sin(x);
        case GEOMLENS_COS: return std::cos(x);
        case GEOMLENS_STEP: return x > 0 ? 1 : 0;
        default: return std::erf(x);
    }
}

double slope(int kind, double alpha, double x) {
    double h = 1e-6;  // central difference in double: an independent reference for f'
    if (kind == GEOMLENS_RELU) return x > 0 ? 1 : 0;
    if (kind == GEOMLENS_LEAKY_RELU) return x > 0 ? 1 : alpha;
    if (kind == GEOMLENS_ELU) return x > 0 ? 1 : alpha * std::exp(x);  // kinked at 0 like the ReLUs
    if (kind == GEOMLENS_STEP) return 0;
    return (act(kind, alpha, x + h) - act(kind, alpha, x - h)) / (2 * h);
}

void check_activations() {
    const int64_t rows = 96, width = 257, group = 3;
    auto x = random_floats(rows / group * width, 1, 2.f);
    auto t = random_floats(rows * width, 2);
    float* dx_all = upload(x);
    float* dt = upload(t);
    const auto& x_all = x;
    float *dy = nullptr, *dout = nullptr;
    ok(geomlens_alloc(ctx, 4 * x.size(), reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_alloc(ctx, 4 * t.size(), reinterpret_cast<void**>(&dout)), "alloc");
    // Square root, reciprocal, power and log on positive inputs (their domain).
    auto xp = x;
    for (auto& v : xp) v = std::fabs(v) + 0.5f;
    float* dxp = upload(xp);
    for (int kind = GEOMLENS_RELU; kind <= GEOMLENS_LAST_ACTIVATION; kind++) {
        bool positive = kind == GEOMLENS_SQRT || kind == GEOMLENS_RECIPROCAL || kind == GEOMLENS_POW ||
                        kind == GEOMLENS_LOG;
        float alpha = kind == GEOMLENS_POW ? 2.5f : 0.1f;
        float* dx = positive ? dxp : dx_all;
        const auto& x = positive ? xp : x_all;
        ok(geomlens_activation_forward(ctx, kind, alpha, dx, dy, x.size()), "activation_forward");
        std::vector<double> ref(x.size());
        for (size_t i = 0; i < x.size(); i++) ref[i] = act(kind, alpha, x[i]);
        compare(("activation_forward/" + std::to_string(kind)).c_str(), download(dy, x.size()), ref, 1e-6, 1e-5,
                [&] { geomlens_activation_forward(ctx, kind, alpha, dx, dy, x.size()); });
        ok(geomlens_activation_tangent(ctx, kind, alpha, dx, dt, dout, rows, width, group), "activation_tangent");
        std::vector<double> rt(t.size());
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = 0; c < width; c++)
                rt[r * width + c] = t[r * width + c] * slope(kind, alpha, x[(r / group) * width + c]);
        compare(("activation_tangent/" + std::to_string(kind)).c_str(), download(dout, t.size()), rt, 1e-5, 1e-4,
                [&] { geomlens_activation_tangent(ctx, kind, alpha, dx, dt, dout, rows, width, group); });
    }
    for (float* p : {dx_all, dxp, dt, dy, dout}) geomlens_free(ctx, p);
}

void check_broadcast() {
    // out[4, 3, 5] = a[4, 1, 5] (op) b[3, 1]; then reduce g[4, 3, 5] back onto [4, 1, 5].
    int64_t shape[3] = {4, 3, 5};
    int64_t sa[3] = {5, 0, 1}, sb[3] = {0, 1, 0};
    auto a = random_floats(20, 3);
    auto b = random_floats(3, 4);
    for (auto& v : b) v = v > 0 ? v + 0.5f : v - 0.5f;  // keep DIV away from 0
    float* da = upload(a);
    float* db = upload(b);
    float* dout = nullptr;
    ok(geomlens_alloc(ctx, 4 * 60, reinterpret_cast<void**>(&dout)), "alloc");
    for (int op = GEOMLENS_ADD; op <= GEOMLENS_DIV; op++) {
        ok(geomlens_binary(ctx, op, da, sa, db, sb, dout, shape, 3), "binary");
        std::vector<double> ref(60);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 5; k++) {
                    double x = a[i * 5 + k], y = b[j];
                    ref[(i * 3 + j) * 5 + k] = op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : x / y;
                }
        compare(("binary/" + std::to_string(op)).c_str(), download(dout, 60), ref, 1e-6, 1e-6,
                [&] { geomlens_binary(ctx, op, da, sa, db, sb, dout, shape, 3); });
    }
    float* dred = nullptr;
    ok(geomlens_alloc(ctx, 4 * 20, reinterpret_cast<void**>(&dred)), "alloc");
    auto g = random_floats(60, 5);
    float* dg = upload(g);
    int64_t ostrides[3] = {5, 0, 1};
    ok(geomlens_reduce_to(ctx, dg, shape, 3, dred, ostrides, 20), "reduce_to");
    std::vector<double> ref(20, 0.0);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 5; k++) ref[i * 5 + k] += g[(i * 3 + j) * 5 + k];
    compare("reduce_to", download(dred, 20), ref, 1e-6, 1e-5,
            [&] { geomlens_reduce_to(ctx, dg, shape, 3, dred, ostrides, 20); });
    // out_count 0: a strided scatter into a buffer left as it is (zero padding's interior).
    auto small = random_floats(6, 23);
    float* dsmall = upload(small);
    float* dpad = upload(std::vector<float>(20, 0.f));
    int64_t sshape[2] = {2, 3}, pstrides[2] = {5, 1};
    ok(geomlens_reduce_to(ctx, dsmall, sshape, 2, dpad + 6, pstrides, 0), "reduce_to scatter");
    std::vector<double> padded(20, 0.0);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) padded[6 + r * 5 + c] = small[r * 3 + c];
    compare("reduce_to as a strided scatter", download(dpad, 20), padded, 0, 0, [] {});
    for (float* p : {da, db, dout, dred, dg, dsmall, dpad}) geomlens_free(ctx, p);
}

void check_im2col() {
    // cin 3, 7x6 input, kernel 3x2, stride (2,1), pad (1,0), dilation (1,2) -> ho, wo; both column
    // layouts: per-sample matrices, and one wide matrix [rows, n*ho*wo] for a single GEMM.
    int cin = 3, h = 7, w = 6, kh = 3, kw = 2, sh = 2, sw = 1, ph = 1, pw = 0, dh = 1, dw = 2;
    int ho = (h + 2 * ph - ((kh - 1) * dh + 1)) / sh + 1, wo = (w + 2 * pw - ((kw - 1) * dw + 1)) / sw + 1;
    int geom[13] = {cin, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo};
    int n = 2;
    int64_t hw = ho * wo, rows = cin * kh * kw;
    size_t xs = n * cin * h * w, cs = (size_t)n * rows * hw;
    auto x = random_floats(xs, 6);
    float* dx = upload(x);
    float* dc = nullptr;
    ok(geomlens_alloc(ctx, 4 * cs, reinterpret_cast<void**>(&dc)), "alloc");
    auto c = random_floats(cs, 7);
    float* dc2 = upload(c);
    const int64_t layouts[2][2] = {{rows * hw, hw}, {hw, n * hw}};
    for (int l = 0; l < 2; l++) {
        int64_t ss = layouts[l][0], rs = layouts[l][1];
        std::string tag = l == 0 ? "" : " (wide)";
        ok(geomlens_upload(ctx, dx, x.data(), 4 * xs), "upload");
        ok(geomlens_im2col(ctx, dx, dc, geom, n, ss, rs), "im2col");
        std::vector<double> ref(cs, 0.0);
        for (int s = 0; s < n; s++)
            for (int ch = 0; ch < cin; ch++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        for (int oy = 0; oy < ho; oy++)
                            for (int ox = 0; ox < wo; ox++) {
                                int iy = oy * sh - ph + i * dh, ix = ox * sw - pw + j * dw;
                                int64_t row = ((int64_t)ch * kh + i) * kw + j;
                                ref[s * ss + row * rs + oy * wo + ox] =
                                    (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[((s * cin + ch) * h + iy) * w + ix] : 0;
                            }
        compare(("im2col" + tag).c_str(), download(dc, cs), ref, 0, 0,
                [&] { geomlens_im2col(ctx, dx, dc, geom, n, ss, rs); });
        // col2im is the adjoint: <im2col(x), c> == <x, col2im(c)>
        ok(geomlens_col2im(ctx, dc2, dx, geom, n, ss, rs), "col2im");
        auto back = download(dx, xs);
        double lhs = 0, rhs = 0;
        for (size_t i = 0; i < cs; i++) lhs += ref[i] * c[i];
        for (size_t i = 0; i < xs; i++) rhs += static_cast<double>(x[i]) * back[i];
        compare(("col2im (adjoint identity)" + tag).c_str(), std::vector<double>{rhs}, std::vector<double>{lhs}, 1e-4,
                1e-5, [&] { geomlens_col2im(ctx, dc2, dx, geom, n, ss, rs); });
    }
    for (float* p : {dx, dc, dc2}) geomlens_free(ctx, p);
}

void check_channel_and_upsample() {
    int64_t n = 2, c = 3, plane = 10, count = n * c * plane;
    auto x = random_floats(count, 8);
    auto sc = random_floats(c, 9);
    auto sf = random_floats(c, 10);
    float *dx = upload(x), *dsc = upload(sc), *dsf = upload(sf), *dy = nullptr;
    ok(geomlens_alloc(ctx, 4 * count, reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_channel_affine(ctx, dx, dy, dsc, dsf, count, c, plane), "channel_affine");
    std::vector<double> ref(count);
    for (int64_t i = 0; i < count; i++) ref[i] = sc[(i / plane) % c] * x[i] + sf[(i / plane) % c];
    compare("channel_affine", download(dy, count), ref, 1e-6, 1e-6,
            [&] { geomlens_channel_affine(ctx, dx, dy, dsc, dsf, count, c, plane); });
    ok(geomlens_channel_bias(ctx, dx, dsf, count, c, plane), "channel_bias");
    for (int64_t i = 0; i < count; i++) ref[i] = x[i] + sf[(i / plane) % c];
    compare("channel_bias", download(dx, count), ref, 1e-6, 1e-6, [] {});
    // upsample 2x3 of planes 4x5, then the adjoint sums blocks.
    int64_t planes = 6;
    int h = 4, w = 5, fy = 2, fx = 3;
    auto u = random_floats(planes * h * w, 11);
    float *du = upload(u), *dup = nullptr, *dback = nullptr;
    ok(geomlens_alloc(ctx, 4 * planes * h * w * fy * fx, reinterpret_cast<void**>(&dup)), "alloc");
    ok(geomlens_alloc(ctx, 4 * planes * h * w, reinterpret_cast<void**>(&dback)), "alloc");
    ok(geomlens_upsample_nearest(ctx, du, dup, planes, h, w, fy, fx), "upsample");
    std::vector<double> up(planes * h * w * fy * fx), adj(planes * h * w, 0.0);
    for (int64_t p = 0; p < planes; p++)
        for (int y = 0; y < h * fy; y++)
            for (int xx = 0; xx < w * fx; xx++) {
                double v = u[(p * h + y / fy) * w + xx / fx];
                up[(p * h * fy + y) * w * fx + xx] = v;
                adj[(p * h + y / fy) * w + xx / fx] += v;
            }
    compare("upsample_nearest", download(dup, up.size()), up, 0, 0,
            [&] { geomlens_upsample_nearest(ctx, du, dup, planes, h, w, fy, fx); });
    ok(geomlens_upsample_nearest_adjoint(ctx, dup, dback, planes, h, w, fy, fx), "upsample_adjoint");
    compare("upsample_nearest_adjoint", download(dback, adj.size()), adj, 1e-6, 1e-6,
            [&] { geomlens_upsample_nearest_adjoint(ctx, dup, dback, planes, h, w, fy, fx); });
    for (float* p : {dx, dsc, dsf, dy, du, dup, dback}) geomlens_free(ctx, p);
}

void check_upsample_linear() {
    // Planes 4x5 upsampled 2x3 in each source-coordinate mode; the adjoint by <up x, g> = <x, up^T g>.
    const int64_t planes = 3;
    const int h = 4, w = 5, fy = 2, fx = 3, ho = h * fy, wo = w * fx;
    auto x = random_floats(planes * h * w, 21);
    auto g = random_floats(planes * ho * wo, 22);
    float *dx = upload(x), *dg = upload(g), *dy = nullptr, *dback = nullptr;
    ok(geomlens_alloc(ctx, 4 * g.size(), reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_alloc(ctx, 4 * x.size(), reinterpret_cast<void**>(&dback)), "alloc");
    for (int mode = 0; mode <= 2; mode++) {
        auto source = [mode](int o, int n, int f) {
            double s = mode == 0 ? (o + 0.5) / f - 0.5 : mode == 1 ? double(o) * (n - 1) / (n * f - 1) : double(o) / f;
            return std::min(std::max(s, 0.0), double(n - 1));
        };
        std::vector<double> ref(g.size());
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    double sy = source(oy, h, fy), sx = source(ox, w, fx), v = 0;
                    for (int iy = 0; iy < h; iy++)  // the bilinear hat weights, summed over every input pixel
                        for (int ix = 0; ix < w; ix++)
                            v += std::max(0.0, 1 - std::fabs(sy - iy)) * std::max(0.0, 1 - std::fabs(sx - ix)) *
                                 x[(p * h + iy) * w + ix];
                    ref[(p * ho + oy) * wo + ox] = v;
                }
        ok(geomlens_upsample_linear(ctx, dx, dy, planes, h, w, fy, fx, mode), "upsample_linear");
        compare(("upsample_linear/" + std::to_string(mode)).c_str(), download(dy, g.size()), ref, 1e-6, 1e-5,
                [&] { geomlens_upsample_linear(ctx, dx, dy, planes, h, w, fy, fx, mode); });
        ok(geomlens_upsample_linear_adjoint(ctx, dg, dback, planes, h, w, fy, fx, mode), "upsample_linear_adjoint");
        auto back = download(dback, x.size());
        double lhs = 0, rhs = 0;
        for (size_t i = 0; i < g.size(); i++) lhs += ref[i] * g[i];
        for (size_t i = 0; i < x.size(); i++) rhs += double(x[i]) * back[i];
        compare(("upsample_linear_adjoint/" + std::to_string(mode)).c_str(), std::vector<double>{rhs},
                std::vector<double>{lhs}, 1e-4, 1e-5,
                [&] { geomlens_upsample_linear_adjoint(ctx, dg, dback, planes, h, w, fy, fx, mode); });
    }
    for (float* p : {dx, dg, dy, dback}) geomlens_free(ctx, p);
}

void check_border_pad() {
    // Planes 4x5 padded (top 2, bottom 3, left 4, right 1): every mirrored range of both modes is
    // hit. Reference indices from the periodic form of reflection (period 2(n - 1)) or a clamp.
    const int64_t planes = 3;
    const int h = 4, w = 5, top = 2, bottom = 3, left = 4, right = 1, ho = h + top + bottom, wo = w + left + right;
    auto x = random_floats(planes * h * w, 31);
    auto g = random_floats(planes * ho * wo, 32);
    float *dx = upload(x), *dg = upload(g), *dy = nullptr, *dback = nullptr;
    ok(geomlens_alloc(ctx, 4 * g.size(), reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_alloc(ctx, 4 * x.size(), reinterpret_cast<void**>(&dback)), "alloc");
    for (int mode : {GEOMLENS_PAD_REFLECT, GEOMLENS_PAD_EDGE}) {
        auto src = [mode](int t, int n) {
            if (mode == GEOMLENS_PAD_EDGE) return std::min(std::max(t, 0), n - 1);
            int m = 2 * (n - 1), u = ((t % m) + m) % m;
            return u < n ? u : m - u;
        };
        std::vector<double> ref(g.size()), back_ref(x.size(), 0.0);
        for (int64_t p = 0; p < planes; p++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    int64_t from = (p * h + src(oy - top, h)) * w + src(ox - left, w), to = (p * ho + oy) * wo + ox;
                    ref[to] = x[from];
                    back_ref[from] += g[to];
                }
        std::string name = mode == GEOMLENS_PAD_REFLECT ? "border_pad/reflect" : "border_pad/edge";
        ok(geomlens_border_pad(ctx, dx, dy, planes, h, w, top, bottom, left, right, mode), "border_pad");
        compare(name.c_str(), download(dy, g.size()), ref, 0, 0,
                [&] { geomlens_border_pad(ctx, dx, dy, planes, h, w, top, bottom, left, right, mode); });
        ok(geomlens_border_pad_adjoint(ctx, dg, dback, planes, h, w, top, bottom, left, right, mode),
           "border_pad_adjoint");
        compare((name + " adjoint").c_str(), download(dback, x.size()), back_ref, 1e-6, 1e-5,
                [&] { geomlens_border_pad_adjoint(ctx, dg, dback, planes, h, w, top, bottom, left, right, mode); });
    }
    int bad = geomlens_border_pad(ctx, dx, dy, planes, h, w, h, 0, 0, 0, GEOMLENS_PAD_REFLECT);
    compare("border_pad rejects reflect >= side", std::vector<double>{double(bad)},
            std::vector<double>{double(GEOMLENS_ERR_INVALID_ARGUMENT)}, 0, 0, [] {});
    for (float* p : {dx, dg, dy, dback}) geomlens_free(ctx, p);
}

void check_sparse_rows() {
    // 5 planes of 9 elements through a random map of 7 rows with 0 to 4 entries each (an empty row
    // gives 0; a column may repeat), against a float64 sum.
    const int64_t planes = 5, in_width = 9;
    const int rows = 7;
    std::mt19937 gen(31);
    std::vector<int> start{0}, column;
    for (int r = 0; r < rows; r++) {
        int n = static_cast<int>(gen() % 5);
        for (int j = 0; j < n; j++) column.push_back(static_cast<int>(gen() % in_width));
        start.push_back(static_cast<int>(column.size()));
    }
    auto weight = random_floats(column.size(), 32);
    auto x = random_floats(planes * in_width, 33);
    std::vector<double> ref(planes * rows);
    for (int64_t p = 0; p < planes; p++)
        for (int r = 0; r < rows; r++)
            for (int j = start[r]; j < start[r + 1]; j++)
                ref[p * rows + r] += double(weight[j]) * x[p * in_width + column[j]];
    float *dx = upload(x), *dw = upload(weight), *dy = nullptr;
    int *ds = upload(start), *dc = upload(column);
    ok(geomlens_alloc(ctx, 4 * ref.size(), reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_sparse_rows(ctx, dx, dy, planes, in_width, rows, ds, dc, dw), "sparse_rows");
    compare("sparse_rows", download(dy, ref.size()), ref, 1e-6, 1e-5,
            [&] { geomlens_sparse_rows(ctx, dx, dy, planes, in_width, rows, ds, dc, dw); });
    int bad = geomlens_sparse_rows(ctx, dx, dy, planes, 0, rows, ds, dc, dw);
    compare("sparse_rows rejects width 0", std::vector<double>{double(bad)},
            std::vector<double>{double(GEOMLENS_ERR_INVALID_ARGUMENT)}, 0, 0, [] {});
    geomlens_free(ctx, ds);
    geomlens_free(ctx, dc);
    for (float* p : {dx, dw, dy}) geomlens_free(ctx, p);
}

void check_signs() {
    // 3 groups of 4 vertices, two layers of widths 70 and 5 (word offsets 0, 2; 3 words per sample).
    int groups = 3, gs = 4, samples = groups * gs, wps = 3;
    int widths[2] = {70, 5}, offsets[3] = {0, 2, 3};
    std::vector<std::vector<float>> layer = {random_floats(samples * 70, 12), random_floats(samples * 5, 13)};
    uint64_t* bits = nullptr;
    ok(geomlens_alloc(ctx, 8 * samples * wps, reinterpret_cast<void**>(&bits)), "alloc");
    ok(geomlens_memset_zero(ctx, bits, 8 * samples * wps), "memset");
    for (int l = 0; l < 2; l++) {
        float* d = upload(layer[l]);
        ok(geomlens_sign_bits(ctx, d, bits, samples, widths[l], wps, offsets[l]), "sign_bits");
        geomlens_free(ctx, d);
    }
    int* doff = upload(std::vector<int>(offsets, offsets + 3));
    int64_t* counts = nullptr;
    ok(geomlens_alloc(ctx, 8 * groups * 2, reinterpret_cast<void**>(&counts)), "alloc");
    ok(geomlens_sign_changes(ctx, bits, groups, gs, wps, doff, 2, counts), "sign_changes");
    std::vector<double> ref(groups * 2, 0.0);
    for (int g = 0; g < groups; g++)
        for (int l = 0; l < 2; l++)
            for (int i = 0; i < widths[l]; i++) {
                int pos = 0;
                for (int v = 0; v < gs; v++) pos += layer[l][(g * gs + v) * widths[l] + i] > 0;
                ref[g * 2 + l] += (pos != 0 && pos != gs);
            }
    compare("sign_bits + sign_changes", download(counts, groups * 2), ref, 0, 0,
            [&] { geomlens_sign_changes(ctx, bits, groups, gs, wps, doff, 2, counts); });
    geomlens_free(ctx, bits);
    geomlens_free(ctx, doff);
    geomlens_free(ctx, counts);
}

void check_copy_2d() {
    // Two 3 x 4 blocks side by side in a 3 x 10 buffer at column offset 5 (Concat's layout).
    auto src = random_floats(12, 14);
    float* ds = upload(src);
    float* dd = upload(std::vector<float>(30, 0.f));
    ok(geomlens_copy_2d(ctx, dd + 5, 10, ds, 4, 4, 3), "copy_2d");
    std::vector<double> ref(30, 0.0);
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 4; c++) ref[r * 10 + 5 + c] = src[r * 4 + c];
    compare("copy_2d", download(dd, 30), ref, 0, 0, [&] { geomlens_copy_2d(ctx, dd + 5, 10, ds, 4, 4, 3); });
    geomlens_free(ctx, ds);
    geomlens_free(ctx, dd);
}

// Row functions in double, the references for softmax and instance norm; their derivatives are
// checked against central differences of these (h = 1e-5), not against the same formula.
using RowFn = std::function<std::vector<double>(const std::vector<double>&)>;

std::vector<double> softmax_ref(const std::vector<double>& x) {
    double m = *std::max_element(x.begin(), x.end()), sum = 0;
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); i++) sum += y[i] = std::exp(x[i] - m);
    for (auto& v : y) v /= sum;
    return y;
}

std::vector<double> normalize_ref(const std::vector<double>& x, double scale, double bias, double eps) {
    double mean = 0, var = 0;
    for (double v : x) mean += v;
    mean /= x.size();
    for (double v : x) var += (v - mean) * (v - mean);
    double s = std::sqrt(var / x.size() + eps);
    std::vector<double> y(x.size());
    for (size_t i = 0; i < x.size(); i++) y[i] = scale * (x[i] - mean) / s + bias;
    return y;
}

// Directional derivative of f at x along t by central differences.
std::vector<double> central(const RowFn& f, const float* x, const float* t, int64_t n) {
    const double h = 1e-5;
    std::vector<double> a(n), b(n);
    for (int64_t i = 0; i < n; i++) {
        a[i] = x[i] + h * t[i];
        b[i] = x[i] - h * t[i];
    }
    auto fa = f(a), fb = f(b);
    for (int64_t i = 0; i < n; i++) fa[i] = (fa[i] - fb[i]) / (2 * h);
    return fa;
}

// rows tangent rows of width n against x_rows primal rows (tangent r uses primal r % x_rows).
std::vector<double> tangent_ref(const std::function<RowFn(int64_t)>& f_of_row, const std::vector<float>& x,
                                const std::vector<float>& t, int64_t rows, int64_t x_rows, int64_t n) {
    std::vector<double> ref;
    for (int64_t r = 0; r < rows; r++) {
        auto d = central(f_of_row(r), &x[(r % x_rows) * n], &t[r * n], n);
        ref.insert(ref.end(), d.begin(), d.end());
    }
    return ref;
}

void check_softmax() {
    // 6 primal rows of width 300 (more than one block stride), 4 tangents each.
    const int64_t x_rows = 6, width = 300, rows = 24;
    auto x = random_floats(x_rows * width, 15, 3.f);
    auto t = random_floats(rows * width, 16);
    float *dx = upload(x), *dt = upload(t), *dy = nullptr, *dout = nullptr;
    ok(geomlens_alloc(ctx, 4 * x.size(), reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_alloc(ctx, 4 * t.size(), reinterpret_cast<void**>(&dout)), "alloc");
    ok(geomlens_softmax(ctx, dx, dy, x_rows, width), "softmax");
    std::vector<double> ref;
    for (int64_t r = 0; r < x_rows; r++) {
        auto y = softmax_ref(std::vector<double>(x.begin() + r * width, x.begin() + (r + 1) * width));
        ref.insert(ref.end(), y.begin(), y.end());
    }
    auto y = download(dy, x.size());
    compare("softmax", y, ref, 1e-7, 1e-5, [&] { geomlens_softmax(ctx, dx, dy, x_rows, width); });
    ok(geomlens_softmax_tangent(ctx, dy, dt, dout, rows, width, x_rows), "softmax_tangent");
    auto rt = tangent_ref([](int64_t) { return RowFn(softmax_ref); }, x, t, rows, x_rows, width);
    compare("softmax_tangent", download(dout, t.size()), rt, 1e-7, 1e-4,
            [&] { geomlens_softmax_tangent(ctx, dy, dt, dout, rows, width, x_rows); });
    for (float* p : {dx, dt, dy, dout}) geomlens_free(ctx, p);
}

void check_instance_norm() {
    // 2 samples x 3 channels of 20x30 planes, 5 tangents per sample (planes 30 against 6 primal).
    const int channels = 3;
    const int64_t x_planes = 6, plane = 600, planes = 30;
    const float eps = 1e-5f;
    auto x = random_floats(x_planes * plane, 17, 2.f);
    for (size_t i = 0; i < x.size(); i++) x[i] += static_cast<float>(i / plane);  // planes with distinct means
    auto t = random_floats(planes * plane, 18);
    auto sc = random_floats(channels, 19);
    auto bi = random_floats(channels, 20);
    float *dx = upload(x), *dt = upload(t), *dsc = upload(sc), *dbi = upload(bi), *dy = nullptr, *dout = nullptr;
    ok(geomlens_alloc(ctx, 4 * x.size(), reinterpret_cast<void**>(&dy)), "alloc");
    ok(geomlens_alloc(ctx, 4 * t.size(), reinterpret_cast<void**>(&dout)), "alloc");
    ok(geomlens_instance_norm(ctx, dx, dy, dsc, dbi, eps, x_planes, channels, plane), "instance_norm");
    std::vector<double> ref;
    for (int64_t p = 0; p < x_planes; p++) {
        auto y = normalize_ref(std::vector<double>(x.begin() + p * plane, x.begin() + (p + 1) * plane),
                               sc[p % channels], bi[p % channels], eps);
        ref.insert(ref.end(), y.begin(), y.end());
    }
    compare("instance_norm", download(dy, x.size()), ref, 1e-6, 1e-5,
            [&] { geomlens_instance_norm(ctx, dx, dy, dsc, dbi, eps, x_planes, channels, plane); });
    ok(geomlens_instance_norm_tangent(ctx, dx, dt, dout, dsc, eps, planes, channels, plane, x_planes),
       "instance_norm_tangent");
    auto rt = tangent_ref(
        [&](int64_t p) {
            double s = sc[p % channels];
            return RowFn([s, eps](const std::vector<double>& v) { return normalize_ref(v, s, 0, eps); });
        },
        x, t, planes, x_planes, plane);
    compare("instance_norm_tangent", download(dout, t.size()), rt, 1e-5, 1e-4,
            [&] { geomlens_instance_norm_tangent(ctx, dx, dt, dout, dsc, eps, planes, channels, plane, x_planes); });
    for (float* p : {dx, dt, dsc, dbi, dy, dout}) geomlens_free(ctx, p);
}

}  // namespace

int main() {
    int count = 0;
    if (geomlens_device_count(&count) != GEOMLENS_OK || count == 0) {
        std::printf("no CUDA device: %s\n", geomlens_last_error());
        return 1;
    }
    if (geomlens_context_create(0, &ctx) != GEOMLENS_OK) {
        std::printf("context: %s\n", geomlens_last_error());
        return 1;
    }
    int l2 = 0;
    if (cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, 0) == cudaSuccess && l2 > 0) {
        flush_bytes = 2 * static_cast<size_t>(l2);
        if (geomlens_alloc(ctx, flush_bytes, &flush_buf) != GEOMLENS_OK) flush_buf = nullptr;
    }
    check_activations();
    check_broadcast();
    check_im2col();
    check_channel_and_upsample();
    check_upsample_linear();
    check_border_pad();
    check_sparse_rows();
    check_signs();
    check_copy_2d();
    check_softmax();
    check_instance_norm();
    geomlens_context_destroy(ctx);
    std::printf("%d passed, %d failed\n", passes, failures);
    return failures;
}
