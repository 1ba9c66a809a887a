package dev.picspace.gateway.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a request body through and throws {@link MalformedRequestException} as soon as more than
 * {@code max} bytes have come. Each read asks the source for at most one byte past the limit, so
 * no more than {@code max + 1} bytes are taken from it (plus whatever the server had already
 * buffered in the chunk that arrived).
 */
final class BodyLimitInputStream extends InputStream {
    private final InputStream in;
    private final long max;
    private long count;

    BodyLimitInputStream(InputStream in, long max) {
        this.in = in;
        this.max = max;
    }

    long count() { return count; }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        long remaining = max - count; // >= 0 here; written so that max = Long.MAX_VALUE cannot overflow
        int want = remaining >= len ? len : (int) remaining + 1;
        int n = in.read(b, off, want);
        if (n > 0) {
            count += n;
            if (count > max) throw RequestParameters.tooLarge("body exceeds " + max + " bytes");
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
