package io.geomlens.cuda;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.SignPattern;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphRunner;
import io.geomlens.graph.Tensor;
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

    @Override
    public Generator load(Graph graph) {
        return new CudaGenerator(graph, new DeviceCache(cx));
    }

    @Override
    public void close() {
        cx.close();
    }

    private final class CudaGenerator implements Generator {
        private final Graph graph;
        private final DeviceCache cache;

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

        @Override
        public double[] forward(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            synchronized (cx) {
                try (CudaExecutor ex = new CudaExecutor(cx, cache)) {
                    GraphRunner<DeviceTensor> run = new GraphRunner<>(graph, ex);
                    return download(run.forward(ex.upload(z, run.inputShape(n)), null));
                }
            }
        }

        @Override
        public double[] jvp(double[] z, double[] v, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("tangents", v, k, latentDim(), "latent dimension E");
            synchronized (cx) {
                try (CudaExecutor ex = new CudaExecutor(cx, cache)) {
                    GraphRunner<DeviceTensor> run = new GraphRunner<>(graph, ex);
                    return download(run.jvp(ex.upload(z, run.inputShape(1)), ex.upload(v, run.inputShape(k))));
                }
            }
        }

        @Override
        public double[] vjp(double[] z, double[] u, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("cotangents", u, k, outputDim(), "output dimension D");
            synchronized (cx) {
                try (CudaExecutor ex = new CudaExecutor(cx, cache)) {
                    GraphRunner<DeviceTensor> run = new GraphRunner<>(graph, ex);
                    return download(run.vjp(ex.upload(z, run.inputShape(1)), ex.upload(u, run.outputShape(k))));
                }
            }
        }

        @Override
        public SignPattern preActivationSigns(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            SignPattern signs = SignPattern.allocate(graph.layerNames(), graph.layerWidths(), n);
            synchronized (cx) {
                try (CudaExecutor ex = new CudaExecutor(cx, cache)) {
                    GraphRunner<DeviceTensor> run = new GraphRunner<>(graph, ex);
                    MemorySegment words = ex.zeroWords(signs.bits().length);
                    run.forward(ex.upload(z, run.inputShape(n)), (layer, x) -> cx.lib().signBits(cx.handle(),
                            x.pointer(), words, n, x.rowSize(), signs.wordsPerSample(), signs.wordOffsets()[layer]));
                    long[] host = cx.downloadLongs(words, signs.bits().length);
                    System.arraycopy(host, 0, signs.bits(), 0, host.length);
                }
            }
            return signs;
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
