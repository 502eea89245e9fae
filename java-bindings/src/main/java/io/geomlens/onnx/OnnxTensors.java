package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.graph.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** TensorProto <-> {@link Tensor}: float, double, (b)float16, int32, int64, bool and bytes, raw or typed data. */
final class OnnxTensors {
    private OnnxTensors() {}

    static Tensor decode(TensorProto t) {
        if (ExternalData.external(t)) {   // the model came as bytes, not from its file
            throw new OnnxImportException("tensor '" + t.getName() + "' is stored as external data (in '"
                    + ExternalData.location(t) + "'); read the model from its file, next to that one, or save it"
                    + " as one file (onnx.save(model, path, save_as_external_data=False))");
        }
        int[] shape = new int[t.getDimsCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.toIntExact(t.getDims(i));
        }
        int n = (int) Tensor.count(shape);
        double[] d = new double[n];
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = raw.remaining() > 0;
        int type = t.getDataType();
        switch (type) {
            case TensorProto.DataType.FLOAT_VALUE -> {
                check(t, hasRaw ? raw.remaining() / 4 : t.getFloatDataCount(), n);
                for (int i = 0; i < n; i++) {
                    d[i] = hasRaw ? raw.getFloat() : t.getFloatData(i);
                }
            }
            case TensorProto.DataType.DOUBLE_VALUE -> {
                check(t, hasRaw ? raw.remaining() / 8 : t.getDoubleDataCount(), n);
                for (int i = 0; i < n; i++) {
                    d[i] = hasRaw ? raw.getDouble() : t.getDoubleData(i);
                }
            }
            case TensorProto.DataType.FLOAT16_VALUE -> {
                check(t, hasRaw ? raw.remaining() / 2 : t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    d[i] = Float.float16ToFloat(hasRaw ? raw.getShort() : (short) t.getInt32Data(i));
                }
            }
            case TensorProto.DataType.BFLOAT16_VALUE -> {   // the top 16 bits of a float32
                check(t, hasRaw ? raw.remaining() / 2 : t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    int bits = (hasRaw ? raw.getShort() : t.getInt32Data(i)) & 0xffff;
                    d[i] = Float.intBitsToFloat(bits << 16);
                }
            }
            case TensorProto.DataType.INT64_VALUE -> {
                check(t, hasRaw ? raw.remaining() / 8 : t.getInt64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    d[i] = hasRaw ? raw.getLong() : t.getInt64Data(i);
                }
            }
            case TensorProto.DataType.BOOL_VALUE, TensorProto.DataType.UINT8_VALUE,
                 TensorProto.DataType.INT8_VALUE -> {
                check(t, hasRaw ? raw.remaining() : t.getInt32DataCount(), n);   // torch's folded masks
                boolean signed = type == TensorProto.DataType.INT8_VALUE;
                for (int i = 0; i < n; i++) {
                    int v = hasRaw ? raw.get() : t.getInt32Data(i);
                    d[i] = signed ? (byte) v : v & 0xff;
                }
            }
            case TensorProto.DataType.INT32_VALUE -> {
                check(t, hasRaw ? raw.remaining() / 4 : t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    d[i] = hasRaw ? raw.getInt() : t.getInt32Data(i);
                }
            }
            default -> throw new OnnxImportException("tensor '" + t.getName() + "' has data type "
                    + TensorProto.DataType.forNumber(type) + "; geomlens reads FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32,"
                    + " INT64, BOOL, UINT8, INT8");
        }
        return new Tensor(shape, d);
    }

    private static void check(TensorProto t, int have, int want) {
        if (have != want) {
            throw new OnnxImportException("tensor '" + t.getName() + "' holds " + have + " values but its dims"
                    + " say " + want);
        }
    }

    static TensorProto floats(String name, int[] shape, float[] data) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (int d : shape) {
            b.addDims(d);
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            buf.putFloat(f);
        }
        return b.setRawData(com.google.protobuf.ByteString.copyFrom(buf.array())).build();
    }

    /** A 0-d int64 tensor (torch's index constants for Gather on shapes). */
    static TensorProto scalarLong(String name, long v) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(v)
                .build();
    }

    static TensorProto longs(String name, long[] data) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(data.length).addAllInt64Data(java.util.Arrays.stream(data).boxed().toList()).build();
    }
}
