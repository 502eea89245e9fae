package io.geomlens.internal.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomlens.graph.Activation;
import io.geomlens.graph.Elementwise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Java enums whose ordinals cross the C ABI name the same values in the same order as
 * native/include/geomlens.h: an activation or binary op added on one side only would otherwise
 * run the wrong kernel branch (or be refused as unknown) on a GPU.
 */
class NativeEnumsTest {
    private static final Path HEADER = Path.of("..", "native", "include", "geomlens.h");

    @Test
    void activationKindsMatchTheHeader() throws IOException {
        assertEquals(names(Activation.Kind.values()), header("geomlens_activation"));
    }

    @Test
    void binaryKindsMatchTheHeader() throws IOException {
        assertEquals(names(Elementwise.Kind.values()), header("geomlens_binary"));
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> "GEOMLENS_" + v.name()).toList();
    }

    /** The enum's constants by value, checking that the values are 0, 1, 2, ... */
    private static List<String> header(String name) throws IOException {
        String text = Files.readString(HEADER).replaceAll("/\\*.*?\\*/", "");
        Matcher body = Pattern.compile("enum " + name + "\\s*\\{([^}]*)\\}").matcher(text);
        if (!body.find()) {
            throw new AssertionError("enum " + name + " not found in " + HEADER);
        }
        List<String> out = new ArrayList<>();
        Matcher entry = Pattern.compile("(GEOMLENS_\\w+)\\s*=\\s*(\\d+)").matcher(body.group(1));
        while (entry.find()) {
            assertEquals(out.size(), Integer.parseInt(entry.group(2)), entry.group(1) + "'s value");
            out.add(entry.group(1));
        }
        return out;
    }
}
