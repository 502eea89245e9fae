package io.geomlens.onnx;

import java.util.Map;

/**
 * How to read a model beyond its file: values for inputs other than the latent (a class label, a
 * timestep; one sample's worth, the same for the whole batch) and, for a model with several
 * outputs, the one to study (null: the model must have exactly one).
 */
public record ImportOptions(Map<String, double[]> fixed, String output) {
    public static final ImportOptions DEFAULTS = new ImportOptions(Map.of(), null);

    public ImportOptions {
        fixed = Map.copyOf(fixed);
    }

    public ImportOptions withFixed(Map<String, double[]> values) {
        return new ImportOptions(values, output);
    }

    public ImportOptions withOutput(String name) {
        return new ImportOptions(fixed, name);
    }
}
