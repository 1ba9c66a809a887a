package dev.picspace.domain;

/**
 * Every limit an upload is held to, checked from headers before any work is done.
 * The defaults are safe for a public endpoint: 20 MB, 100 megapixels (Pillow's bomb threshold is
 * ~179 MP, thumbor's 75 MP), 30000 px per side, 500 frames.
 */
public record ImageLimits(long maxBytes, int maxWidth, int maxHeight, long maxPixels, int maxFrames) {
    public static final ImageLimits DEFAULTS = new ImageLimits(20L * 1024 * 1024, 30_000, 30_000, 100_000_000L, 500);

    public ImageLimits {
        if (maxBytes <= 0 || maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0 || maxFrames <= 0)
            throw new IllegalArgumentException("image limits must be positive");
    }

    /** Throws {@link Exceptions.ImageLimitExceededException} when the probed image breaks a limit. */
    public void check(ImageInfo info, long bytes) {
        if (bytes > maxBytes)
            throw new Exceptions.ImageLimitExceededException("image is " + bytes + " bytes, the limit is " + maxBytes);
        if (info.width() > maxWidth || info.height() > maxHeight)
            throw new Exceptions.ImageLimitExceededException("image is " + info.width() + "x" + info.height()
                    + ", the limit is " + maxWidth + "x" + maxHeight);
        if (info.pixels() > maxPixels)
            throw new Exceptions.ImageLimitExceededException("image has " + info.pixels() + " pixels, the limit is " + maxPixels);
        if (info.frames() > maxFrames)
            throw new Exceptions.ImageLimitExceededException("image has " + info.frames() + " frames, the limit is " + maxFrames);
    }
}
