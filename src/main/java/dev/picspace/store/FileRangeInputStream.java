package dev.picspace.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Exactly {@code length} bytes of a file channel from {@code offset}, read with positional reads;
 * closing it closes the channel. A file that ends before the range does is an error, never a
 * short body: a served picture or an uploaded part must be all of its bytes. Used for blobs read
 * from the directory store and for staged files sent to S3.
 */
final class FileRangeInputStream extends InputStream {
    private final FileChannel channel;
    private long position;
    private final long end;

    FileRangeInputStream(FileChannel channel, long offset, long length) {
        this.channel = channel;
        this.position = offset;
        this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        long remaining = end - position;
        if (remaining <= 0) return -1;
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
        if (n < 0) throw new EOFException("the file ended " + remaining + " bytes early (it is shorter than when it was opened)");
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
