package io.geomlens.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy .npy files (format 1.0-3.0): little-endian float32/float64, C order, read and written. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** An array's shape and values as doubles. */
    public record Array(int[] shape, double[] data) {
        /** Rows = first dimension; a 1-D array is one row. */
        public int rows() {
            return shape.length <= 1 ? 1 : shape[0];
        }

        public int rowWidth() {
            return rows() == 0 ? 0 : data.length / rows();
        }
    }

    private Npy() {}

    public static Array read(Path path) throws IOException {
        return read(Files.readAllBytes(path), path.toString());
    }

    /** The .npy file's bytes (a resource, say); source names it in errors. */
    public static Array read(byte[] all, String source) throws IOException {
        try {
            return parse(all);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new IOException(source + ": not a readable .npy file (" + e.getMessage() + ")", e);
        }
    }

    static Array parse(byte[] all) {
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw new IllegalArgumentException("missing the \\x93NUMPY magic");
            }
        }
        int major = b.get();
        b.get();
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        byte[] hb = new byte[headerLen];
        b.get(hb);
        String header = new String(hb, StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, "descr");
        if (find(FORTRAN, header, "fortran_order").equals("True")) {
            throw new IllegalArgumentException("Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        String[] dims = find(SHAPE, header, "shape").split(",");
        int[] shape = java.util.Arrays.stream(dims).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] data = new double[Math.toIntExact(n)];
        switch (descr) {
            case "<f4", "=f4", "|f4" -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = b.getFloat();
                }
            }
            case "<f8", "=f8", "|f8" -> {
                for (int i = 0; i < data.length; i++) {
                    data[i] = b.getDouble();
                }
            }
            default -> throw new IllegalArgumentException("dtype '" + descr
                    + "' is not supported; save latents as float32 or float64 (z.astype(np.float32))");
        }
        return new Array(shape, data);
    }

    private static String find(Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }

    /** Writes a float64 array of the given shape. */
    public static void write(Path path, int[] shape, double[] data) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) {
            s.append(d).append(", ");
        }
        if (shape.length > 1) {
            s.setLength(s.length() - 2);
        } else if (shape.length == 1) {
            s.setLength(s.length() - 1);
        }
        s.append(")");
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + s + ", }";
        int total = MAGIC.length + 4 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + 8 * data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : data) {
            b.putDouble(v);
        }
        Files.write(path, b.array());
    }
}
