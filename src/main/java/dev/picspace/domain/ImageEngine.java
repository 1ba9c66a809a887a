package dev.picspace.domain;

import java.io.InputStream;
import java.util.List;

/**
 * What renders derivatives (design: Serving; issue "image delivery"). The default implementation
 * is pure Java ({@code imaging}); a native engine (libvips) can be added behind the same interface.
 *
 * <p>The engine trusts nothing: {@code source} was probed at upload, but the engine re-checks
 * {@link ImageLimits} from the headers before decoding, bounds its output
 * ({@link OutputLimits}), and reads no bytes but those it is given (no URLs, no files by name).
 */
public interface ImageEngine {

    /** Bounds on what a transform may produce (OSS: ≤16384 px a side, ≤16,777,216 px in all). */
    record OutputLimits(int maxSide, long maxPixels, long maxBytes) {
        public static final OutputLimits DEFAULTS = new OutputLimits(16_384, 16_777_216L, 32L * 1024 * 1024);
    }

    /** Bytes of a picture in the tenant's own space, by blob key (for image watermarks). */
    @FunctionalInterface
    interface BlobSource {
        /** @throws Exceptions.StorageException when there is no such blob */
        InputStream open(String blobKey);
    }

    /**
     * A rendered derivative: its bytes and what they are ({@code format} null for
     * {@link ImageOperation.Info} JSON, whose width and height are those it describes).
     * {@code frames} is how many frames the bytes hold: 1 for a still, the frame count for an
     * animation that kept its frames; a caller can compare it with the source's to say that an
     * animation was served as its first frame.
     */
    record Rendition(byte[] bytes, ImageFormat format, String mediaType, int width, int height, int frames) {
        /** A still (one frame). */
        public Rendition(byte[] bytes, ImageFormat format, String mediaType, int width, int height) {
            this(bytes, format, mediaType, width, height, 1);
        }
    }

    /**
     * Applies {@code ops} to {@code source} (a stored original of format {@code info.format()}).
     *
     * @throws Exceptions.InvalidArgumentException an operation cannot apply to this image (its message says why)
     * @throws Exceptions.ImageLimitExceededException the source or the output would break a limit
     * @throws Exceptions.InvalidImageException the source cannot be decoded
     */
    Rendition render(InputStream source, ImageInfo info, List<ImageOperation> ops, BlobSource blobs,
                     ImageLimits limits, OutputLimits output);
}
