package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import dev.picspace.store.S3TestServer;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.SuccessResponse;
import dev.picspace.topclient.Responses.PictureGetResponse;
import dev.picspace.topclient.Responses.PictureUploadResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two picspace nodes on one PostgreSQL database and one S3 bucket behave as one service
 * (docs/operating.md): what one node writes, the other lists, serves and deletes at once, and a
 * quota race spread over both never overshoots.
 */
class TwoNodeTest {
    @TempDir static Path dirA;
    @TempDir static Path dirB;
    static ServerFixture a, b;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        String db = PostgresTestServer.freshDatabaseUrl();
        String blobs = S3TestServer.freshBucketUri();
        a = new ServerFixture(dirA, Map.of("db", db, "blobs", blobs, "node-id", "1"));
        b = new ServerFixture(dirB, Map.of("db", db, "blobs", blobs, "node-id", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) b.close();
        if (a != null) a.close();
    }

    /** The same tenant, as seen through node {@code fx}. */
    static ServerFixture.TenantHandle on(ServerFixture fx, ServerFixture.TenantHandle t) {
        return fx.new TenantHandle(t.tenant, t.creds);
    }

    static int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static byte[] body(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    @Test
    void anUploadThroughOneNodeIsListedServedAndDeletableThroughTheOther() throws Exception {
        var onA = a.tenant("both", 10 << 20, 0);
        var onB = on(b, onA);
        byte[] jpeg = TestImages.noisyJpeg(120, 80, 7);
        PictureUploadResponse up = onA.client().execute(new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                .param("picture_category_id", 0).param("image_input_title", "x.jpg").file("img", "x.jpg", jpeg), onA.creds.session());
        assertThat(up.isSuccess()).as(up.getBody()).isTrue();
        long id = up.getPicture().getPictureId();
        String path = up.getPicture().getPicturePath().replaceFirst("^https?://[^/]+", "");

        PictureGetResponse listed = onB.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", id), onB.creds.session());
        assertThat(listed.getPictures()).hasSize(1);
        assertThat(body(b.base() + path)).isEqualTo(jpeg);
        assertThat(body(a.base() + path)).isEqualTo(jpeg); // A has it in its lookup cache now

        SuccessResponse del = onB.client().execute(new PictureRequest<>("taobao.picture.delete", SuccessResponse.class)
                .param("picture_ids", id), onB.creds.session());
        assertThat(del.isSuccess()).as(del.getBody()).isTrue();
        assertThat(status(b.base() + path)).isEqualTo(404);
        assertThat(onA.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", id), onA.creds.session()).getPictures()).isNullOrEmpty();
        // Node A learns of the delete through PostgreSQL LISTEN/NOTIFY, well before its 2 s lookup cache would expire.
        long deadline = System.nanoTime() + 1_000_000_000L;
        int seen;
        do {
            seen = status(a.base() + path);
        } while (seen != 404 && System.nanoTime() < deadline);
        assertThat(seen).isEqualTo(404);
        assertThat(onA.reload().usedBytes()).isZero();
    }

    @Test
    void aQuotaRaceSpreadOverBothNodesNeverOvershoots() throws Exception {
        QuotaRaceTest.race(List.of(a, b)); // clients alternate between the nodes; both must list the same
    }

    /** A VOD request signed once (RPC HMAC-SHA1, as the SDKs sign) and sent to both nodes: the second is a replay. */
    @Test
    void aSignedVodRequestReplayedToTheOtherNodeIsRefused() throws Exception {
        var onA = a.tenant("replay", 1 << 20, 0);
        var p = a.picspace.space().upload(onA.tenant.id(), new java.io.ByteArrayInputStream(TestImages.png(30, 20)),
                dev.picspace.domain.UploadSpec.named("r.png"));
        java.util.TreeMap<String, String> params = new java.util.TreeMap<>();
        params.put("Action", "GetImageInfo");
        params.put("Version", "2017-03-21");
        params.put("Format", "JSON");
        params.put("AccessKeyId", onA.vod.accessKeyId());
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureVersion", "1.0");
        params.put("SignatureNonce", java.util.UUID.randomUUID().toString());
        params.put("Timestamp", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        params.put("ImageId", p.imageId());
        StringBuilder canonical = new StringBuilder();
        for (var e : params.entrySet())
            canonical.append(canonical.length() == 0 ? "" : "&").append(dev.picspace.gateway.sign.Digests.percentEncode(e.getKey()))
                    .append('=').append(dev.picspace.gateway.sign.Digests.percentEncode(e.getValue()));
        String toSign = "GET&%2F&" + dev.picspace.gateway.sign.Digests.percentEncode(canonical.toString());
        String signature = dev.picspace.gateway.sign.Digests.base64(
                dev.picspace.gateway.sign.Digests.hmac("HmacSHA1", onA.vod.accessKeySecret() + "&", toSign));
        String query = canonical + "&Signature=" + dev.picspace.gateway.sign.Digests.percentEncode(signature);

        HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(a.base() + "/?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains(p.imageId());
        HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(b.base() + "/?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("SignatureNonceUsed");
    }
}
