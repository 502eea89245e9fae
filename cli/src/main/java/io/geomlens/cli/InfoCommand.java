package io.geomlens.cli;

import io.geomlens.graph.FlopCount;
import io.geomlens.graph.Graph;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * geomlens info: whether a model imports, and what geomlens sees in it: latent and output
 * shapes, ops, the layers local complexity counts, FLOPs per latent. Runs nothing.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Import a model and print its latent and output shapes, ops, the nonlinearity layers that"
                + " delta counts and FLOPs per latent (an unsupported model fails with the op and node).")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Override
    public Integer call() throws Exception {
        Graph g = common.graph();
        var out = spec.commandLine().getOut();
        out.printf("model: %s (opset %d)%n", common.model, g.opset());
        out.printf("latent: E = %d, shape %s%n", g.latentDim(), Arrays.toString(g.inputShape()));
        out.printf("output: D = %d, shape %s%n", g.outputDim(), Arrays.toString(g.outputShape()));
        Map<String, Integer> ops = new TreeMap<>();
        for (Graph.Node n : g.nodes()) {
            ops.merge(n.op().getClass().getSimpleName(), 1, Integer::sum);
        }
        out.printf("ops (%d nodes after import): %s%n", g.nodes().size(), ops.toString().replaceAll("[{}]", ""));
        int[] widths = g.layerWidths();
        out.printf("nonlinearity layers (delta counts their %d neurons):%n", Arrays.stream(widths).sum());
        for (int i = 0; i < widths.length; i++) {
            out.printf("  %-48s %8d%n", g.layerNames().get(i), widths[i]);
        }
        out.printf("FLOPs per latent: forward %.4g, one JVP/VJP tangent %.4g, psi/nu exact %.4g, projected k=%d %.4g%n",
                (double) FlopCount.forward(g), (double) FlopCount.tangent(g), (double) FlopCount.psiNu(g, true, 0),
                Math.min(120, g.outputDim()), (double) FlopCount.psiNu(g, false, Math.min(120, g.outputDim())));
        return 0;
    }
}
