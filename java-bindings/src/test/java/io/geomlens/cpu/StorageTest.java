package io.geomlens.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphRunner;
import io.geomlens.graph.Precision;
import io.geomlens.graph.Tensor;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Float32 mode keeps every value between ops as float32; float64 mode keeps doubles. */
class StorageTest {
    @Test
    void valuesBetweenOpsAreStoredInThePrecision() {
        Graph g = OnnxImporter.read(ModelZoo.convDecoder(1, 8).toBytes(), "conv");
        double[] z = Close.gaussian(new SplittableRandom(2), 2 * 8, 1.0);
        for (Precision p : Precision.values()) {
            GraphRunner<Tensor> run = new GraphRunner<>(g, new CpuExecutor(p));
            List<Tensor> seen = new ArrayList<>();
            Tensor out = run.forward(p.store(new Tensor(run.inputShape(2), z.clone())), (layer, x) -> seen.add(x));
            assertEquals(3, seen.size());
            boolean f32 = p == Precision.FLOAT32;
            assertEquals(f32, out.isFloat32(), p.toString());
            seen.forEach(x -> assertEquals(f32, x.isFloat32(), p + " layer input"));
            Tensor t = run.jvp(p.store(new Tensor(run.inputShape(1), java.util.Arrays.copyOf(z, 8))),
                    p.store(new Tensor(run.inputShape(3), Close.gaussian(new SplittableRandom(3), 24, 1.0))));
            assertEquals(f32, t.isFloat32(), p + " tangents");
        }
        Tensor d = new Tensor(new int[] {3}, new double[] {0.1, 1e-9, 3});
        Tensor f = d.toFloat32();
        assertTrue(f.isFloat32());
        assertFalse(d.isFloat32());
        assertEquals((float) 0.1, f.data()[0], 0.0);
        assertEquals(f, f.toFloat32());
    }
}
