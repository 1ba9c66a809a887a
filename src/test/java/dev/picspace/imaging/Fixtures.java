package dev.picspace.imaging;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.bmp.BMPImageWriteParam;
import javax.imageio.stream.ImageOutputStream;

/**
 * Image fixtures made in code: real encoder output from ImageIO where the JDK has a writer
 * (JPEG, PNG, GIF, BMP), and hand-built byte streams where it has none (WebP, APNG) or where a
 * test needs a header no encoder would write.
 */
final class Fixtures {
    private Fixtures() {}

    // ---------------------------------------------------------------- ImageIO encoder output

    static BufferedImage picture(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(200, 40, 40));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(30, 90, 220));
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        return image;
    }

    static byte[] jpeg(int width, int height) {
        return jpeg(picture(width, height, BufferedImage.TYPE_INT_RGB), false);
    }

    static byte[] jpeg(BufferedImage image, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (progressive) param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        return write(writer, new IIOImage(image, null, null), param);
    }

    /** A four-channel JPEG written from a raster, as ImageIO does for CMYK (Adobe APP14, no JFIF). */
    static byte[] cmykJpeg(int width, int height) {
        BufferedImage rgb = picture(width, height, BufferedImage.TYPE_INT_RGB);
        WritableRaster cmyk = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                int p = rgb.getRGB(x, y);
                cmyk.setPixel(x, y, new int[] {255 - (p >> 16 & 0xFF), 255 - (p >> 8 & 0xFF), 255 - (p & 0xFF), 0});
            }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        return write(writer, new IIOImage(cmyk, null, null), writer.getDefaultWriteParam());
    }

    static byte[] png(int width, int height) {
        return imageIo(picture(width, height, BufferedImage.TYPE_INT_ARGB), "png");
    }

    static byte[] bmp(int width, int height, boolean topDown) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("bmp").next();
        BMPImageWriteParam param = (BMPImageWriteParam) writer.getDefaultWriteParam();
        param.setTopDown(topDown);
        return write(writer, new IIOImage(picture(width, height, BufferedImage.TYPE_3BYTE_BGR), null, null), param);
    }

    /** An animated GIF from ImageIO's GIF writer in sequence mode, one image descriptor per frame. */
    static byte[] animatedGif(int width, int height, int frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            byte[] red = {(byte) 255, 0, 0, (byte) 255};
            byte[] green = {0, (byte) 255, 0, (byte) 255};
            byte[] blue = {0, 0, (byte) 255, (byte) 255};
            IndexColorModel palette = new IndexColorModel(2, 4, red, green, blue);
            for (int i = 0; i < frames; i++) {
                BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, palette);
                Graphics2D g = frame.createGraphics();
                g.setColor(new Color(red[i % 4] & 0xFF, green[i % 4] & 0xFF, blue[i % 4] & 0xFF));
                g.fillRect(0, 0, width, height);
                g.dispose();
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static byte[] imageIo(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) throw new IllegalStateException("no ImageIO writer for " + format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, image, param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- PNG / APNG by hand

    /** PNG chunks with correct lengths and CRCs (PNG spec §5.3: the CRC covers type and data). */
    static final class Png {
        static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        private final Bytes out = new Bytes().bytes(SIGNATURE);

        Png chunk(String type, byte[] data) {
            out.u32be(data.length).ascii(type).bytes(data).u32be(crc(type, data));
            return this;
        }

        /** A chunk header that declares {@code length} bytes, with no data or CRC after it. */
        Png bareChunkHeader(String type, long length) {
            out.u32be(length).ascii(type);
            return this;
        }

        Png ihdr(long width, long height, int bitDepth, int colourType) {
            return chunk("IHDR", new Bytes().u32be(width).u32be(height).u8(bitDepth, colourType, 0, 0, 0).toArray());
        }

        /** One IDAT holding real zlib data for a {@code width}×{@code height} 8-bit RGB image. */
        Png rgbIdat(int width, int height) {
            return chunk("IDAT", rgbImageData(width, height));
        }

        Png actl(long frames) {
            return chunk("acTL", new Bytes().u32be(frames).u32be(0).toArray());
        }

        /** APNG fcTL: sequence, size, offset, delay 1/10 s, dispose none, blend source. */
        Png fctl(int sequence, int width, int height) {
            return chunk("fcTL", new Bytes().u32be(sequence).u32be(width).u32be(height).u32be(0).u32be(0)
                    .u16be(1).u16be(10).u8(0, 0).toArray());
        }

        Png fdat(int sequence, int width, int height) {
            return chunk("fdAT", Bytes.concat(new Bytes().u32be(sequence).toArray(), rgbImageData(width, height)));
        }

        Png iend() { return chunk("IEND", new byte[0]); }

        byte[] toArray() { return out.toArray(); }

        static long crc(String type, byte[] data) {
            CRC32 crc = new CRC32();
            crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            crc.update(data);
            return crc.getValue();
        }

        static byte[] rgbImageData(int width, int height) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DeflaterOutputStream zlib = new DeflaterOutputStream(out)) {
                for (int y = 0; y < height; y++) {
                    zlib.write(0); // filter type None
                    for (int x = 0; x < width; x++) zlib.write(new byte[] {(byte) x, (byte) y, (byte) 128});
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    /** A real APNG of 4×3 pixels: acTL, fcTL+IDAT for the first frame, fcTL+fdAT for each later one. */
    static byte[] apng(int frames) {
        Png png = new Png().ihdr(4, 3, 8, 2).actl(frames).fctl(0, 4, 3).rgbIdat(4, 3);
        int sequence = 1;
        for (int i = 1; i < frames; i++) {
            png.fctl(sequence++, 4, 3).fdat(sequence++, 4, 3);
        }
        return png.iend().toArray();
    }

    // ---------------------------------------------------------------- GIF by hand

    /** GIF89a block streams; frames are 1×1 images with real LZW data unless told otherwise. */
    static final class Gif {
        /** LZW for one pixel of index 0 at minimum code size 2: clear, 0, end (GIF89a Appendix F). */
        private static final byte[] ONE_PIXEL_LZW = {0x02, 0x02, 0x44, 0x01, 0x00};
        private final Bytes out = new Bytes();

        Gif(int width, int height) {
            // Global colour table of 2^(0+1) = 2 entries.
            out.ascii("GIF89a").u16le(width).u16le(height).u8(0x80, 0, 0).u8(0, 0, 0, 255, 255, 255);
        }

        Gif frame() { return frame(1, 1); }

        Gif frame(int width, int height) {
            out.u8(0x2C).u16le(0).u16le(0).u16le(width).u16le(height).u8(0).bytes(ONE_PIXEL_LZW);
            return this;
        }

        Gif graphicControl(int delay) {
            out.u8(0x21, 0xF9, 4, 0).u16le(delay).u8(0, 0);
            return this;
        }

        Gif netscapeLoop() {
            out.u8(0x21, 0xFF, 11).ascii("NETSCAPE2.0").u8(3, 1, 0, 0, 0);
            return this;
        }

        Gif comment(String text) {
            out.u8(0x21, 0xFE, text.length()).ascii(text).u8(0);
            return this;
        }

        Gif trailer() {
            out.u8(0x3B);
            return this;
        }

        byte[] toArray() { return out.toArray(); }
    }

    // ---------------------------------------------------------------- WebP by hand

    /**
     * WebP RIFF containers (RFC 9649). The 1×1 payloads are the ones Google's WebP FAQ uses for
     * feature detection, so at 1×1 the files decode; at other sizes only the headers are real.
     */
    static final class Webp {
        private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
        /** VP8L bitstream after its 5-byte header (signature + size/alpha/version word). */
        private static final byte[] LOSSLESS_1X1_TAIL = HEX.parseHex("07 10 11 11 88 88 fe 07 00");
        /** A complete VP8 key frame of 1×1; bytes 6–9 hold the 14-bit width and height. */
        private static final byte[] LOSSY_1X1 = HEX.parseHex(
                "30 01 00 9d 01 2a 01 00 01 00 0e c0 fe 25 a4 00 03 70 00 00 00 00");

        // The four feature-detection images from Google's WebP FAQ, real libwebp output (base64).
        static final String FAQ_LOSSY = "UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA";
        static final String FAQ_LOSSLESS = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";
        static final String FAQ_ALPHA = "UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==";
        static final String FAQ_ANIMATED = "UklGRlIAAABXRUJQVlA4WAoAAAASAAAAAAAAAAAAQU5JTQYAAAD/////AABBTk1GJgAAAAAAAAAAAAAAAAAAAGQAAABWUDhMDQAAAC8AAAAQBxAREYiI/gcA";

        static byte[] faq(String base64) {
            return java.util.Base64.getDecoder().decode(base64);
        }

        static byte[] riff(byte[]... chunks) {
            byte[] body = Bytes.concat(chunks);
            return new Bytes().ascii("RIFF").u32le(4 + body.length).ascii("WEBP").bytes(body).toArray();
        }

        static byte[] chunk(String fourcc, byte[] payload) {
            Bytes out = new Bytes().ascii(fourcc).u32le(payload.length).bytes(payload);
            if (payload.length % 2 == 1) out.u8(0); // RFC 9649 §2.3: pad to an even size
            return out.toArray();
        }

        static byte[] vp8l(int width, int height) {
            long bits = (width - 1) | (long) (height - 1) << 14 | 1L << 28; // alpha used, version 0
            return chunk("VP8L", new Bytes().u8(0x2F).u32le(bits).bytes(LOSSLESS_1X1_TAIL).toArray());
        }

        static byte[] vp8(int width, int height) {
            byte[] frame = LOSSY_1X1.clone();
            frame[6] = (byte) width;
            frame[7] = (byte) (width >>> 8 & 0x3F);
            frame[8] = (byte) height;
            frame[9] = (byte) (height >>> 8 & 0x3F);
            return chunk("VP8 ", frame);
        }

        /** VP8X with the animation flag (bit 1) when {@code animated}, the alpha flag (bit 4) always. */
        static byte[] vp8x(boolean animated, int canvasWidth, int canvasHeight) {
            int flags = 0x10 | (animated ? 0x02 : 0);
            return chunk("VP8X", new Bytes().u8(flags, 0, 0, 0).u24le(canvasWidth - 1).u24le(canvasHeight - 1).toArray());
        }

        static byte[] anim() {
            return chunk("ANIM", new Bytes().u32le(0xFFFFFFFFL).u16le(0).toArray());
        }

        static byte[] anmf(int x, int y, int width, int height, byte[] bitstream) {
            return chunk("ANMF", Bytes.concat(new Bytes().u24le(x / 2).u24le(y / 2).u24le(width - 1)
                    .u24le(height - 1).u24le(100).u8(0).toArray(), bitstream));
        }

        static byte[] animated(int width, int height, int frames) {
            byte[][] chunks = new byte[frames + 2][];
            chunks[0] = vp8x(true, width, height);
            chunks[1] = anim();
            for (int i = 0; i < frames; i++) chunks[i + 2] = anmf(0, 0, width, height, vp8l(width, height));
            return riff(chunks);
        }
    }

    // ---------------------------------------------------------------- BMP by hand

    /**
     * An uncompressed BMP with the given DIB header size (12 = BITMAPCOREHEADER, 40, 108, 124) and
     * zeroed pixels; {@code height} negative for top-down.
     */
    static byte[] bmp(int headerSize, int width, int height, int bitCount) {
        boolean core = headerSize == 12;
        int paletteEntries = bitCount <= 8 ? 1 << bitCount : 0;
        int paletteBytes = paletteEntries * (core ? 3 : 4);
        int stride = (width * bitCount + 31) / 32 * 4;
        int pixelBytes = stride * Math.abs(height);
        int offset = 14 + headerSize + paletteBytes;
        Bytes out = new Bytes().ascii("BM").u32le(offset + pixelBytes).u32le(0).u32le(offset).u32le(headerSize);
        if (core) {
            out.u16le(width).u16le(height).u16le(1).u16le(bitCount);
        } else {
            out.u32le(width).u32le(height).u16le(1).u16le(bitCount).u32le(0).u32le(pixelBytes)
                    .u32le(2835).u32le(2835).u32le(0).u32le(0).zeros(headerSize - 40);
        }
        return out.zeros(paletteBytes + pixelBytes).toArray();
    }
}
