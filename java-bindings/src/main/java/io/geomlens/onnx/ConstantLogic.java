package io.geomlens.onnx;

import io.geomlens.graph.Broadcast;
import io.geomlens.graph.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Comparisons, logic and rounding of constants, folded at import: masks that attention code builds
 * in forward from the sequence length (mask_cond < (mask_cond + 1).view(L, 1), ~mask, a & b) and
 * size arithmetic (floor, ceil, mod). Booleans are 0 / 1. On latent-dependent values they are refused.
 */
final class ConstantLogic {
    static final Set<String> OPS = Set.of("Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or",
            "Xor", "Floor", "Ceil", "Round", "Sign", "Mod");
    /** Ops whose result is boolean (an integer type for IntegerValues). */
    static final Set<String> BOOLEAN = Set.of("Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And",
            "Or", "Xor");

    private ConstantLogic() {}

    static Tensor fold(String op, List<Tensor> in, boolean fmod, String where) {
        for (Tensor t : in) {
            if (Arrays.stream(t.data()).anyMatch(ShapeFolding::isBatch)) {
                throw new OnnxImportException(where + ": " + op + " of the batch size is not supported");
            }
        }
        return switch (op) {
            case "Greater" -> binary(in, (p, q) -> p > q ? 1 : 0);
            case "Less" -> binary(in, (p, q) -> p < q ? 1 : 0);
            case "GreaterOrEqual" -> binary(in, (p, q) -> p >= q ? 1 : 0);
            case "LessOrEqual" -> binary(in, (p, q) -> p <= q ? 1 : 0);
            case "And" -> binary(in, (p, q) -> p != 0 && q != 0 ? 1 : 0);
            case "Or" -> binary(in, (p, q) -> p != 0 || q != 0 ? 1 : 0);
            case "Xor" -> binary(in, (p, q) -> (p != 0) != (q != 0) ? 1 : 0);
            case "Not" -> unary(in.get(0), v -> v == 0 ? 1 : 0);
            case "Floor" -> unary(in.get(0), Math::floor);
            case "Ceil" -> unary(in.get(0), Math::ceil);
            case "Round" -> unary(in.get(0), Math::rint);   // half to even, as ONNX
            case "Sign" -> unary(in.get(0), Math::signum);
            case "Mod" -> binary(in, fmod ? (p, q) -> p % q   // C fmod: the sign of the dividend
                    : (p, q) -> p - q * Math.floor(p / q));   // Python's %: the sign of the divisor
            default -> throw new IllegalArgumentException(op);
        };
    }

    private static Tensor binary(List<Tensor> in, DoubleBinaryOperator f) {
        return Broadcast.apply(in.get(0), in.get(1), f);
    }

    private static Tensor unary(Tensor t, DoubleUnaryOperator f) {
        double[] d = t.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(d[i]);
        }
        return new Tensor(t.shape(), d);
    }
}
