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

    /**
     * Every kind of finding at once, with the blob store read three keys at a time, so the merge of
     * the two key-ordered streams crosses many page boundaries with findings on either side of them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"file", "s3"})
    void theMergeOfRecordsAndStoredBlobsFindsEveryKindOfLeftoverAcrossPages(String store) {
        try (Picspace p = new Picspace(Settings.load(settings(store, data), Map.of(), null), Clock.systemUTC())) {
            var t = p.space().createTenant("merge", 10 << 20, 0, null, false);
            java.util.List<dev.picspace.domain.Picture> pictures = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++)
                pictures.add(p.space().upload(t.id(), new ByteArrayInputStream(TestImages.jpeg(30 + i, 30, 100 + i)), UploadSpec.named(i + ".jpg")));
            java.util.List<String> orphans = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) { // bytes whose upload crashed before its transaction
                BlobStore.StagedBlob s = p.blobs().stage(new ByteArrayInputStream(TestImages.jpeg(60 + i, 20, 200 + i)), 1 << 20);
                p.blobs().commit(s);
                p.blobs().discard(s);
                orphans.add(s.sha256());
            }
            // bytes lost behind picspace's back: pictures 0 and 1 are missing theirs
            p.blobs().delete(pictures.get(0).blobKey());
            p.blobs().delete(pictures.get(1).blobKey());
            // purged pictures: 2 and 3 leave unreferenced bytes; 4's bytes were lost too, so only its record is left
            p.blobs().delete(pictures.get(4).blobKey());
            p.space().delete(t.id(), java.util.List.of(pictures.get(2).pictureId(), pictures.get(3).pictureId(), pictures.get(4).pictureId()));
            assertThat(p.metadata().purgeRecycled(java.time.Instant.now().plusSeconds(1), 100)).isEqualTo(3);
            orphans.add(pictures.get(2).blobKey());
            orphans.add(pictures.get(3).blobKey());
            orphans.sort(null);

            Fsck paged = new Fsck(p.metadata(), p.blobs(), Clock.systemUTC(), 3);
            Fsck.Report report = paged.run(false, Duration.ZERO, null);
            assertThat(report.orphanBlobs()).containsExactlyElementsOf(orphans); // in key order, as merged
            assertThat(report.missingBlobs()).containsExactlyInAnyOrder(pictures.get(0).blobKey(), pictures.get(1).blobKey());
            assertThat(p.metadata().findBlob(pictures.get(4).blobKey())).isPresent();
            assertThat(paged.run(false, Duration.ZERO, null)).isEqualTo(report); // reporting changes nothing

            Fsck.Report repaired = paged.run(true, Duration.ZERO, null);
            assertThat(repaired.orphanBlobs()).containsExactlyElementsOf(orphans);
            for (String k : orphans) assertThat(p.blobs().stat(k)).as(k).isEmpty();
            assertThat(p.metadata().findBlob(pictures.get(4).blobKey())).isEmpty(); // the record without bytes
            assertThat(p.metadata().findBlob(pictures.get(2).blobKey())).isEmpty();
            for (int i = 5; i < 10; i++) assertThat(p.blobs().stat(pictures.get(i).blobKey())).isPresent(); // live bytes kept

            Fsck.Report after = p.fsck().run(true, Duration.ZERO, null);
            assertThat(after.orphanBlobs()).isEmpty();
            assertThat(after.missingBlobs()).containsExactlyInAnyOrder(pictures.get(0).blobKey(), pictures.get(1).blobKey()); // reported, never "repaired"
        }
    }
}
