package dev.picspace.imaging;

import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageLimits;

/**
 * The probe's failure messages in one place, so every reader words them alike:
 * {@code "not a supported image: …"}, {@code "truncated: …"} or {@code "corrupt: …"}.
 */
final class ProbeFailures {
    static final String UNSUPPORTED = "not a supported image: expected JPEG, PNG, GIF, WebP or BMP";

    private ProbeFailures() {}

    static InvalidImageException unsupported() {
        return new InvalidImageException(UNSUPPORTED);
    }

    static InvalidImageException unsupported(String why) {
        return new InvalidImageException(UNSUPPORTED + " (" + why + ")");
    }

    static InvalidImageException truncated(ImageFormat format, String why) {
        return new InvalidImageException("truncated: " + format + " " + why);
    }

    static InvalidImageException corrupt(ImageFormat format, String why) {
        return new InvalidImageException("corrupt: " + format + " " + why);
    }

    /**
     * Refuses a single animation frame whose own rectangle breaks the size limits, even when the
     * logical screen or canvas it sits on is within them (a decoder allocates per frame).
     */
    static void checkFrameRect(ImageFormat format, int frameNumber, int width, int height, ImageLimits limits) {
        if (width > limits.maxWidth() || height > limits.maxHeight())
            throw new ImageLimitExceededException(format + " frame " + frameNumber + " is " + width + "x" + height
                    + ", the limit is " + limits.maxWidth() + "x" + limits.maxHeight());
        if ((long) width * height > limits.maxPixels())
            throw new ImageLimitExceededException(format + " frame " + frameNumber + " has " + (long) width * height
                    + " pixels, the limit is " + limits.maxPixels());
    }

    /** Refuses as soon as a frame walk has counted more frames than the limit allows. */
    static void checkFrameCount(long framesSoFar, ImageLimits limits) {
        if (framesSoFar > limits.maxFrames())
            throw new ImageLimitExceededException("image has at least " + framesSoFar
                    + " frames, the limit is " + limits.maxFrames());
    }
}
