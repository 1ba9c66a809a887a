package dev.picspace.app;

import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.UploadSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The picture URLs of the running server, over the real SQLite store and blob directory; subclasses
 * run the same tests over other blob stores ({@link #settings}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingOnStoresTest {
    ServerFixture fx;
    static final HttpClient http = HttpClient.newHttpClient();

    /** Settings beyond the fixture's own; the blob store, for subclasses. */
    Map<String, String> settings() throws Exception { return Map.of(); }

    @BeforeAll void start(@TempDir Path data) throws Exception { fx = new ServerFixture(data, settings()); }

    @AfterAll void stop() throws Exception { fx.close(); }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.base() + path));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesWithHttpSemanticsAndRefusesWhatIsNotServable() throws Exception {
        var t = fx.tenant("serve", 10 << 20, 0);
        byte[] png = TestImages.png(80, 60);
        Picture p = fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(png), UploadSpec.named("a.png"));
        String path = "/i/" + p.urlToken() + ".png";

        HttpResponse<byte[]> ok = get(path);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(png);
        String etag = ok.headers().firstValue("etag").orElseThrow();
        assertThat(etag).isEqualTo("\"" + p.blobKey() + "\"");
        assertThat(get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> range = get(path, "Range", "bytes=1-3");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(png, 1, 4));
        assertThat(range.headers().firstValue("content-range")).hasValue("bytes 1-3/" + png.length);
        assertThat(get(path, "Range", "bytes=" + png.length + "-").statusCode()).isEqualTo(416);

        assertThat(get("/i/" + p.urlToken() + ".jpg").statusCode()).isEqualTo(404); // not its format
        assertThat(get("/i/" + "0".repeat(20) + ".png").statusCode()).isEqualTo(404);
        assertThat(get("/i/../meta.db").statusCode()).isIn(400, 404);

        // An image still Uploading (as VOD's CreateUploadImage leaves it) has no bytes to serve.
        Instant now = Instant.now();
        Picture uploading = new Picture(p.pictureId() + 1, "f".repeat(32), t.tenant.id(), 0, "0123456789abcdef0123",
                "pending", null, null, "default", PictureStatus.UPLOADING, null, 0, 0, 0, 0, null, null, "x.png",
                "client:computer", false, null, now, now);
        fx.picspace.metadata().insertPicture(uploading);
        assertThat(get("/i/0123456789abcdef0123.png").statusCode()).isEqualTo(404);

        // Recycled: gone at once on this node, even though the lookup was just cached.
        fx.picspace.space().delete(t.tenant.id(), List.of(p.pictureId()));
        assertThat(get(path).statusCode()).isEqualTo(404);
    }

    /** A picture of several MiB: larger than any in-memory cache entry, so it is streamed from the store. */
    static byte[] largeJpeg() {
        return LARGE.updateAndGet(b -> b != null ? b : TestImages.noisyJpeg(4600, 3600, 77));
    }

    private static final java.util.concurrent.atomic.AtomicReference<byte[]> LARGE = new java.util.concurrent.atomic.AtomicReference<>();

    @Test
    void aLargePictureIsServedWholeAndInRanges() throws Exception {
        var t = fx.tenant("large", 100 << 20, 0);
        byte[] jpeg = largeJpeg();
        assertThat(jpeg.length).isGreaterThan(8 << 20); // above the S3 store's multipart threshold too
        Picture p = fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(jpeg), UploadSpec.named("big.jpg"));
        String path = "/i/" + p.urlToken() + ".jpg";

        HttpResponse<byte[]> whole = get(path);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValueAsLong("content-length")).hasValue(jpeg.length);
        assertThat(whole.body()).isEqualTo(jpeg);

        int from = jpeg.length / 2;
        HttpResponse<byte[]> middle = get(path, "Range", "bytes=" + from + "-" + (from + 999));
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(jpeg, from, from + 1000));

        HttpResponse<byte[]> suffix = get(path, "Range", "bytes=-500");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(jpeg, jpeg.length - 500, jpeg.length));

        HttpResponse<byte[]> two = get(path, "Range", "bytes=0-9,-10");
        assertThat(two.statusCode()).isEqualTo(206);
        assertThat(two.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("multipart/byteranges"));
        String body = new String(two.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(body).contains(new String(Arrays.copyOfRange(jpeg, 0, 10), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains(new String(Arrays.copyOfRange(jpeg, jpeg.length - 10, jpeg.length), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void aTenantThatRequiresSignedUrlsIsRefusedUnsignedRequests() throws Exception {
        var t = fx.tenant("signed", 10 << 20, 0);
        Picture p = fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(TestImages.jpeg(20, 20)), UploadSpec.named("s.jpg"));
        assertThat(get("/i/" + p.urlToken() + ".jpg").statusCode()).isEqualTo(200);
        fx.picspace.metadata().updateSignedUrls(t.tenant.id(), true);
        Thread.sleep(2100); // the handler reuses a lookup for 2 s: a settings change shows after that
        assertThat(get("/i/" + p.urlToken() + ".jpg").statusCode()).isEqualTo(403);

        dev.picspace.gateway.MediaUrls urls = fx.picspace.mediaUrls(fx.base());
        var signedTenant = t.reload();
        String signed = urls.cdnUrl(p, signedTenant, 60);
        assertThat(signed).contains("?auth_key=");
        String path = signed.substring(fx.base().length());
        assertThat(get(path).statusCode()).isEqualTo(200);
        assertThat(get(path.replace(".jpg?", ".jpg?x=1&")).statusCode()).isEqualTo(200); // other parameters are not signed
        String tampered = path.substring(0, path.length() - 1) + (path.endsWith("0") ? "1" : "0");
        assertThat(get(tampered).statusCode()).isEqualTo(403);
        assertThat(get(path + "&auth_key=1-0-0-00").statusCode()).isEqualTo(403); // two keys: ambiguous, refused
        String expired = urls.cdnUrl(p, signedTenant, -1).substring(fx.base().length());
        assertThat(get(expired).statusCode()).isEqualTo(403);
        // another tenant's key does not open this tenant's picture
        var other = fx.tenant("signed-other", 10 << 20, 0);
        fx.picspace.metadata().updateSignedUrls(other.tenant.id(), true);
        Picture q = fx.picspace.space().upload(other.tenant.id(), new ByteArrayInputStream(TestImages.jpeg(21, 20)), UploadSpec.named("o.jpg"));
        String foreign = urls.cdnUrl(q, other.reload(), 60);
        String swapped = "/i/" + p.urlToken() + ".jpg" + foreign.substring(foreign.indexOf('?'));
        assertThat(get(swapped).statusCode()).isEqualTo(403);
    }
}
