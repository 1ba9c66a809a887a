package dev.picspace.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.UploadSpec;
import dev.picspace.domain.Watermark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code picspace migrate} end to end through the CLI: a populated deployment is copied, verified,
 * re-run (nothing copied twice, new pictures caught up), and the target then holds every picture
 * byte for byte with the same ids, credentials and quota.
 */
class MigrateTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    /** Runs the CLI in process; what it printed on stdout. */
    record Run(int code, String out) {}

    static Run cli(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    /** Target settings for this test; a PostgreSQL + S3 variant overrides these. */
    protected String targetDb() { return "jdbc:sqlite:" + dir.resolve("target/meta.db"); }

    protected String targetBlobs() { return dir.resolve("target/blobs").toUri().toString(); }

    @Test
    void copiesEverythingVerifiesItAndResumes() throws Exception {
        Path data = dir.resolve("source");
        List<Picture> pictures = new ArrayList<>();
        Tenant shop, other;
        try (Picspace p = new Picspace(Settings.load(Map.of("data", data.toString()), Map.of(), null), Clock.systemUTC())) {
            shop = p.space().createTenant("shop", 50L << 20, 0, null, true);
            other = p.space().createTenant("other", 50L << 20, 0, null, false);
            p.metadata().updateWatermark(shop.id(), Watermark.parse("true|店铺|true|0.5|null|16|false|false|false|255,0,0|0|false|0.9,0.9|null|2"));
            long cat = p.space().addCategory(shop.id(), "分类", 0).id();
            for (int i = 0; i < 12; i++) {
                byte[] png = TestImages.png(20 + i, 10);
                pictures.add(p.space().upload(i % 3 == 0 ? other.id() : shop.id(), new ByteArrayInputStream(png),
                        new UploadSpec("p" + i + ".png", "图 " + i, i % 3 == 0 ? 0 : cat, null, null, null, null)));
            }
            pictures.add(p.space().upload(shop.id(), new ByteArrayInputStream(TestImages.png(20, 10)), UploadSpec.named("dup.png"))); // same bytes as p0
            p.space().delete(shop.id(), List.of(pictures.get(1).pictureId())); // one in the recycle bin
        }

        Run first = cli("migrate", "--data", data.toString(), "--to-db", targetDb(), "--to-blobs", targetBlobs(), "--quiet");
        assertThat(first.code()).as(first.out()).isZero();
        JsonNode r = JSON.readTree(first.out());
        assertThat(r.get("verified").asBoolean()).isTrue();
        assertThat(r.get("blobs").asLong()).isEqualTo(12); // 13 pictures, one shared blob
        assertThat(r.get("blobs_copied").asLong()).isEqualTo(12);
        assertThat(r.get("failed_blobs")).isEmpty();
        assertThat(r.get("tables")).allSatisfy(t -> assertThat(t.get("verified").asBoolean()).isTrue());

        // a second run copies nothing again, and catches up with what happened since
        try (Picspace p = new Picspace(Settings.load(Map.of("data", data.toString()), Map.of(), null), Clock.systemUTC())) {
            pictures.add(p.space().upload(shop.id(), new ByteArrayInputStream(TestImages.png(99, 9)), UploadSpec.named("late.png")));
            p.space().rename(shop.id(), pictures.get(2).pictureId(), "renamed");
        }
        JsonNode again = JSON.readTree(cli("migrate", "--data", data.toString(), "--to-db", targetDb(), "--to-blobs", targetBlobs(), "--quiet").out());
        assertThat(again.get("verified").asBoolean()).isTrue();
        assertThat(again.get("blobs_copied").asLong()).isEqualTo(1);
        assertThat(again.get("blobs_already_there").asLong()).isEqualTo(12);

        // the target is the same deployment: same ids, quota, credentials, bytes
        try (Picspace src = new Picspace(Settings.load(Map.of("data", data.toString()), Map.of(), null), Clock.systemUTC());
             Picspace dst = new Picspace(Settings.load(Map.of("data", data.toString(), "db", targetDb(), "blobs", targetBlobs()), Map.of(), null), Clock.systemUTC())) {
            assertThat(dst.metadata().listTenants()).isEqualTo(src.metadata().listTenants());
            assertThat(dst.metadata().findTopCredentialsOfTenant(shop.id())).isEqualTo(src.metadata().findTopCredentialsOfTenant(shop.id()));
            assertThat(dst.metadata().findVodCredentialsOfTenant(shop.id())).isEqualTo(src.metadata().findVodCredentialsOfTenant(shop.id()));
            // signed URLs and STS tokens issued before the move still verify after it
            var token = src.sts().issue(shop.id(), dev.picspace.domain.TemporaryCredentials.Scope.VOD_API, null, java.time.Duration.ofMinutes(5));
            assertThat(dst.sts().verify(token.accessKeyId(), token.securityToken()).valid()).isTrue();
            assertThat(dst.mediaUrls("http://x").cdnPrivateKey(shop.id())).isEqualTo(src.mediaUrls("http://x").cdnPrivateKey(shop.id()));
            for (Picture pic : pictures) {
                Picture there = dst.metadata().findPicture(pic.tenantId(), pic.pictureId()).orElseThrow();
                assertThat(there).isEqualTo(src.metadata().findPicture(pic.tenantId(), pic.pictureId()).orElseThrow());
                try (var in = dst.blobs().open(there.blobKey(), 0, there.sizeBytes())) {
                    assertThat(dev.picspace.gateway.sign.Digests.sha256Hex(in.readAllBytes())).isEqualTo(there.blobKey());
                }
            }
            assertThat(dst.space().find(shop.id(), new PictureQuery(null, null, null, null, "renamed", null, null, null, null,
                    PictureQuery.Order.TIME_DESC, 1, 40))).hasSize(1); // the title index came along
            assertThat(dst.fsck().run(false, java.time.Duration.ZERO, java.time.Duration.ofDays(30)).clean()).isTrue();
            // a new tenant in the target does not collide with the copied ids
            Tenant fresh = dst.space().createTenant("fresh", 1, 0, null, false);
            assertThat(fresh.id()).isGreaterThan(other.id());
        }
    }

    @Test
    void refusesToMigrateOntoItself() {
        Path data = dir.resolve("same");
        Run r = cli("migrate", "--data", data.toString(), "--to-db", "jdbc:sqlite:" + data.toAbsolutePath().resolve("meta.db"),
                "--to-blobs", data.resolve("b").toUri().toString(), "--quiet");
        assertThat(r.code()).isEqualTo(1);
        assertThat(Files.exists(data.resolve("b"))).isFalse();
    }
}
