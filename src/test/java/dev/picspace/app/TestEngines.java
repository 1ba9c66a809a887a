package dev.picspace.app;

import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine every delivery test renders with, and a counting, holdable wrapper around it. */
public final class TestEngines {
    private TestEngines() {}

    /** The one place that says which engine the delivery tests render with: the real one. */
    public static ImageEngine engine() {
        return new dev.picspace.imaging.render.Java2dImageEngine();
    }

    /** Counts renders and can hold them until released (to fill the render pool, or to overlap requests). */
    public static final class Counting implements ImageEngine {
        private final ImageEngine real;
        public final AtomicInteger calls = new AtomicInteger();
        private volatile CountDownLatch gate;
        /** Counted down as each render starts, when set. */
        public volatile CountDownLatch started;

        public Counting(ImageEngine real) { this.real = real; }

        /** Renders wait from now on until {@link #release()}. */
        public void hold() { gate = new CountDownLatch(1); }

        public void release() {
            CountDownLatch g = gate;
            gate = null;
            if (g != null) g.countDown();
        }

        @Override
        public Rendition render(InputStream source, ImageInfo info, List<ImageOperation> ops, BlobSource blobs,
                                ImageLimits limits, OutputLimits output) {
            calls.incrementAndGet();
            CountDownLatch s = started;
            if (s != null) s.countDown();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    if (!g.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("test gate never released");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return real.render(source, info, ops, blobs, limits, output);
        }
    }
}
