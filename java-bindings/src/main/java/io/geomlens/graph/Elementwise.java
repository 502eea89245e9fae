package io.geomlens.graph;

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
        return Broadcast.apply(x[0], x[1], kind);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        Tensor ta = t[0];
        Tensor tb = t[1];
        return switch (kind) {
            case ADD -> ta == null ? tb : tb == null ? ta : Broadcast.apply(ta, tb, Kind.ADD);
            case SUB -> tb == null ? ta : ta == null ? Broadcast.apply(tb, Tensor.scalar(-1), Kind.MUL)
                    : Broadcast.apply(ta, tb, Kind.SUB);
            case MUL -> sum(ta == null ? null : Broadcast.apply(ta, x[1], Kind.MUL),
                    tb == null ? null : Broadcast.apply(tb, x[0], Kind.MUL));
            // d(a/b) = (da - y db) / b
            case DIV -> {
                Tensor ytb = tb == null ? null : Broadcast.apply(tb, y, Kind.MUL);
                Tensor num = ytb == null ? ta
                        : ta == null ? Broadcast.apply(ytb, Tensor.scalar(-1), Kind.MUL)
                        : Broadcast.apply(ta, ytb, Kind.SUB);
                yield Broadcast.apply(num, x[1], Kind.DIV);
            }
        };
    }

    private static Tensor sum(Tensor a, Tensor b) {
        return a == null ? b : b == null ? a : Broadcast.apply(a, b, Kind.ADD);
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
                case SUB -> i == 0 ? gy : Broadcast.apply(gy, Tensor.scalar(-1), Kind.MUL);
                case MUL -> Broadcast.apply(gy, x[1 - i], Kind.MUL);
                case DIV -> i == 0 ? Broadcast.apply(gy, x[1], Kind.DIV)
                        : Broadcast.apply(Broadcast.apply(gy, y, (a, b) -> -a * b), x[1], Kind.DIV);
            };
            g[i] = Broadcast.reduceTo(local, x[i].shapeWithBatch(k));
        }
        return g;
    }
}
