package dev.picspace.app;

import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.PicspaceException;

import java.io.InputStream;
import java.util.List;

/**
 * Which {@link ImageEngine} the service renders with.
 *
 * <p>SEAM: the pure-Java engine is being written in {@code dev.picspace.imaging} on branch
 * {@code img}. When it is merged, {@link #defaultEngine()} returns it (one line) and
 * {@link NoEngine} goes. Until then every render fails (500, with a log line saying why): transform
 * URLs, and the plain URLs of tenants with a global watermark, which therefore fail closed rather
 * than show the unwatermarked original. Nothing is faked.
 */
final class Engines {
    private Engines() {}

    static ImageEngine defaultEngine() {
        return new NoEngine();
    }

    /** This build has no image engine. */
    static final class EngineMissingException extends PicspaceException {
        EngineMissingException() { super("this build of picspace has no image engine (transforms need branch img merged)"); }
    }

    static final class NoEngine implements ImageEngine {
        @Override
        public Rendition render(InputStream source, ImageInfo info, List<ImageOperation> ops, BlobSource blobs,
                                ImageLimits limits, OutputLimits output) {
            throw new EngineMissingException();
        }
    }
}
