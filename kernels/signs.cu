// Local complexity on the GPU: pack the sign of every nonlinearity input into 64-bit words
// (one thread per word), then count per cross-polytope group and layer the neurons whose bit
// is not the same in all vertices: popcount(OR ^ AND) over the group.
#include "context.hpp"

namespace {

__global__ void sign_bits_kernel(const float* __restrict__ x, unsigned long long* __restrict__ bits, int samples,
                                 int width, int words_per_sample, int word_offset) {
    int layer_words = (width + 63) / 64;
    int64_t count = (int64_t)samples * layer_words;
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count; i += (int64_t)gridDim.x * blockDim.x) {
        int64_t s = i / layer_words;
        int wd = i % layer_words;
        const float* row = x + s * width;
        unsigned long long word = 0ull;
        int base = wd * 64;
        int end = min(64, width - base);
        for (int b = 0; b < end; b++) word |= (row[base + b] > 0.f ? 1ull : 0ull) << b;
        bits[s * words_per_sample + word_offset + wd] = word;
    }
}

// One block per (group, layer); threads stride over the layer's words and reduce in shared memory.
__global__ void sign_changes_kernel(const unsigned long long* __restrict__ bits, int group_size, int words_per_sample,
                                    const int* __restrict__ layer_offsets, int layers, long long* __restrict__ counts) {
    int grp = blockIdx.x / layers;
    int layer = blockIdx.x % layers;
    __shared__ long long partial[256];
    long long local = 0;
    const unsigned long long* base = bits + (int64_t)grp * group_size * words_per_sample;
    for (int w = layer_offsets[layer] + threadIdx.x; w < layer_offsets[layer + 1]; w += blockDim.x) {
        unsigned long long o = 0ull, a = ~0ull;
        for (int v = 0; v < group_size; v++) {
            unsigned long long word = base[(int64_t)v * words_per_sample + w];
            o |= word;
            a &= word;
        }
        local += __popcll(o ^ a);
    }
    partial[threadIdx.x] = local;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
        if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
        __syncthreads();
    }
    if (threadIdx.x == 0) counts[blockIdx.x] = partial[0];
}

}  // namespace

using geomlens::require;

extern "C" int geomlens_sign_bits(geomlens_context* ctx, const float* x, uint64_t* bits, int samples, int width,
                                  int words_per_sample, int word_offset) {
    return geomlens::guard("geomlens_sign_bits", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(samples >= 0 && width >= 0 && word_offset >= 0 && word_offset + (width + 63) / 64 <= words_per_sample,
                "layer does not fit the sample's words");
        int64_t count = (int64_t)samples * ((width + 63) / 64);
        if (count == 0) return;
        require(x && bits, "null pointer");
        sign_bits_kernel<<<geomlens::grid_for(count), geomlens::kThreads, 0, s>>>(
            x, reinterpret_cast<unsigned long long*>(bits), samples, width, words_per_sample, word_offset);
        GEOMLENS_CHECK_LAUNCH("sign_bits_kernel");
    });
}

extern "C" int geomlens_sign_changes(geomlens_context* ctx, const uint64_t* bits, int groups, int group_size,
                                     int words_per_sample, const int* layer_offsets, int layers, int64_t* counts) {
    return geomlens::guard("geomlens_sign_changes", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(groups >= 0 && group_size >= 1 && layers >= 0 && words_per_sample >= 0, "bad sign-change shape");
        int64_t blocks = (int64_t)groups * layers;
        if (blocks == 0) return;
        require(bits && layer_offsets && counts, "null pointer");
        require(blocks < (1ll << 31), "too many groups x layers");
        sign_changes_kernel<<<static_cast<unsigned>(blocks), geomlens::kThreads, 0, s>>>(
            reinterpret_cast<const unsigned long long*>(bits), group_size, words_per_sample, layer_offsets, layers,
            reinterpret_cast<long long*>(counts));
        GEOMLENS_CHECK_LAUNCH("sign_changes_kernel");
    });
}
