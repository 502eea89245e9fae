// Elementwise binary ops with numpy broadcasting (strides of 0 on broadcast dimensions), and
// the adjoint of broadcasting: summing a cotangent back onto the smaller operand's shape.
#include "context.hpp"

namespace {

struct Shape {
    int64_t dim[GEOMLENS_MAX_RANK];
    int64_t sa[GEOMLENS_MAX_RANK];
    int64_t sb[GEOMLENS_MAX_RANK];
    int rank;
};

__global__ void binary_kernel(int op, const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ out,
                              Shape s, int64_t count) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int64_t rest = i, ia = 0, ib = 0;
        for (int d = s.rank - 1; d >= 0; d--) {
            int64_t idx = rest % s.dim[d];
            rest /= s.dim[d];
            ia += idx * s.sa[d];
            ib += idx * s.sb[d];
        }
        float x = a[ia], y = b[ib];
        out[i] = op == GEOMLENS_ADD ? x + y : op == GEOMLENS_SUB ? x - y : op == GEOMLENS_MUL ? x * y : x / y;
    }
}

// Each input element adds into its output slot; float atomics (order may vary run to run).
__global__ void reduce_kernel(const float* __restrict__ g, float* __restrict__ out, Shape s, int64_t count) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int64_t rest = i, io = 0;
        for (int d = s.rank - 1; d >= 0; d--) {
            int64_t idx = rest % s.dim[d];
            rest /= s.dim[d];
            io += idx * s.sa[d];
        }
        atomicAdd(out + io, g[i]);
    }
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_binary(geomlens_context* ctx, int op, const float* a, const int64_t* a_strides, const float* b,
                               const int64_t* b_strides, float* out, const int64_t* out_shape, int rank) {
    return geomlens::guard("geomlens_binary", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(op >= GEOMLENS_ADD && op <= GEOMLENS_DIV, "unknown binary op " + std::to_string(op));
        require(rank >= 0 && rank <= GEOMLENS_MAX_RANK, "rank " + std::to_string(rank) + " exceeds 8");
        require(a_strides && b_strides && (rank == 0 || out_shape), "null shape");
        Shape sh{};
        sh.rank = rank;
        int64_t count = 1;
        for (int d = 0; d < rank; d++) {
            require(out_shape[d] >= 0, "negative dimension");
            sh.dim[d] = out_shape[d];
            sh.sa[d] = a_strides[d];
            sh.sb[d] = b_strides[d];
            count *= out_shape[d];
        }
        if (count == 0) return;
        require(a && b && out, "null pointer");
        binary_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(op, a, b, out, sh, count);
        GEOMLENS_CHECK_LAUNCH("binary_kernel");
    });
}

extern "C" int geomlens_reduce_to(geomlens_context* ctx, const float* g, const int64_t* g_shape, int rank, float* out,
                                  const int64_t* out_strides, int64_t out_count) {
    return geomlens::guard("geomlens_reduce_to", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(rank >= 0 && rank <= GEOMLENS_MAX_RANK, "rank " + std::to_string(rank) + " exceeds 8");
        require(out_strides && (rank == 0 || g_shape) && out, "null argument");
        Shape sh{};
        sh.rank = rank;
        int64_t count = 1;
        for (int d = 0; d < rank; d++) {
            sh.dim[d] = g_shape[d];
            sh.sa[d] = out_strides[d];
            count *= g_shape[d];
        }
        GEOMLENS_CHECK_CUDA(cudaMemsetAsync(out, 0, sizeof(float) * out_count, s));
        if (count == 0) return;
        require(g != nullptr, "null input");
        reduce_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(g, out, sh, count);
        GEOMLENS_CHECK_LAUNCH("reduce_kernel");
    });
}
