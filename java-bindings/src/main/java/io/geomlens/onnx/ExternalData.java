package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Tensors saved beside the model (ONNX external data: "location", "offset", "length" keys), read
 * into it. torch.onnx.export(dynamo=True), the default from torch 2.9, writes the weights to
 * model.onnx.data unless external_data=False; onnx.save(..., save_as_external_data=True) too.
 */
final class ExternalData implements AutoCloseable {
    private final Path dir;
    private final Map<Path, FileChannel> open = new HashMap<>();

    private ExternalData(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The model with every external initializer and Constant tensor read from files in dir. */
    static ModelProto inline(ModelProto model, Path dir) throws IOException {
        if (!uses(model.getGraph())) {
            return model;
        }
        try (ExternalData data = new ExternalData(dir)) {
            GraphProto.Builder g = model.getGraph().toBuilder();
            for (int i = 0; i < g.getInitializerCount(); i++) {
                g.setInitializer(i, data.resolve(g.getInitializer(i)));
            }
            for (int i = 0; i < g.getNodeCount(); i++) {
                NodeProto n = g.getNode(i);
                for (int j = 0; j < n.getAttributeCount(); j++) {
                    AttributeProto a = n.getAttribute(j);
                    if (a.hasT() && external(a.getT())) {
                        g.setNode(i, g.getNode(i).toBuilder().setAttribute(j,
                                a.toBuilder().setT(data.resolve(a.getT()))));
                    }
                }
            }
            return model.toBuilder().setGraph(g).build();
        }
    }

    static boolean external(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** The file an external tensor names, for messages. */
    static String location(TensorProto t) {
        return entries(t).getOrDefault("location", "?");
    }

    private static boolean uses(GraphProto g) {
        return g.getInitializerList().stream().anyMatch(ExternalData::external)
                || g.getNodeList().stream().flatMap(n -> n.getAttributeList().stream())
                        .anyMatch(a -> a.hasT() && external(a.getT()));
    }

    private TensorProto resolve(TensorProto t) throws IOException {
        if (!external(t)) {
            return t;
        }
        Map<String, String> e = entries(t);
        String where = "tensor '" + t.getName() + "'";
        String location = e.get("location");
        if (location == null) {
            throw new OnnxImportException(where + " is marked as external data but names no location");
        }
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir)) {
            throw new OnnxImportException(where + " is stored in '" + location + "', outside the model's folder "
                    + dir + "; external data must lie beside the model");
        }
        FileChannel ch = channel(file, where, location);
        long size = ch.size();
        long offset = number(e, "offset", 0, where);
        long length = number(e, "length", size - offset, where);
        if (offset < 0 || length < 0 || offset + length > size || length > Integer.MAX_VALUE - 8) {
            throw new OnnxImportException(where + " is stored at bytes " + offset + ".." + (offset + length)
                    + " of '" + location + "', which has " + size + " bytes; the data file does not belong to"
                    + " this model (export it again, or save it as one file)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new IOException(file + " ended while reading " + where);
            }
        }
        return t.toBuilder().clearExternalData().setDataLocation(TensorProto.DataLocation.DEFAULT)
                .setRawData(ByteString.copyFrom(buf.flip())).build();
    }

    private FileChannel channel(Path file, String where, String location) throws IOException {
        FileChannel ch = open.get(file);
        if (ch == null) {
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException ex) {
                throw new OnnxImportException(where + " is stored in '" + location + "', which is not in " + dir
                        + "; keep the data file beside the .onnx file (torch.onnx.export writes both), or export"
                        + " with external_data=False", ex);
            }
            open.put(file, ch);
        }
        return ch;
    }

    private static Map<String, String> entries(TensorProto t) {
        Map<String, String> m = new HashMap<>();
        for (StringStringEntryProto kv : t.getExternalDataList()) {
            m.put(kv.getKey(), kv.getValue());
        }
        return m;
    }

    private static long number(Map<String, String> e, String key, long dflt, String where) {
        String v = e.get(key);
        try {
            return v == null || v.isEmpty() ? dflt : Long.parseLong(v.trim());
        } catch (NumberFormatException ex) {
            throw new OnnxImportException(where + ": external data " + key + " '" + v + "' is not a number");
        }
    }

    @Override
    public void close() throws IOException {
        for (FileChannel ch : open.values()) {
            ch.close();
        }
    }
}
