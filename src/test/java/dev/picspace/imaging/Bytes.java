package dev.picspace.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte sequence with the big- and little-endian writes the fixture builders need. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int... values) {
        for (int v : values) out.write(v);
        return this;
    }

    Bytes u16be(int v) { return u8(v >>> 8, v); }

    Bytes u16le(int v) { return u8(v, v >>> 8); }

    Bytes u24le(int v) { return u8(v, v >>> 8, v >>> 16); }

    Bytes u32be(long v) { return u8((int) (v >>> 24), (int) (v >>> 16), (int) (v >>> 8), (int) v); }

    Bytes u32le(long v) { return u8((int) v, (int) (v >>> 8), (int) (v >>> 16), (int) (v >>> 24)); }

    Bytes ascii(String s) { return bytes(s.getBytes(StandardCharsets.US_ASCII)); }

    Bytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    Bytes zeros(int n) { return bytes(new byte[n]); }

    int size() { return out.size(); }

    byte[] toArray() { return out.toByteArray(); }

    static byte[] concat(byte[]... parts) {
        Bytes all = new Bytes();
        for (byte[] p : parts) all.bytes(p);
        return all.toArray();
    }

    static byte[] cut(byte[] data, int length) {
        return Arrays.copyOf(data, length);
    }

    /** Index of the first occurrence of {@code needle} in {@code data}, or -1. */
    static int indexOf(byte[] data, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) if (data[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static int indexOf(byte[] data, String ascii) {
        return indexOf(data, ascii.getBytes(StandardCharsets.US_ASCII));
    }
}
