package io.geomlens.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphException;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every import-time rejection, each with the words that tell the user what to change. */
class ImporterRejectsTest {
    private static OnnxModelBuilder dense(int opset) {
        return new OnnxModelBuilder(opset).input("z", 4).initializer("w", new int[] {3, 4}, new float[12]);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("Gemm transA", (Supplier<OnnxModelBuilder>) () -> dense(17)
                        .node("Gemm", "/g", List.of("z", "w"), "y", Attr.i("transA", 1), Attr.i("transB", 1)).output("y"),
                        "transA=1"),
                Arguments.of("Flatten axis 0", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17).input("z", 4)
                        .node("Flatten", "/f", List.of("z"), "y", Attr.i("axis", 0)).output("y"), "only axis=1"),
                Arguments.of("BatchNorm training", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 2, 3, 3).initializer("s", new int[] {2}, new float[] {1, 1})
                        .node("BatchNormalization", "/bn", List.of("z", "s", "s", "s", "s"), "y",
                                Attr.i("training_mode", 1)).output("y"), "eval() mode"),
                Arguments.of("Gelu approximate", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(20).input("z", 4)
                        .node("Gelu", "/gelu", List.of("z"), "y", Attr.s("approximate", "fast")).output("y"),
                        "approximate='fast'"),
                Arguments.of("Resize without scales or sizes", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 2, 3, 3).node("Resize", "/rs", List.of("z", "", ""), "y").output("y"),
                        "neither 'scales' nor 'sizes'"),
                Arguments.of("LayerNormalization across the batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).initializer("g", new int[] {1, 4}, new float[4])
                                .node("LayerNormalization", "/ln", List.of("z", "g"), "y", Attr.i("axis", 0))
                                .output("y"), "only axes after the batch"),
                Arguments.of("GroupNormalization groups not dividing channels", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(21).input("z", 3, 2, 2).initializer("g", new int[] {3}, new float[3])
                                .node("GroupNormalization", "/gn", List.of("z", "g", "g"), "y",
                                        Attr.i("num_groups", 2)).output("y"), "does not divide the 3 channels"),
                Arguments.of("Unsqueeze before the batch", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).initializerLongs("a", 0).node("Unsqueeze", "/u", List.of("z", "a"), "y")
                        .output("y"), "would move the batch dimension"),
                Arguments.of("AveragePool 4-D", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 1, 2, 2, 2, 2).node("AveragePool", "/ap", List.of("z"), "y",
                                Attr.ints("kernel_shape", 2, 2, 2, 2)).output("y"),
                        "1-D, 2-D and 3-D average pooling are supported"),
                Arguments.of("MatMul of constants that do not fit", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).initializer("c", new int[] {2, 2, 3}, new float[12])
                        .node("MatMul", "/mm", List.of("c", "c"), "cc").node("Add", "/a", List.of("z", "cc"), "y")
                        .output("y"), "cannot multiply"),
                Arguments.of("ReduceProd of the batch size", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).node("Shape", "/s", List.of("z"), "s")
                        .node("ReduceProd", "/p", List.of("s"), "n", Attr.i("keepdims", 0))
                        .node("Cast", "/c", List.of("n"), "nf", Attr.i("to", 1))
                        .node("Mul", "/m", List.of("z", "nf"), "y").output("y"), "involving the batch size"),
                Arguments.of("output with the batch moved", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).node("Transpose", "/t", List.of("z"), "y",
                                Attr.ints("perm", 1, 0, 2)).output("y"), "transpose it back in the model"),
                Arguments.of("Concat along the moved batch's axis", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).node("Transpose", "/t", List.of("z"), "t",
                                Attr.ints("perm", 1, 0, 2)).node("Concat", "/c", List.of("t", "t"), "y",
                                Attr.i("axis", 1)).output("y"), "of [3, N, 4], which holds the batch"),
                Arguments.of("Tile of a moved batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).initializerLongs("r", 2, 1, 1)
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2))
                                .node("Tile", "/tile", List.of("t", "r"), "y").output("y"),
                        "Tile on input 't' of shape [3, N, 4]"),
                Arguments.of("an op not followed on a moved batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).node("Transpose", "/t", List.of("z"), "t",
                                Attr.ints("perm", 1, 0, 2)).node("InstanceNormalization", "/in", List.of("t", "s", "s"),
                                "y").initializer("s", new int[] {3}, new float[3]).output("y"),
                        "InstanceNormalization on input 't' of shape [3, N, 4]"),
                Arguments.of("Softmax over the batch", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).node("Softmax", "/s", List.of("z"), "y", Attr.i("axis", 0)).output("y"),
                        "any axis but the batch"),
                Arguments.of("ReduceMax over the batch", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).node("ReduceMax", "/m", List.of("z"), "y", Attr.ints("axes", 0)).output("y"),
                        "only non-batch axes can be reduced"),
                Arguments.of("Softmax along the batch's axis", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).node("Transpose", "/t", List.of("z"), "t",
                                Attr.ints("perm", 1, 0, 2)).node("Softmax", "/s", List.of("t"), "y",
                                Attr.i("axis", 1)).output("y"), "holds the batch (N)"),
                Arguments.of("MatMul contracting the batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).initializer("w", new int[] {2, 2}, new float[4])
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 2, 0))
                                .node("MatMul", "/mm", List.of("t", "w"), "y").output("y"),
                        "contracts or multiplies along it"),
                Arguments.of("Reshape of a moved batch with a fixed batch size", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).initializerLongs("s", 3, 2, 4)
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2))
                                .node("Reshape", "/r", List.of("t", "s"), "y").output("y"), "dynamic_axes="),
                Arguments.of("MaxPool window reading padding but not the edge", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 2, 6, 6).node("MaxPool", "/mp", List.of("z"), "y",
                                Attr.ints("kernel_shape", 2, 2), Attr.ints("dilations", 2, 2),
                                Attr.ints("pads", 1, 1, 1, 1)).output("y"),
                        "node '/mp' (MaxPool, opset 17): the window at output 0 reads padding (input cells -1, 1,"
                                + " ..., 1 of 0..5) but not the edge cell next to it"),
                Arguments.of("AveragePool window larger than the input", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 2, 3, 3).node("AveragePool", "/ap", List.of("z"), "y",
                                Attr.ints("kernel_shape", 4, 4)).output("y"), "larger than the padded input"),
                Arguments.of("MaxPool window larger than the input", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 2, 3, 3).node("MaxPool", "/mp", List.of("z"), "y",
                                Attr.ints("kernel_shape", 4, 4)).output("y"), "larger than the padded input"),
                Arguments.of("Einsum term and constant of different ranks", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3, 4).initializer("w", new int[] {4, 5}, new float[20])
                                .node("Einsum", "/e", List.of("z", "w"), "y", Attr.s("equation", "bij,jkl->bikl"))
                                .output("y"), "'jkl' has 3 labels for a constant of shape [4, 5]"),
                Arguments.of("ReduceMean over every axis", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).node("ReduceMean", "/m", List.of("z"), "y").output("y"),
                        "reducing every axis includes the batch"),
                Arguments.of("Pow with a latent-dependent exponent", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).node("Pow", "/p", List.of("z", "z"), "y").output("y"),
                        "exponent (a constant)"),
                Arguments.of("DepthToSpace of channels not a multiple of blocksize^2", (Supplier<OnnxModelBuilder>)
                        () -> new OnnxModelBuilder(17).input("z", 6, 2, 2).node("DepthToSpace", "/d", List.of("z"), "y",
                                Attr.i("blocksize", 2)).output("y"), "C a multiple of blocksize^2"),
                Arguments.of("DepthToSpace in an unknown mode", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 8, 2, 2).node("DepthToSpace", "/d", List.of("z"), "y", Attr.i("blocksize", 2),
                                Attr.s("mode", "XYZ")).output("y"), "is not DCR or CRD"),
                Arguments.of("Celu with alpha 0", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).node("Celu", "/c", List.of("z"), "y", Attr.f("alpha", 0)).output("y"),
                        "must be positive"),
                Arguments.of("Pad reflect of a rank-2 value", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(13)
                        .input("z", 5).initializerLongs("p", 0, 1, 0, 1)
                        .node("Pad", "/pad", List.of("z", "p"), "y", Attr.s("mode", "reflect")).output("y"),
                        "needs an input of rank >= 3"),
                Arguments.of("Pad edge with a negative pad", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(13)
                        .input("z", 2, 3, 3).initializerLongs("p", 0, 0, -1, 0, 0, 0, 0, 0)
                        .node("Pad", "/pad", List.of("z", "p"), "y", Attr.s("mode", "edge")).output("y"),
                        "must be non-negative"),
                Arguments.of("Pad wrap wider than the axis", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(19)
                        .input("z", 2, 3, 3).initializerLongs("p", 0, 0, 4, 1, 0, 0, 1, 1)
                        .node("Pad", "/pad", List.of("z", "p"), "y", Attr.s("mode", "wrap")).output("y"),
                        "takes pads from 0 to the axis' size"),
                Arguments.of("Pad mode unknown", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(19)
                        .input("z", 2, 3, 3).initializerLongs("p", 0, 0, 1, 1, 0, 0, 1, 1)
                        .node("Pad", "/pad", List.of("z", "p"), "y", Attr.s("mode", "mirror")).output("y"),
                        "constant (zero), reflect, edge and wrap are"),
                Arguments.of("Pad reflect as wide as the plane", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(13)
                        .input("z", 2, 3, 3).initializerLongs("p", 0, 0, 3, 0, 0, 0, 0, 0)
                        .node("Pad", "/pad", List.of("z", "p"), "y", Attr.s("mode", "reflect")).output("y"),
                        "must be smaller than the 3 x 3 plane"),
                Arguments.of("Pad edge of the channel axis", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(13)
                        .input("z", 2, 3, 3).initializerLongs("p", 0, 1, 0, 0, 0, 0, 0, 0)
                        .node("Pad", "/pad", List.of("z", "p"), "y", Attr.s("mode", "edge")).output("y"),
                        "only the last two axes"),
                Arguments.of("Cast of the latent to an integer", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(13)
                        .input("z", 4).node("Cast", "/c", List.of("z"), "y", Attr.i("to", 7)).output("y"),
                        "ONNX type 7 (not a float)"),
                Arguments.of("Einsum in implicit mode", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(13)
                        .input("z", 3, 4).node("Einsum", "/e", List.of("z", "z"), "y",
                                Attr.s("equation", "bij,bkj")).output("y"), "explicit output"),
                Arguments.of("Slice with step 0", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("s", -1).initializerLongs("e", Long.MIN_VALUE).initializerLongs("a", 1)
                        .initializerLongs("st", 0).node("Slice", "/s", List.of("z", "s", "e", "a", "st"), "y")
                        .output("y"), "step 0 is not a slice"),
                Arguments.of("Slice of the batch axis", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("s", 0).initializerLongs("e", 2).initializerLongs("a", 0)
                        .node("Slice", "/s", List.of("z", "s", "e", "a"), "y").output("y"), "slicing the batch axis"),
                Arguments.of("Split sizes not covering the axis", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("sz", 1, 2).graphNode("Split", "/sp", List.of("z", "sz"), List.of("y", "w"),
                                Attr.i("axis", 1)).output("y"), "do not cover the 4 elements"),
                Arguments.of("Gather out of range", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("i", 9).node("Gather", "/g", List.of("z", "i"), "y", Attr.i("axis", 1))
                        .output("y"), "index 9 is out of range"),
                Arguments.of("Gather of the batch axis", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("i", 0).node("Gather", "/g", List.of("z", "i"), "y").output("y"),
                        "the batch or out of range"),
                Arguments.of("Einsum summing over the batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3, 4).node("Einsum", "/e", List.of("z"), "y",
                                Attr.s("equation", "bij->ij")).output("y"), "with the batch label first"),
                Arguments.of("Einsum with the batch elsewhere", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3, 4).node("Einsum", "/e", List.of("z", "z"), "y",
                                Attr.s("equation", "bij,bkj->ibk")).output("y"), "must lead the output"),
                Arguments.of("Einsum summing the second operand's batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3, 4).node("Einsum", "/e", List.of("z", "z"), "y",
                                Attr.s("equation", "bij,cjk->bik")).output("y"),
                        "label 'c' (the batch) is summed within one operand"),
                Arguments.of("Einsum with more terms than inputs", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3).initializer("w", new int[] {3, 3}, new float[9])
                                .node("Einsum", "/e", List.of("z", "w", "w"), "y",
                                        Attr.s("equation", "bi,ij,jk,kl->bl")).output("y"),
                        "has 4 operands, the node 3 inputs"),
                Arguments.of("Einsum of three constants", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3).initializer("w", new int[] {3, 3}, new float[9])
                                .node("Einsum", "/e", List.of("w", "w", "w"), "c", Attr.s("equation", "ij,jk,kl->il"))
                                .node("MatMul", "/m", List.of("z", "c"), "y").output("y"),
                        "no operand depends on the latent"),
                Arguments.of("one-operand Einsum in implicit mode", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(13).input("z", 3, 4).node("Einsum", "/e", List.of("z"), "y",
                                Attr.s("equation", "bij")).output("y"), "one operand with explicit output"),
                Arguments.of("Tile of a constant", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("r", 2, 1).initializer("c", new int[] {1, 4}, new float[4])
                        .node("Tile", "/t", List.of("c", "r"), "ct").node("Add", "/a", List.of("z", "ct"), "y")
                        .output("y"), "needs size 1 in the batch axis"),
                Arguments.of("Pad with a non-zero value", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerLongs("p", 0, 1, 0, 1).initializer("v", new int[0], new float[] {1})
                        .node("Pad", "/p", List.of("z", "p", "v"), "y").output("y"), "only zero padding"),
                Arguments.of("Pow with a tensor exponent", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializer("e", new int[] {2}, new float[] {1, 2})
                        .node("Pow", "/p", List.of("z", "e"), "y").output("y"), "must be a scalar"),
                Arguments.of("Dropout mask used", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .graphNode("Dropout", "/d", List.of("z"), List.of("d", "mask"))
                        .node("Cast", "/c", List.of("mask"), "m", Attr.i("to", 1))
                        .node("Add", "/a", List.of("d", "m"), "y").output("y"), "mask output is used"),
                Arguments.of("Dropout in training mode", (Supplier<OnnxModelBuilder>) () -> dense(13)
                        .initializerBools("train", new int[0], true).initializer("p", new int[0], new float[] {0.5f})
                        .node("Dropout", "/d", List.of("z", "p", "train"), "y").output("y"), "training_mode=True"),
                Arguments.of("Resize of the batch", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 2, 3, 3).initializer("s", new int[] {4}, new float[] {2, 1, 2, 2})
                        .node("Resize", "/rs", List.of("z", "", "s"), "y", Attr.s("mode", "cubic")).output("y"),
                        "the batch axis must keep scale 1"),
                Arguments.of("Resize nearest_mode", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 2, 3, 3).initializer("s", new int[] {4}, new float[] {1, 1, 1.5f, 2})
                        .node("Resize", "/rs", List.of("z", "", "s"), "y", Attr.s("nearest_mode", "closest"))
                        .output("y"), "nearest_mode='closest' is not supported"),
                Arguments.of("Resize linear tf_crop_and_resize", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 2, 3, 3).initializer("s", new int[] {4}, new float[] {1, 1, 2, 2})
                        .node("Resize", "/rs", List.of("z", "", "s"), "y", Attr.s("mode", "linear"),
                                Attr.s("coordinate_transformation_mode", "tf_crop_and_resize")).output("y"),
                        "coordinate_transformation_mode='tf_crop_and_resize'"),
                Arguments.of("Conv auto_pad", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 1, 4, 4).initializer("w", new int[] {1, 1, 3, 3}, new float[9])
                        .node("Conv", "/c", List.of("z", "w"), "y", Attr.s("auto_pad", "SAME_UPPER")).output("y"),
                        "explicit pads"),
                Arguments.of("ConvTranspose output_shape", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 1, 4, 4).initializer("w", new int[] {1, 1, 3, 3}, new float[9])
                        .node("ConvTranspose", "/ct", List.of("z", "w"), "y", Attr.ints("output_shape", 9, 9))
                        .output("y"), "use output_padding"),
                Arguments.of("Conv 4-D", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 1, 2, 2, 2, 2).initializer("w", new int[] {1, 1, 2, 2, 2, 2}, new float[16])
                        .node("Conv", "/c4", List.of("z", "w"), "y").output("y"),
                        "only 1-D, 2-D and 3-D convolutions"),
                Arguments.of("ConvTranspose 3-D striding past its kernel", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 1, 2, 3, 3)
                                .initializer("w", new int[] {1, 1, 1, 3, 3}, new float[9])
                                .node("ConvTranspose", "/ct3", List.of("z", "w"), "y", Attr.ints("strides", 3, 1, 1))
                                .output("y"), "output frame 1 takes no input frame"),
                Arguments.of("group not dividing the channels", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4, 4, 4).initializer("w", new int[] {3, 2, 3, 3}, new float[54])
                        .node("Conv", "/cg", List.of("z", "w"), "y", Attr.i("group", 2)).output("y"),
                        "group=2 does not divide the 3 channels"),
                Arguments.of("a latent-dependent condition selecting -inf", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).constant("zero", new int[0], 0f)
                                .constant("ninf", new int[0], Float.NEGATIVE_INFINITY)
                                .node("Greater", "/gt", List.of("z", "zero"), "c")
                                .node("Where", "/w", List.of("c", "ninf", "z"), "y").output("y"),
                        "node '/w' (Where, opset 17): the condition depends on the latent and branch 1 ('ninf')"
                                + " holds a non-finite constant"),
                Arguments.of("CumSum over the batch", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).constantLong("ax", 0).node("CumSum", "/c", List.of("z", "ax"), "y")
                        .output("y"),
                        "a running sum along axis 0"),
                Arguments.of("operands with the batch in different axes", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 3).node("Transpose", "/t", List.of("z"), "t",
                                Attr.ints("perm", 1, 0, 2)).node("Add", "/a", List.of("t", "z"), "y").output("y"),
                        "do not line up"),
                Arguments.of("a constant varying along a moved batch's axis", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).initializer("c", new int[] {3, 2, 4}, new float[24])
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2))
                                .node("Add", "/a", List.of("t", "c"), "y").output("y"),
                        "varies along the axis that holds the batch"),
                Arguments.of("latent-dependent conv weights with groups", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 8).initializerLongs("ws", 2, 1, 2, 2)
                                .initializerLongs("xs", 1, 2, 2, 2)
                                .node("Reshape", "/w", List.of("z", "ws"), "w")
                                .node("Reshape", "/x", List.of("z", "xs"), "x")
                                .node("Conv", "/conv", List.of("x", "w"), "y", Attr.i("group", 2)).output("y")
                                .batchOfOne(),
                        "only works at that batch size"),
                Arguments.of("latent-dependent conv weights with other input channels",
                        (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 8).initializerLongs("ws", 2, 1, 2, 2)
                                .initializerLongs("xs", 1, 2, 2, 2)
                                .node("Reshape", "/w", List.of("z", "ws"), "w")
                                .node("Reshape", "/x", List.of("z", "xs"), "x")
                                .node("Conv", "/conv", List.of("x", "w"), "y").output("y").batchOfOne(),
                        "does not fit weights with 1 input channels"),
                Arguments.of("latent-dependent conv weights with the batch in cin", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 8).initializerLongs("ws", 1, 2, 2, 2)
                                .initializerLongs("xs", 1, 2, 2, 2)
                                .node("Reshape", "/w0", List.of("z", "ws"), "w0")
                                .node("Transpose", "/w", List.of("w0"), "w", Attr.ints("perm", 1, 0, 2, 3))
                                .node("Reshape", "/x", List.of("z", "xs"), "x")
                                .node("Conv", "/conv", List.of("x", "w"), "y").output("y").batchOfOne(),
                        "needs them as [N * cout, cin, kh, kw]"),
                Arguments.of("operands of other sizes beside a merged batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).initializerLongs("s2", 2, 2).initializerLongs("s1", 1, 4)
                                .initializerLongs("ax", 1)
                                .node("Reshape", "/a", List.of("z", "s2"), "a")   // [N * 2, 2]
                                .node("Reshape", "/b", List.of("z", "s1"), "b")
                                .node("ReduceSum", "/r", List.of("b", "ax"), "c", Attr.i("keepdims", 1))
                                .node("Add", "/add", List.of("a", "c"), "sum")   // at N = 1 only: c is [N, 1]
                                .node("Reshape", "/back", List.of("sum", "s1"), "y").output("y").batchOfOne(),
                        "the operands differ along the axis that holds the batch"),
                Arguments.of("a constant batch of matrices of higher rank", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4)
                                .initializer("c", new int[] {2, 3, 4, 5}, new float[120])
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2))
                                .node("MatMul", "/mm", List.of("t", "c"), "y").output("y"),
                        "multiplied with [3, N, 4] (N: the batch) is not supported"),
                Arguments.of("a constant tiled a multiple of the batch size", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).initializer("q", new int[] {1, 1, 4}, new float[4])
                                .initializerLongs("i0", 0).initializerLongs("one", 1).initializerLongs("two", 2)
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2))
                                .node("Shape", "/s", List.of("z"), "s")
                                .node("Gather", "/g", List.of("s", "i0"), "n", Attr.i("axis", 0))
                                .node("Mul", "/m", List.of("n", "two"), "n2")
                                .node("Concat", "/c", List.of("one", "n2", "one"), "reps", Attr.i("axis", 0))
                                .node("Tile", "/tile", List.of("q", "reps"), "qs")
                                .node("Concat", "/cat", List.of("qs", "t"), "y", Attr.i("axis", 0)).output("y"),
                        "a multiple of the batch size"),
                Arguments.of("OneHot with three values", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).initializerLongs("label", 2).initializerLongs("depth", 3)
                                .initializer("v", new int[] {3}, new float[] {0, 1, 2})
                                .node("OneHot", "/oh", List.of("label", "depth", "v"), "h")
                                .node("Add", "/add", List.of("z", "h"), "y").output("y"),
                        "OneHot with depth 3, axis -1 and 3 values is not valid"),
                Arguments.of("MaxPool's Indices used", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 1, 2, 2).graphNode("MaxPool", "/pool", List.of("z"), List.of("p", "i"),
                                Attr.ints("kernel_shape", 2, 2))
                        .node("Cast", "/c", List.of("i"), "f", Attr.i("to", 1))
                        .node("Add", "/a", List.of("p", "f"), "y").output("y"), "its Indices output"),
                Arguments.of("Attention with a KV cache", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(23)
                        .input("z", 2, 3, 4).graphNode("Attention", "/a", List.of("z", "z", "z", "", "z", "z"),
                                List.of("y")).output("y"), "(a KV cache) are not supported"),
                Arguments.of("Attention with a latent-dependent mask", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(23).input("z", 2, 3, 3).graphNode("Attention", "/a",
                                List.of("z", "z", "z", "z"), List.of("y")).output("y"), "attn_mask (a constant)"),
                Arguments.of("Attention with 3 query heads over 2", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(23).input("z", 3, 3, 4).initializerLongs("s", 0).initializerLongs("e", 2)
                                .initializerLongs("ax", 1).node("Slice", "/kv", List.of("z", "s", "e", "ax"), "kv")
                                .graphNode("Attention", "/a", List.of("z", "kv", "kv"), List.of("y")).output("y"),
                        "3 query heads are not a multiple of 2 key/value heads"),
                Arguments.of("Attention on a moved batch", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(23)
                        .input("z", 2, 3, 4).node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2, 3))
                        .graphNode("Attention", "/a", List.of("t", "t", "t"), List.of("y")).output("y"),
                        "Attention on input 't' of shape [2, N, 3, 4]"),
                Arguments.of("Dropout in training mode on a moved batch", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 3, 4).initializerBools("train", new int[0], true)
                                .initializer("p", new int[0], new float[] {0.5f})
                                .node("Transpose", "/t", List.of("z"), "t", Attr.ints("perm", 1, 0, 2))
                                .node("Dropout", "/d", List.of("t", "p", "train"), "y").output("y"),
                        "training_mode=True"),
                Arguments.of("Reshape allowzero", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).initializerLongs("s", 0, 4)
                        .node("Reshape", "/r", List.of("z", "s"), "y", Attr.i("allowzero", 1)).output("y"),
                        "allowzero=1 with a 0 in the target shape"),
                Arguments.of("broadcast against a higher-rank constant", (Supplier<OnnxModelBuilder>) () ->
                        new OnnxModelBuilder(17).input("z", 4).initializer("c", new int[] {2, 1, 4}, new float[8])
                                .node("Add", "/add", List.of("z", "c"), "y").output("y"), "lost the batch dimension"),
                Arguments.of("an integer latent", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .inputLong("ids", 4).node("Cast", "/c", List.of("ids"), "y", Attr.i("to", 1)).output("y"),
                        "input 'ids' is of type INT64; the latent must be real-valued"),
                Arguments.of("two latent inputs", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).input("c", 2).node("Relu", "/r", List.of("z"), "y").output("y"),
                        "exactly one, the latent: fix the others"),
                Arguments.of("output independent of the latent", (Supplier<OnnxModelBuilder>) () -> new OnnxModelBuilder(17)
                        .input("z", 4).initializer("k", new int[] {2}, new float[] {1, 2})
                        .node("Relu", "/r", List.of("k"), "y").output("y"), "does not depend on its input"),
                Arguments.of("input with a dynamic feature size", (Supplier<OnnxModelBuilder>) () -> {
                    OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 0);
                    return m.node("Relu", "/r", List.of("z"), "y").output("y");
                }, "only the batch dimension may be dynamic"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithAnActionableMessage(String name, Supplier<OnnxModelBuilder> model, String expected) {
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(model.get().toBytes(), "bad.onnx"));
        assertTrue(e.getMessage().startsWith("bad.onnx: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void externalDataAndUnreadableTypesAreNamed() {
        TensorProto ext = TensorProto.newBuilder().setName("big.weight").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(2).setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
        var e = assertThrows(OnnxImportException.class, () -> OnnxTensors.decode(ext));
        assertTrue(e.getMessage().contains("save_as_external_data=False"), e.getMessage());
        TensorProto str = TensorProto.newBuilder().setName("names").setDataType(TensorProto.DataType.STRING_VALUE)
                .addDims(1).build();
        e = assertThrows(OnnxImportException.class, () -> OnnxTensors.decode(str));
        assertTrue(e.getMessage().contains("STRING") && e.getMessage().contains("'names'"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void reshapeThatFixesTheBatchFailsAtRunTimeWithAHint() {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 4).initializerLongs("s", 1, 4)
                .node("Reshape", "/r", List.of("z", "s"), "y").output("y");
        Graph g = OnnxImporter.read(m.toBytes(), "fixed.onnx");
        var e = assertThrows(GraphException.class, () -> new CpuBackend().load(g).forward(new double[8], 2));
        assertTrue(e.getMessage().contains("'/r'") && e.getMessage().contains("dynamic batch"), e.getMessage());
    }
}
