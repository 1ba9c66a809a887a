package dev.picspace.domain;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where image bytes live, named by the sha256 of their content (design: Bytes). Implementations:
 * a local directory ({@code store.FileSystemBlobStore}) and, later, S3-compatible object storage.
 *
 * <p>Writing is two-phase so that nothing is named before it is complete: {@link #stage} copies a
 * stream to a local temporary file (fsynced), hashing it on the way; {@link #commit} then gives it
 * its content name atomically (a no-op when those bytes are already stored). The caller commits
 * its metadata only after {@code commit} returns, and always calls {@link #discard} when done.
 */
public interface BlobStore extends AutoCloseable {

    /** Bytes on local disk under a temporary name, with their digests. {@link #file()} is what probes read. */
    record StagedBlob(Path file, String sha256, String md5, long size) {}

    /** What is known of a stored blob without reading it. */
    record BlobStat(String key, long size, Instant lastModified) {}

    /**
     * Copies at most {@code maxBytes} from {@code in} to a temporary file and fsyncs it.
     *
     * @throws Exceptions.ImageLimitExceededException when the stream holds more than {@code maxBytes}
     *         (reading stops there: an oversized body is never fully buffered)
     * @throws Exceptions.StorageException on I/O failure
     */
    StagedBlob stage(InputStream in, long maxBytes);

    /** Stores the staged bytes under their sha256; idempotent, atomic, durable on return. */
    void commit(StagedBlob staged);

    /** Removes the temporary file, if it is still there. Safe to call after {@link #commit}. */
    void discard(StagedBlob staged);

    Optional<BlobStat> stat(String key);

    /**
     * Streams {@code length} bytes from {@code offset} of a stored blob.
     *
     * @throws Exceptions.StorageException when the blob does not exist or cannot be read
     */
    InputStream open(String key, long offset, long length);

    /** The blob as a local file, when this store keeps one (lets the server send it without copying). */
    default Optional<Path> localFile(String key) { return Optional.empty(); }

    /** Deletes a blob; no error if it does not exist. Only fsck/sweeps call this, after re-checking references. */
    void delete(String key);

    /**
     * Temporary files of stagings that never finished (a crash mid-upload) and are older than
     * {@code olderThan}; with {@code remove}, deletes them. @return how many there were
     */
    default int staleStagings(java.time.Duration olderThan, boolean remove) { return 0; }

    /** Visits every stored blob, in ascending key order. */
    void forEach(Consumer<BlobStat> visitor);

    /**
     * Up to {@code limit} stored blobs whose keys sort after {@code afterKey} ({@code null}: from
     * the first), in ascending key order ({@link String#compareTo}, which for lowercase hex keys is
     * also byte order, the order S3 lists in). Fsck walks a store this way, a page at a time, beside
     * the metadata's blob records in the same order, so it never holds every key in memory.
     * Fewer than {@code limit} means there are no more.
     *
     * @throws IllegalArgumentException when {@code afterKey} is not a blob key or {@code limit < 1}
     */
    java.util.List<BlobStat> listAfter(String afterKey, int limit);

    @Override
    default void close() {}
}
