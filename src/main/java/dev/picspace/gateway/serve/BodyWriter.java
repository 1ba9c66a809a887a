package dev.picspace.gateway.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a response body made of segments (ready buffers, or byte ranges read from a
 * {@link ContentResponder.Body}) one non-blocking write at a time, for the cases the single-buffer
 * fast path does not cover: streamed blobs, ranges of them, and multipart/byteranges bodies.
 *
 * <p>Streams are read in {@value #CHUNK}-byte pieces into one pooled buffer that is reused for the
 * whole body, so a 2 MB blob never lands in a fresh heap array. Reading may block; that is fine
 * because an {@link IteratingCallback} is a blocking-invocation callback, which Jetty never runs
 * on a selector thread.
 */
final class BodyWriter extends IteratingCallback {
    private static final Logger LOG = LoggerFactory.getLogger(BodyWriter.class);

    static final int CHUNK = 32 * 1024;

    /** A piece of the body. */
    sealed interface Segment permits Bytes, Stream {}

    /** Bytes ready in memory (part headers, or a slice of a cached or mapped blob). */
    record Bytes(ByteBuffer buffer) implements Segment {}

    /** {@code length} bytes from {@code offset} of the body, opened when reached. */
    record Stream(long offset, long length) implements Segment {}

    private final Response response;
    private final Callback callback;
    private final ContentResponder.Body body;
    private final List<Segment> segments;
    private final ByteBufferPool pool;
    private int next;
    private InputStream in;
    private long inRemaining;
    private RetainableByteBuffer chunk;
    /** Whether the failure, if any, was ours (reading the blob) rather than the client's (going away). */
    private boolean blobFailed;

    /**
     * @param firstStream an already opened stream for the first segment when it is a {@link Stream}
     *                    (opened by the caller so that an unreadable blob still gets a 500), else null
     */
    BodyWriter(Response response, Callback callback, ContentResponder.Body body, List<Segment> segments,
               ByteBufferPool pool, InputStream firstStream) {
        this.response = response;
        this.callback = callback;
        this.body = body;
        this.segments = segments;
        this.pool = pool;
        if (firstStream != null) {
            this.in = firstStream;
            this.inRemaining = ((Stream) segments.get(0)).length();
            this.next = 1;
        }
    }

    @Override
    protected Action process() throws Throwable {
        while (true) {
            if (in != null) {
                if (inRemaining > 0) return writeChunk();
                closeStream();
            }
            if (next == segments.size()) return Action.SUCCEEDED;
            Segment segment = segments.get(next++);
            if (segment instanceof Bytes bytes) {
                response.write(next == segments.size(), bytes.buffer(), this);
                return Action.SCHEDULED;
            }
            Stream stream = (Stream) segment;
            if (stream.length() == 0) continue;
            try {
                in = body.open(stream.offset(), stream.length());
            } catch (IOException | RuntimeException openFailure) {
                blobFailed = true;
                throw openFailure;
            }
            inRemaining = stream.length();
        }
    }

    private Action writeChunk() throws IOException {
        // a heap buffer, so the stream reads straight into its array (the socket write copies it once)
        if (chunk == null) chunk = pool.acquire((int) Math.min(CHUNK, inRemaining), false);
        ByteBuffer buffer = chunk.getByteBuffer();
        int want = (int) Math.min(buffer.capacity(), inRemaining);
        byte[] array = buffer.array();
        int base = buffer.arrayOffset();
        int got = 0;
        try {
            while (got < want) {
                int read = in.read(array, base + got, want - got);
                if (read < 0) throw new IOException("blob ended " + (inRemaining - got) + " bytes early");
                got += read;
            }
        } catch (IOException | RuntimeException readFailure) {
            blobFailed = true;
            throw readFailure;
        }
        buffer.limit(got).position(0);
        inRemaining -= got;
        boolean last = inRemaining == 0 && next == segments.size();
        response.write(last, buffer, this);
        return Action.SCHEDULED;
    }

    private void closeStream() {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing blob stream", e);
        }
        in = null;
    }

    @Override
    protected void onCompleteSuccess() {
        if (chunk != null) chunk.release();
        callback.succeeded();
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
        if (in != null) closeStream();
        // the failed write may still hold the pooled buffer: let it go to the GC rather than back to the pool
        chunk = null;
        // clients abandon large downloads all the time; only a blob that cannot be read is worth a warning
        if (blobFailed) LOG.warn("blob read failed after the response was committed: {}", String.valueOf(cause));
        else LOG.debug("body write failed", cause);
        callback.failed(cause);
    }
}
