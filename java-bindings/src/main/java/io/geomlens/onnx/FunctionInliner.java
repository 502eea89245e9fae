package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls of the model's own ONNX functions replaced by the functions' nodes, so the importer sees
 * standard ops only. torch.onnx.export(export_modules_as_functions=...) writes one function per
 * module class (nested: a block's function calls Linear's); a function's inner values get the
 * call's name as prefix, its formal inputs and outputs become the call's.
 */
final class FunctionInliner {
    private static final int MAX_DEPTH = 64;

    private final Map<String, FunctionProto> functions = new HashMap<>();
    private final Set<String> prefixes = new HashSet<>();

    private FunctionInliner(ModelProto model) {
        for (FunctionProto f : model.getFunctionsList()) {
            functions.put(key(f.getDomain(), f.getName()), f);
        }
    }

    /** The model with every call of one of its functions expanded (the model itself when it has none). */
    static ModelProto inline(ModelProto model) {
        if (model.getFunctionsCount() == 0) {
            return model;
        }
        FunctionInliner in = new FunctionInliner(model);
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            in.expand(n, nodes, 0);
        }
        return model.toBuilder().setGraph(model.getGraph().toBuilder().clearNode().addAllNode(nodes))
                .clearFunctions().build();
    }

    private static String key(String domain, String name) {
        return domain + "::" + name;
    }

    private void expand(NodeProto call, List<NodeProto> out, int depth) {
        FunctionProto f = functions.get(key(call.getDomain(), call.getOpType()));
        if (f == null) {
            out.add(call);
            return;
        }
        if (depth >= MAX_DEPTH) {
            throw new OnnxImportException("node '" + call.getName() + "' calls function " + f.getName()
                    + " through more than " + MAX_DEPTH + " nested calls; is the function recursive?");
        }
        if (call.getInputCount() > f.getInputCount() || call.getOutputCount() > f.getOutputCount()) {
            throw new OnnxImportException("node '" + call.getName() + "' calls function " + f.getName() + " with "
                    + call.getInputCount() + " inputs and " + call.getOutputCount() + " outputs; it declares "
                    + f.getInputCount() + " and " + f.getOutputCount());
        }
        String prefix = prefix(call.getName().isEmpty() ? f.getName() : call.getName());
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < f.getInputCount(); i++) {
            names.put(f.getInput(i), i < call.getInputCount() ? call.getInput(i) : "");
        }
        for (int i = 0; i < f.getOutputCount(); i++) {
            names.put(f.getOutput(i), i < call.getOutputCount() ? call.getOutput(i) : prefix + f.getOutput(i));
        }
        Map<String, AttributeProto> given = new HashMap<>();
        for (AttributeProto a : f.getAttributeProtoList()) {   // defaults, overridden by the call's
            given.put(a.getName(), a);
        }
        for (AttributeProto a : call.getAttributeList()) {
            given.put(a.getName(), a);
        }
        for (NodeProto inner : f.getNodeList()) {
            NodeProto.Builder b = inner.toBuilder().clearInput().clearOutput().clearAttribute()
                    .setName(prefix + inner.getName());
            for (String in : inner.getInputList()) {
                b.addInput(rename(in, names, prefix));
            }
            for (String o : inner.getOutputList()) {
                b.addOutput(rename(o, names, prefix));
            }
            for (AttributeProto a : inner.getAttributeList()) {
                if (a.getRefAttrName().isEmpty()) {
                    b.addAttribute(a);
                } else if (given.containsKey(a.getRefAttrName())) {   // an absent reference drops the attribute
                    b.addAttribute(given.get(a.getRefAttrName()).toBuilder().setName(a.getName()));
                }
            }
            expand(b.build(), out, depth + 1);
        }
    }

    private static String rename(String value, Map<String, String> names, String prefix) {
        return value.isEmpty() ? "" : names.getOrDefault(value, prefix + value);
    }

    /** "call/" unique among the calls expanded (torch names calls by module path, which may repeat). */
    private String prefix(String base) {
        String p = base + "/";
        for (int k = 1; !prefixes.add(p); k++) {
            p = base + "_" + k + "/";
        }
        return p;
    }
}
