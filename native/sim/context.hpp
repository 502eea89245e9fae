// Kernel simulator's stand-in for native/src/context.hpp: the context is the host emulation's
// (native/host), whose memory is host memory, so a kernel only needs the stream, which is none.
#pragma once

#include <cuda_runtime.h>

#include "status.hpp"

namespace geomlens {
inline cudaStream_t stream_of(geomlens_context* ctx) {
    require(ctx != nullptr, "context is null (create one with geomlens_context_create)");
    return nullptr;
}
}  // namespace geomlens
