package dev.picspace.store;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Exceptions.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Blobs as files under one directory: {@code ab/cd/abcd…} (the key's first two and next two hex
 * characters as two levels of fan-out, so no directory holds more than a few thousand entries
 * even at tens of millions of blobs), and staged uploads in {@code tmp/}, on the same file
 * system so that giving a staged file its content name is one atomic rename.
 *
 * <p>Durability: a staged file is fsynced before it is renamed, and the directory holding the new
 * name is fsynced after, so a blob that {@link #commit} returned for survives a power cut.
 */
public final class FileSystemBlobStore implements BlobStore {
    private static final Pattern FAN_OUT = Pattern.compile("[0-9a-f]{2}");

    private final Path root;
    private final StagingDirectory staging;
    private final Clock clock;

    /** Opens (creating if needed) the store rooted at {@code root}, e.g. {@code DATA/blobs}. */
    public FileSystemBlobStore(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.staging = new StagingDirectory(this.root.resolve("tmp"), clock);
    }

    public FileSystemBlobStore(Path root) { this(root, Clock.systemUTC()); }

    public Path root() { return root; }

    /** Where the content file of {@code key} lives (whether or not it exists). */
    public Path pathOf(String key) {
        BlobKeys.require(key);
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    // ---------------------------------------------------------------- writing

    @Override
    public StagedBlob stage(InputStream in, long maxBytes) {
        return staging.stage(in, maxBytes);
    }

    /**
     * Renames the staged file to its content name. When that name exists, the bytes are already
     * stored: the file is left alone but its modification time is set to now, because a sweep of
     * unreferenced blobs spares recent files and the caller is about to reference this one.
     */
    @Override
    public void commit(StagedBlob staged) {
        Objects.requireNonNull(staged, "staged");
        Path target = pathOf(staged.sha256());
        try {
            if (refreshIfComplete(target, staged.size())) return;
            createFanOutDirectories(target.getParent());
            staging.requireStaged(staged.file());
            // On POSIX, rename(2) atomically replaces a file of the same name: a concurrent commit
            // of the same bytes, or a stray file of the wrong size, is replaced by complete content.
            Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(target.getParent());
        } catch (NoSuchFileException e) {
            throw new StorageException("the staged file " + staged.file() + " is gone (discarded already?)", e);
        } catch (IOException e) {
            throw new StorageException("cannot store blob " + staged.sha256() + ": " + e.getMessage(), e);
        }
    }

    /** Touches the content file if it is there with the right size; false if it is not (or just went). */
    private boolean refreshIfComplete(Path target, long size) throws IOException {
        try {
            if (!Files.isRegularFile(target) || Files.size(target) != size) return false;
            Files.setLastModifiedTime(target, FileTime.from(clock.instant()));
            return true;
        } catch (NoSuchFileException e) {
            return false; // a sweep deleted it between the two calls: store it again
        }
    }

    /** Creates {@code ab/cd} as needed, fsyncing each parent whose listing gained a directory. */
    private void createFanOutDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path first = dir.getParent();
        if (!Files.isDirectory(first)) {
            createDirectory(first);
            fsyncDirectory(root);
        }
        createDirectory(dir);
        fsyncDirectory(first);
    }

    private static void createDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) throw e; // created by a concurrent commit: fine
        }
    }

    /** Makes a rename or a new entry in {@code dir} durable. Some platforms refuse to open directories; then we cannot. */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // e.g. Windows: directories cannot be opened as channels; the rename is still atomic
        }
    }

    @Override
    public void discard(StagedBlob staged) {
        staging.discard(staged);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Optional<BlobStat> stat(String key) {
        Path file = pathOf(key);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new BlobStat(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read blob " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the range with positioned reads on a file channel; only what the caller reads is
     * read. The range must lie within the blob.
     */
    @Override
    public InputStream open(String key, long offset, long length) {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length cannot be negative");
        Path file = pathOf(key);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StorageException("blob " + key + " does not exist", e);
        } catch (IOException e) {
            throw new StorageException("cannot open blob " + key + ": " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            if (offset + length > size || offset + length < 0) {
                channel.close();
                throw new IllegalArgumentException("range " + offset + "+" + length + " is outside blob " + key
                        + " of " + size + " bytes");
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot read blob " + key + ": " + e.getMessage(), e);
        }
        return new FileRangeInputStream(channel, offset, length);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }

    /** The content file, when it exists: what the server sends directly. */
    @Override
    public Optional<Path> localFile(String key) {
        Path file = pathOf(key);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    @Override
    public void delete(String key) {
        Path file = pathOf(key);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException("cannot delete blob " + key + ": " + e.getMessage(), e);
        }
        // The fan-out directories stay: removing one could race a commit that just created it.
    }

    /** Visits the content files in key order, ignoring {@code tmp/} and anything that is not a blob. */
    @Override
    public void forEach(Consumer<BlobStat> visitor) {
        walk(null, stat -> {
            visitor.accept(stat);
            return true;
        });
    }

    @Override
    public List<BlobStat> listAfter(String afterKey, int limit) {
        if (afterKey != null) BlobKeys.require(afterKey);
        if (limit < 1) throw new IllegalArgumentException("limit must be positive");
        List<BlobStat> page = new ArrayList<>(Math.min(limit, 1024));
        walk(afterKey, stat -> {
            page.add(stat);
            return page.size() < limit;
        });
        return page;
    }

    /**
     * Visits content files with keys after {@code afterKey} (null: all) in key order while
     * {@code visitor} returns true. The fan-out directories sort as the keys do (they are the keys'
     * first characters), so a page after a key skips every directory before it unread.
     */
    private void walk(String afterKey, java.util.function.Predicate<BlobStat> visitor) {
        String first2 = afterKey == null ? null : afterKey.substring(0, 2);
        String next2 = afterKey == null ? null : afterKey.substring(2, 4);
        try {
            for (Path first : sortedDirectories(root)) {
                String f = first.getFileName().toString();
                if (first2 != null && f.compareTo(first2) < 0) continue;
                for (Path second : sortedDirectories(first)) {
                    String prefix = f + second.getFileName();
                    if (afterKey != null && prefix.compareTo(first2 + next2) < 0) continue;
                    for (Path file : sortedEntries(second)) {
                        String key = file.getFileName().toString();
                        if (!BlobKeys.isValid(key) || !key.startsWith(prefix)) continue;
                        if (afterKey != null && key.compareTo(afterKey) <= 0) continue;
                        BasicFileAttributes a;
                        try {
                            a = Files.readAttributes(file, BasicFileAttributes.class);
                        } catch (NoSuchFileException e) {
                            continue; // deleted while we walked
                        }
                        if (a.isRegularFile() && !visitor.test(new BlobStat(key, a.size(), a.lastModifiedTime().toInstant())))
                            return;
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("cannot list blobs under " + root + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> sortedDirectories(Path dir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (Path p : sortedEntries(dir))
            if (FAN_OUT.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) dirs.add(p);
        return dirs;
    }

    private static List<Path> sortedEntries(Path dir) throws IOException {
        return StagingDirectory.sortedEntries(dir);
    }

    // ---------------------------------------------------------------- fsck

    /** A staged file, with its last modification. */
    public record TempFile(Path path, long size, Instant lastModified) {}

    /**
     * Staged files not modified for {@code olderThan}: what a crash between stage and discard
     * leaves. Uploads in progress are younger than any sensible age.
     */
    public List<TempFile> staleTempFiles(Duration olderThan) {
        return staging.stale(olderThan).stream().map(f -> new TempFile(f.path(), f.size(), f.lastModified())).toList();
    }

    @Override
    public int staleStagings(Duration olderThan, boolean remove) {
        return remove ? removeStaleTempFiles(olderThan) : staging.stale(olderThan).size();
    }

    /** Deletes the {@link #staleTempFiles}. @return how many were deleted */
    public int removeStaleTempFiles(Duration olderThan) {
        return staging.removeStale(olderThan);
    }
}
