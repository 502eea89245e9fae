package io.geomlens.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.graph.RowFootprint;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import io.geomlens.testing.TestModels;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A call with more rows than fit the backend's memory budget runs in chunks of rows, with the
 * same numbers as one walk over all of them: rows never interact (the primal is shared).
 */
class RowChunksTest {
    static Stream<Arguments> models() {
        return TestModels.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void chunkedCallsEqualOneWalk(String name, OnnxModelBuilder model) {
        SplittableRandom rnd = new SplittableRandom(7);
        Graph g = OnnxImporter.read(model.toBytes(), name);
        {
            for (Precision p : Precision.values()) {
                long perRow = RowFootprint.of(g).bytes(p == Precision.FLOAT32 ? 4 : 8);
                try (Generator whole = new CpuBackend(p, Long.MAX_VALUE).load(g);
                     Generator twoRows = new CpuBackend(p, 2 * perRow).load(g)) {
                    int e = g.latentDim();
                    int d = g.outputDim();
                    double[] z = Close.gaussian(rnd, 5 * e, 1.0);
                    double[] z1 = Arrays.copyOf(z, e);
                    double[] v = Close.gaussian(rnd, 5 * e, 1.0);
                    double[] u = Close.gaussian(rnd, 5 * d, 1.0);
                    String at = name + " " + p;
                    assertArrayEquals(whole.forward(z, 5), twoRows.forward(z, 5), at + " forward");
                    assertArrayEquals(whole.jvp(z1, v, 5), twoRows.jvp(z1, v, 5), at + " jvp");
                    assertArrayEquals(whole.vjp(z1, u, 5), twoRows.vjp(z1, u, 5), at + " vjp");
                    assertArrayEquals(whole.preActivationSigns(z, 5).bits(), twoRows.preActivationSigns(z, 5).bits(),
                            at + " signs");
                }
            }
        }
    }

    @Test
    void footprintCountsTheValuesAliveTogether() {
        // conv decoder 1 -> 8 latent: its widest point holds the last conv's input and output at once
        Graph g = OnnxImporter.read(ModelZoo.convDecoder(1, 8).toBytes(), "conv");
        RowFootprint f = RowFootprint.of(g);
        long largest = 0;
        long sum = 0;
        for (Graph.Node n : g.nodes()) {
            long c = io.geomlens.graph.Tensor.count(g.valueShape(n.output()));
            largest = Math.max(largest, c);
            sum += c;
        }
        assertEquals(largest, f.largestValue());
        assertTrue(f.liveElements() >= largest && f.liveElements() < sum,
                "live " + f.liveElements() + " between the largest value " + largest + " and all values " + sum);
    }
}
