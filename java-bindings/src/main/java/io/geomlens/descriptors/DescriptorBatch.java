package io.geomlens.descriptors;

import java.util.List;

/**
 * Descriptors of a batch of latents with everything needed to reproduce them: the route taken,
 * the projection size k (0 for exact), the options (seeds included) and the layer names of delta.
 */
public record DescriptorBatch(Route route, int k, DescriptorOptions options, List<String> layers,
                              List<LatentDescriptors> latents) {
    public DescriptorBatch {
        layers = List.copyOf(layers);
        latents = List.copyOf(latents);
    }
}
