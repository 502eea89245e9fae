package io.geomlens.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A generator as a topologically ordered list of nodes over numbered values. Each value is either
 * a constant (weights, folded at build time) or a variable carrying the batch in dimension 0.
 * The builder evaluates every node on a zero latent as it is added, which checks every shape and
 * fixes the output shape and the widths of the nonlinearity layers.
 */
public final class Graph {
    /** One op application; inputs and output are value ids. */
    public record Node(String name, String opType, Op op, int[] inputs, int output) {
        public String describe(int opset) {
            return "node '" + name + "' (" + opType + ", opset " + opset + ")";
        }
    }

    private final List<Node> nodes;
    private final Tensor[] constants;
    private final String[] valueNames;
    private final int input;
    private final int output;
    private final int[] inputShape;
    private final int opset;
    /** Shape of every latent-dependent value on a batch-1 latent (null for constants). */
    private final int[][] shapes;
    private final int[] outputShape;
    private final int[] layerWidths;
    private final String[] layerNames;

    private Graph(Builder b) {
        this(List.copyOf(b.nodes), b.constants.toArray(new Tensor[0]), b.names.toArray(new String[0]), b.input,
                b.output, b.inputShape, b.opset, b.dummies.stream().map(t -> t == null ? null : t.shape())
                        .toArray(int[][]::new));
    }

    /** Derives the output shape and the nonlinearity layers from the value shapes found while building. */
    private Graph(List<Node> nodes, Tensor[] constants, String[] valueNames, int input, int output,
                  int[] inputShape, int opset, int[][] shapes) {
        this.nodes = nodes;
        this.constants = constants;
        this.valueNames = valueNames;
        this.input = input;
        this.output = output;
        this.inputShape = inputShape.clone();
        this.opset = opset;
        this.shapes = shapes;
        int[] out = shapes[output];
        this.outputShape = Arrays.copyOfRange(out, 1, out.length);
        List<String> ln = new ArrayList<>();
        List<Integer> lw = new ArrayList<>();
        for (Node n : nodes) {
            if (n.op().isNonlinearity()) {
                ln.add(n.name());
                lw.add((int) Tensor.count(shapes[n.inputs()[0]]));   // batch 1: one latent's neurons
            }
        }
        this.layerNames = ln.toArray(new String[0]);
        this.layerWidths = lw.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The sub-generator z -> output of the named node (e.g. a layer's activation), sharing
     * this graph's weights; used for the metric of intermediate layers.
     */
    public Graph truncatedAt(String nodeName) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(nodeName)) {
                return new Graph(nodes.subList(0, i + 1), constants, valueNames, input, nodes.get(i).output(),
                        inputShape, opset, shapes);
            }
        }
        throw new GraphException("no node named '" + nodeName + "'");
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The constant held by a value, or null for a latent-dependent variable. */
    public Tensor constant(int value) {
        return constants[value];
    }

    public int valueCount() {
        return constants.length;
    }

    /** Shape of a latent-dependent value on a batch-1 latent (batch included), null for a constant. */
    public int[] valueShape(int value) {
        return shapes[value] == null ? null : shapes[value].clone();
    }

    public int inputValue() {
        return input;
    }

    public int outputValue() {
        return output;
    }

    public int opset() {
        return opset;
    }

    /** Shape of one latent as the model takes it (batch excluded), e.g. [100, 1, 1] for DCGAN. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Shape of one generated sample (batch excluded). */
    public int[] outputShape() {
        return outputShape.clone();
    }

    public int latentDim() {
        return (int) Tensor.count(inputShape);
    }

    public int outputDim() {
        return (int) Tensor.count(outputShape);
    }

    /** Names of the nonlinearity nodes, in execution order: the layers of local complexity. */
    public List<String> layerNames() {
        return List.of(layerNames);
    }

    /** Neurons per latent in each nonlinearity layer (elements of its input). */
    public int[] layerWidths() {
        return layerWidths.clone();
    }

    /** Builds a graph node by node; names refer to values defined earlier. */
    public static final class Builder {
        private final List<Node> nodes = new ArrayList<>();
        private final List<Tensor> constants = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final Map<String, Integer> ids = new HashMap<>();
        /** Each variable's value on a batch-1 zero latent: gives shapes while importing. */
        private final List<Tensor> dummies = new ArrayList<>();
        private final int opset;
        private int input = -1;
        private int output = -1;
        private int[] inputShape;

        public Builder(int opset) {
            this.opset = opset;
        }

        public Builder input(String name, int... sampleShape) {
            if (input >= 0) {
                throw new GraphException("the model has more than one latent input; geomlens takes one");
            }
            input = define(name, null);
            inputShape = sampleShape.clone();
            int[] s = new int[sampleShape.length + 1];
            s[0] = 1;
            System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
            dummies.set(input, Tensor.zeros(s));
            return this;
        }

        /** The latent input's value name. */
        public String latentName() {
            return names.get(input);
        }

        public Builder constant(String name, Tensor value) {
            define(name, value);
            return this;
        }

        public boolean has(String name) {
            return ids.containsKey(name);
        }

        /** The constant of a named value, or null if it is latent-dependent or unknown. */
        public Tensor constantOf(String name) {
            Integer id = ids.get(name);
            return id == null ? null : constants.get(id);
        }

        /**
         * The shape of a named value: a constant's own shape, or a variable's shape with batch 1
         * (dimension 0 is the batch).
         */
        public int[] shapeOf(String name) {
            int id = id(name, "shape query", name);
            Tensor c = constants.get(id);
            return c != null ? c.shape() : dummies.get(id).shape();
        }

        /** True when the named value depends on the latent. */
        public boolean isVariable(String name) {
            return constants.get(id(name, "shape query", name)) == null;
        }

        /** Gives an existing value a second name (Identity). */
        public Builder alias(String newName, String existing) {
            ids.put(newName, id(existing, "Identity", newName));
            return this;
        }

        /**
         * Adds a node; a node whose inputs are all constants is evaluated now (constant folding).
         */
        public Builder node(String name, String opType, Op op, List<String> inputNames, String outputName) {
            int[] in = new int[inputNames.size()];
            boolean allConstant = true;
            for (int i = 0; i < in.length; i++) {
                in[i] = id(inputNames.get(i), opType, name);
                allConstant &= constants.get(in[i]) != null;
            }
            Node node = new Node(name, opType, op, in, -1);
            if (allConstant) {
                Tensor[] x = new Tensor[in.length];
                for (int i = 0; i < in.length; i++) {
                    x[i] = constants.get(in[i]);
                }
                try {
                    define(outputName, op.forward(x));
                } catch (ShapeException e) {
                    throw new GraphException(node.describe(opset) + ": " + e.getMessage(), e);
                }
                return this;
            }
            Tensor[] x = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                x[i] = constants.get(in[i]) != null ? constants.get(in[i]) : dummies.get(in[i]);
            }
            Tensor dummy;
            try {
                dummy = op.forward(x);
            } catch (ShapeException e) {
                throw new GraphException(node.describe(opset) + ": " + e.getMessage(), e);
            }
            if (dummy.rank() == 0 || dummy.dim(0) != 1 || movesBatch(op, in, x, dummy)) {
                throw new GraphException(node.describe(opset) + ": output " + Arrays.toString(dummy.shape())
                        + " lost the batch dimension; a constant operand needs size 1 in the batch axis (axis 0) and"
                        + " no more axes than the latent-dependent one");
            }
            int out = define(outputName, null);
            dummies.set(out, dummy);
            nodes.add(new Node(name, opType, op, in, out));
            return this;
        }

        public Builder output(String name) {
            output = id(name, "graph output", name);
            return this;
        }

        public Graph build() {
            if (input < 0) {
                throw new GraphException("the model has no latent input");
            }
            if (output < 0 || constants.get(output) != null) {
                throw new GraphException("the model's output does not depend on its input");
            }
            pruneToOutput();
            return new Graph(this);
        }

        /** Drops nodes the output does not depend on (other outputs' branches): they are not part of G. */
        private void pruneToOutput() {
            boolean[] needed = new boolean[dummies.size()];
            needed[output] = true;
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                if (needed[n.output()]) {
                    for (int v : n.inputs()) {
                        needed[v] = true;
                    }
                }
            }
            nodes.removeIf(n -> !needed[n.output()]);
        }

        private int id(String name, String opType, String node) {
            Integer id = ids.get(name);
            if (id == null) {
                throw new GraphException("node '" + node + "' (" + opType + ", opset " + opset + ") reads '"
                        + name + "', which is neither the input, an initializer nor an earlier node's output");
            }
            return id;
        }

        /** Elementwise against a constant of higher rank would shift the batch out of dimension 0. */
        private boolean movesBatch(Op op, int[] in, Tensor[] x, Tensor y) {
            if (!(op instanceof Elementwise)) {
                return false;
            }
            for (int i = 0; i < x.length; i++) {
                if (constants.get(in[i]) == null && x[i].rank() != y.rank()) {
                    return true;
                }
            }
            return false;
        }

        private int define(String name, Tensor value) {
            int id = constants.size();
            constants.add(value);
            dummies.add(null);
            names.add(name);
            ids.put(name, id);
            return id;
        }
    }

}
