package dev.picspace.gateway.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the bytes of recently served representations ready to write, keyed by entity tag.
 *
 * <p><b>Only for content-addressed bytes:</b> the key is the ETag alone, which is sound here because
 * a picspace blob's ETag is the sha256 of its bytes, so the same tag always means the same bytes
 * (design: Serving). Do not hand it representations whose tags are merely versions.
 *
 * <p>Two areas, each bounded and evicted in approximate LRU order (second-chance "clock": a hit
 * only sets a flag, so lookups take no lock):
 * <ul>
 *   <li><b>small</b> representations (at most {@code maxEntryBytes}) are copied once into direct
 *       memory, up to {@code maxBytes} in total. A hit costs no read and no extra copy: the socket
 *       write copies straight from that memory. It also spares a remote store (S3) its round trip.</li>
 *   <li><b>large</b> local files are memory-mapped, up to {@code maxMappedFiles} at a time. Writing
 *       a mapping lets the kernel copy page cache to the socket in one step, like sendfile; it
 *       measured about twice as fast as reading the file through pooled buffers for 2 MB files.
 *       Mappings cost address space, not heap. Blobs are immutable (written under a temporary name,
 *       then renamed), so a mapping never sees its file change; a deleted blob's disk space is only
 *       freed once its mapping is evicted and collected.</li>
 * </ul>
 * Thread-safe.
 */
public final class ContentCache {
    private static final Logger LOG = LoggerFactory.getLogger(ContentCache.class);

    /** 64 KiB: most thumbnails and many web images are smaller; larger ones go to the mapping area. */
    public static final int DEFAULT_MAX_ENTRY_BYTES = 64 * 1024;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_MAPPED_FILES = 256;

    private final int maxEntryBytes;
    private final Area small;
    private final Area mapped;

    /** 64 MiB of small entries of at most 64 KiB each, and up to 256 mapped files. */
    public ContentCache() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_MAPPED_FILES);
    }

    /**
     * @param maxBytes       total size of the small entries kept in memory
     * @param maxEntryBytes  largest representation kept in memory; larger ones may be mapped
     * @param maxMappedFiles how many large files stay mapped; 0 disables mapping
     */
    public ContentCache(long maxBytes, int maxEntryBytes, int maxMappedFiles) {
        if (maxBytes < 0 || maxEntryBytes < 0 || maxMappedFiles < 0) throw new IllegalArgumentException("negative limit");
        this.maxEntryBytes = (int) Math.min(maxEntryBytes, maxBytes);
        this.small = new Area(maxBytes);
        this.mapped = new Area(maxMappedFiles);
    }

    /** How many bytes the small area holds now (for metrics and tests). */
    public long smallBytes() { return small.weight(); }

    /** How many files are mapped now (for metrics and tests). */
    public int mappedFiles() { return (int) mapped.weight(); }

    /**
     * The whole representation as a read-only buffer positioned at 0, from the cache or loaded into it;
     * null when this cache does not take it (too large and not a local file, or no direct memory or
     * address space left); the caller streams it instead.
     * Callers must {@code slice()} or {@code duplicate()} before consuming it.
     *
     * @throws IOException when the bytes cannot be read or are not exactly {@code length} long
     */
    ByteBuffer buffer(ContentResponder.Representation rep, Path file) throws IOException {
        String key = rep.etag();
        long length = rep.length();
        if (length <= maxEntryBytes) {
            ByteBuffer hit = small.get(key);
            if (hit != null) return checked(hit, length, key);
            ByteBuffer loaded = file != null ? readFile(file, (int) length) : readStream(rep.body(), (int) length);
            if (loaded != null) small.put(key, loaded, length);
            return loaded;
        }
        if (file == null || mapped.limit == 0) return null;
        ByteBuffer hit = mapped.get(key);
        if (hit != null) return checked(hit, length, key);
        ByteBuffer mapping = map(file, length);
        mapped.put(key, mapping, 1);
        return mapping;
    }

    /**
     * The whole representation if it is in memory or mapped already, else null; never does I/O, so
     * it may be called on a selector thread. A held entry whose size disagrees with the metadata is
     * also null here: the blocking path reports it.
     */
    ByteBuffer peek(ContentResponder.Representation rep) {
        ByteBuffer hit = rep.length() <= maxEntryBytes ? small.get(rep.etag()) : mapped.get(rep.etag());
        return hit != null && hit.remaining() == rep.length() ? hit : null;
    }

    /** Two pictures can share a blob; a metadata row that disagrees with its blob's size is an error, not a cue to serve. */
    private static ByteBuffer checked(ByteBuffer cached, long length, String key) throws IOException {
        if (cached.remaining() != length) {
            throw new IOException("blob " + key + " holds " + cached.remaining() + " bytes, metadata says " + length);
        }
        return cached;
    }

    private static ByteBuffer readFile(Path file, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != length) throw new IOException(file + " holds " + size + " bytes, metadata says " + length);
            ByteBuffer buffer = allocateDirect(length);
            if (buffer == null) return null;
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, buffer.position()) < 0) throw new IOException(file + " ended early");
            }
            return buffer.flip().asReadOnlyBuffer();
        }
    }

    private static ByteBuffer readStream(ContentResponder.Body body, int length) throws IOException {
        try (InputStream in = body.open(0, length)) {
            byte[] bytes = in.readNBytes(length);
            if (bytes.length != length) throw new IOException("blob ended after " + bytes.length + " of " + length + " bytes");
            ByteBuffer buffer = allocateDirect(length);
            return buffer == null ? null : buffer.put(bytes).flip().asReadOnlyBuffer();
        }
    }

    private static ByteBuffer map(Path file, long length) throws IOException {
        if (length > Integer.MAX_VALUE) return null; // a MappedByteBuffer holds at most 2 GiB; stream those
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // mapping past the end of a file and touching it raises SIGBUS; never map more than is there
            long size = channel.size();
            if (size != length) throw new IOException(file + " holds " + size + " bytes, metadata says " + length);
            try {
                return channel.map(FileChannel.MapMode.READ_ONLY, 0, length).asReadOnlyBuffer();
            } catch (IOException mapFailed) {
                // out of address space or of vm.max_map_count: the bytes are fine, just stream them
                LOG.debug("cannot map {}: {}", file, String.valueOf(mapFailed));
                return null;
            }
        }
    }

    /**
     * Direct memory counts against -XX:MaxDirectMemorySize (by default the heap's maximum). When it
     * is exhausted the representation is simply not cached: serving must not fail for want of a cache.
     */
    private static ByteBuffer allocateDirect(int length) {
        try {
            return ByteBuffer.allocateDirect(length);
        } catch (OutOfMemoryError directMemoryExhausted) {
            LOG.debug("no direct memory for a {}-byte cache entry", length);
            return null;
        }
    }

    /** One bounded region of the cache, with second-chance eviction. */
    private static final class Area {
        private final long limit;
        private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
        private final ArrayDeque<Entry> clock = new ArrayDeque<>(); // guarded by this
        private long weight; // guarded by this

        Area(long limit) { this.limit = limit; }

        ByteBuffer get(String key) {
            Entry entry = entries.get(key);
            if (entry == null) return null;
            // written only when unset, so a hot entry's flag is read-shared instead of rewritten on every hit
            if (!entry.referenced) entry.referenced = true;
            return entry.buffer;
        }

        synchronized void put(String key, ByteBuffer buffer, long entryWeight) {
            if (buffer == null || entryWeight > limit || entries.containsKey(key)) return;
            while (weight + entryWeight > limit) {
                Entry candidate = clock.pollFirst();
                if (candidate.referenced) {
                    candidate.referenced = false;
                    clock.addLast(candidate);
                } else {
                    entries.remove(candidate.key);
                    weight -= candidate.weight;
                }
            }
            Entry entry = new Entry(key, buffer, entryWeight);
            entries.put(key, entry);
            clock.addLast(entry);
            weight += entryWeight;
        }

        synchronized long weight() { return weight; }
    }

    private static final class Entry {
        final String key;
        final ByteBuffer buffer;
        final long weight;
        volatile boolean referenced;

        Entry(String key, ByteBuffer buffer, long weight) {
            this.key = key;
            this.buffer = buffer;
            this.weight = weight;
        }
    }
}
