package io.geomlens.graph;

import io.geomlens.graph.Broadcast.Arith;

/** Add, Sub, Mul, Div with broadcasting; cotangents are summed back over broadcast dimensions. */
public final class Elementwise implements Op {
    public enum Kind { ADD, SUB, MUL, DIV }

    private final Kind kind;

    public Elementwise(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        return switch (kind) {
            case ADD -> Broadcast.apply(x[0], x[1], Arith.ADD);
            case SUB -> Broadcast.apply(x[0], x[1], Arith.SUB);
            case MUL -> Broadcast.apply(x[0], x[1], Arith.MUL);
            case DIV -> Broadcast.apply(x[0], x[1], Arith.DIV);
        };
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        Tensor ta = t[0];
        Tensor tb = t[1];
        return switch (kind) {
            case ADD -> ta == null ? tb : tb == null ? ta : Broadcast.apply(ta, tb, Arith.ADD);
            case SUB -> tb == null ? ta : ta == null ? Broadcast.apply(tb, Tensor.scalar(-1), Arith.MUL)
                    : Broadcast.apply(ta, tb, Arith.SUB);
            case MUL -> sum(ta == null ? null : Broadcast.apply(ta, x[1], Arith.MUL),
                    tb == null ? null : Broadcast.apply(tb, x[0], Arith.MUL));
            // d(a/b) = (da - y db) / b
            case DIV -> {
                Tensor ytb = tb == null ? null : Broadcast.apply(tb, y, Arith.MUL);
                Tensor num = ytb == null ? ta
                        : ta == null ? Broadcast.apply(ytb, Tensor.scalar(-1), Arith.MUL)
                        : Broadcast.apply(ta, ytb, Arith.SUB);
                yield Broadcast.apply(num, x[1], Arith.DIV);
            }
        };
    }

    private static Tensor sum(Tensor a, Tensor b) {
        return a == null ? b : b == null ? a : Broadcast.apply(a, b, Arith.ADD);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        Tensor[] g = new Tensor[2];
        int k = gy.dim(0);
        for (int i = 0; i < 2; i++) {
            if (!needs[i]) {
                continue;
            }
            Tensor local = switch (kind) {
                case ADD -> gy;
                case SUB -> i == 0 ? gy : Broadcast.apply(gy, Tensor.scalar(-1), Arith.MUL);
                case MUL -> Broadcast.apply(gy, x[1 - i], Arith.MUL);
                case DIV -> i == 0 ? Broadcast.apply(gy, x[1], Arith.DIV)
                        : Broadcast.apply(Broadcast.apply(gy, y, (a, b) -> -a * b), x[1], Arith.DIV);
            };
            g[i] = Broadcast.reduceTo(local, x[i].shapeWithBatch(k));
        }
        return g;
    }
}
