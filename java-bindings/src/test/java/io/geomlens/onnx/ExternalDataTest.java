package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.testing.TorchExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose weights lie in a .data file beside the .onnx (torch.onnx.export(dynamo=True)'s default). */
class ExternalDataTest {
    @TempDir
    Path dir;

    private static double[] forward(Graph g, double[] z, int n) {
        return new CpuBackend(Precision.FLOAT64).load(g).forward(z, n);
    }

    /** Written by python's onnx (fixtures.py save_external): the same numbers as the one-file export. */
    @Test
    void onnxPythonsExternalDataReadsAsTheOneFileModel() throws IOException {
        Files.write(dir.resolve("conv-external.onnx"), TorchExport.bytes("conv-external.onnx"));
        Files.write(dir.resolve("conv-external.onnx.data"), TorchExport.bytes("conv-external.onnx.data"));
        TorchExport t = TorchExport.load("conv");
        Graph g = OnnxImporter.read(dir.resolve("conv-external.onnx"));
        double[] z = t.z().data();
        assertArrayEquals(forward(t.graph(), z, t.latents()), forward(g, z, t.latents()));
        assertClose(t.x().data(), forward(g, z, t.latents()), 1e-7, 1e-6, "conv-external vs torch");
    }

    @Test
    void dataInAFolderBesideTheModelAndAfterAHeader() throws IOException {
        ModelProto m = ModelProto.parseFrom(ModelZoo.dcgan(3, 6, 2, 3).toBytes());
        Files.createDirectories(dir.resolve("weights"));
        Files.write(dir.resolve("g.onnx"), external(m, "weights/g.bin", 100).toByteArray());
        Graph g = OnnxImporter.read(dir.resolve("g.onnx"));
        double[] z = io.geomlens.testing.Close.gaussian(new java.util.SplittableRandom(4), 12, 1);
        assertArrayEquals(forward(OnnxImporter.read(m.toByteArray(), "inline"), z, 2), forward(g, z, 2));
    }

    @Test
    void missingOrForeignDataFilesAreNamed() throws IOException {
        ModelProto m = ModelProto.parseFrom(ModelZoo.mlp(5, "Relu", 3, 8, 4).toBytes());
        Files.write(dir.resolve("a.onnx"), external(m, "a.onnx.data", 0).toByteArray());
        Files.delete(dir.resolve("a.onnx.data"));
        assertRejected("a.onnx", "'a.onnx.data', which is not in", "keep the data file beside the .onnx file");

        Files.write(dir.resolve("b.onnx"), external(m, "b.onnx.data", 0).toByteArray());
        Files.write(dir.resolve("b.onnx.data"), new byte[12]);   // another model's, shorter
        assertRejected("b.onnx", "of 'b.onnx.data', which has 12 bytes", "does not belong to this model");

        Path sub = Files.createDirectories(dir.resolve("m"));
        Files.write(sub.resolve("c.onnx"), external(m, "../c.onnx.data", 0).toByteArray());
        assertRejected("m/c.onnx", "outside the model's folder", "must lie beside the model");

        byte[] bytes = Files.readAllBytes(dir.resolve("b.onnx"));
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, "b.onnx"));
        assertTrue(e.getMessage().contains("read the model from its file"), e.getMessage());
    }

    private void assertRejected(String file, String... words) {
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(dir.resolve(file)));
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
        assertTrue(e.getMessage().startsWith(dir.resolve(file).toString()), e.getMessage());
    }

    /**
     * m with every initializer's bytes moved to dir/location, after `header` bytes, as the ONNX
     * external data spec lays them out (location, offset, length; raw little-endian data).
     */
    private ModelProto external(ModelProto m, String location, int header) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(new byte[header]);
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            byte[] raw = rawBytes(t);
            int offset = data.size();
            data.write(raw);
            g.setInitializer(i, t.toBuilder().clearRawData().clearFloatData().clearInt64Data()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(entry("location", location)).addExternalData(entry("offset", "" + offset))
                    .addExternalData(entry("length", "" + raw.length)));
        }
        Path file = dir.resolve(location.startsWith("../") ? location.substring(3) : location);
        Files.write(file, data.toByteArray());
        return m.toBuilder().setGraph(g).build();
    }

    /** The tensor's values as raw little-endian bytes of its type (float or int64 here). */
    private static byte[] rawBytes(TensorProto t) {
        double[] v = OnnxTensors.decode(t).data();
        boolean longs = t.getDataType() == TensorProto.DataType.INT64_VALUE;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * (longs ? 8 : 4))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            if (longs) {
                b.putLong((long) x);
            } else {
                b.putFloat((float) x);
            }
        }
        return b.array();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
