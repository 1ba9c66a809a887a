package dev.picspace.store;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.BlobStore.BlobStat;
import dev.picspace.domain.BlobStore.StagedBlob;
import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link BlobStore} must do, written against the interface alone. */
abstract class BlobStoreContract {

    /** A store with no blobs; called once per test. */
    protected abstract BlobStore openStore();

    protected BlobStore store;

    @BeforeEach
    void openTheStore() { store = openStore(); }

    @AfterEach
    void closeTheStore() { store.close(); }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String digest(String algorithm, byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stages and commits, discarding as a caller must. */
    protected StagedBlob put(byte[] content) {
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), content.length);
        try {
            store.commit(staged);
        } finally {
            store.discard(staged);
        }
        return staged;
    }

    protected byte[] read(String key, long offset, long length) {
        try (InputStream in = store.open(key, offset, length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Endless bytes that remember how many were read from them. */
    static final class CountingEndlessStream extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return (int) (served & 0x7f);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) b[off + i] = (byte) (served + i);
            served += len;
            return len;
        }
    }

    @Test
    void stagingHashesTheBytesAndCommittingStoresThem() throws IOException {
        byte[] content = bytes(200_000, 1); // several copy buffers
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), 1_000_000);
        assertThat(staged.size()).isEqualTo(200_000);
        assertThat(staged.sha256()).isEqualTo(digest("SHA-256", content));
        assertThat(staged.md5()).isEqualTo(digest("MD5", content));
        assertThat(Files.readAllBytes(staged.file())).isEqualTo(content); // probes read the staged file
        assertThat(store.stat(staged.sha256())).isEmpty(); // not named before commit

        store.commit(staged);
        store.discard(staged);
        assertThat(store.stat(staged.sha256())).hasValueSatisfying(s -> {
            assertThat(s.key()).isEqualTo(staged.sha256());
            assertThat(s.size()).isEqualTo(200_000);
        });
        assertThat(read(staged.sha256(), 0, content.length)).isEqualTo(content);
    }

    @Test
    void rangesAreReadExactly() {
        byte[] content = bytes(100_000, 2);
        String key = put(content).sha256();
        assertThat(read(key, 0, 10)).isEqualTo(java.util.Arrays.copyOfRange(content, 0, 10));
        assertThat(read(key, 70_000, 30_000)).isEqualTo(java.util.Arrays.copyOfRange(content, 70_000, 100_000));
        assertThat(read(key, 99_999, 1)).containsExactly(content[99_999]);
        assertThat(read(key, 500, 0)).isEmpty();
        assertThat(read(key, 100_000, 0)).isEmpty();
    }

    @Test
    void aRangeStreamReadsByteByByteAndSkips() throws IOException {
        byte[] content = bytes(1000, 3);
        String key = put(content).sha256();
        try (InputStream in = store.open(key, 100, 5)) {
            assertThat(in.read()).isEqualTo(content[100] & 0xff);
            assertThat(in.skip(2)).isEqualTo(2);
            assertThat(in.read()).isEqualTo(content[103] & 0xff);
            assertThat(in.read()).isEqualTo(content[104] & 0xff);
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(new byte[10], 0, 10)).isEqualTo(-1);
        }
    }

    @Test
    void committingBytesThatAreAlreadyStoredChangesNothing() {
        byte[] content = bytes(5000, 4);
        StagedBlob first = put(content);
        StagedBlob second = store.stage(new ByteArrayInputStream(content), content.length);
        store.commit(second);
        store.commit(second); // idempotent
        store.discard(second);
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(read(first.sha256(), 0, content.length)).isEqualTo(content);
        List<BlobStat> all = new ArrayList<>();
        store.forEach(all::add);
        assertThat(all).hasSize(1);
    }

    @Test
    void exactlyTheLimitIsAcceptedAndOneByteMoreIsNot() {
        assertThat(store.stage(new ByteArrayInputStream(bytes(1000, 5)), 1000).size()).isEqualTo(1000);
        assertThatThrownBy(() -> store.stage(new ByteArrayInputStream(bytes(1001, 5)), 1000))
                .isInstanceOf(ImageLimitExceededException.class);
        assertThat(store.stage(new ByteArrayInputStream(new byte[0]), 1000).size()).isZero();
    }

    @Test
    void anEndlessUploadIsCutOffOneBytePastTheLimit() {
        CountingEndlessStream endless = new CountingEndlessStream();
        assertThatThrownBy(() -> store.stage(endless, 3 * 1024 * 1024 + 17)).isInstanceOf(ImageLimitExceededException.class);
        assertThat(endless.served).isEqualTo(3 * 1024 * 1024 + 18);

        CountingEndlessStream tiny = new CountingEndlessStream();
        assertThatThrownBy(() -> store.stage(tiny, 0)).isInstanceOf(ImageLimitExceededException.class);
        assertThat(tiny.served).isEqualTo(1);
    }

    @Test
    void aFailingStreamIsAStorageFailureAndLeavesNothingNamed() {
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (++n > 100) throw new IOException("connection reset");
                return 1;
            }
        };
        assertThatThrownBy(() -> store.stage(broken, 1000)).isInstanceOf(StorageException.class);
        List<BlobStat> all = new ArrayList<>();
        store.forEach(all::add);
        assertThat(all).isEmpty();
    }

    @Test
    void discardingAStagedBlobForgetsIt() {
        byte[] content = bytes(300, 6);
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), 1000);
        store.discard(staged);
        store.discard(staged); // twice is fine
        assertThat(Files.exists(staged.file())).isFalse();
        assertThatThrownBy(() -> store.commit(staged)).isInstanceOf(StorageException.class);
        assertThat(store.stat(staged.sha256())).isEmpty();
    }

    @Test
    void missingBlobsAreReportedNotInvented() {
        String absent = digest("SHA-256", new byte[] {42});
        assertThat(store.stat(absent)).isEmpty();
        assertThatThrownBy(() -> store.open(absent, 0, 1)).isInstanceOf(StorageException.class);
        store.delete(absent); // no error
    }

    @Test
    void everyStoredBlobIsVisitedAndDeletedBlobsAreGone() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) keys.add(put(bytes(100 + i, 100 + i)).sha256());
        List<BlobStat> all = new ArrayList<>();
        store.forEach(all::add);
        assertThat(all).extracting(BlobStat::key).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(all).allSatisfy(s -> assertThat(s.lastModified()).isNotNull());

        store.delete(keys.get(0));
        assertThat(store.stat(keys.get(0))).isEmpty();
        assertThatThrownBy(() -> store.open(keys.get(0), 0, 1)).isInstanceOf(StorageException.class);
        List<BlobStat> after = new ArrayList<>();
        store.forEach(after::add);
        assertThat(after).hasSize(19);
    }

    @Test
    void blobsAreListedInKeyOrderWholeAndAPageAfterAKey() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) keys.add(put(bytes(50 + i, 300 + i)).sha256());
        keys.sort(null);
        List<String> all = new ArrayList<>();
        store.forEach(s -> all.add(s.key()));
        assertThat(all).containsExactlyElementsOf(keys);

        // pages of 7 after the last key of the page before: every key once, in order
        List<String> paged = new ArrayList<>();
        String after = null;
        while (true) {
            List<BlobStat> page = store.listAfter(after, 7);
            assertThat(page.size()).isLessThanOrEqualTo(7);
            page.forEach(s -> paged.add(s.key()));
            if (page.size() < 7) break;
            after = page.get(page.size() - 1).key();
        }
        assertThat(paged).containsExactlyElementsOf(keys);
        assertThat(store.listAfter(keys.get(24), 7)).isEmpty();
        assertThat(store.listAfter(null, 1000)).extracting(BlobStat::key).containsExactlyElementsOf(keys);
        assertThat(store.listAfter(keys.get(3), 2)).extracting(BlobStat::key).containsExactly(keys.get(4), keys.get(5));
        assertThat(store.listAfter(keys.get(10), 1)).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo(keys.get(11));
            assertThat(s.size()).isEqualTo(store.stat(keys.get(11)).orElseThrow().size());
        });
        // a key that is not stored still says where to start
        String between = keys.get(8).substring(0, 4) + "0".repeat(60); // the first key of keys[8]'s fan-out
        assertThat(between).isGreaterThan(keys.get(7)).isLessThan(keys.get(8)); // true for these seeds
        assertThat(store.listAfter(between, 1)).extracting(BlobStat::key).containsExactly(keys.get(8));
        String zeros = "0".repeat(64);
        assertThat(store.listAfter(zeros, 3)).extracting(BlobStat::key).containsExactlyElementsOf(keys.subList(0, 3));
        assertThatThrownBy(() -> store.listAfter("abc", 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.listAfter(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysThatAreNotSha256HexAreRefused() {
        String good = digest("SHA-256", new byte[] {1});
        for (String bad : List.of("", "abc", good.toUpperCase(), good + "0", good.substring(1), "../" + good.substring(3),
                "..%2f" + good.substring(5), good.substring(0, 63) + "/", good.substring(0, 62) + "\0a")) {
            assertThatThrownBy(() -> store.stat(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.open(bad, 0, 1)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.stat(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rangesOutsideTheBlobAreRefused() {
        String key = put(bytes(100, 7)).sha256();
        assertThatThrownBy(() -> store.open(key, 90, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(key, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(key, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
