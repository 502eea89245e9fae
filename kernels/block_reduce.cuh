// Block-wide reductions for row kernels (one block per row): a warp-shuffle tree, then one
// value per warp through shared memory. Every thread of the block gets the result.
#pragma once

namespace geomlens {

struct SumOp {
    template <typename T>
    __device__ T operator()(T a, T b) const { return a + b; }
};

struct MaxOp {
    template <typename T>
    __device__ T operator()(T a, T b) const { return a > b ? a : b; }
};

// All threads of the block must call it (it synchronizes); blockDim.x a multiple of 32, <= 1024.
template <typename T, typename Op>
__device__ T block_reduce(T v, Op op, T identity) {
    __shared__ T per_warp[32];
    for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    __syncthreads();  // an earlier call's readers are done with per_warp
    if (lane == 0) per_warp[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < (int)(blockDim.x >> 5) ? per_warp[lane] : identity;
        for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_down_sync(0xffffffffu, v, o));
        if (lane == 0) per_warp[0] = v;
    }
    __syncthreads();
    return per_warp[0];
}

template <typename T>
__device__ T block_sum(T v) { return block_reduce(v, SumOp{}, T(0)); }

// Rows handled by one block each; grid-stride beyond this many blocks.
inline unsigned row_grid(int64_t rows) {
    return static_cast<unsigned>(rows < 1 ? 1 : (rows < (1 << 20) ? rows : (1 << 20)));
}

}  // namespace geomlens
