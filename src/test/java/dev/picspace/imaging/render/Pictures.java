package dev.picspace.imaging.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageEngine.OutputLimits;
import dev.picspace.domain.ImageEngine.Rendition;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.ImageOperation;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Test pictures made with Java2D and the JDK writers, crafted metadata, and pixel assertions. */
final class Pictures {
    private Pictures() {}

    static final int RED = 0xFF0000, GREEN = 0x00FF00, BLUE = 0x0000FF, YELLOW = 0xFFFF00, WHITE = 0xFFFFFF, BLACK = 0;

    static final ImageEngine ENGINE = new Java2dImageEngine();

    // ---------------------------------------------------------------- pictures

    /** Left half red, right half blue. */
    static BufferedImage split(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(RED));
        g.fillRect(0, 0, w / 2, h);
        g.setColor(new Color(BLUE));
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return image;
    }

    /** Top left red, top right green, bottom left blue, bottom right yellow. */
    static BufferedImage quadrants(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(RED));
        g.fillRect(0, 0, w / 2, h / 2);
        g.setColor(new Color(GREEN));
        g.fillRect(w / 2, 0, w - w / 2, h / 2);
        g.setColor(new Color(BLUE));
        g.fillRect(0, h / 2, w / 2, h - h / 2);
        g.setColor(new Color(YELLOW));
        g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
        g.dispose();
        return image;
    }

    /** Vertical stripes, a quarter each: green, red, blue, yellow. */
    static BufferedImage stripes(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        int[] colours = {GREEN, RED, BLUE, YELLOW};
        for (int i = 0; i < 4; i++) {
            g.setColor(new Color(colours[i]));
            g.fillRect(i * w / 4, 0, (i + 1) * w / 4 - i * w / 4, h);
        }
        g.dispose();
        return image;
    }

    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    /** Transparent, with an opaque red square in the middle half. */
    static BufferedImage transparentWithRedSquare(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(RED));
        g.fillRect(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return image;
    }

    // ---------------------------------------------------------------- encoding

    static byte[] jpeg(BufferedImage image, int quality) {
        ImageWriter writer = jdkWriter("jpeg");
        ImageWriteParam p = writer.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality / 100f);
        return write(writer, image, p);
    }

    static byte[] png(BufferedImage image) {
        return write(jdkWriter("png"), image, null);
    }

    static byte[] gif(BufferedImage image) {
        return write(jdkWriter("gif"), image, null);
    }

    static byte[] bmp(BufferedImage image) {
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = bgr.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return write(jdkWriter("bmp"), bgr, null);
    }

    /** An animated GIF of full-canvas frames, one solid colour each, 10/100 s apart, looping forever. */
    static byte[] animatedGif(int w, int h, int... colours) {
        ImageWriter writer = jdkWriter("gif");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            boolean first = true;
            for (int c : colours) {
                BufferedImage frame = solid(w, h, c);
                var metadata = writer.getDefaultImageMetadata(javax.imageio.ImageTypeSpecifier.createFromRenderedImage(frame), null);
                String f = metadata.getNativeMetadataFormatName();
                var root = new javax.imageio.metadata.IIOMetadataNode(f);
                var control = new javax.imageio.metadata.IIOMetadataNode("GraphicControlExtension");
                control.setAttribute("disposalMethod", "none");
                control.setAttribute("userInputFlag", "FALSE");
                control.setAttribute("transparentColorFlag", "FALSE");
                control.setAttribute("delayTime", "10");
                control.setAttribute("transparentColorIndex", "0");
                root.appendChild(control);
                if (first) {
                    var apps = new javax.imageio.metadata.IIOMetadataNode("ApplicationExtensions");
                    var app = new javax.imageio.metadata.IIOMetadataNode("ApplicationExtension");
                    app.setAttribute("applicationID", "NETSCAPE");
                    app.setAttribute("authenticationCode", "2.0");
                    app.setUserObject(new byte[] {1, 0, 0});
                    apps.appendChild(app);
                    root.appendChild(apps);
                    first = false;
                }
                metadata.mergeTree(f, root);
                writer.writeToSequence(new IIOImage(frame, null, metadata), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static ImageWriter jdkWriter(String format) {
        for (var it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
            ImageWriter w = it.next();
            if (w.getOriginatingProvider().getClass().getName().startsWith("com.sun.imageio")) return w;
        }
        throw new IllegalStateException("no JDK writer for " + format);
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    // ---------------------------------------------------------------- crafted metadata

    /** The JPEG with {@code segment} (marker included) inserted right after SOI. */
    static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.writeBytes(segment);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** One APP segment: FF En, length, payload. */
    static byte[] app(int n, byte[] payload) {
        int length = payload.length + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xE0 + n);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** An APP2 ICC_PROFILE segment holding the whole profile. */
    static byte[] iccSegment(ICC_Profile profile) {
        byte[] data = profile.getData();
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
        p.write(1);
        p.write(1);
        p.writeBytes(data);
        return app(2, p.toByteArray());
    }

    static ICC_Profile linearRgb() {
        return ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB);
    }

    static ICC_Profile srgb() {
        return ICC_Profile.getInstance(ColorSpace.CS_sRGB);
    }

    /** A PNG with an iCCP chunk for {@code profile} inserted after IHDR. */
    static byte[] pngWithIcc(byte[] png, ICC_Profile profile) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes("test\0".getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z)) {
            d.write(profile.getData());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        data.writeBytes(z.toByteArray());
        byte[] chunk = chunk("iCCP", data.toByteArray());
        int afterIhdr = 8 + 8 + 13 + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterIhdr);
        out.writeBytes(chunk);
        out.write(png, afterIhdr, png.length - afterIhdr);
        return out.toByteArray();
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        b.putInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        b.put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * An APP1 Exif segment (little-endian TIFF) with IFD0 holding Make, Model and Orientation and,
     * when {@code gps}, a GPS IFD with a latitude.
     */
    static byte[] exifSegment(int orientation, boolean gps) {
        record Entry(int tag, int type, int count, byte[] data) {}
        List<Entry> ifd0 = new ArrayList<>();
        ifd0.add(new Entry(0x010F, 2, 0, ascii("PicspaceCam")));
        ifd0.add(new Entry(0x0110, 2, 0, ascii("Model 7")));
        ifd0.add(new Entry(0x0112, 3, 1, le16(orientation)));
        List<Entry> gpsIfd = List.of(
                new Entry(0x0001, 2, 0, ascii("N")),
                new Entry(0x0002, 5, 3, rationals(31, 1, 14, 1, 2, 1)));
        ByteBuffer tiff = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        int ifd0Size = 2 + 12 * (ifd0.size() + (gps ? 1 : 0)) + 4;
        int dataAt = 8 + ifd0Size;
        ByteBuffer data = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        tiff.putShort((short) (ifd0.size() + (gps ? 1 : 0)));
        for (Entry e : ifd0) dataAt = entry(tiff, data, e.tag(), e.type(), e.count() == 0 ? e.data().length : e.count(), e.data(), dataAt);
        int gpsEntryAt = tiff.position();
        if (gps) tiff.position(tiff.position() + 12);
        tiff.putInt(0);
        // the data area follows IFD0, then the GPS IFD after the data
        byte[] ifd0Data = Arrays.copyOf(data.array(), data.position());
        int gpsAt = 8 + ifd0Size + ifd0Data.length;
        tiff.put(ifd0Data);
        if (gps) {
            int end = tiff.position();
            tiff.position(gpsEntryAt);
            tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(gpsAt);
            tiff.position(end);
            int gpsSize = 2 + 12 * gpsIfd.size() + 4;
            ByteBuffer gdata = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
            tiff.putShort((short) gpsIfd.size());
            int at = gpsAt + gpsSize;
            for (Entry e : gpsIfd) at = entry(tiff, gdata, e.tag(), e.type(), e.count() == 0 ? e.data().length : e.count(), e.data(), at);
            tiff.putInt(0);
            tiff.put(Arrays.copyOf(gdata.array(), gdata.position()));
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        payload.write(tiff.array(), 0, tiff.position());
        return app(1, payload.toByteArray());
    }

    private static int entry(ByteBuffer ifd, ByteBuffer data, int tag, int type, int count, byte[] value, int dataAt) {
        ifd.putShort((short) tag).putShort((short) type).putInt(count);
        if (value.length <= 4) {
            ifd.put(Arrays.copyOf(value, 4));
            return dataAt;
        }
        ifd.putInt(dataAt);
        data.put(value);
        return dataAt + value.length;
    }

    private static byte[] ascii(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] le16(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8)};
    }

    private static byte[] rationals(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }

    // ---------------------------------------------------------------- rendering and checking

    static Rendition render(byte[] source, ImageOperation... ops) {
        return render(source, null, ops);
    }

    static Rendition render(byte[] source, Map<String, byte[]> blobs, ImageOperation... ops) {
        return ENGINE.render(new ByteArrayInputStream(source), null, List.of(ops),
                blobs == null ? null : key -> {
                    byte[] b = blobs.get(key);
                    if (b == null) throw new dev.picspace.domain.Exceptions.StorageException("no blob " + key);
                    return new ByteArrayInputStream(b);
                },
                ImageLimits.DEFAULTS, OutputLimits.DEFAULTS);
    }

    /** Decodes with TwelveMonkeys/JDK readers through ImageIO (a check independent of the engine's reader choice). */
    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            assertThat(image).as("decodable output").isNotNull();
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int frameCount(byte[] bytes) {
        try (var in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader r = ImageIO.getImageReaders(in).next();
            r.setInput(in);
            int n = r.getNumImages(true);
            r.dispose();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int rgb(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) & 0xFFFFFF;
    }

    static int alpha(BufferedImage image, int x, int y) {
        return image.getRGB(x, y) >>> 24;
    }

    /** Whether every channel of the pixel is within {@code tolerance} of {@code expected}. */
    static boolean near(int actual, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int a = actual >> shift & 0xFF, e = expected >> shift & 0xFF;
            if (Math.abs(a - e) > tolerance) return false;
        }
        return true;
    }

    static void assertPixel(BufferedImage image, int x, int y, int expected, int tolerance) {
        int actual = rgb(image, x, y);
        assertThat(near(actual, expected, tolerance))
                .as("pixel at %d,%d is %06X, expected %06X ±%d", x, y, actual, expected, tolerance)
                .isTrue();
    }
}
