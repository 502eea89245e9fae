package io.geomlens.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;

/** ONNX Runtime as the independent forward reference. */
public final class OrtReference {
    private OrtReference() {}

    /** Runs a model with a latent input and an int64 [N] input holding the same label for every sample. */
    public static float[] runWithLabel(byte[] model, String latent, float[] input, int n, int[] sampleShape,
                                       String labelName, long label) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        long[] labels = new long[n];
        java.util.Arrays.fill(labels, label);
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OnnxTensor l = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(labels), new long[] {n});
             OrtSession.Result r = s.run(java.util.Map.of(latent, t, labelName, l))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] o = new float[fb.remaining()];
            fb.get(o);
            return o;
        }
    }

    /** Runs the model and returns the named output (for models with several). */
    public static float[] runOutput(byte[] model, float[] input, int n, int[] sampleShape, String output)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = s.run(java.util.Map.of(s.getInputNames().iterator().next(), t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer();
            float[] o = new float[fb.remaining()];
            fb.get(o);
            return o;
        }
    }

    /** Runs the model on n inputs of the given per-sample shape; returns the flat float output. */
    public static float[] run(byte[] model, float[] input, int n, int... sampleShape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < sampleShape.length; i++) {
            shape[i + 1] = sampleShape[i];
        }
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = s.run(java.util.Map.of(s.getInputNames().iterator().next(), t))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            FloatBuffer fb = out.getFloatBuffer();
            float[] o = new float[fb.remaining()];
            fb.get(o);
            return o;
        }
    }
}
