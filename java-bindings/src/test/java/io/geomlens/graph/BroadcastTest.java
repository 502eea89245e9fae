package io.geomlens.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Broadcast.apply (dimensions merged into runs) against numpy's rule applied element by element:
 * each output index mapped to each operand's index on its own, with no merging.
 */
class BroadcastTest {
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(new int[] {2, 3}, new int[] {2, 3}), Arguments.of(new int[] {4, 5}, new int[] {1}),
                Arguments.of(new int[] {1}, new int[] {3, 2}), Arguments.of(new int[] {3, 4, 2, 2}, new int[] {1, 4, 2, 2}),
                Arguments.of(new int[] {3, 4, 2, 2}, new int[] {4, 1, 1}), Arguments.of(new int[] {3, 1, 5}, new int[] {1, 4, 1}),
                Arguments.of(new int[] {5}, new int[] {2, 3, 5}), Arguments.of(new int[] {2, 1, 3, 1}, new int[] {2, 4, 3, 6}),
                Arguments.of(new int[] {1, 1}, new int[] {1}), Arguments.of(new int[] {2, 3, 1}, new int[] {2, 3, 4}),
                Arguments.of(new int[] {0, 3}, new int[] {1, 3}));
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("shapes")
    void everyOpMatchesTheElementwiseRule(int[] sa, int[] sb) {
        SplittableRandom rnd = new SplittableRandom(sa.length * 10L + sb.length);
        Tensor a = random(rnd, sa);
        Tensor b = random(rnd, sb);
        DoubleBinaryOperator[] f = {Double::sum, (x, y) -> x - y, (x, y) -> x * y, (x, y) -> x / y};
        for (Elementwise.Kind op : Elementwise.Kind.values()) {
            Tensor got = Broadcast.apply(a, b, op);
            Tensor want = reference(a, b, f[op.ordinal()]);
            assertArrayEquals(want.shape(), got.shape(), op + " shape");
            assertArrayEquals(want.data(), got.data(), 0.0, op.toString());
        }
        DoubleBinaryOperator other = (x, y) -> Math.max(x, 2 * y);
        assertArrayEquals(reference(a, b, other).data(), Broadcast.apply(a, b, other).data(), 0.0, "a function");
    }

    @Test
    void shapesThatDoNotBroadcastAreRefused() {
        Tensor a = new Tensor(new int[] {2, 3}, new double[6]);
        Tensor b = new Tensor(new int[] {4}, new double[4]);
        assertThrows(ShapeException.class, () -> Broadcast.apply(a, b, Elementwise.Kind.ADD));
    }

    private static Tensor random(SplittableRandom rnd, int[] shape) {
        double[] d = new double[(int) Tensor.count(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble(0.5, 2) * (rnd.nextBoolean() ? 1 : -1);
        }
        return new Tensor(shape, d);
    }

    private static Tensor reference(Tensor a, Tensor b, DoubleBinaryOperator f) {
        int r = Math.max(a.shape().length, b.shape().length);
        int[] pa = pad(a.shape(), r);
        int[] pb = pad(b.shape(), r);
        int[] os = new int[r];
        for (int d = 0; d < r; d++) {
            os[d] = Math.max(pa[d], pb[d]) == 0 || pa[d] == 0 || pb[d] == 0 ? 0 : Math.max(pa[d], pb[d]);
        }
        double[] o = new double[(int) Tensor.count(os)];
        for (int i = 0; i < o.length; i++) {
            int rest = i;
            int ia = 0;
            int ib = 0;
            int ma = 1;
            int mb = 1;
            for (int d = r - 1; d >= 0; d--) {
                int id = rest % os[d];
                rest /= os[d];
                ia += (pa[d] == 1 ? 0 : id) * ma;
                ib += (pb[d] == 1 ? 0 : id) * mb;
                ma *= pa[d];
                mb *= pb[d];
            }
            o[i] = f.applyAsDouble(a.data()[ia], b.data()[ib]);
        }
        return new Tensor(os, o);
    }

    private static int[] pad(int[] s, int r) {
        int[] p = new int[r];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, r - s.length, s.length);
        return p;
    }
}
