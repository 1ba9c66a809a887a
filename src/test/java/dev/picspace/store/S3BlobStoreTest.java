package dev.picspace.store;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.BlobStore.BlobStat;
import dev.picspace.domain.BlobStore.StagedBlob;
import dev.picspace.domain.Exceptions.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The whole contract on a real S3 protocol server (S3Proxy), plus what only object storage has. */
class S3BlobStoreTest extends BlobStoreContract {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final S3TestServer server = S3TestServer.get();
    private String bucket;

    @Override
    protected BlobStore openStore() {
        bucket = server.freshBucket();
        return open(server.uriOf(bucket, null), S3BlobStore.Tuning.DEFAULTS);
    }

    private S3BlobStore open(String uri, S3BlobStore.Tuning tuning) {
        return new S3BlobStore(S3Location.parse(uri, Map.of()), dir.resolve("staging"), Clock.systemUTC(), tuning);
    }

    private HeadObjectResponse headObject(String key) {
        return server.client().headObject(b -> b.bucket(bucket).key(key.substring(0, 2) + "/" + key.substring(2, 4) + "/" + key));
    }

    private List<String> objectKeys(String bucketName) {
        return server.client().listObjectsV2Paginator(b -> b.bucket(bucketName)).contents().stream().map(S3Object::key).toList();
    }

    @Test
    void objectsAreNamedLikeTheDirectoryLayoutAndStagingIsLocal() {
        byte[] content = bytes(1234, 30);
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), 10_000);
        assertThat(staged.file().getParent()).isEqualTo(dir.resolve("staging"));
        assertThat(objectKeys(bucket)).isEmpty(); // nothing is sent before commit
        store.commit(staged);
        store.discard(staged);
        String k = staged.sha256();
        assertThat(objectKeys(bucket)).containsExactly(k.substring(0, 2) + "/" + k.substring(2, 4) + "/" + k);
        assertThat(store.localFile(k)).isEmpty(); // nothing to send without copying: the server streams it
        assertThat(dir.resolve("staging")).isEmptyDirectory();
    }

    @Test
    void aPrefixKeepsBlobsApartFromEverythingElseInTheBucket() {
        String shared = server.freshBucket();
        S3BlobStore.Tuning tuning = S3BlobStore.Tuning.DEFAULTS;
        try (S3BlobStore prefixed = open(server.uriOf(shared, "pics/live"), tuning)) {
            StagedBlob s = prefixed.stage(new ByteArrayInputStream(bytes(500, 31)), 1000);
            prefixed.commit(s);
            prefixed.discard(s);
            String k = s.sha256();
            // things that are not our blobs: another prefix, a wrong fan-out, a stray name
            server.client().putObject(b -> b.bucket(shared).key("other/" + k.substring(0, 2) + "/" + k.substring(2, 4) + "/" + k),
                    RequestBody.fromString("x"));
            server.client().putObject(b -> b.bucket(shared).key("pics/live/00/00/" + k), RequestBody.fromString("x"));
            server.client().putObject(b -> b.bucket(shared).key("pics/live/README"), RequestBody.fromString("x"));
            assertThat(objectKeys(shared)).contains("pics/live/" + k.substring(0, 2) + "/" + k.substring(2, 4) + "/" + k);
            List<BlobStat> all = new ArrayList<>();
            prefixed.forEach(all::add);
            assertThat(all).singleElement().satisfies(stat -> {
                assertThat(stat.key()).isEqualTo(k);
                assertThat(stat.size()).isEqualTo(500);
            });
            assertThat(read(prefixed, k, 0, 500)).isEqualTo(bytes(500, 31));
        }
        // one key per request: pages holding only objects that are not blobs do not end a listing
        try (S3BlobStore onePerPage = open(server.uriOf(shared, "pics/live"), new S3BlobStore.Tuning(8L * MIB, 8L * MIB, 1, Duration.ofMinutes(1)))) {
            assertThat(onePerPage.listAfter(null, 1)).extracting(BlobStat::key).containsExactly(digest("SHA-256", bytes(500, 31)));
            assertThat(onePerPage.listAfter("0".repeat(64), 5)).hasSize(1);
        }
    }

    private static byte[] read(BlobStore s, String key, long offset, long length) {
        try (InputStream in = s.open(key, offset, length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anObjectAboveTheThresholdGoesUpInPartsAndReadsBackWholeAndInRanges() {
        byte[] content = bytes(2 * 8 * MIB + 12_345, 32); // three parts: 8 MiB, 8 MiB, the rest
        String key = put(content).sha256();
        // S3's ETag of a multipart object is "<md5 of the parts' md5s>-<number of parts>"
        assertThat(headObject(key).eTag()).endsWith("-3\"");
        assertThat(store.stat(key)).hasValueSatisfying(s -> assertThat(s.size()).isEqualTo(content.length));
        assertThat(digest("SHA-256", read(key, 0, content.length))).isEqualTo(key);
        // across the first part boundary, and the last bytes of the last part
        assertThat(read(key, 8 * MIB - 10, 20)).isEqualTo(Arrays.copyOfRange(content, 8 * MIB - 10, 8 * MIB + 10));
        assertThat(read(key, content.length - 7, 7)).isEqualTo(Arrays.copyOfRange(content, content.length - 7, content.length));
    }

    @Test
    void anObjectAtTheThresholdGoesUpInOnePut() {
        byte[] content = bytes(8 * MIB, 33);
        StagedBlob staged = put(content);
        // a single PUT's ETag is the MD5 of the bytes, which also says the server got what we staged
        assertThat(headObject(staged.sha256()).eTag()).isEqualTo("\"" + staged.md5() + "\"");
    }

    @Test
    void aMultipartUploadThatFailsIsAbortedAndLeavesNothingNamed() throws IOException {
        byte[] content = bytes(2 * 8 * MIB + 1, 34);
        StagedBlob staged = store.stage(new ByteArrayInputStream(content), content.length);
        // the staged file loses its tail (a disk gone bad): the first part goes up, the second cannot
        try (FileChannel f = FileChannel.open(staged.file(), StandardOpenOption.WRITE)) {
            f.truncate(9 * MIB);
        }
        assertThatThrownBy(() -> store.commit(staged))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("multipart upload")
                .hasMessageContaining(bucket)
                .hasMessageContaining(staged.sha256());
        store.discard(staged);
        assertThat(server.client().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(store.stat(staged.sha256())).isEmpty();
        assertThat(objectKeys(bucket)).isEmpty();
    }

    @Test
    void committingKnownBytesUploadsNothingAndReDatesOnlyAnOldObject() throws Exception {
        byte[] content = bytes(5000, 35);
        StagedBlob first = put(content);
        HeadObjectResponse before = headObject(first.sha256());
        Thread.sleep(1100); // S3 dates objects to the second

        // recent: left exactly as it is (no second upload, no copy)
        put(content);
        assertThat(headObject(first.sha256()).lastModified()).isEqualTo(before.lastModified());

        // older than the refresh age: re-dated, so a sweep's grace period starts again; bytes unchanged
        try (S3BlobStore eager = open(server.uriOf(bucket, null), new S3BlobStore.Tuning(8L * MIB, 8L * MIB, 1000, Duration.ZERO))) {
            StagedBlob again = eager.stage(new ByteArrayInputStream(content), content.length);
            eager.commit(again);
            assertThat(again.file()).exists(); // a no-op commit leaves the staged file for discard
            eager.discard(again);
        }
        HeadObjectResponse after = headObject(first.sha256());
        assertThat(after.lastModified()).isAfter(before.lastModified());
        assertThat(after.eTag()).isEqualTo(before.eTag());
        assertThat(read(first.sha256(), 0, content.length)).isEqualTo(content);
        assertThat(objectKeys(bucket)).hasSize(1);
    }

    @Test
    void anObjectOfTheWrongSizeUnderAContentNameIsReplaced() {
        byte[] content = bytes(800, 36);
        String k = digest("SHA-256", content);
        server.client().putObject(b -> b.bucket(bucket).key(k.substring(0, 2) + "/" + k.substring(2, 4) + "/" + k),
                RequestBody.fromBytes(new byte[] {1, 2, 3})); // what a copy by hand could leave
        put(content);
        assertThat(read(k, 0, 800)).isEqualTo(content);
    }

    @Test
    void aMissingObjectIsAStorageFailureNamingIt() {
        String absent = digest("SHA-256", new byte[] {43});
        assertThatThrownBy(() -> store.open(absent, 0, 10))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(absent)
                .hasMessageContaining(bucket)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> store.open(absent, 0, 0)).isInstanceOf(StorageException.class);
        assertThat(store.stat(absent)).isEmpty();
    }

    @Test
    void listingFollowsContinuationTokensAcrossPagesInKeyOrder() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) keys.add(put(bytes(10 + i, 200 + i)).sha256());
        try (S3BlobStore paged = open(server.uriOf(bucket, null), new S3BlobStore.Tuning(8L * MIB, 8L * MIB, 7, Duration.ofMinutes(1)))) {
            List<String> seen = new ArrayList<>();
            paged.forEach(s -> seen.add(s.key()));
            // 30 keys in pages of 7: five requests, each continuing where the last stopped
            assertThat(seen).hasSize(30).doesNotHaveDuplicates().isSorted().containsExactlyInAnyOrderElementsOf(keys);
        }
    }

    @Test
    void rangedReadsAndEarlyClosesCostOnlyWhatIsRead() throws IOException {
        byte[] content = bytes(16 * MIB, 37);
        String key = put(content).sha256();
        try (CountingTcpProxy wire = new CountingTcpProxy(server.endpoint());
             S3BlobStore viaWire = open(server.uriOf(bucket, null, wire.uri()), S3BlobStore.Tuning.DEFAULTS)) {
            wire.reset();
            assertThat(read(viaWire, key, 10 * MIB, 100)).isEqualTo(Arrays.copyOfRange(content, 10 * MIB, 10 * MIB + 100));
            assertThat(wire.bytesFromServer()).as("a 100-byte range is a ranged GET").isLessThan(16 * 1024);

            wire.reset();
            for (int i = 0; i < 5; i++) {
                try (InputStream in = viaWire.open(key, 0, content.length)) {
                    assertThat(in.readNBytes(10)).isEqualTo(Arrays.copyOf(content, 10));
                }
            }
            // reading out each abandoned 16 MiB body to reuse its connection would be 80 MiB
            assertThat(wire.bytesFromServer()).as("abandoned bodies are not drained").isLessThan(5L * 8 * MIB);
            assertThat(read(viaWire, key, 100, 10)).isEqualTo(Arrays.copyOfRange(content, 100, 110)); // still works
        }
    }

    @Test
    void staleStagingsAreTheLocalDirectorysHalfWrittenFiles() throws IOException {
        StagedBlob old = store.stage(new ByteArrayInputStream(bytes(10, 38)), 100);
        Files.setLastModifiedTime(old.file(), FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        StagedBlob young = store.stage(new ByteArrayInputStream(bytes(10, 39)), 100);
        assertThat(store.staleStagings(Duration.ofHours(1), false)).isEqualTo(1);
        assertThat(old.file()).exists();
        assertThat(store.staleStagings(Duration.ofHours(1), true)).isEqualTo(1);
        assertThat(old.file()).doesNotExist();
        assertThat(young.file()).exists();
    }

    @Test
    void onlyFilesItStagedAreEverDiscarded() throws IOException {
        StagedBlob content = put(bytes(10, 40));
        Path outside = Files.writeString(dir.resolve("precious.txt"), "keep me");
        assertThatThrownBy(() -> store.discard(new StagedBlob(outside, content.sha256(), content.md5(), 7)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.commit(new StagedBlob(outside, content.sha256(), content.md5(), 7)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(outside).exists();
    }

    @Test
    void aBucketThatCannotBeUsedFailsAtOpeningWithOneClearMessage() throws IOException {
        assertThatThrownBy(() -> open(server.uriOf("no-such-bucket-here", null), S3BlobStore.Tuning.DEFAULTS))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("no-such-bucket-here")
                .hasMessageContaining("does not exist");

        String wrongSecret = server.uriOf(bucket, null).replace(S3TestServer.SECRET_KEY, "wrong");
        assertThatThrownBy(() -> open(wrongSecret, S3BlobStore.Tuning.DEFAULTS))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("access denied")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong")); // no secret in messages

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String nobody = server.uriOf(bucket, null, URI.create("http://127.0.0.1:" + closedPort));
        assertThatThrownBy(() -> open(nobody, S3BlobStore.Tuning.DEFAULTS))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort)
                .hasMessageContaining(bucket);
    }

    @Test
    void concurrentCommitsOfTheSameBytesAllSucceed() throws Exception {
        byte[] content = bytes(50_000, 41);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> done = new ArrayList<>();
            for (int i = 0; i < 16; i++) done.add(pool.submit(() -> put(content).sha256()));
            for (var f : done) assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(digest("SHA-256", content));
        } finally {
            pool.shutdownNow();
        }
        assertThat(read(digest("SHA-256", content), 0, content.length)).isEqualTo(content);
        assertThat(objectKeys(bucket)).hasSize(1);
        assertThat(dir.resolve("staging")).isEmptyDirectory();
    }
}
