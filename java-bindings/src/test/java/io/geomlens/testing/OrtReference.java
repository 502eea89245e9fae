package io.geomlens.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime as the independent forward reference. */
public final class OrtReference {
    private OrtReference() {}

    /** Runs the model on n inputs of the given per-sample shape; returns the flat float output. */
    public static float[] run(byte[] model, float[] input, int n, int... sampleShape) throws OrtException {
        return run(model, input, n, sampleShape, null, 0, null);
    }

    /** Runs a model with a latent (first) input and an int64 [N] input holding the same label for every sample. */
    public static float[] runWithLabel(byte[] model, float[] input, int n, int[] sampleShape, String labelName,
                                       long label) throws OrtException {
        return run(model, input, n, sampleShape, labelName, label, null);
    }

    /** Runs the model and returns the named output (for models with several). */
    public static float[] runOutput(byte[] model, float[] input, int n, int[] sampleShape, String output)
            throws OrtException {
        return run(model, input, n, sampleShape, null, 0, output);
    }

    /** The latent is the session's first input; labelName (if not null) gets label per sample. */
    private static float[] run(byte[] model, float[] input, int n, int[] sampleShape, String labelName, long label,
                               String output) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // One thread: the same sums in the same order on every run (ONNX Runtime 1.29's threaded
            // kernels moved the VAE decoder's outputs by up to 1e-6 between runs).
            options.setIntraOpNumThreads(1);
            return run(env, env.createSession(model, options), input, shape, labelName, label, output);
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession session, float[] input, long[] shape, String labelName,
                               long label, String output) throws OrtException {
        int n = (int) shape[0];
        long[] labels = new long[n];
        java.util.Arrays.fill(labels, label);
        try (OrtSession s = session;
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OnnxTensor l = OnnxTensor.createTensor(env, LongBuffer.wrap(labels), new long[] {n})) {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            feeds.put(s.getInputNames().iterator().next(), t);
            if (labelName != null) {
                feeds.put(labelName, l);
            }
            try (OrtSession.Result r = s.run(feeds)) {
                OnnxTensor out = (OnnxTensor) (output == null ? r.get(0) : r.get(output).orElseThrow());
                FloatBuffer fb = out.getFloatBuffer();
                float[] o = new float[fb.remaining()];
                fb.get(o);
                return o;
            }
        }
    }
}
