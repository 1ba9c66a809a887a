package dev.picspace.imaging.render;

import java.io.IOException;
import java.util.Arrays;
import javax.imageio.stream.ImageOutputStreamImpl;

/**
 * An in-memory, seekable {@link javax.imageio.stream.ImageOutputStream} that refuses to hold more
 * than a limit. ImageIO's own memory stream buffers without bound until flushed (and writers seek
 * back to patch lengths, so an ordinary bounded {@code OutputStream} would not see the bytes in
 * time); this one fails the write that would pass the limit.
 */
final class BoundedImageOutput extends ImageOutputStreamImpl {
    /** The write that would pass the limit; {@link Encoder} turns it into a limit failure. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) { super("the output passed " + limit + " bytes"); }
    }

    private final long limit;
    private byte[] buffer = new byte[64 * 1024];
    private int length;

    BoundedImageOutput(long limit) {
        this.limit = Math.min(limit, Integer.MAX_VALUE - 16);
    }

    @Override
    public void write(int b) throws IOException {
        flushBits(); // as ImageIO's own streams do: a pending partial byte goes first
        ensure(streamPos + 1);
        buffer[(int) streamPos++] = (byte) b;
        length = (int) Math.max(length, streamPos);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        flushBits();
        ensure(streamPos + len);
        System.arraycopy(b, off, buffer, (int) streamPos, len);
        streamPos += len;
        length = (int) Math.max(length, streamPos);
    }

    @Override
    public int read() throws IOException {
        checkClosed();
        bitOffset = 0;
        return streamPos < length ? buffer[(int) streamPos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        bitOffset = 0;
        if (streamPos >= length) return -1;
        int n = (int) Math.min(len, length - streamPos);
        System.arraycopy(buffer, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() { return length; }

    byte[] toByteArray() { return Arrays.copyOf(buffer, length); }

    private void ensure(long end) throws IOException {
        checkClosed();
        if (end > limit) throw new TooLarge(limit);
        if (end > buffer.length) buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max(end, 2L * buffer.length)));
    }
}
