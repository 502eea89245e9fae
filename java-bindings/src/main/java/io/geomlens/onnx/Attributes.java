package io.geomlens.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.HashMap;
import java.util.Map;

/** A node's attributes by name, with ONNX defaults. */
final class Attributes {
    private final Map<String, AttributeProto> byName = new HashMap<>();

    Attributes(NodeProto node) {
        for (AttributeProto a : node.getAttributeList()) {
            byName.put(a.getName(), a);
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    long integer(String name, long dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getI();
    }

    double real(String name, double dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getF();
    }

    String string(String name, String dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    int[] ints(String name, int[] dflt) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return dflt;
        }
        return a.getIntsList().stream().mapToInt(Math::toIntExact).toArray();
    }

    /** An INTS attribute as doubles, without narrowing (Slice-1's INT64_MAX open ends). */
    double[] longsAsDoubles(String name, double[] dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray();
    }

    float[] floats(String name) {
        AttributeProto a = byName.get(name);
        if (a == null) {
            return null;
        }
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
        }
        return f;
    }

    AttributeProto raw(String name) {
        return byName.get(name);
    }
}
