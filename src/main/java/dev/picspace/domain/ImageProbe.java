package dev.picspace.domain;

import java.nio.file.Path;

/**
 * Reads an image's format, dimensions and frame count from its headers and checks that its
 * structure is complete, without decoding pixels. Implemented in {@code imaging}.
 */
public interface ImageProbe {
    /**
     * @throws Exceptions.InvalidImageException not a supported image, truncated, or corrupt
     * @throws Exceptions.ImageLimitExceededException the headers declare more than the limits allow
     *         (checked as soon as the dimensions are known, before walking the rest of the file)
     */
    ImageInfo probe(Path file, ImageLimits limits);
}
