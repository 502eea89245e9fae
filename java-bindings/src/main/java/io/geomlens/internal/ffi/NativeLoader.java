package io.geomlens.internal.ffi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads libgeomlens.so, in this order: the path in -Dgeomlens.library.path; the copy bundled in
 * the jar for linux-x86_64 (extracted to a temporary file); System.loadLibrary("geomlens") on
 * java.library.path. The error lists every attempt with the real dlopen message.
 */
public final class NativeLoader {
    public static final String PATH_PROPERTY = "geomlens.library.path";
    static final String RESOURCE = "/native/linux-x86_64/libgeomlens.so";

    private static volatile boolean loaded;

    private NativeLoader() {}

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        List<String> tried = new ArrayList<>();
        String path = System.getProperty(PATH_PROPERTY);
        if (path != null) {
            try {
                System.load(Path.of(path).toAbsolutePath().toString());
                loaded = true;
                return;
            } catch (UnsatisfiedLinkError e) {
                // An explicit path that fails is final: falling back would hide the user's mistake.
                throw new NativeLibraryException("-D" + PATH_PROPERTY + "=" + path + ": " + e.getMessage());
            }
        }
        try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                tried.add("no bundled " + RESOURCE + " in the jar");
            } else if (!System.getProperty("os.name", "").toLowerCase().contains("linux")
                    || !System.getProperty("os.arch", "").matches("amd64|x86_64")) {
                tried.add("bundled library is linux-x86_64, this is " + System.getProperty("os.name") + "/"
                        + System.getProperty("os.arch"));
            } else {
                Path tmp = Files.createTempFile("libgeomlens", ".so");
                tmp.toFile().deleteOnExit();
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                System.load(tmp.toString());
                loaded = true;
                return;
            }
        } catch (IOException | UnsatisfiedLinkError e) {
            tried.add("bundled library: " + e.getMessage());
        }
        try {
            System.loadLibrary("geomlens");
            loaded = true;
        } catch (UnsatisfiedLinkError e) {
            tried.add("System.loadLibrary(\"geomlens\"): " + e.getMessage());
            throw new NativeLibraryException("libgeomlens.so could not be loaded (" + String.join("; ", tried)
                    + "); build it with cmake (see scripts/gpu-check.sh) and pass -D" + PATH_PROPERTY + "=<path>");
        }
    }
}
