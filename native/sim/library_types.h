// Kernel simulator's stand-in for CUDA's library_types.h: the data types the math-library
// stand-ins take (values as in CUDA).
#pragma once

typedef enum cudaDataType_t { CUDA_R_32F = 0, CUDA_R_64F = 1 } cudaDataType;
