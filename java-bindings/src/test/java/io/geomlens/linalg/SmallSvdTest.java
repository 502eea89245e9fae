package io.geomlens.linalg;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.geomlens.testing.KnownSpectrum;
import org.junit.jupiter.api.Test;

class SmallSvdTest {
    @Test
    void recoversKnownSingularValuesIncludingTinyOnes() {
        double[] s = {50, 7, 3, 1, 0.25, 1e-3, 1e-6, 1e-9};
        double[] got = SmallSvd.singularValues(KnownSpectrum.matrix(s, 30, 8, 3), 30, 8);
        assertClose(s, got, 1e-13, 1e-7, "tall");
        double[] wide = SmallSvd.singularValues(KnownSpectrum.matrix(s, 8, 40, 5), 8, 40);
        assertClose(s, wide, 1e-13, 1e-7, "wide");
    }

    @Test
    void rankDeficientMatrixHasZeros() {
        double[] s = {4, 2, 1};
        double[] got = SmallSvd.singularValues(KnownSpectrum.matrix(s, 12, 6, 7), 12, 6);
        assertEquals(6, got.length);
        assertClose(new double[] {4, 2, 1, 0, 0, 0}, got, 1e-12, 1e-12, "rank 3 of 6");
    }

    @Test
    void orthonormalRowsAreOrthonormalAndSeeded() {
        double[] w = Orthonormal.rows(5, 17, 42);
        double[] gram = new double[25];
        double[] eye = new double[25];
        for (int i = 0; i < 5; i++) {
            eye[i * 5 + i] = 1;
            for (int j = 0; j < 5; j++) {
                for (int t = 0; t < 17; t++) {
                    gram[i * 5 + j] += w[i * 17 + t] * w[j * 17 + t];
                }
            }
        }
        assertClose(eye, gram, 1e-14, 0, "W W^T");
        assertClose(w, Orthonormal.rows(5, 17, 42), 0, 0, "same seed, same frame");
        assertThrows(IllegalArgumentException.class, () -> Orthonormal.rows(18, 17, 1));
    }
}
