// Context lifetime, device memory (stream-ordered pool) and host <-> device copies.
#include <string>

#include "context.hpp"

namespace geomlens {
void create_math_handles(geomlens_context* ctx);   // blas.cpp
void destroy_math_handles(geomlens_context* ctx);  // blas.cpp
}  // namespace geomlens

using geomlens::require;

extern "C" int geomlens_device_count(int* count) {
    return geomlens::guard("geomlens_device_count", [&] {
        require(count != nullptr, "count must not be null");
        cudaError_t e = cudaGetDeviceCount(count);
        if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver) {
            *count = 0;
            cudaGetLastError();  // clear the sticky-free error so later calls start clean
            return;
        }
        GEOMLENS_CHECK_CUDA(e);
    });
}

extern "C" int geomlens_context_create(int device, geomlens_context** out) {
    return geomlens::guard("geomlens_context_create", [&] {
        require(out != nullptr, "out must not be null");
        *out = nullptr;
        int count = 0;
        cudaError_t e = cudaGetDeviceCount(&count);
        if (e != cudaSuccess || count == 0) {
            geomlens::fail(GEOMLENS_ERR_NO_DEVICE, std::string("no CUDA device available (") +
                                                       cudaGetErrorString(e) + ")");
        }
        require(device >= 0 && device < count,
                "device " + std::to_string(device) + " does not exist; " + std::to_string(count) + " present");
        auto* ctx = new geomlens_context();
        ctx->device = device;
        try {
            GEOMLENS_CHECK_CUDA(cudaSetDevice(device));
            GEOMLENS_CHECK_CUDA(cudaStreamCreateWithFlags(&ctx->stream, cudaStreamNonBlocking));
            // Keep freed blocks in the stream-ordered pool across synchronizations: each call's
            // temporaries are then reused, not unmapped and mapped again (release threshold 0).
            cudaMemPool_t pool;
            GEOMLENS_CHECK_CUDA(cudaDeviceGetDefaultMemPool(&pool, device));
            uint64_t keep = UINT64_MAX;
            GEOMLENS_CHECK_CUDA(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
            geomlens::create_math_handles(ctx);
        } catch (...) {
            geomlens::destroy_math_handles(ctx);
            if (ctx->stream) cudaStreamDestroy(ctx->stream);
            delete ctx;
            throw;
        }
        *out = ctx;
    });
}

extern "C" int geomlens_context_destroy(geomlens_context* ctx) {
    return geomlens::guard("geomlens_context_destroy", [&] {
        if (ctx == nullptr) return;
        cudaSetDevice(ctx->device);
        cudaStreamSynchronize(ctx->stream);
        geomlens::destroy_math_handles(ctx);
        cudaStreamDestroy(ctx->stream);
        cudaMemPool_t pool;
        if (cudaDeviceGetDefaultMemPool(&pool, ctx->device) == cudaSuccess) cudaMemPoolTrimTo(pool, 0);
        delete ctx;
    });
}

extern "C" int geomlens_device_name(geomlens_context* ctx, char* buf, int len) {
    return geomlens::guard("geomlens_device_name", [&] {
        geomlens::stream_of(ctx);
        require(buf != nullptr && len > 0, "buffer must not be empty");
        cudaDeviceProp p;
        GEOMLENS_CHECK_CUDA(cudaGetDeviceProperties(&p, ctx->device));
        std::string name(p.name);
        int n = static_cast<int>(name.size()) < len - 1 ? static_cast<int>(name.size()) : len - 1;
        name.copy(buf, n);
        buf[n] = '\0';
    });
}

extern "C" int geomlens_mem_info(geomlens_context* ctx, size_t* free_bytes, size_t* total_bytes) {
    return geomlens::guard("geomlens_mem_info", [&] {
        geomlens::stream_of(ctx);
        require(free_bytes && total_bytes, "outputs must not be null");
        GEOMLENS_CHECK_CUDA(cudaMemGetInfo(free_bytes, total_bytes));
        // Blocks the pool keeps for reuse count as used for the driver, but are ours to take.
        cudaMemPool_t pool;
        uint64_t reserved = 0, used = 0;
        GEOMLENS_CHECK_CUDA(cudaDeviceGetDefaultMemPool(&pool, ctx->device));
        GEOMLENS_CHECK_CUDA(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrReservedMemCurrent, &reserved));
        GEOMLENS_CHECK_CUDA(cudaMemPoolGetAttribute(pool, cudaMemPoolAttrUsedMemCurrent, &used));
        if (reserved > used) *free_bytes += static_cast<size_t>(reserved - used);
    });
}

extern "C" int geomlens_synchronize(geomlens_context* ctx) {
    return geomlens::guard("geomlens_synchronize", [&] {
        GEOMLENS_CHECK_CUDA(cudaStreamSynchronize(geomlens::stream_of(ctx)));
    });
}

extern "C" int geomlens_stream(geomlens_context* ctx, void** stream) {
    return geomlens::guard("geomlens_stream", [&] {
        geomlens::require(stream != nullptr, "stream must not be null");
        *stream = geomlens::stream_of(ctx);
    });
}

namespace geomlens {

void* device_alloc(geomlens_context* ctx, size_t bytes) {
    cudaStream_t s = stream_of(ctx);
    void* out = nullptr;
    if (bytes == 0) return out;
    cudaError_t e = cudaMallocAsync(&out, bytes, s);
    if (e == cudaErrorMemoryAllocation) {
        // The pool keeps freed blocks (see context_create): hand them back, then try once more.
        cudaGetLastError();
        cudaMemPool_t pool;
        if (cudaStreamSynchronize(s) == cudaSuccess && cudaDeviceGetDefaultMemPool(&pool, ctx->device) == cudaSuccess &&
            cudaMemPoolTrimTo(pool, 0) == cudaSuccess) {
            e = cudaMallocAsync(&out, bytes, s);
        }
    }
    if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        fail(GEOMLENS_ERR_OUT_OF_MEMORY, "out of GPU memory: asked for " + std::to_string(bytes) + " bytes, " +
                                             std::to_string(free_b) + " of " + std::to_string(total_b) +
                                             " bytes free; use a smaller batch");
    }
    GEOMLENS_CHECK_CUDA(e);
    return out;
}

}  // namespace geomlens

extern "C" int geomlens_alloc(geomlens_context* ctx, size_t bytes, void** out) {
    return geomlens::guard("geomlens_alloc", [&] {
        geomlens::stream_of(ctx);
        require(out != nullptr, "out must not be null");
        *out = nullptr;
        *out = geomlens::device_alloc(ctx, bytes);
    });
}

extern "C" int geomlens_free(geomlens_context* ctx, void* ptr) {
    return geomlens::guard("geomlens_free", [&] {
        if (ptr == nullptr) return;
        GEOMLENS_CHECK_CUDA(cudaFreeAsync(ptr, geomlens::stream_of(ctx)));
    });
}

extern "C" int geomlens_upload(geomlens_context* ctx, void* dst, const void* src, size_t bytes) {
    return geomlens::guard("geomlens_upload", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(bytes == 0 || (dst && src), "pointers must not be null");
        GEOMLENS_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, s));
        // The host buffer may be freed by the caller right after: finish the copy first.
        GEOMLENS_CHECK_CUDA(cudaStreamSynchronize(s));
    });
}

extern "C" int geomlens_download(geomlens_context* ctx, void* dst, const void* src, size_t bytes) {
    return geomlens::guard("geomlens_download", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(bytes == 0 || (dst && src), "pointers must not be null");
        GEOMLENS_CHECK_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, s));
        GEOMLENS_CHECK_CUDA(cudaStreamSynchronize(s));
    });
}

extern "C" int geomlens_memset_zero(geomlens_context* ctx, void* dst, size_t bytes) {
    return geomlens::guard("geomlens_memset_zero", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(bytes == 0 || dst, "pointer must not be null");
        GEOMLENS_CHECK_CUDA(cudaMemsetAsync(dst, 0, bytes, s));
    });
}

extern "C" int geomlens_copy_2d(geomlens_context* ctx, float* dst, int64_t dst_pitch, const float* src,
                                int64_t src_pitch, int64_t width, int64_t height) {
    return geomlens::guard("geomlens_copy_2d", [&] {
        cudaStream_t s = geomlens::stream_of(ctx);
        require(width >= 0 && height >= 0 && dst_pitch >= width && src_pitch >= width, "bad 2-D copy shape");
        if (width == 0 || height == 0) return;
        require(dst && src, "null pointer");
        GEOMLENS_CHECK_CUDA(cudaMemcpy2DAsync(dst, sizeof(float) * dst_pitch, src, sizeof(float) * src_pitch,
                                              sizeof(float) * width, height, cudaMemcpyDeviceToDevice, s));
    });
}
