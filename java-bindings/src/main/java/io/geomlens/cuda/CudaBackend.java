package io.geomlens.cuda;

import io.geomlens.Backend;
import io.geomlens.GemmPeak;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.JacobianSpectra;
import io.geomlens.SignPattern;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphRunner;
import io.geomlens.graph.OpProfile;
import io.geomlens.graph.RowChunks;
import io.geomlens.graph.Tensor;
import io.geomlens.internal.ffi.OutOfDeviceMemoryException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The GPU backend: graphs run through libgeomlens (cuBLAS GEMMs and our kernels) in float32.
 * Weights are uploaded once per generator; each call's temporaries are freed when it returns.
 * Calls on one backend are serialized (one stream).
 */
public final class CudaBackend implements Backend {
    private final CudaContext cx;

    private CudaBackend(CudaContext cx) {
        this.cx = cx;
    }

    /** Opens the GPU; throws with the reason (library not loadable, no device, driver error). */
    public static CudaBackend open(int device) {
        return new CudaBackend(CudaContext.open(device));
    }

    public CudaContext context() {
        return cx;
    }

    @Override
    public String name() {
        return "cuda (" + cx.deviceName() + ", float32)";
    }

    /** Rejects, before any work, a graph with an op the GPU path does not implement. */
    @Override
    public Generator load(Graph graph) {
        for (Graph.Node node : graph.nodes()) {
            if (!CudaExecutor.supports(node.op())) {
                throw CudaExecutor.unsupported(node);
            }
        }
        return new CudaGenerator(graph, new DeviceCache(cx));
    }

    @Override
    public String gemmKernel() {
        return "cuBLAS SGEMM";
    }

    /** cuBLAS SGEMM, square sizes doubling up to 8192, through the same entry point as the layers (inputs zero: SGEMM's time does not depend on values). */
    @Override
    public GemmPeak measureGemmPeak() {
        // An H100 reaches 8192 in milliseconds; the kernel simulator stops at a few hundred.
        return GemmPeak.grow(1024, 8192, 200_000_000L, this::gemmPeakAt);
    }

    private GemmPeak gemmPeakAt(int n) {
        long bytes = 4L * n * n;
        try (DeviceBuffer a = cx.alloc(bytes); DeviceBuffer b = cx.alloc(bytes); DeviceBuffer c = cx.alloc(bytes)) {
            cx.lib().memsetZero(cx.handle(), a.pointer(), bytes);
            cx.lib().memsetZero(cx.handle(), b.pointer(), bytes);
            return GemmPeak.time(n, 5, () -> {
                cx.lib().gemm(cx.handle(), false, false, n, n, n, 1f, a.pointer(), 0, b.pointer(), 0, 0f, c.pointer(), 0,
                        1);
                cx.lib().synchronize(cx.handle());
            });
        }
    }

    @Override
    public void close() {
        cx.close();
    }

    private final class CudaGenerator implements Generator, JacobianSpectra {
        private final Graph graph;
        private final DeviceCache cache;
        private double[] identity;
        /** Tangent or cotangent rows per pass for one latent once all did not fit the device (0: all at once). */
        private volatile int rowChunk;

        CudaGenerator(Graph graph, DeviceCache cache) {
            this.graph = graph;
            this.cache = cache;
        }

        @Override
        public int latentDim() {
            return graph.latentDim();
        }

        @Override
        public int outputDim() {
            return graph.outputDim();
        }

        @Override
        public String backendName() {
            return name();
        }

        @Override
        public List<String> layerNames() {
            return graph.layerNames();
        }

        /** Runs body on the device under the context's lock; its temporaries are freed after. */
        private <R> R onDevice(java.util.function.BiFunction<CudaExecutor, GraphRunner<DeviceTensor>, R> body) {
            synchronized (cx) {
                try (CudaExecutor ex = new CudaExecutor(cx, cache)) {
                    return body.apply(ex, new GraphRunner<>(graph, ex));
                }
            }
        }

        @Override
        public double[] forward(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            return onDevice((ex, run) -> download(run.forward(ex.upload(z, run.inputShape(n)), null)));
        }

        @Override
        public double[] jvp(double[] z, double[] v, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("tangents", v, k, latentDim(), "latent dimension E");
            return fitted(v, k, latentDim(), outputDim(), (part, m) -> onDevice((ex, run) ->
                    download(run.jvp(ex.upload(z, run.inputShape(1)), ex.upload(part, run.inputShape(m))))));
        }

        @Override
        public double[] vjp(double[] z, double[] u, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("cotangents", u, k, outputDim(), "output dimension D");
            return fitted(u, k, outputDim(), latentDim(), (part, m) -> onDevice((ex, run) ->
                    download(run.vjp(ex.upload(z, run.inputShape(1)), ex.upload(part, run.outputShape(m))))));
        }

        /** f over count rows of one latent, in chunks of rows once they do not fit (see {@link #halving}). */
        private double[] fitted(double[] rows, int count, int width, int outWidth, RowChunks.Call f) {
            return halving(count, true, chunk -> RowChunks.map(rows, count, width, outWidth, chunk, f));
        }

        /**
         * attempt(chunk of rows): all count rows at once until that has run out of device memory,
         * then rowChunk at a time, halved on each further out-of-memory and remembered (the
         * device's free memory is what it is). Not `chunkable`: all rows, the error passed on.
         */
        private <R> R halving(int count, boolean chunkable, java.util.function.IntFunction<R> attempt) {
            while (true) {
                int chunk = chunkable && rowChunk > 0 ? Math.min(rowChunk, count) : count;
                try {
                    return attempt.apply(chunk);
                } catch (OutOfDeviceMemoryException oom) {
                    if (!chunkable || chunk == 1) {
                        throw oom;
                    }
                    rowChunk = (chunk + 1) / 2;
                }
            }
        }

        @Override
        public double[] jvpBatch(double[] z, int n, double[] v, int k) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            Inputs.matrix("tangents", v, k, latentDim(), "latent dimension E");
            return onDevice((ex, run) -> download(run.jvp(ex.upload(z, run.inputShape(n)),
                    ex.tile(ex.upload(v, run.inputShape(k)), n))));
        }

        @Override
        public double[] vjpBatch(double[] z, int n, double[] u, int k) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            Inputs.matrix("cotangents", u, k, outputDim(), "output dimension D");
            return onDevice((ex, run) -> download(run.vjp(ex.upload(z, run.inputShape(n)),
                    ex.tile(ex.upload(u, run.outputShape(k)), n))));
        }

        /**
         * One grouped pass for all n latents gives M_i (rows x cols, float32, on the device); then
         * the float64 Gram of its smaller side (M M^T or M^T M, r = min(rows, cols) square: the
         * projected route with E < k solves E x E, not k x k) and a batched eigen-solver; sigma =
         * sqrt of the r eigenvalues (clamped at 0: rounding can leave tiny negatives). A single
         * latent whose rows do not fit the device at once runs in chunks of rows, halved on each
         * out-of-memory and remembered (more latents: Descriptors halves their number first).
         */
        @Override
        public double[][] singularValues(double[] z, int n, double[] frame, int k) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            return halving(frame == null ? latentDim() : k, n == 1, chunk -> spectra(z, n, frame, k, chunk));
        }

        private double[][] spectra(double[] z, int n, double[] frame, int k, int chunk) {
            int e = latentDim();
            int d = outputDim();
            return onDevice((ex, run) -> {
                DeviceTensor zt = ex.upload(z, run.inputShape(n));
                int rows = frame == null ? e : k;
                int cols = frame == null ? d : e;
                // The frame W is fixed for a Descriptors run: upload it once (cached by identity).
                DeviceTensor seeds = frame == null ? cache.of(identity(), run.inputShape(e))
                        : cache.of(frame, run.outputShape(k));
                DeviceTensor m = chunk >= rows ? jacobianRows(run, zt, ex.tile(seeds, n), frame == null)
                        : jacobianInChunks(ex, run, zt, seeds, rows, cols, chunk, frame == null);
                int r = Math.min(rows, cols);   // the native Gram is of the smaller side: r x r
                MemorySegment gram = ex.allocDoubles((long) n * r * r);
                MemorySegment eig = ex.allocDoubles((long) n * r);
                double[] ev = OpProfile.measure("Gram + eigen-solver", "float64", () -> cx.lib().synchronize(cx.handle()),
                        () -> {
                            cx.lib().gramF64(cx.handle(), m.pointer(), rows, cols, n, gram);
                            cx.lib().syevBatchedF64(cx.handle(), gram, r, n, eig);
                            return cx.downloadDoubles(eig, n * r);
                        });
                double[][] out = new double[n][r];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < r; j++) {
                        out[i][j] = Math.sqrt(Math.max(0, ev[i * r + r - 1 - j]));
                    }
                }
                return out;
            });
        }

        /** M for every latent in one pass: J V (exact route: the tangents V = I) or U J (projected: U = W). */
        private static DeviceTensor jacobianRows(GraphRunner<DeviceTensor> run, DeviceTensor zt, DeviceTensor seeds,
                                                 boolean exact) {
            return exact ? run.jvp(zt, seeds) : run.vjp(zt, seeds);
        }

        /** M (rows x cols) of one latent, `chunk` of its seed rows per pass, each pass's output copied in. */
        private DeviceTensor jacobianInChunks(CudaExecutor ex, GraphRunner<DeviceTensor> run, DeviceTensor zt,
                                              DeviceTensor seeds, int rows, int cols, int chunk, boolean exact) {
            DeviceTensor m = ex.alloc(new int[] {rows, cols});
            long width = seeds.rowSize();
            for (int r0 = 0; r0 < rows; r0 += chunk) {
                int c = Math.min(chunk, rows - r0);
                int[] shape = seeds.shape();
                shape[0] = c;
                DeviceTensor part = jacobianRows(run, zt,
                        new DeviceTensor(shape, DeviceTensor.offset(seeds.pointer(), r0 * width)), exact);
                long count = (long) c * cols;
                cx.lib().copy2d(cx.handle(), DeviceTensor.offset(m.pointer(), (long) r0 * cols), count, part.pointer(),
                        count, count, 1);
                Object buffer = ex.bufferOf(part);   // none when the graph hands back its seeds (an identity)
                if (buffer != null) {
                    ex.releaseBuffer(buffer);
                }
            }
            return m;
        }

        /**
         * Half the free device memory over one latent's footprint: every value of the graph for
         * each of its rows, four times over (primal repeated per row, tangent, temporaries).
         */
        @Override
        public int latentsPerCall(int rowsPerLatent) {
            long floats = Tensor.count(graph.inputShape());
            for (Graph.Node node : graph.nodes()) {
                int[] s = graph.valueShape(node.output());
                floats += s == null ? 0 : Tensor.count(s);
            }
            long bytes = 16L * floats * Math.max(1, rowsPerLatent);
            long free = cx.memInfo()[0];
            return (int) Math.max(1, Math.min(4096, free / 2 / Math.max(1, bytes)));
        }

        @Override
        public SignPattern preActivationSigns(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            SignPattern signs = SignPattern.allocate(graph.layerNames(), graph.layerWidths(), n);
            long[] host = onDevice((ex, run) -> {
                MemorySegment words = ex.zeroWords(signs.bits().length);
                run.forward(ex.upload(z, run.inputShape(n)), (layer, x) -> cx.lib().signBits(cx.handle(),
                        x.pointer(), words, n, x.rowSize(), signs.wordsPerSample(), signs.wordOffsets()[layer]));
                return cx.downloadLongs(words, signs.bits().length);
            });
            System.arraycopy(host, 0, signs.bits(), 0, host.length);
            return signs;
        }

        /** The E x E identity (the exact route's tangents), made once so the device cache keeps one copy. */
        private double[] identity() {
            if (identity == null) {
                int e = latentDim();
                identity = new double[e * e];
                for (int i = 0; i < e; i++) {
                    identity[i * e + i] = 1;
                }
            }
            return identity;
        }

        private double[] download(DeviceTensor t) {
            return cx.downloadFloats(t.pointer(), (int) Tensor.count(t.shape()));
        }

        @Override
        public void close() {
            synchronized (cx) {
                cache.close();
            }
        }
    }
}
