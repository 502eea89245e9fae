package io.geomlens.descriptors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatentPlaneTest {
    @Test
    void anchorsAreReconstructedFromPlaneCoordinates() {
        double[] a = {1, 0, 0, 0, /**/ 0, 2, 0, 1, /**/ -1, 0, 3, 0};
        LatentPlane p = LatentPlane.through(a, 4);
        double dot = 0;
        for (int i = 0; i < 4; i++) {
            dot += p.e1()[i] * p.e2()[i];
        }
        assertEquals(0, dot, 1e-15);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 4; i++) {
                double rebuilt = p.origin()[i] + p.anchorCoords()[k][0] * p.e1()[i] + p.anchorCoords()[k][1] * p.e2()[i];
                assertEquals(a[k * 4 + i], rebuilt, 1e-12);
            }
        }
        // index() inverts coordinate(), and the grid's top-left latent sits at (-R extent, +R extent).
        assertEquals(7.0, p.index(p.coordinate(7, 20, 1.5), 20, 1.5), 1e-12);
        double[] g = p.grid(20, 1.5);
        double x = p.coordinate(0, 20, 1.5);
        double y = p.coordinate(19, 20, 1.5);
        for (int i = 0; i < 4; i++) {
            assertEquals(p.origin()[i] + x * p.e1()[i] + y * p.e2()[i], g[i], 1e-12);
        }
    }

    @Test
    void collinearAnchorsAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> LatentPlane.through(new double[] {0, 0, 1, 1, 2, 2}, 2));
        assertTrue(e.getMessage().contains("collinear"), e.getMessage());
    }
}
