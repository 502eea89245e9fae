// Internals of the kernel simulator's device (device.cpp) shared with its runtime and the
// cuBLAS/cuSOLVER stand-ins.
#pragma once

#include <cuda_runtime.h>

namespace sim {

// Records e for cudaGetLastError (when not cudaSuccess) and returns it.
cudaError_t record_error(cudaError_t e);
cudaError_t take_last_error();
// Whether [p, p + bytes) lies inside one live device allocation.
bool device_range(const void* p, size_t bytes);
// Null (the default stream) or a stream created and not yet destroyed.
bool usable_stream(cudaStream_t s);

}  // namespace sim
