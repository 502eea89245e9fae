package io.geomlens.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferReleaserTest {
    /** A value: the name of the buffer it lives in (views of one buffer share the name). */
    private record View(String buffer) {}

    /** Only what the releaser calls: bufferOf and releaseBuffer (which records the order). */
    private static final class Buffers implements Executor<View> {
        final List<Object> released = new ArrayList<>();

        public Object bufferOf(View v) {
            return v.buffer().equals("weights") ? null : v.buffer();   // cached weights: not this call's
        }

        public void releaseBuffer(Object buffer) {
            released.add(buffer);
        }

        public View constant(int value, Tensor c) {
            throw new UnsupportedOperationException();
        }

        public int[] shape(View t) {
            throw new UnsupportedOperationException();
        }

        public View forward(Graph.Node node, View[] x) {
            throw new UnsupportedOperationException();
        }

        public View jvp(Graph.Node node, View[] x, View y, View[] t) {
            throw new UnsupportedOperationException();
        }

        public View[] vjp(Graph.Node node, View[] x, View y, View gy, boolean[] needs) {
            throw new UnsupportedOperationException();
        }

        public View add(View a, View b) {
            throw new UnsupportedOperationException();
        }

        public View expand(View t, int[] shape) {
            throw new UnsupportedOperationException();
        }

        public View zeros(int[] shape) {
            throw new UnsupportedOperationException();
        }

        public View reshape(View t, int[] shape) {
            throw new UnsupportedOperationException();
        }

        public View repeatRows(View t, int k) {
            throw new UnsupportedOperationException();
        }

        public View[] newArray(int n) {
            return new View[n];
        }
    }

    @Test
    void releasesABufferOnlyWhenNoLiveViewPinOrForeignOwnerRemains() {
        Buffers ex = new Buffers();
        View input = new View("z");
        BufferReleaser<View> free = new BufferReleaser<>(ex, input);
        View a = new View("a");
        View aView = new View("a");           // a reshape of a: same buffer
        Object[] live = {aView, null};
        free.release(List.of(a), live);
        assertEquals(List.of(), ex.released, "a's reshape is still live");
        live[0] = null;
        free.release(List.of(aView, input, new View("weights")), live);
        assertArrayEquals(new Object[] {"a"}, ex.released.toArray(), "the pinned input and the weights stay");
        free.release(List.of(new View("b"), new View("b")), new Object[0]);
        assertArrayEquals(new Object[] {"a", "b"}, ex.released.toArray(), "one release per buffer");
    }
}
