package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.graph.Tensor;
import java.util.HashSet;
import java.util.Set;

/**
 * Which values of the model have an integer ONNX type. Constants are held as doubles, but shape
 * arithmetic is integer arithmetic: torch's x.chunk(3, -1) computes its slice width as
 * (size + 2) / 3 in int64, which must truncate. The importer truncates every folded integer constant.
 */
final class IntegerValues {
    private final Set<String> names = new HashSet<>();

    static boolean integerType(int onnxType) {
        return switch (TensorProto.DataType.forNumber(onnxType)) {
            case INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64, UINT64, BOOL -> true;
            case null, default -> false;
        };
    }

    /** FLOAT, FLOAT16, DOUBLE, BFLOAT16: the types geomlens computes in its own precision. */
    static boolean floatType(long onnxType) {
        return onnxType == TensorProto.DataType.FLOAT_VALUE || onnxType == TensorProto.DataType.FLOAT16_VALUE
                || onnxType == TensorProto.DataType.DOUBLE_VALUE || onnxType == TensorProto.DataType.BFLOAT16_VALUE;
    }

    void add(String name) {
        names.add(name);
    }

    boolean contains(String name) {
        return names.contains(name);
    }

    /**
     * Records whether node n's first output is an integer: by definition for Shape, Equal, Cast and
     * Constant; otherwise ONNX's ops keep their data input's type (Where: the values, input 1).
     */
    boolean record(NodeProto n) {
        Attributes a = new Attributes(n);
        boolean integer = switch (n.getOpType()) {
            case "Shape", "Size", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or",
                 "Xor" -> true;
            case "Cast" -> integerType((int) a.integer("to", TensorProto.DataType.FLOAT_VALUE));
            case "Constant" -> a.has("value_int") || a.has("value_ints")
                    || a.has("value") && integerType(a.raw("value").getT().getDataType());
            case "ConstantOfShape" -> a.has("value") && integerType(a.raw("value").getT().getDataType());
            case "Where" -> n.getInputCount() > 1 && names.contains(n.getInput(1));
            default -> n.getInputCount() > 0 && names.contains(n.getInput(0));
        };
        if (integer && n.getOutputCount() > 0) {
            names.add(n.getOutput(0));
        }
        return integer;
    }

    /** The values truncated toward zero (integer Div, a Cast of a float to an integer type), or t when whole. */
    static Tensor truncated(Tensor t) {
        double[] d = t.data();
        boolean whole = true;
        for (double v : d) {
            whole &= v == Math.rint(v) || Double.isInfinite(v);
        }
        if (whole) {
            return t;
        }
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i] < 0 ? Math.ceil(d[i]) : Math.floor(d[i]);
        }
        return new Tensor(t.shape(), out);
    }
}
