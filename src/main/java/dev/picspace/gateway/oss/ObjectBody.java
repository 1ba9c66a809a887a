package dev.picspace.gateway.oss;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The body of a PutObject or UploadPart as the domain reads it: streamed (Jetty has already taken
 * off any {@code Transfer-Encoding: chunked}), never buffered here, with on the way
 * <ul>
 *   <li>the CRC-64 OSS answers with ({@link Crc64});</li>
 *   <li>the {@code Content-MD5} check (RFC 1864): at the end of the body a mismatch throws
 *       {@link ContentMd5MismatchException}, which reaches the domain before anything is committed,
 *       so a corrupted upload stores nothing;</li>
 *   <li>failures to read the request (a client that went away, a truncated chunked body) become
 *       {@link RequestBodyUnreadableException}, so they are not mistaken for the blob store's own
 *       I/O failures (which are StorageExceptions, a 500).</li>
 * </ul>
 * Unchecked exceptions on purpose: they pass through {@code BlobStore.stage} unchanged.
 */
final class ObjectBody extends InputStream {

    /** The bytes received do not have the MD5 the client declared in Content-MD5. */
    static final class ContentMd5MismatchException extends RuntimeException {
        ContentMd5MismatchException(String m) { super(m); }
    }

    /** The request body could not be read to its end. */
    static final class RequestBodyUnreadableException extends RuntimeException {
        RequestBodyUnreadableException(String m, Throwable cause) { super(m, cause); }
    }

    private final InputStream in;
    private final byte[] expectedMd5; // null when the client sent no Content-MD5
    private final MessageDigest md5;
    private final Crc64 crc = new Crc64();
    private long count;
    private boolean ended;

    /** @param expectedMd5 the 16 bytes of a Content-MD5 header, or null */
    ObjectBody(InputStream in, byte[] expectedMd5) {
        this.in = in;
        this.expectedMd5 = expectedMd5;
        try {
            this.md5 = expectedMd5 == null ? null : MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    long count() { return count; }

    Crc64 crc() { return crc; }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) return 0;
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            throw new RequestBodyUnreadableException("the request body ended before it was complete: " + e, e);
        }
        if (n < 0) {
            if (!ended) {
                ended = true;
                if (md5 != null && !MessageDigest.isEqual(md5.digest(), expectedMd5))
                    throw new ContentMd5MismatchException("The Content-MD5 you specified did not match what we received.");
            }
            return -1;
        }
        count += n;
        crc.update(b, off, n);
        if (md5 != null) md5.update(b, off, n);
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
