package dev.picspace.app;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.UploadSpec;
import dev.picspace.store.FileSystemBlobStore;
import dev.picspace.store.S3BlobStore;
import dev.picspace.store.S3TestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a crash between the write steps leaves, found and repaired on real stores. */
class FsckTest {
    @TempDir Path data;

    /** The same crash leftovers in a blob directory and in an S3 bucket (S3Proxy). */
    static Map<String, String> settings(String store, Path data) {
        Map<String, String> s = new java.util.HashMap<>(Map.of("data", data.toString()));
        if (store.equals("s3")) s.put("blobs", S3TestServer.freshBucketUri());
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void orphanBlobsAndDriftAreFoundRepairedAndLiveBytesKept(String store) {
        try (Picspace p = new Picspace(Settings.load(settings(store, data), Map.of(), null), Clock.systemUTC())) {
            assertThat(p.blobs()).isInstanceOf(store.equals("s3") ? S3BlobStore.class : FileSystemBlobStore.class);
            var t = p.space().createTenant("fsck", 10 << 20, 0, null, false);
            var kept = p.space().upload(t.id(), new ByteArrayInputStream(TestImages.jpeg(40, 40, 1)), UploadSpec.named("k.jpg"));
            // A crash after the bytes got their name but before the metadata transaction: an unreferenced blob.
            BlobStore.StagedBlob orphan = p.blobs().stage(new ByteArrayInputStream(TestImages.jpeg(41, 41, 2)), 1 << 20);
            p.blobs().commit(orphan);
            p.blobs().discard(orphan);

            // A crash in the middle of staging: a temporary file nobody will commit.
            BlobStore.StagedBlob halfWritten = p.blobs().stage(new ByteArrayInputStream(new byte[]{1, 2, 3}), 1 << 20);

            Fsck.Report withinGrace = p.fsck().run(true, Duration.ofHours(1), null);
            assertThat(withinGrace.staleStagings()).isZero();
            assertThat(withinGrace.orphanBlobs()).isEmpty(); // might be an upload in flight: left alone
            assertThat(p.blobs().stat(orphan.sha256())).isPresent();

            Fsck.Report report = p.fsck().run(false, Duration.ZERO, null);
            assertThat(report.orphanBlobs()).containsExactly(orphan.sha256());
            assertThat(report.staleStagings()).isEqualTo(1);
            assertThat(java.nio.file.Files.exists(halfWritten.file())).isTrue();
            assertThat(p.blobs().stat(orphan.sha256())).isPresent(); // reporting changes nothing

            Fsck.Report repaired = p.fsck().run(true, Duration.ZERO, null);
            assertThat(repaired.orphanBlobs()).containsExactly(orphan.sha256());
            assertThat(p.blobs().stat(orphan.sha256())).isEmpty();
            assertThat(repaired.staleStagings()).isEqualTo(1);
            assertThat(java.nio.file.Files.exists(halfWritten.file())).isFalse();
            assertThat(p.blobs().stat(kept.blobKey())).isPresent();
            assertThat(p.fsck().run(false, Duration.ZERO, null).clean()).isTrue();

            // A recycled picture keeps its bytes until purged; after the retention its blob goes too.
            p.space().delete(t.id(), java.util.List.of(kept.pictureId()));
            assertThat(p.fsck().run(true, Duration.ZERO, Duration.ofDays(30)).purgedRecycled()).isZero();
            assertThat(p.blobs().stat(kept.blobKey())).isPresent();
            Fsck.Report purged = p.fsck().run(true, Duration.ZERO, Duration.ZERO);
            assertThat(purged.purgedRecycled()).isEqualTo(1);
            assertThat(p.fsck().run(true, Duration.ZERO, Duration.ZERO).clean()).isTrue();
            assertThat(p.blobs().stat(kept.blobKey())).isEmpty();
            assertThat(p.metadata().findTenant(t.id()).orElseThrow().usedBytes()).isZero();
        }
    }
}
