package io.geomlens.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsFloat64() throws IOException {
        Path p = dir.resolve("a.npy");
        double[] d = {1, -2.5, 3e-9, 4, 5, 6};
        Npy.write(p, new int[] {2, 3}, d);
        Npy.Array a = Npy.read(p);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(d, a.data());
        byte[] raw = Files.readAllBytes(p);
        int headerEnd = 10 + (raw[8] & 0xff);
        assertTrue(headerEnd % 64 == 0, "header padded to 64 bytes as NumPy does");
    }

    @Test
    void readsFloat32AsNumpyWritesIt() throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
        header = header + " ".repeat(64 - (10 + header.length() + 1) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(8f);
        Path p = dir.resolve("f.npy");
        Files.write(p, b.array());
        assertArrayEquals(new double[] {1.5, -2, 0.25, 8}, Npy.read(p).data());
    }

    @Test
    void rejectsIntegerArraysWithAHint() throws IOException {
        Path p = dir.resolve("i.npy");
        Npy.write(p, new int[] {1}, new double[] {1});
        byte[] raw = Files.readAllBytes(p);
        String s = new String(raw, StandardCharsets.ISO_8859_1).replace("<f8", "<i8");
        Files.write(p, s.getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(IOException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("astype(np.float32)"), e.getMessage());
    }
}
