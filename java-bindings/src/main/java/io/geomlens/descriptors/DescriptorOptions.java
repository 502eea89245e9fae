package io.geomlens.descriptors;

/**
 * Settings of a describe run; the defaults are MATH.md's. Seeds fix W (projection) and B
 * (cross-polytope) so runs are reproducible; they are echoed in the result.
 */
public record DescriptorOptions(Route route, int k, long projectionSeed, double rtol, boolean complexity,
                                int polytopeP, double polytopeR, long polytopeSeed) {
    public static final DescriptorOptions DEFAULTS =
            new DescriptorOptions(Route.AUTO, 120, 0L, 1e-6, true, 4, 1e-2, 1L);

    public DescriptorOptions {
        if (route == null) {
            throw new IllegalArgumentException("route is null; use EXACT, PROJECTED or AUTO");
        }
        if (k < 1) {
            throw new IllegalArgumentException("k = " + k + "; the projection needs k >= 1 rows");
        }
        if (!(rtol >= 0 && rtol < 1)) {
            throw new IllegalArgumentException("rtol = " + rtol + "; use 0 <= rtol < 1 (default 1e-6)");
        }
        if (polytopeP < 1) {
            throw new IllegalArgumentException("P = " + polytopeP + "; the cross-polytope needs P >= 1");
        }
        if (!(polytopeR > 0) || Double.isInfinite(polytopeR)) {
            throw new IllegalArgumentException("r = " + polytopeR + "; the cross-polytope radius must be > 0");
        }
    }

    public DescriptorOptions withRoute(Route r) {
        return new DescriptorOptions(r, k, projectionSeed, rtol, complexity, polytopeP, polytopeR, polytopeSeed);
    }

    public DescriptorOptions withK(int newK) {
        return new DescriptorOptions(route, newK, projectionSeed, rtol, complexity, polytopeP, polytopeR,
                polytopeSeed);
    }

    public DescriptorOptions withPolytope(int p, double r, long seed) {
        return new DescriptorOptions(route, k, projectionSeed, rtol, complexity, p, r, seed);
    }

    public DescriptorOptions withComplexity(boolean on) {
        return new DescriptorOptions(route, k, projectionSeed, rtol, on, polytopeP, polytopeR, polytopeSeed);
    }

    public DescriptorOptions withRtol(double r) {
        return new DescriptorOptions(route, k, projectionSeed, r, complexity, polytopeP, polytopeR, polytopeSeed);
    }
}
