package io.geomlens.descriptors;

/** How the Jacobian's singular values are obtained (MATH.md). */
public enum Route {
    /** J from E JVPs with identity tangents. */
    EXACT,
    /** M = W J from k VJPs with the rows of a fixed orthonormal W (k x D). */
    PROJECTED,
    /** EXACT when E <= k, otherwise PROJECTED. */
    AUTO
}
