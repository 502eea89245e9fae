/*
 * geomlens C ABI (libgeomlens.so). Every function returns a status (GEOMLENS_OK = 0) and writes
 * results through pointers; on failure geomlens_last_error() returns the calling thread's
 * message, naming the failed call. No function exits, aborts or lets a C++ exception escape.
 *
 * Conventions: device pointers are float32 unless the name says f64; matrices are row-major;
 * all work is queued on the context's stream (call geomlens_synchronize before reading on host).
 */
#ifndef GEOMLENS_H
#define GEOMLENS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GEOMLENS_API __attribute__((visibility("default")))

enum geomlens_status {
    GEOMLENS_OK = 0,
    GEOMLENS_ERR_INVALID_ARGUMENT = 1,
    GEOMLENS_ERR_OUT_OF_MEMORY = 2,
    GEOMLENS_ERR_CUDA = 3,
    GEOMLENS_ERR_CUBLAS = 4,
    GEOMLENS_ERR_CUSOLVER = 5,
    GEOMLENS_ERR_NO_DEVICE = 6,
    GEOMLENS_ERR_INTERNAL = 7
};

/* Activations, in the order of io.geomlens.graph.Activation.Kind. */
enum geomlens_activation {
    GEOMLENS_RELU = 0, GEOMLENS_LEAKY_RELU = 1, GEOMLENS_SIGMOID = 2, GEOMLENS_TANH = 3,
    GEOMLENS_GELU = 4, GEOMLENS_GELU_TANH = 5, GEOMLENS_ERF = 6, GEOMLENS_ELU = 7, GEOMLENS_SOFTPLUS = 8,
    GEOMLENS_SQRT = 9, GEOMLENS_RECIPROCAL = 10, GEOMLENS_POW = 11 /* x^alpha */, GEOMLENS_EXP = 12,
    GEOMLENS_LOG = 13, GEOMLENS_SIN = 14, GEOMLENS_COS = 15,
    GEOMLENS_STEP = 16 /* 1 where x > 0, else 0; slope 0: a comparison's mask */
};
#define GEOMLENS_LAST_ACTIVATION GEOMLENS_STEP

/* Elementwise binary ops, in the order of io.geomlens.graph.Elementwise.Kind. */
enum geomlens_binary { GEOMLENS_ADD = 0, GEOMLENS_SUB = 1, GEOMLENS_MUL = 2, GEOMLENS_DIV = 3 };

#define GEOMLENS_MAX_RANK 8

typedef struct geomlens_context geomlens_context;

GEOMLENS_API const char* geomlens_last_error(void);
GEOMLENS_API int geomlens_version(int* major, int* minor);
GEOMLENS_API int geomlens_device_count(int* count);

/* Context: one device, one stream, cuBLAS and cuSOLVER handles, a stream-ordered memory pool. */
GEOMLENS_API int geomlens_context_create(int device, geomlens_context** out);
GEOMLENS_API int geomlens_context_destroy(geomlens_context* ctx);
GEOMLENS_API int geomlens_device_name(geomlens_context* ctx, char* buf, int len);
/* free: the device's free memory plus what the context's memory pool holds unused (ours to
 * reuse); total: the device's memory. */
GEOMLENS_API int geomlens_mem_info(geomlens_context* ctx, size_t* free_bytes, size_t* total_bytes);
GEOMLENS_API int geomlens_synchronize(geomlens_context* ctx);
/* The context's CUDA stream (a cudaStream_t; NULL on the host emulation): every call is queued
 * there, so events recorded on it time the calls between them. */
GEOMLENS_API int geomlens_stream(geomlens_context* ctx, void** stream);

/* Device memory. Out of memory names the bytes asked for and the bytes free. */
GEOMLENS_API int geomlens_alloc(geomlens_context* ctx, size_t bytes, void** out);
GEOMLENS_API int geomlens_free(geomlens_context* ctx, void* ptr);
GEOMLENS_API int geomlens_upload(geomlens_context* ctx, void* dst, const void* src, size_t bytes);
GEOMLENS_API int geomlens_download(geomlens_context* ctx, void* dst, const void* src, size_t bytes);
GEOMLENS_API int geomlens_memset_zero(geomlens_context* ctx, void* dst, size_t bytes);

/* dst[r * dst_pitch + c] = src[r * src_pitch + c] for r < height, c < width (float elements):
 * the blocks of Concat and of its adjoint, split. */
GEOMLENS_API int geomlens_copy_2d(geomlens_context* ctx, float* dst, int64_t dst_pitch, const float* src,
                                  int64_t src_pitch, int64_t width, int64_t height);

/* C[b] = alpha * op(A[b]) op(B[b]) + beta * C[b] for b < batch (row-major; strides in elements,
 * 0 broadcasts one matrix to the whole batch). trans: 0 = as stored, 1 = transposed. */
GEOMLENS_API int geomlens_gemm(geomlens_context* ctx, int trans_a, int trans_b, int m, int n, int k,
                               float alpha, const float* a, int64_t stride_a, const float* b,
                               int64_t stride_b, float beta, float* c, int64_t stride_c, int batch);

/* G[b] = the smaller Gram matrix of M[b] (rows x cols, float32) in float64: M M^T (rows x rows)
 * when rows <= cols, else M^T M (cols x cols). Its eigenvalues are the squared singular values of
 * M, and the smaller side keeps the eigen-solver's n at min(rows, cols). */
GEOMLENS_API int geomlens_gram_f64(geomlens_context* ctx, const float* m, int rows, int cols, int batch,
                                   double* gram);

/* Eigenvalues (ascending, float64) of batch symmetric n x n float64 matrices; a is overwritten. */
GEOMLENS_API int geomlens_syev_batched_f64(geomlens_context* ctx, double* a, int n, int batch,
                                           double* eigenvalues);

/* y = f(x) over count elements. */
GEOMLENS_API int geomlens_activation_forward(geomlens_context* ctx, int kind, float alpha, const float* x,
                                             float* y, int64_t count);

/* out[r, i] = t[r, i] * f'(x[r / group, i]) for r < rows, i < width: the derivative at the primal
 * applied to group tangents (JVP) or cotangents (VJP) per primal row, in one pass. */
GEOMLENS_API int geomlens_activation_tangent(geomlens_context* ctx, int kind, float alpha, const float* x,
                                             const float* t, float* out, int64_t rows, int64_t width,
                                             int64_t group);

/* out = a (op) b with numpy broadcasting: shapes given as out_shape (rank <= 8) and the element
 * strides of a and b against it (0 on broadcast dimensions). */
GEOMLENS_API int geomlens_binary(geomlens_context* ctx, int op, const float* a, const int64_t* a_strides,
                                 const float* b, const int64_t* b_strides, float* out,
                                 const int64_t* out_shape, int rank);

/* out (its first out_count elements zeroed first) += sum of g over the broadcast dimensions: the
 * adjoint of broadcasting. out_strides are out's element strides against g's shape (0 where out
 * is broadcast). With out_count 0 and an injective map it is a strided scatter (zero padding). */
GEOMLENS_API int geomlens_reduce_to(geomlens_context* ctx, const float* g, const int64_t* g_shape, int rank,
                                    float* out, const int64_t* out_strides, int64_t out_count);

/* im2col / col2im for samples stored back to back: x [n, cin, h, w] <-> cols, where element (s, r, p)
 * (sample s, row r < cin*kh*kw, output pixel p < ho*wo) sits at s * sample_stride + r * row_stride + p.
 * Per-sample matrices: sample_stride = cin*kh*kw*ho*wo, row_stride = ho*wo. One wide matrix
 * [rows, n*ho*wo] for a single GEMM over all samples: sample_stride = ho*wo, row_stride = n*ho*wo.
 * geometry = {cin, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ho, wo}. col2im overwrites x. */
GEOMLENS_API int geomlens_im2col(geomlens_context* ctx, const float* x, float* cols, const int* geometry, int n,
                                 int64_t sample_stride, int64_t row_stride);
GEOMLENS_API int geomlens_col2im(geomlens_context* ctx, const float* cols, float* x, const int* geometry, int n,
                                 int64_t sample_stride, int64_t row_stride);

/* y[i] = scale[c] * x[i] + (shift ? shift[c] : 0), c = (i / plane) % channels. */
GEOMLENS_API int geomlens_channel_affine(geomlens_context* ctx, const float* x, float* y, const float* scale,
                                         const float* shift, int64_t count, int channels, int64_t plane);

/* y[c, i] += bias[c] with c = (i / plane) % channels, in place. */
GEOMLENS_API int geomlens_channel_bias(geomlens_context* ctx, float* y, const float* bias, int64_t count,
                                       int channels, int64_t plane);

/* Nearest upsampling of planes h x w by (fy, fx), and its adjoint (block sums). */
GEOMLENS_API int geomlens_upsample_nearest(geomlens_context* ctx, const float* x, float* y, int64_t planes,
                                           int h, int w, int fy, int fx);
GEOMLENS_API int geomlens_upsample_nearest_adjoint(geomlens_context* ctx, const float* g, float* x,
                                                   int64_t planes, int h, int w, int fy, int fx);

/* Bilinear upsampling of planes h x w by (fy, fx), and its adjoint (x overwritten). mode is the
 * source-coordinate map: 0 half_pixel, 1 align_corners, 2 asymmetric; coordinates clamp to the plane. */
GEOMLENS_API int geomlens_upsample_linear(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h,
                                          int w, int fy, int fx, int mode);
GEOMLENS_API int geomlens_upsample_linear_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes,
                                                  int h, int w, int fy, int fx, int mode);

/* Border padding of planes h x w (ONNX Pad on the last two axes): mode 0 reflect (mirror without
 * repeating the edge; each pad < the side it mirrors), 1 edge (repeat the edge). y is
 * [planes, h + top + bottom, w + left + right]; the adjoint overwrites x with, per input element,
 * the sum of the cotangents of the padded elements that copy it. */
#define GEOMLENS_PAD_REFLECT 0
#define GEOMLENS_PAD_EDGE 1
GEOMLENS_API int geomlens_border_pad(geomlens_context* ctx, const float* x, float* y, int64_t planes, int h, int w,
                                     int top, int bottom, int left, int right, int mode);
GEOMLENS_API int geomlens_border_pad_adjoint(geomlens_context* ctx, const float* g, float* x, int64_t planes, int h,
                                             int w, int top, int bottom, int left, int right, int mode);

/* A fixed sparse map applied to each of planes planes of in_width elements:
 * y[p, r] = sum_{start[r] <= j < start[r + 1]} weight[j] * x[p, column[j]] for r < rows (start, column
 * and weight are device arrays; columns < in_width). GridSample on a fixed grid and Gather of index
 * lists; their adjoints are the same call on the transposed map. */
GEOMLENS_API int geomlens_sparse_rows(geomlens_context* ctx, const float* x, float* y, int64_t planes,
                                      int64_t in_width, int rows, const int* start, const int* column,
                                      const float* weight);

/* Softmax over rows of width elements: y[r] = exp(x[r] - max) / sum. */
GEOMLENS_API int geomlens_softmax(geomlens_context* ctx, const float* x, float* y, int64_t rows, int64_t width);

/* out[r] = s[q] * (t[r] - <s[q], t[r]>), q = r % s_rows: the softmax derivative at output s (it is
 * symmetric, so JVP and VJP alike), s_rows primal rows shared by the rows tangents. */
GEOMLENS_API int geomlens_softmax_tangent(geomlens_context* ctx, const float* s, const float* t, float* out,
                                          int64_t rows, int64_t width, int64_t s_rows);

/* InstanceNormalization over planes of plane elements: y = scale[c] (x - mean) / sqrt(var + eps)
 * + bias[c], c = p % channels for plane p. */
GEOMLENS_API int geomlens_instance_norm(geomlens_context* ctx, const float* x, float* y, const float* scale,
                                        const float* bias, float eps, int64_t planes, int channels,
                                        int64_t plane);

/* Its (symmetric) derivative at primal x applied to tangent planes: with xh the normalized primal
 * plane q = p % x_planes and s = sqrt(var + eps),
 * out[p] = scale[c] / s * (t[p] - mean(t[p]) - xh * mean(t[p] xh)). */
GEOMLENS_API int geomlens_instance_norm_tangent(geomlens_context* ctx, const float* x, const float* t, float* out,
                                                const float* scale, float eps, int64_t planes, int channels,
                                                int64_t plane, int64_t x_planes);

/* Bit i of bits[s * words_per_sample + word_offset + i / 64] = (x[s, i] > 0), i < width. */
GEOMLENS_API int geomlens_sign_bits(geomlens_context* ctx, const float* x, uint64_t* bits, int samples,
                                    int width, int words_per_sample, int word_offset);

/* counts[g, l] = popcount over layer l's words of OR ^ AND across the group_size samples of
 * group g (samples g*group_size ...): neurons whose sign is not the same at every vertex.
 * layer_offsets has layers + 1 entries (word offsets within a sample). */
GEOMLENS_API int geomlens_sign_changes(geomlens_context* ctx, const uint64_t* bits, int groups, int group_size,
                                       int words_per_sample, const int* layer_offsets, int layers,
                                       int64_t* counts);

/* float32 -> float64 and float64 -> float32 copies. */
GEOMLENS_API int geomlens_convert_f32_f64(geomlens_context* ctx, const float* x, double* y, int64_t count);
GEOMLENS_API int geomlens_convert_f64_f32(geomlens_context* ctx, const double* x, float* y, int64_t count);

#ifdef __cplusplus
}
#endif
#endif
