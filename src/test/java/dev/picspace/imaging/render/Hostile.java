package dev.picspace.imaging.render;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Hand-built files whose headers lie: declared sizes and frame counts no honest encoder writes. */
final class Hostile {
    private Hostile() {}

    /** A complete, well-formed PNG that declares {@code w×h} and holds a few bytes of pixel data. */
    static byte[] pngHeader(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        out.writeBytes(chunk("IHDR", ihdr.array()));
        Deflater d = new Deflater();
        d.setInput(new byte[64]);
        d.finish();
        byte[] z = new byte[128];
        int n = d.deflate(z);
        d.end();
        out.writeBytes(chunk("IDAT", java.util.Arrays.copyOf(z, n)));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** A GIF of {@code frames} 1×1 frames: tiny file, huge frame count. */
    static byte[] manyFrameGif(int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 0, 1, 0, (byte) 0x80, 0, 0}); // 1x1 screen, 2-colour global table
        out.writeBytes(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        for (int i = 0; i < frames; i++) {
            out.writeBytes(new byte[] {0x21, (byte) 0xF9, 4, 0, 1, 0, 0, 0}); // graphic control, 1/100 s
            out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0});
            out.writeBytes(new byte[] {2, 2, 0x44, 0x01, 0});
        }
        out.write(0x3B);
        return out.toByteArray();
    }

    /** A baseline JPEG whose frame header says {@code w×h} (the scan is that of a real 8×8 picture). */
    static byte[] jpegDeclaring(int w, int h) {
        byte[] real = Pictures.jpeg(Pictures.solid(8, 8, 0x336699), 90);
        for (int i = 2; i + 8 < real.length; i++) {
            if ((real[i] & 0xFF) == 0xFF && (real[i + 1] & 0xFF) == 0xC0) {
                real[i + 5] = (byte) (h >> 8);
                real[i + 6] = (byte) h;
                real[i + 7] = (byte) (w >> 8);
                real[i + 8] = (byte) w;
                return real;
            }
        }
        throw new IllegalStateException("no SOF0");
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        b.putInt(data.length).put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
