package dev.picspace.imaging.render;

import com.luciad.imageio.webp.WebPWriteParam;
import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.ImageFormat;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;

/**
 * Writes derivatives. No metadata is ever handed to a writer, so a derivative carries no EXIF
 * (GPS, camera serials, the original's orientation tag), no XMP and no ICC profile: its pixels
 * are sRGB, which is what a picture without a profile means.
 *
 * <p>The output is bounded while it is written ({@link BoundedImageOutput}): the stream fails as
 * soon as it passes {@code maxBytes}, so a 16 MP BMP is refused at 32 MB, not after it was buffered
 * whole.
 */
final class Encoder {
    private Encoder() {}

    /** How to write: JPEG/WebP quality 1..100 (ignored by the lossless formats), progressive/interlaced. */
    record Settings(ImageFormat format, int quality, boolean interlace) {}

    static byte[] encode(BufferedImage image, Settings s, long maxBytes) {
        ImageWriter writer = Codecs.newWriter(writerFor(s.format()));
        try (BoundedImageOutput out = new BoundedImageOutput(maxBytes)) {
            writer.setOutput(out);
            BufferedImage pixels = forFormat(image, s.format());
            writer.write(null, new IIOImage(pixels, null, null), param(writer, s));
            return out.toByteArray();
        } catch (IOException e) {
            // some writers wrap the stream's exception in their own IIOException
            if (isTooLarge(e)) throw tooLarge(maxBytes);
            throw new IllegalStateException("writing " + s.format() + " failed", e);
        } finally {
            writer.dispose();
        }
    }

    /** Writes an animated GIF frame by frame, as they come (see {@link GifFrames}). */
    static final class GifSequence implements AutoCloseable {
        private final ImageWriter writer = Codecs.newWriter(Codecs.GIF_WRITER);
        private final BoundedImageOutput out;
        private final ImageWriteParam param;
        private final int loops;
        private final long maxBytes;
        private boolean first = true;

        GifSequence(long maxBytes, boolean interlace, int loops) {
            this.maxBytes = maxBytes;
            this.loops = loops;
            this.out = new BoundedImageOutput(maxBytes);
            writer.setOutput(out);
            param = param(writer, new Settings(ImageFormat.GIF, 100, interlace));
            try {
                writer.prepareWriteSequence(null);
            } catch (IOException e) {
                if (isTooLarge(e)) throw tooLarge(maxBytes);
                throw new IllegalStateException("starting a GIF failed", e);
            }
        }

        void write(BufferedImage frame, int delay) {
            try {
                IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
                String format = metadata.getNativeMetadataFormatName();
                IIOMetadataNode root = new IIOMetadataNode(format);
                IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
                // Every frame is a whole picture, so each clears the one before (transparent parts
                // must not show the previous frame through).
                control.setAttribute("disposalMethod", "restoreToBackgroundColor");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", Integer.toString(Math.max(0, delay)));
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                if (first && loops >= 0) {
                    IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
                    IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                    app.setAttribute("applicationID", "NETSCAPE");
                    app.setAttribute("authenticationCode", "2.0");
                    app.setUserObject(new byte[] {1, (byte) (loops & 0xFF), (byte) (loops >> 8 & 0xFF)});
                    apps.appendChild(app);
                    root.appendChild(apps);
                }
                metadata.mergeTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), param);
                first = false;
            } catch (IOException e) {
                if (isTooLarge(e)) throw tooLarge(maxBytes);
                throw new IllegalStateException("writing a GIF frame failed", e);
            }
        }

        byte[] finish() {
            try {
                writer.endWriteSequence();
            } catch (IOException e) {
                if (isTooLarge(e)) throw tooLarge(maxBytes);
                throw new IllegalStateException("finishing a GIF failed", e);
            }
            return out.toByteArray();
        }

        @Override
        public void close() {
            writer.dispose();
            try {
                out.close();
            } catch (IOException ignored) {
                // memory only; a failed close after a failure changes nothing
            }
        }
    }

    /** JPEG and BMP have no alpha: transparent parts are put on white, as a browser shows them. */
    private static BufferedImage forFormat(BufferedImage image, ImageFormat format) {
        return switch (format) {
            case JPEG -> Pixels.flatten(Pixels.toWorking(image, false), 0xFFFFFF);
            case BMP -> to3ByteBgr(Pixels.flatten(Pixels.toWorking(image, false), 0xFFFFFF));
            default -> Pixels.toWorking(image, true);
        };
    }

    /** The BMP writer writes 24-bit files from 3-byte BGR; INT_RGB would become a 32-bit bitfield BMP. */
    private static BufferedImage to3ByteBgr(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) return image;
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static ImageWriteParam param(ImageWriter writer, Settings s) {
        ImageWriteParam p = writer.getDefaultWriteParam();
        switch (s.format()) {
            case JPEG -> {
                p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionQuality(s.quality() / 100f);
                p.setProgressiveMode(s.interlace() ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            }
            case WEBP -> {
                WebPWriteParam w = (WebPWriteParam) p;
                w.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                w.setCompressionType(lossy(w));
                w.setCompressionQuality(s.quality() / 100f);
            }
            // The JDK PNG writer writes Adam7 and the GIF writer interlaced rows in MODE_DEFAULT;
            // both are off unless asked for (they make files larger and OSS only interlaces JPEG).
            case PNG, GIF -> p.setProgressiveMode(s.interlace() ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
            case BMP -> { }
        }
        return p;
    }

    private static String lossy(WebPWriteParam p) {
        for (String t : p.getCompressionTypes()) if (t.toLowerCase(Locale.ROOT).contains("lossy")) return t;
        return p.getCompressionTypes()[0];
    }

    private static javax.imageio.spi.ImageWriterSpi writerFor(ImageFormat f) {
        return switch (f) {
            case JPEG -> Codecs.JPEG_WRITER;
            case PNG -> Codecs.PNG_WRITER;
            case GIF -> Codecs.GIF_WRITER;
            case BMP -> Codecs.BMP_WRITER;
            case WEBP -> Codecs.WEBP_WRITER;
        };
    }

    private static ImageLimitExceededException tooLarge(long maxBytes) {
        return new ImageLimitExceededException("the output would be larger than " + maxBytes + " bytes");
    }

    private static boolean isTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof BoundedImageOutput.TooLarge) return true;
        return false;
    }
}
