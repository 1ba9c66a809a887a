package dev.picspace.store;

import dev.picspace.domain.BlobStore.StagedBlob;
import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The local half of every blob store: uploads are copied into temporary files here (bounded,
 * hashed, fsynced) before a store gives them their content name, whether that name is a file
 * beside them ({@link FileSystemBlobStore}) or an object in a bucket ({@link S3BlobStore}).
 * One implementation, so that the limit, the digests and the cleanup of half-written files mean
 * exactly the same thing whatever the store.
 */
final class StagingDirectory {
    /** Copy buffer: bounded, whatever the upload's size. */
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final String TEMP_PREFIX = "stage-", TEMP_SUFFIX = ".tmp";

    /** A staged file, with its last modification. */
    record StaleFile(Path path, long size, Instant lastModified) {}

    private final Path dir;
    private final Clock clock;

    /** Uses (creating if needed) {@code dir}; nothing but staged files should live there. */
    StagingDirectory(Path dir, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new StorageException("cannot create the staging directory " + this.dir + ": " + e.getMessage(), e);
        }
    }

    Path dir() { return dir; }

    /** See {@link dev.picspace.domain.BlobStore#stage}: same limit semantics and exceptions for every store. */
    StagedBlob stage(InputStream in, long maxBytes) {
        Objects.requireNonNull(in, "in");
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes cannot be negative");
        Path file;
        try {
            file = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX);
        } catch (IOException e) {
            throw new StorageException("cannot create a temporary file in " + dir + ": " + e.getMessage(), e);
        }
        boolean staged = false;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            MessageDigest sha256 = digest("SHA-256"), md5 = digest("MD5");
            byte[] buffer = new byte[BUFFER_SIZE];
            long size = 0;
            // Never ask for more than one byte past the limit: an oversized body is detected, not read.
            long readAtMost = maxBytes == Long.MAX_VALUE ? Long.MAX_VALUE : maxBytes + 1;
            while (true) {
                int want = (int) Math.min(buffer.length, readAtMost - size);
                int n = in.read(buffer, 0, want);
                if (n < 0) break;
                size += n;
                if (size > maxBytes)
                    throw new ImageLimitExceededException("the image is larger than the limit of " + maxBytes + " bytes");
                sha256.update(buffer, 0, n);
                md5.update(buffer, 0, n);
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) out.write(chunk);
            }
            out.force(true);
            staged = true;
            HexFormat hex = HexFormat.of();
            return new StagedBlob(file, hex.formatHex(sha256.digest()), hex.formatHex(md5.digest()), size);
        } catch (IOException e) {
            throw new StorageException("cannot stage an upload: " + e.getMessage(), e);
        } finally {
            if (!staged) deleteQuietly(file);
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has " + algorithm, e);
        }
    }

    /** Only ever touch files in this directory through a StagedBlob: a forged one cannot reach anything else. */
    void requireStaged(Path file) {
        Path normal = file.toAbsolutePath().normalize();
        if (normal.getParent() == null || !normal.getParent().equals(dir))
            throw new IllegalArgumentException("not a file staged by this store: " + file);
    }

    /** Deletes a staged file, if it is still there. */
    void discard(StagedBlob staged) {
        if (staged == null) return;
        requireStaged(staged.file());
        deleteQuietly(staged.file());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temporary file is what removeStale is for
        }
    }

    /**
     * Staged files not modified for {@code olderThan}: what a crash between stage and discard
     * leaves. Uploads in progress are younger than any sensible age.
     */
    List<StaleFile> stale(Duration olderThan) {
        Instant cutoff = clock.instant().minus(olderThan);
        List<StaleFile> stale = new ArrayList<>();
        try {
            for (Path p : sortedEntries(dir)) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    continue; // discarded while we looked
                }
                Instant modified = a.lastModifiedTime().toInstant();
                if (a.isRegularFile() && modified.isBefore(cutoff)) stale.add(new StaleFile(p, a.size(), modified));
            }
        } catch (IOException e) {
            throw new StorageException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return stale;
    }

    /** Deletes the {@link #stale} files. @return how many were deleted */
    int removeStale(Duration olderThan) {
        int removed = 0;
        for (StaleFile f : stale(olderThan)) {
            try {
                if (Files.deleteIfExists(f.path())) removed++;
            } catch (IOException e) {
                throw new StorageException("cannot delete " + f.path() + ": " + e.getMessage(), e);
            }
        }
        return removed;
    }

    static List<Path> sortedEntries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) entries.add(p);
        }
        entries.sort(null);
        return entries;
    }
}
