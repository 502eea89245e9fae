package io.geomlens;

import java.util.List;

/**
 * Bit-packed pre-activation signs (bit set when x > 0) of every nonlinearity input, for a batch
 * of samples. Each layer starts on a 64-bit word boundary so per-layer popcounts need no masks;
 * padding bits are zero in every sample.
 */
public record SignPattern(List<String> layers, int[] widths, int[] wordOffsets, int wordsPerSample,
                          int samples, long[] bits) {

    public static SignPattern allocate(List<String> layers, int[] widths, int samples) {
        int[] off = new int[widths.length + 1];
        for (int l = 0; l < widths.length; l++) {
            off[l + 1] = off[l] + (widths[l] + 63) / 64;
        }
        return new SignPattern(List.copyOf(layers), widths.clone(), off, off[widths.length], samples,
                new long[Math.multiplyExact(off[widths.length], samples)]);
    }

    public boolean positive(int sample, int layer, int neuron) {
        long w = bits[sample * wordsPerSample + wordOffsets[layer] + neuron / 64];
        return (w >>> (neuron % 64) & 1L) != 0;
    }

    public void set(int sample, int layer, int neuron) {
        bits[sample * wordsPerSample + wordOffsets[layer] + neuron / 64] |= 1L << (neuron % 64);
    }

    /**
     * Per layer, the neurons whose sign is not the same in all samples [first, first + count):
     * popcount(OR ^ AND) over the group, word by word.
     */
    public long[] changedPerLayer(int first, int count) {
        long[] changed = new long[widths.length];
        for (int l = 0; l < widths.length; l++) {
            for (int w = wordOffsets[l]; w < wordOffsets[l + 1]; w++) {
                long or = 0L;
                long and = -1L;
                for (int s = first; s < first + count; s++) {
                    long v = bits[s * wordsPerSample + w];
                    or |= v;
                    and &= v;
                }
                changed[l] += Long.bitCount(or ^ and);
            }
        }
        return changed;
    }
}
