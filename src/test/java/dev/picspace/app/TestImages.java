package dev.picspace.app;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;

/** Images made in the test, never downloaded: real encoders for good ones, hand-made bytes for hostile ones. */
public final class TestImages {
    private TestImages() {}

    public static byte[] jpeg(int w, int h) { return encode("jpg", w, h, BufferedImage.TYPE_INT_RGB, 1); }

    public static byte[] jpeg(int w, int h, long seed) { return encode("jpg", w, h, BufferedImage.TYPE_INT_RGB, seed); }

    public static byte[] png(int w, int h) { return encode("png", w, h, BufferedImage.TYPE_INT_ARGB, 2); }

    public static byte[] gif(int w, int h) { return encode("gif", w, h, BufferedImage.TYPE_INT_RGB, 3); }

    public static byte[] bmp(int w, int h) { return encode("bmp", w, h, BufferedImage.TYPE_INT_RGB, 4); }

    /** A JPEG of roughly the given size: noise compresses badly, so size follows the pixel count. */
    public static byte[] noisyJpeg(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt());
        return write(img, "jpg");
    }

    private static byte[] encode(String format, int w, int h, int type, long seed) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        Random r = new Random(seed);
        g.setColor(new Color(r.nextInt(0xffffff)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(r.nextInt(0xffffff)));
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        return write(img, format);
    }

    private static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no writer for " + format);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tiny, well-formed PNG whose IHDR declares width×height (a pixel flood / decompression bomb header). */
    public static byte[] pngDeclaring(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 12 + 2);
        b.put(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(b, "IHDR", ihdr.array());
        chunk(b, "IDAT", new byte[]{0x78, 0x01});
        chunk(b, "IEND", new byte[0]);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        b.putInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
    }

    public static byte[] truncated(byte[] image, int keep) {
        byte[] t = new byte[keep];
        System.arraycopy(image, 0, t, 0, keep);
        return t;
    }
}
