package dev.picspace.store;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.BlobStore.BlobStat;
import dev.picspace.domain.BlobStore.StagedBlob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a directory, plus the layout and the fsck helpers only files have. */
class FileSystemBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path dir;

    /** A clock the tests move by hand. */
    private Instant now = Instant.parse("2026-03-01T08:00:00Z");

    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };

    private Path root() { return dir.resolve("blobs"); }

    @Override
    protected BlobStore openStore() { return new FileSystemBlobStore(root(), clock); }

    private FileSystemBlobStore fs() { return (FileSystemBlobStore) store; }

    @Test
    void contentLivesUnderTwoLevelsOfFanOutAndStagedBytesInTmp() throws IOException {
        byte[] content = bytes(1234, 10);
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), 10_000);
        assertThat(staged.file().getParent()).isEqualTo(root().resolve("tmp"));
        store.commit(staged);
        String k = staged.sha256();
        Path expected = root().resolve(k.substring(0, 2)).resolve(k.substring(2, 4)).resolve(k);
        assertThat(expected).isRegularFile();
        assertThat(Files.readAllBytes(expected)).isEqualTo(content);
        assertThat(store.localFile(k)).contains(expected);
        assertThat(fs().pathOf(k)).isEqualTo(expected);
        assertThat(staged.file()).doesNotExist(); // renamed, not copied
        store.discard(staged);
        assertThat(root().resolve("tmp")).isEmptyDirectory();
        assertThat(store.localFile(digest("SHA-256", new byte[] {9}))).isEmpty();
    }

    @Test
    void committingKnownBytesRefreshesTheirModificationTime() throws IOException {
        StagedBlob first = put(bytes(500, 11));
        Path file = fs().pathOf(first.sha256());
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        now = Instant.parse("2026-05-05T05:05:05Z");
        StagedBlob again = store.stage(new ByteArrayInputStream(bytes(500, 11)), 10_000);
        store.commit(again);
        assertThat(again.file()).exists(); // a no-op commit leaves the staged file for discard
        store.discard(again);
        assertThat(again.file()).doesNotExist();
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(now);
        assertThat(store.stat(first.sha256()).orElseThrow().lastModified()).isEqualTo(now);
    }

    @Test
    void aStrayFileOfTheWrongSizeUnderAContentNameIsReplaced() throws IOException {
        byte[] content = bytes(800, 12);
        String k = digest("SHA-256", content);
        Path file = fs().pathOf(k);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1, 2, 3}); // what a non-atomic copy by hand could leave
        put(content);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
    }

    @Test
    void forEachSeesOnlyContentFiles() throws IOException {
        StagedBlob kept = put(bytes(10, 13));
        store.stage(new ByteArrayInputStream(bytes(10, 14)), 100); // staged, never committed
        Files.writeString(root().resolve("README"), "not a blob");
        Files.createDirectories(root().resolve("zz/yy"));
        Files.writeString(root().resolve("zz/yy").resolve(kept.sha256()), "wrong place");
        Path misfiled = root().resolve("00/00").resolve(kept.sha256()); // valid name, wrong fan-out
        Files.createDirectories(misfiled.getParent());
        Files.writeString(misfiled, "wrong place");
        List<BlobStat> all = new ArrayList<>();
        store.forEach(all::add);
        assertThat(all).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo(kept.sha256());
            assertThat(s.size()).isEqualTo(10);
        });
    }

    @Test
    void staleTempFilesAreListedAndRemovedYoungOnesKept() throws IOException {
        StagedBlob old = store.stage(new ByteArrayInputStream(bytes(10, 15)), 100);
        Files.setLastModifiedTime(old.file(), FileTime.from(now.minus(Duration.ofHours(3))));
        StagedBlob young = store.stage(new ByteArrayInputStream(bytes(10, 16)), 100);
        Files.setLastModifiedTime(young.file(), FileTime.from(now.minus(Duration.ofMinutes(5))));
        put(bytes(10, 17)); // content is never a temp file

        assertThat(fs().staleTempFiles(Duration.ofHours(1))).singleElement()
                .satisfies(f -> {
                    assertThat(f.path()).isEqualTo(old.file());
                    assertThat(f.size()).isEqualTo(10);
                });
        assertThat(fs().removeStaleTempFiles(Duration.ofHours(1))).isEqualTo(1);
        assertThat(old.file()).doesNotExist();
        assertThat(young.file()).exists();
        assertThat(fs().staleTempFiles(Duration.ofHours(1))).isEmpty();
    }

    @Test
    void onlyFilesItStagedAreEverDiscarded() throws IOException {
        StagedBlob content = put(bytes(10, 18));
        Path contentFile = fs().pathOf(content.sha256());
        StagedBlob forged = new StagedBlob(contentFile, content.sha256(), content.md5(), 10);
        assertThatThrownBy(() -> store.discard(forged)).isInstanceOf(IllegalArgumentException.class);
        assertThat(contentFile).exists();
        Path outside = Files.writeString(dir.resolve("precious.txt"), "keep me");
        assertThatThrownBy(() -> store.discard(new StagedBlob(outside, content.sha256(), content.md5(), 7)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(outside).exists();
    }

    @Test
    void concurrentCommitsOfTheSameBytesAllSucceed() throws Exception {
        byte[] content = bytes(50_000, 19);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < 16; i++) done.add(pool.submit(() -> put(content).sha256()));
            for (Future<String> f : done) assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(digest("SHA-256", content));
        } finally {
            pool.shutdownNow();
        }
        assertThat(read(digest("SHA-256", content), 0, content.length)).isEqualTo(content);
        assertThat(root().resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void reopeningFindsWhatWasStored() {
        String k = put(bytes(64, 20)).sha256();
        try (BlobStore again = new FileSystemBlobStore(root(), clock)) {
            assertThat(again.stat(k)).isPresent();
        }
    }
}
