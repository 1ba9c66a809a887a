package dev.picspace.imaging.render;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.picspace.domain.Exceptions.InvalidImageException;
import dev.picspace.domain.ImageFormat;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Decodes a still picture (an animation's first frame) that the probe has already measured and
 * passed, whole or a region of it, at full or reduced resolution, in sRGB.
 *
 * <p>Reduced resolution: {@link ImageReadParam#setSourceSubsampling} with factor k makes the reader
 * keep every k-th pixel of every k-th row, so a 12 MP JPEG wanted as a 200 px thumbnail is never
 * held at 12 MP (libjpeg still decodes every row, but the 48 MB picture, its colour conversion and
 * the big downscale are gone). Keeping one pixel in k is point sampling, so the caller asks for a
 * factor that leaves about twice the target size and lets a filtered downscale finish the job.
 */
final class Decoder {
    private Decoder() {}

    /**
     * What part of the stored picture to decode, and at what resolution: {@code region} (stored
     * pixels, null for all) lets a chain that starts by cropping hold only the crop, and
     * {@code subsampling} k keeps one pixel in k across and down.
     */
    record Window(int subsampling, java.awt.Rectangle region) {
        static final Window ALL = new Window(1, null);
    }

    /** @param segments the JPEG's segments when already read (null to read them here) */
    static BufferedImage decode(byte[] bytes, ImageFormat format, Window window, JpegSegments segments) {
        return switch (format) {
            case JPEG -> jpeg(bytes, window, segments != null ? segments : JpegSegments.read(bytes));
            case PNG -> png(bytes, window);
            case GIF -> GifFrames.first(bytes);
            case BMP -> read(Codecs.BMP, bytes, window, format);
            case WEBP -> read(Codecs.WEBP, bytes, window, format);
        };
    }

    private static BufferedImage jpeg(byte[] bytes, Window window, JpegSegments segments) {
        // Four components are CMYK or YCCK, which the JDK reader returns unconverted (as if RGB).
        if (segments.components == 4 || segments.adobeTransform == 2)
            return read(Codecs.TWELVEMONKEYS_JPEG, bytes, window, ImageFormat.JPEG);
        byte[] input = bytes;
        ICC_Profile profile = ColorProfiles.parse(segments.icc);
        // An sRGB profile would cost a full colour conversion for nothing (see ColorProfiles).
        if (profile != null && !ColorProfiles.needsConversion(profile)) input = segments.withoutIcc(bytes);
        try {
            return read(Codecs.JDK_JPEG, input, window, ImageFormat.JPEG);
        } catch (InvalidImageException e) {
            if (e.getMessage().startsWith("truncated")) throw e;
            // The JDK reader refuses some files TwelveMonkeys reads (broken ICC profiles, odd
            // colour spaces, lossless JPEG). Anything neither can read stays the first failure.
            try {
                return read(Codecs.TWELVEMONKEYS_JPEG, bytes, window, ImageFormat.JPEG);
            } catch (InvalidImageException again) {
                throw e;
            }
        }
    }

    private static BufferedImage png(byte[] bytes, Window window) {
        BufferedImage image = read(Codecs.PNG, bytes, window, ImageFormat.PNG);
        // The JDK PNG reader keeps iCCP in its metadata and hands back the samples as sRGB.
        ICC_Profile profile = ColorProfiles.parse(ColorProfiles.pngProfile(bytes));
        if (ColorProfiles.needsConversion(profile)) {
            BufferedImage working = Pixels.toWorking(image, true);
            try {
                return ColorProfiles.convertToSrgb(working == image ? Pixels.copy(image) : working, profile);
            } catch (RuntimeException e) {
                // CMMException and friends on a profile Java parsed but cannot use: read as sRGB
                return image;
            }
        }
        return image;
    }

    static BufferedImage read(ImageReaderSpi spi, byte[] bytes, Window window, ImageFormat format) {
        ImageReader reader = Codecs.newReader(spi);
        List<String> warnings = new ArrayList<>();
        try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            ImageReadParam param = reader.getDefaultReadParam();
            if (window.region() != null) param.setSourceRegion(window.region());
            if (window.subsampling() > 1) param.setSourceSubsampling(window.subsampling(), window.subsampling(), 0, 0);
            BufferedImage image = reader.read(0, param);
            for (String w : warnings) {
                String lower = w.toLowerCase(Locale.ROOT);
                // Readers paint a cut-off picture grey and only warn; the probe refuses those
                // files at upload, and the engine refuses them too rather than serve a grey half.
                if (lower.contains("premature end") || lower.contains("truncated"))
                    throw new InvalidImageException("truncated: " + format + " ends before its last pixel (" + w + ")");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidImageException i) throw i;
            // Decoder exceptions on crafted input (IIOException, ArrayIndexOutOfBounds, CMMException,
            // IllegalArgument...) all mean the same to a caller: these bytes are not a picture.
            InvalidImageException wrapped = new InvalidImageException("corrupt: " + format + " could not be decoded");
            wrapped.initCause(e);
            throw wrapped;
        } finally {
            reader.dispose();
        }
    }
}
