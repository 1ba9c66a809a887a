package dev.picspace.store;

import dev.picspace.domain.Category;
import dev.picspace.domain.Exceptions.CategoryRuleException;
import dev.picspace.domain.Exceptions.ImageLimitExceededException;
import dev.picspace.domain.Exceptions.QuotaExceededException;
import dev.picspace.domain.IdGenerator;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageInfo;
import dev.picspace.domain.ImageLimits;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.UploadSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The domain's own calls on the real stores: what PictureSpace does with them, end to end, with
 * a stand-in probe (every file is a 10×10 PNG) since decoding is not the stores' business.
 */
class PictureSpaceOnStoresTest {

    @TempDir
    Path dir;

    private SqlMetadataStore metadata;
    private FileSystemBlobStore blobs;
    private PictureSpace space;

    /** The metadata database of each test; PictureSpaceOnPostgresTest runs every test on PostgreSQL. */
    protected String jdbcUrl() { return "jdbc:sqlite:" + dir.resolve("meta.db"); }

    @BeforeEach
    void open() {
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T08:00:00.123Z"), ZoneOffset.UTC);
        metadata = new SqlMetadataStore(Database.open(jdbcUrl()), clock);
        blobs = new FileSystemBlobStore(dir.resolve("blobs"), clock);
        space = new PictureSpace(metadata, blobs, (file, limits) -> new ImageInfo(ImageFormat.PNG, 10, 10, 1),
                new IdGenerator(clock, 1), clock, new ImageLimits(10_000, 100, 100, 10_000, 1), 4);
    }

    @AfterEach
    void close() {
        metadata.close();
        blobs.close();
    }

    private static InputStream bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return new ByteArrayInputStream(b);
    }

    private List<String> storedBlobs() {
        List<String> keys = new ArrayList<>();
        blobs.forEach(s -> keys.add(s.key()));
        return keys;
    }

    @Test
    void uploadsAreStoredOnceChargedPerPictureAndReleasedOnDelete() throws IOException {
        Tenant t = space.createTenant("shop", 5000, 0, null, false);
        Picture a = space.upload(t.id(), bytes(2000, 1), UploadSpec.named("a.png"));
        Picture b = space.upload(t.id(), bytes(2000, 1), UploadSpec.named("a.png"));

        assertThat(b.blobKey()).isEqualTo(a.blobKey());
        assertThat(b.title()).isEqualTo("a(1)"); // the title rule sees the first picture
        assertThat(storedBlobs()).containsExactly(a.blobKey());
        assertThat(metadata.findBlob(a.blobKey()).orElseThrow().refCount()).isEqualTo(2);
        assertThat(space.tenant(t.id()).usedBytes()).isEqualTo(4000);
        assertThat(space.find(t.id(), PictureQuery.all())).extracting(Picture::pictureId)
                .containsExactly(b.pictureId(), a.pictureId());
        try (InputStream in = blobs.open(a.blobKey(), 0, 2000)) {
            assertThat(in.readAllBytes()).isEqualTo(bytes(2000, 1).readAllBytes());
        }

        assertThatThrownBy(() -> space.upload(t.id(), bytes(1001, 2), UploadSpec.named("c.png")))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(space.count(t.id(), PictureQuery.all())).isEqualTo(2);

        assertThat(space.delete(t.id(), List.of(a.pictureId()))).isEqualTo(1);
        assertThat(space.tenant(t.id()).usedBytes()).isEqualTo(2000);
        space.upload(t.id(), bytes(3000, 3), UploadSpec.named("c.png"));
        assertThat(space.tenant(t.id()).usedBytes()).isEqualTo(5000);
        assertThat(metadata.findUsageMismatches()).isEmpty();
        assertThat(metadata.findRefCountMismatches()).isEmpty();
        assertThat(blobs.staleTempFiles(java.time.Duration.ZERO)).isEmpty(); // every staged file was discarded
    }

    @Test
    void replaceChargesTheDifference() {
        Tenant t = space.createTenant("shop", 5000, 0, null, false);
        Picture p = space.upload(t.id(), bytes(1000, 1), UploadSpec.named("p.png"));
        Picture replaced = space.replace(t.id(), p.pictureId(), bytes(3000, 2));
        assertThat(replaced.blobKey()).isNotEqualTo(p.blobKey());
        assertThat(replaced.urlToken()).isEqualTo(p.urlToken());
        assertThat(space.tenant(t.id()).usedBytes()).isEqualTo(3000);
        assertThat(metadata.findBlob(p.blobKey()).orElseThrow().refCount()).isZero();
        assertThat(metadata.findBlob(replaced.blobKey()).orElseThrow().refCount()).isEqualTo(1);
    }

    @Test
    void oversizedUploadsAndCategoryLimitsAreRefused() {
        Tenant t = space.createTenant("shop", 1_000_000, 0, null, false);
        assertThatThrownBy(() -> space.upload(t.id(), bytes(10_001, 1), UploadSpec.named("big.png")))
                .isInstanceOf(ImageLimitExceededException.class);
        assertThat(storedBlobs()).isEmpty();

        assertThat(space.categories(t.id(), dev.picspace.domain.CategoryQuery.all())).hasSize(2); // system ones
        Category shoes = space.addCategory(t.id(), "shoes", 0);
        space.addCategory(t.id(), "boots", shoes.id());
        assertThatThrownBy(() -> space.addCategory(t.id(), "hats", 0)).isInstanceOf(CategoryRuleException.class);
        assertThat(metadata.findTopCredentialsOfTenant(t.id())).isPresent();
    }

    @Test
    void aPendingPictureIsChargedOnlyWhenItsBytesArriveAndRefusedBytesLeaveItUploadFail() {
        Tenant t = space.createTenant("shop", 5000, 0, null, false);
        Picture pending = space.createPending(t.id(), new UploadSpec("a.png", "标题", 0, null, "d", "x,y", "default"), ImageFormat.PNG);
        assertThat(pending.status()).isEqualTo(dev.picspace.domain.PictureStatus.UPLOADING);
        assertThat(pending.imageId()).hasSize(32);
        assertThat(space.tenant(t.id()).usedBytes()).isZero();
        assertThat(metadata.findPictureByImageId(t.id(), pending.imageId())).contains(pending);

        assertThatThrownBy(() -> space.completeUpload(t.id(), pending.pictureId(), bytes(6000, 2)))
                .isInstanceOf(QuotaExceededException.class);
        assertThat(space.picture(t.id(), pending.pictureId()).orElseThrow().status())
                .isEqualTo(dev.picspace.domain.PictureStatus.UPLOAD_FAIL);
        assertThat(space.tenant(t.id()).usedBytes()).isZero();

        // a retry within the credential's life (OSS overwrites the object) succeeds
        Picture done = space.completeUpload(t.id(), pending.pictureId(), bytes(3000, 3));
        assertThat(done.status()).isEqualTo(dev.picspace.domain.PictureStatus.NORMAL);
        assertThat(done.sizeBytes()).isEqualTo(3000);
        assertThat(done.title()).isEqualTo("标题");
        assertThat(space.tenant(t.id()).usedBytes()).isEqualTo(3000);
        // an overwrite of a Normal picture is a replace: the difference is charged
        Picture again = space.completeUpload(t.id(), pending.pictureId(), bytes(1000, 4));
        assertThat(again.sizeBytes()).isEqualTo(1000);
        assertThat(space.tenant(t.id()).usedBytes()).isEqualTo(1000);
        assertThat(storedBlobs()).hasSize(2); // the old blob waits for the sweep
    }
}
