package dev.picspace.imaging;

import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import java.io.IOException;

/**
 * Reads one format's headers from the start of the file and walks its structure.
 *
 * <p>Contract shared by every reader: call {@link ImageLimits#check} as soon as the dimensions are
 * known; throw {@code InvalidImageException} for what is not a complete, well-formed file of the
 * format; let {@link java.io.EOFException} escape when the file ends early (the probe words it as
 * "truncated"); never allocate in proportion to a declared size; advance on every loop iteration.
 */
interface FormatReader {
    ImageInfo read(ImageInput in, ImageLimits limits) throws IOException;
}
