package dev.picspace.imaging;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A forward reader over an image file that holds one small, fixed window of it in memory.
 *
 * <p>The probe must handle 20 MB+ uploads without reading them whole, so every read goes through
 * a {@value #WINDOW_SIZE}-byte window filled by positional {@link FileChannel} reads, and skipping
 * is only a change of position. The engine, which already holds a picture's bytes in memory,
 * probes them through the same window ({@link #of(byte[])}) so both share one parser. Every operation that would pass the end of the file throws
 * {@link EOFException} before touching the channel, so a declared length can never make the reader
 * allocate, loop or wait for data that is not there.
 */
final class ImageInput implements Closeable {
    static final int WINDOW_SIZE = 16 * 1024;

    /** Positional reads, as {@link FileChannel#read(ByteBuffer, long)}: a file or a byte array. */
    private interface Source extends Closeable {
        int read(ByteBuffer dst, long position) throws IOException;
    }

    private final Source channel;
    private final long size;
    private final byte[] window = new byte[WINDOW_SIZE];
    private final ByteBuffer windowBuffer = ByteBuffer.wrap(window);
    /** File offset of {@code window[0]}. */
    private long windowStart;
    private int windowLength;
    private long position;

    private ImageInput(Source channel, long size) {
        this.channel = channel;
        this.size = size;
    }

    static ImageInput open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new ImageInput(new Source() {
                public int read(ByteBuffer dst, long position) throws IOException { return channel.read(dst, position); }
                public void close() throws IOException { channel.close(); }
            }, channel.size());
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    /** The same reader over bytes already in memory (not copied; the caller must not change them). */
    static ImageInput of(byte[] bytes) {
        return new ImageInput(new Source() {
            public int read(ByteBuffer dst, long position) {
                if (position >= bytes.length) return -1;
                int n = (int) Math.min(dst.remaining(), bytes.length - position);
                dst.put(bytes, (int) position, n);
                return n;
            }
            public void close() {}
        }, bytes.length);
    }

    /** The file's length when it was opened; every bound is checked against this. */
    long size() { return size; }

    long position() { return position; }

    long remaining() { return size - position; }

    /** Fails with {@link EOFException} unless at least {@code n} more bytes are in the file. */
    void require(long n) throws EOFException {
        if (n < 0 || n > remaining()) throw endOfFile();
    }

    int readU8() throws IOException {
        long offset = position - windowStart;
        if (offset < 0 || offset >= windowLength) {
            fillWindowAt(position);
            offset = 0;
        }
        position++;
        return window[(int) offset] & 0xFF;
    }

    int readU16BE() throws IOException {
        require(2);
        return readU8() << 8 | readU8();
    }

    int readU16LE() throws IOException {
        require(2);
        return readU8() | readU8() << 8;
    }

    int readU24LE() throws IOException {
        require(3);
        return readU8() | readU8() << 8 | readU8() << 16;
    }

    long readU32BE() throws IOException {
        require(4);
        return (long) readU8() << 24 | readU8() << 16 | readU8() << 8 | readU8();
    }

    long readU32LE() throws IOException {
        require(4);
        return readU8() | readU8() << 8 | readU8() << 16 | (long) readU8() << 24;
    }

    int readI32LE() throws IOException {
        return (int) readU32LE();
    }

    /** Reads exactly {@code dst.length} bytes; callers only pass small, fixed-size arrays. */
    void readFully(byte[] dst) throws IOException {
        require(dst.length);
        for (int i = 0; i < dst.length; i++) dst[i] = (byte) readU8();
    }

    /** Moves forward {@code n} bytes without reading them. */
    void skip(long n) throws EOFException {
        require(n);
        position += n;
    }

    /** Moves to an absolute offset inside the file (used only to rewind after sniffing). */
    void seek(long offset) throws EOFException {
        if (offset < 0 || offset > size) throw endOfFile();
        position = offset;
    }

    /**
     * Advances to just past the next byte equal to {@code value}.
     *
     * @return false, positioned at the end of the file, if there is no such byte
     */
    boolean skipPast(int value) throws IOException {
        byte wanted = (byte) value;
        while (position < size) {
            long offset = position - windowStart;
            if (offset < 0 || offset >= windowLength) {
                fillWindowAt(position);
                offset = 0;
            }
            for (int i = (int) offset; i < windowLength; i++) {
                if (window[i] == wanted) {
                    position = windowStart + i + 1;
                    return true;
                }
            }
            position = windowStart + windowLength;
        }
        return false;
    }

    /** Feeds the next {@code n} bytes to {@code crc} and moves past them. */
    void updateCrc(CRC32 crc, long n) throws IOException {
        require(n);
        long end = position + n;
        while (position < end) {
            long offset = position - windowStart;
            if (offset < 0 || offset >= windowLength) {
                fillWindowAt(position);
                offset = 0;
            }
            int count = (int) Math.min(windowLength - offset, end - position);
            crc.update(window, (int) offset, count);
            position += count;
        }
    }

    private void fillWindowAt(long offset) throws IOException {
        if (offset >= size) throw endOfFile();
        windowStart = offset;
        windowLength = 0;
        windowBuffer.clear();
        int wanted = (int) Math.min(WINDOW_SIZE, size - offset);
        windowBuffer.limit(wanted);
        while (windowBuffer.hasRemaining()) {
            int read = channel.read(windowBuffer, offset + windowBuffer.position());
            if (read <= 0) break; // the file shrank after it was opened
            windowLength = windowBuffer.position();
        }
        if (windowLength == 0) throw endOfFile();
    }

    private EOFException endOfFile() {
        return new EOFException("the file ends at byte " + size);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
