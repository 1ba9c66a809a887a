package dev.picspace.app;

import dev.picspace.domain.Fsck;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.Picture;
import dev.picspace.domain.UploadSpec;
import dev.picspace.domain.Watermark;
import dev.picspace.gateway.serve.OwnerLinks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.picspace.app.DeliveryImages.BLUE;
import static dev.picspace.app.DeliveryImages.GREEN;
import static dev.picspace.app.DeliveryImages.MAGENTA;
import static dev.picspace.app.DeliveryImages.RED;
import static dev.picspace.app.DeliveryImages.YELLOW;
import static dev.picspace.app.DeliveryImages.anyPixel;
import static dev.picspace.app.DeliveryImages.assertColour;
import static dev.picspace.app.DeliveryImages.decode;
import static dev.picspace.app.DeliveryImages.quadrants;
import static dev.picspace.app.DeliveryImages.solid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transform URLs, cached derivatives and watermarks through the running server, over the real SQLite
 * store and blob directory, rendered by {@link TestEngines#engine()}. The pixel checks hold for any
 * engine that follows the operations' documented meaning: sizes, formats, and colours at points well
 * inside regions of a picture whose regions have known colours.
 */
class DeliveryTest {
    @TempDir static Path data;
    static ServerFixture fx;
    static TestEngines.Counting engine;
    static final HttpClient http = HttpClient.newHttpClient();
    static final AtomicInteger seeds = new AtomicInteger();

    @BeforeAll static void start() throws Exception {
        engine = new TestEngines.Counting(TestEngines.engine());
        fx = new ServerFixture(data, Map.of(), engine);
    }

    @AfterAll static void stop() throws Exception { fx.close(); }

    static HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.base() + pathAndQuery)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String oss(String process) { return "?x-oss-process=" + process; }

    static String b64(String s) { return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8)); }

    static String sha256(byte[] b) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)); }

    static ServerFixture.TenantHandle tenant() { return fx.tenant("t" + seeds.incrementAndGet(), 50 << 20, 0); }

    static Picture upload(ServerFixture.TenantHandle t, byte[] bytes, String name) {
        return fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(bytes), UploadSpec.named(name));
    }

    /** A quadrants picture with a pixel of its own, so no two tests share its bytes (and derivatives). */
    static Picture quadrantsPicture(ServerFixture.TenantHandle t, int w, int h, String format) {
        return upload(t, quadrants(w, h, format, seeds.incrementAndGet()), "q." + format);
    }

    static String path(Picture p) { return "/i/" + p.urlToken() + "." + p.format().extension(); }

    static BufferedImage image(HttpResponse<byte[]> r, String contentType) {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(contentType);
        return decode(r.body());
    }

    static List<MetadataStore.DerivativeRecord> derivativesOf(String sourceKey) {
        List<MetadataStore.DerivativeRecord> found = new ArrayList<>();
        fx.picspace.metadata().forEachDerivative(d -> { if (d.sourceKey().equals(sourceKey)) found.add(d); });
        return found;
    }

    // ------------------------------------------------------------------ Taobao suffixes

    @Test
    void taobaoSuffixesResizeWithinTheBoxAndConvertToTheSuffixFormat() throws Exception {
        var t = tenant();
        Picture p = upload(t, quadrants(400, 300, "jpg"), "q.jpg");
        String jpg = path(p);

        BufferedImage thumb = image(get(jpg + "_90x90.jpg"), "image/jpeg");
        assertThat(thumb.getWidth()).isEqualTo(90);
        assertThat(thumb.getHeight()).isBetween(67, 68);
        assertColour(thumb, 10, 10, RED);
        assertColour(thumb, 80, 10, GREEN);
        assertColour(thumb, 10, 58, BLUE);
        assertColour(thumb, 80, 58, YELLOW);

        BufferedImage webp = image(get(jpg + "_.webp"), "image/webp");
        assertThat(webp.getWidth()).isEqualTo(400);
        assertThat(webp.getHeight()).isEqualTo(300);
        assertColour(webp, 50, 50, RED);
        assertColour(webp, 350, 250, YELLOW);

        BufferedImage chained = image(get(jpg + "_310x310.jpg_.webp"), "image/webp");
        assertThat(chained.getWidth()).isEqualTo(310);
        assertThat(chained.getHeight()).isBetween(232, 233);

        BufferedImage notEnlarged = image(get(jpg + "_800x800.jpg"), "image/jpeg");
        assertThat(notEnlarged.getWidth()).isEqualTo(400);
        assertThat(notEnlarged.getHeight()).isEqualTo(300);

        assertThat(image(get(jpg + "_Q90.jpg"), "image/jpeg").getWidth()).isEqualTo(400);
        assertThat(image(get(jpg + "_180x180q90.jpg"), "image/jpeg").getWidth()).isEqualTo(180);

        BufferedImage cropped = image(get(jpg + "_120x120xz.jpg"), "image/jpeg");
        assertThat(cropped.getWidth()).isEqualTo(120);
        assertThat(cropped.getHeight()).isEqualTo(120);
        assertColour(cropped, 10, 10, RED);
        assertColour(cropped, 110, 110, YELLOW);

        Picture png = upload(t, quadrants(200, 200, "png"), "q.png");
        BufferedImage fromPng = image(get(path(png) + "_100x100.jpg"), "image/jpeg");
        assertThat(fromPng.getWidth()).isEqualTo(100);
        assertColour(fromPng, 75, 25, GREEN);
        // the picture's own extension must still be right: a PNG is not at .jpg
        assertThat(get("/i/" + png.urlToken() + ".jpg_100x100.jpg").statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ OSS

    @Test
    void ossProcessingResizesCropsRotatesPadsAndConverts() throws Exception {
        var t = tenant();
        Picture p = upload(t, quadrants(400, 300, "png"), "q.png");
        String png = path(p);

        BufferedImage w100 = image(get(png + oss("image/resize,w_100")), "image/png");
        assertThat(w100.getWidth()).isEqualTo(100);
        assertThat(w100.getHeight()).isEqualTo(75);

        BufferedImage topRight = image(get(png + oss("image/crop,x_200,y_0,w_200,h_150")), "image/png");
        assertThat(topRight.getWidth()).isEqualTo(200);
        assertThat(topRight.getHeight()).isEqualTo(150);
        assertColour(topRight, 10, 10, GREEN, 0);
        assertColour(topRight, 190, 140, GREEN, 0);

        BufferedImage corner = image(get(png + oss("image/crop,w_100,h_100,g_se")), "image/png");
        assertThat(corner.getWidth()).isEqualTo(100);
        assertColour(corner, 50, 50, YELLOW, 0);

        BufferedImage rotated = image(get(png + oss("image/rotate,90")), "image/png");
        assertThat(rotated.getWidth()).isEqualTo(300);
        assertThat(rotated.getHeight()).isEqualTo(400);
        assertColour(rotated, 250, 50, RED, 10);   // clockwise: the top left goes to the top right
        assertColour(rotated, 50, 50, BLUE, 10);

        BufferedImage padded = image(get(png + oss("image/resize,m_pad,w_200,h_200,color_FF00FF")), "image/png");
        assertThat(padded.getWidth()).isEqualTo(200);
        assertThat(padded.getHeight()).isEqualTo(200);
        assertColour(padded, 100, 5, MAGENTA, 10);
        assertColour(padded, 50, 60, RED, 10);
        assertColour(padded, 100, 195, MAGENTA, 10);

        BufferedImage fixed = image(get(png + oss("image/resize,m_fixed,w_50,h_80")), "image/png");
        assertThat(fixed.getWidth()).isEqualTo(50);
        assertThat(fixed.getHeight()).isEqualTo(80);

        assertThat(image(get(png + oss("image/format,jpg/quality,Q_80")), "image/jpeg").getWidth()).isEqualTo(400);
        assertThat(image(get(png + oss("image/resize,w_40/format,bmp")), "image/bmp").getWidth()).isEqualTo(40);
        assertThat(image(get(png + oss("image/resize,w_40/format,gif")), "image/gif").getWidth()).isEqualTo(40);
        assertThat(image(get(png + oss("image/resize,w_40/format,webp")), "image/webp").getWidth()).isEqualTo(40);

        // a text watermark in the top left corner of the red quadrant: magenta strokes appear there only
        BufferedImage text = image(get(png + oss("image/watermark,text_" + b64("PICSPACE") + ",color_FF00FF,size_40,g_nw,x_10,y_10")),
                "image/png");
        assertThat(anyPixel(text, 0, 0, 200, 150, MAGENTA, 80)).as("watermark text in the top left").isTrue();
        assertThat(anyPixel(text, 200, 150, 400, 300, MAGENTA, 80)).as("nothing in the bottom right").isFalse();

        HttpResponse<byte[]> info = get(png + oss("image/info"));
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        String json = new String(info.body(), StandardCharsets.UTF_8);
        assertThat(json).contains("ImageWidth").contains("400").contains("ImageHeight").contains("300");
    }

    // ------------------------------------------------------------------ caching and HTTP semantics

    @Test
    void equivalentRequestsShareOneDerivativeRenderedOnceAndServedWithFullHttpSemantics() throws Exception {
        var t = tenant();
        Picture p = quadrantsPicture(t, 400, 300, "jpg");
        String jpg = path(p);
        int before = engine.calls.get();

        HttpResponse<byte[]> first = get(jpg + "_100x100.jpg");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(engine.calls.get() - before).isEqualTo(1);
        String etag = first.headers().firstValue("etag").orElseThrow();
        // a strong ETag naming the derivative's own bytes (not the original's)
        assertThat(etag).isEqualTo("\"" + sha256(first.body()) + "\"").isNotEqualTo("\"" + p.blobKey() + "\"");
        assertThat(first.headers().firstValue("cache-control")).hasValue("public, max-age=300");
        assertThat(first.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        for (String same : List.of(jpg + "_100x100.jpg", jpg + oss("image/resize,h_100,w_100"),
                jpg + oss("image/resize,w_100,h_100,m_lfit,limit_1/format,jpg"), jpg + oss("image%2Fresize%2Cw_100%2Ch_100"),
                jpg + "_100x100.jpg?cache-buster=7")) {
            HttpResponse<byte[]> again = get(same);
            assertThat(again.statusCode()).as(same).isEqualTo(200);
            assertThat(again.headers().firstValue("etag")).as(same).hasValue(etag);
            assertThat(again.body()).as(same).isEqualTo(first.body());
        }
        assertThat(engine.calls.get() - before).as("rendered once for all spellings").isEqualTo(1);
        assertThat(derivativesOf(p.blobKey())).hasSize(1);

        assertThat(get(jpg + "_100x100.jpg", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get(jpg + "_100x100.jpg", "If-None-Match", "\"" + p.blobKey() + "\"").statusCode()).isEqualTo(200);
        assertThat(get(jpg + "_100x100.jpg", "If-Match", "\"" + p.blobKey() + "\"").statusCode()).isEqualTo(412);
        HttpResponse<byte[]> range = get(jpg + "_100x100.jpg", "Range", "bytes=2-9");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(first.body(), 2, 10));
        assertThat(range.headers().firstValue("content-range")).hasValue("bytes 2-9/" + first.body().length);
        assertThat(get(jpg + "_100x100.jpg", "Range", "bytes=" + first.body().length + "-").statusCode()).isEqualTo(416);
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(fx.base() + jpg + "_100x100.jpg"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf(first.body().length));
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(fx.base() + jpg + "_120x120.jpg"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(engine.calls.get() - before).as("no render for conditionals, ranges, HEAD or POST").isEqualTo(1);

        // the original is untouched by all this
        HttpResponse<byte[]> original = get(jpg);
        assertThat(original.headers().firstValue("etag")).hasValue("\"" + p.blobKey() + "\"");
    }

    @Test
    void identicalConcurrentRequestsForANewDerivativeAreRenderedOnce() throws Exception {
        var t = tenant();
        Picture p = quadrantsPicture(t, 400, 300, "jpg");
        String url = path(p) + "_150x150.jpg";
        int before = engine.calls.get();
        engine.hold();
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++)
                answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(fx.base() + url)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (engine.calls.get() == before && System.nanoTime() < deadline) Thread.sleep(10);
            Thread.sleep(500); // the other eleven arrive and join the render in flight
        } finally {
            engine.release();
        }
        byte[] body = null;
        for (CompletableFuture<HttpResponse<byte[]>> a : answers) {
            HttpResponse<byte[]> r = a.get();
            assertThat(r.statusCode()).isEqualTo(200);
            if (body == null) body = r.body();
            assertThat(r.body()).isEqualTo(body);
        }
        assertThat(engine.calls.get() - before).isEqualTo(1);
        assertThat(decode(body).getWidth()).isEqualTo(150);
    }

    // ------------------------------------------------------------------ invalidation

    @Test
    void aReplacedPictureNeverShowsItsOldDerivativesAgain() throws Exception {
        var t = tenant();
        Picture p = quadrantsPicture(t, 400, 300, "jpg");
        String url = path(p) + "_90x90.jpg";
        HttpResponse<byte[]> old = get(url);
        String oldTag = old.headers().firstValue("etag").orElseThrow();
        assertColour(decode(old.body()), 10, 10, RED);
        assertThat(get(url).headers().firstValue("etag")).hasValue(oldTag); // remembered by the fast path now
        assertThat(derivativesOf(p.blobKey())).hasSize(1);

        Picture replaced = fx.picspace.space().replace(t.tenant.id(), p.pictureId(),
                new ByteArrayInputStream(solid(200, 100, BLUE, "jpg")));
        HttpResponse<byte[]> fresh = get(url, "If-None-Match", oldTag);
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.headers().firstValue("etag").orElseThrow()).isNotEqualTo(oldTag);
        BufferedImage now = decode(fresh.body());
        assertThat(now.getWidth()).isEqualTo(90);
        assertThat(now.getHeight()).isEqualTo(45);
        assertColour(now, 10, 10, BLUE);
        assertThat(derivativesOf(p.blobKey())).as("the old bytes' derivatives are gone").isEmpty();
        assertThat(derivativesOf(replaced.blobKey())).hasSize(1);
    }

    @Test
    void aDeletedPicturesDerivativesAreNotFoundAndDropped() throws Exception {
        var t = tenant();
        Picture p = quadrantsPicture(t, 400, 300, "jpg");
        assertThat(get(path(p) + "_90x90.jpg").statusCode()).isEqualTo(200);
        assertThat(get(path(p) + oss("image/resize,w_50")).statusCode()).isEqualTo(200);
        assertThat(derivativesOf(p.blobKey())).hasSize(2);
        int before = engine.calls.get();

        fx.picspace.space().delete(t.tenant.id(), List.of(p.pictureId()));
        assertThat(get(path(p) + "_90x90.jpg").statusCode()).isEqualTo(404);
        assertThat(get(path(p) + oss("image/resize,w_50")).statusCode()).isEqualTo(404);
        assertThat(get(path(p) + oss("image/resize,w_51")).statusCode()).isEqualTo(404);
        assertThat(engine.calls.get()).isEqualTo(before);
        assertThat(derivativesOf(p.blobKey())).isEmpty();
    }

    @Test
    void derivativeBytesSurviveTheSweepWhileInUseAndGoAfterTheirPictureDoes() throws Exception {
        var t = tenant();
        Picture kept = quadrantsPicture(t, 400, 300, "jpg");
        Picture dropped = quadrantsPicture(t, 402, 300, "jpg");
        String keptBlob = get(path(kept) + "_64x64.jpg").headers().firstValue("etag").orElseThrow().replace("\"", "");
        String droppedBlob = get(path(dropped) + "_64x64.jpg").headers().firstValue("etag").orElseThrow().replace("\"", "");
        assertThat(fx.picspace.blobs().stat(keptBlob)).isPresent();

        Fsck.Report clean = fx.picspace.fsck().run(true, Duration.ZERO, null);
        assertThat(clean.orphanBlobs()).doesNotContain(keptBlob, droppedBlob);
        assertThat(fx.picspace.blobs().stat(droppedBlob)).isPresent();

        fx.picspace.space().delete(t.tenant.id(), List.of(dropped.pictureId()));
        Fsck.Report swept = fx.picspace.fsck().run(true, Duration.ZERO, null);
        assertThat(swept.orphanBlobs()).contains(droppedBlob).doesNotContain(keptBlob);
        assertThat(fx.picspace.blobs().stat(droppedBlob)).isEmpty();
        assertThat(fx.picspace.blobs().stat(keptBlob)).isPresent();
        assertThat(get(path(kept) + "_64x64.jpg").statusCode()).isEqualTo(200);

        // a derivative whose bytes went missing is rendered again, not a 500
        java.nio.file.Files.delete(((dev.picspace.store.FileSystemBlobStore) fx.picspace.blobs()).pathOf(keptBlob));
        HttpResponse<byte[]> healed = get(path(kept) + oss("image/resize,w_64,h_64"));
        assertThat(healed.statusCode()).isEqualTo(200);
        assertThat(sha256(healed.body())).isEqualTo(keptBlob); // the same engine renders the same bytes
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void badOperationsAreRefusedWith400BeforeAnyRender() throws Exception {
        var t = tenant();
        Picture p = quadrantsPicture(t, 400, 300, "jpg");
        String jpg = path(p);
        int before = engine.calls.get();

        HttpResponse<byte[]> unknown = get(jpg + oss("image/frobnicate,w_1"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.headers().firstValue("content-type")).hasValue("application/xml");
        String xml = new String(unknown.body(), StandardCharsets.UTF_8);
        assertThat(xml).contains("<Error>").contains("<Code>InvalidArgument</Code>").contains("unknown operation 'frobnicate'")
                .contains("<RequestId>");

        for (String bad : List.of("image/resize,w_0", "image/resize,w_4097", "image/resize,w_100,q_5", "image/blur,r_3",
                "style/thumbnail", "image/format,tiff", "image/watermark,t_50"))
            assertThat(get(jpg + oss(bad)).statusCode()).as(bad).isEqualTo(400);

        HttpResponse<byte[]> taobao = get(jpg + "_0x90.jpg");
        assertThat(taobao.statusCode()).isEqualTo(400);
        assertThat(taobao.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        assertThat(new String(taobao.body(), StandardCharsets.UTF_8)).contains("within 1..4096");
        assertThat(get(jpg + "_sum.jpg").statusCode()).isEqualTo(400);

        // an image watermark must be a picture of the same space: another tenant's is refused, by path or ImageId
        var other = tenant();
        Picture theirs = upload(other, solid(30, 30, GREEN, "png"), "theirs.png");
        HttpResponse<byte[]> foreign = get(jpg + oss("image/watermark,image_" + b64("i/" + theirs.urlToken() + ".png")));
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(new String(foreign.body(), StandardCharsets.UTF_8)).contains("not a picture of this picture space");
        assertThat(get(jpg + oss("image/watermark,image_" + b64(theirs.imageId()))).statusCode()).isEqualTo(400);
        assertThat(engine.calls.get()).as("nothing rendered").isEqualTo(before);

        // …while the tenant's own picture works, by path and by ImageId
        Picture mine = upload(t, solid(30, 30, GREEN, "png"), "mine.png");
        assertThat(get(jpg + oss("image/watermark,image_" + b64("i/" + mine.urlToken() + ".png"))).statusCode()).isEqualTo(200);
        assertThat(get(jpg + oss("image/watermark,image_" + b64("image/default/" + mine.imageId() + ".png"))).statusCode()).isEqualTo(200);

        // what only the engine can tell: the crop lies outside this picture
        HttpResponse<byte[]> outside = get(jpg + oss("image/crop,x_1000,y_1000,w_10,h_10"));
        assertThat(outside.statusCode()).isEqualTo(400);
        assertThat(new String(outside.body(), StandardCharsets.UTF_8)).contains("InvalidArgument");

        assertThat(get("/i/" + "0".repeat(20) + ".jpg_90x90.jpg").statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ watermarks

    static String watermarkSetting(boolean global, String imageUrl, int reference) {
        return global + "|null|false|1.0|null|16|false|false|false|255,255,255|0|false|0,0|" + imageUrl + "|" + reference;
    }

    @Test
    void aGlobalWatermarkIsOnEveryPublicAnswerAndTheOwnerLinkGivesTheOriginal() throws Exception {
        var t = tenant();
        Picture logo = upload(t, solid(60, 60, RED, "png"), "logo.png");
        Picture photo = upload(t, solid(200, 200, BLUE, "png"), "photo.png");
        byte[] original = fx.picspace.blobs().open(photo.blobKey(), 0, photo.sizeBytes()).readAllBytes();
        fx.picspace.metadata().updateWatermark(t.tenant.id(),
                Watermark.parse(watermarkSetting(true, "http://cdn.example.com/i/" + logo.urlToken() + ".png", 2)));

        HttpResponse<byte[]> plain = get(path(photo));
        BufferedImage marked = image(plain, "image/png");
        assertThat(plain.body()).isNotEqualTo(original);
        assertThat(plain.headers().firstValue("etag").orElseThrow()).isNotEqualTo("\"" + photo.blobKey() + "\"");
        assertThat(marked.getWidth()).isEqualTo(200);
        assertColour(marked, 182, 182, RED, 10);    // bottom right, where the reference puts it
        assertColour(marked, 20, 20, BLUE, 10);
        assertColour(marked, 100, 100, BLUE, 10);

        BufferedImage thumb = image(get(path(photo) + "_100x100.png"), "image/png");
        assertThat(thumb.getWidth()).isEqualTo(100);
        assertColour(thumb, 85, 85, RED, 10);       // drawn on the thumbnail, scaled to it
        assertColour(thumb, 10, 10, BLUE, 10);

        // a method without a body renders nothing, even where the plain URL is a derivative (a picture
        // not asked for yet, so that nothing remembered answers for it)
        Picture untouched = upload(t, solid(120, 120, GREEN, "png"), "untouched.png");
        int rendered = engine.calls.get();
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(fx.base() + path(untouched)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(engine.calls.get()).isEqualTo(rendered);

        // the owner's link: the stored bytes, not for shared caches
        long expires = Instant.now().getEpochSecond() + 600;
        String link = path(photo) + "?original=" + OwnerLinks.sign(path(photo), expires, t.creds.appSecret());
        HttpResponse<byte[]> owner = get(link);
        assertThat(owner.statusCode()).isEqualTo(200);
        assertThat(owner.body()).isEqualTo(original);
        assertThat(owner.headers().firstValue("cache-control")).hasValue("private, no-store");
        assertThat(get(path(photo) + "?original=" + OwnerLinks.sign(path(photo), expires, "not-the-secret")).statusCode()).isEqualTo(403);
        assertThat(get(path(photo) + "?original=" + OwnerLinks.sign(path(photo), Instant.now().getEpochSecond() - 1,
                t.creds.appSecret())).statusCode()).isEqualTo(403);
        assertThat(get(path(logo) + "?original=" + OwnerLinks.sign(path(photo), expires, t.creds.appSecret())).statusCode())
                .as("a link is for one picture").isEqualTo(403);
        // the CLI makes the same link
        String printed = cli("original-url", "--data", data.toString(), "--nick", t.tenant.nick(),
                "--picture-id", String.valueOf(photo.pictureId()), "--public-base-url", fx.base()).strip();
        assertThat(printed).startsWith(fx.base() + path(photo) + "?original=");
        assertThat(get(printed.substring(fx.base().length())).body()).isEqualTo(original);

        // a new setting is a new cache key: re-rendered (after the 2 s lookup reuse)
        fx.picspace.metadata().updateWatermark(t.tenant.id(),
                Watermark.parse(watermarkSetting(true, "http://localhost/i/" + logo.urlToken() + ".png", 1)));
        Thread.sleep(2100);
        BufferedImage moved = image(get(path(photo)), "image/png");
        assertColour(moved, 18, 18, RED, 10);       // now top left
        assertColour(moved, 182, 182, BLUE, 10);

        // not global: the public URL is the original again
        fx.picspace.metadata().updateWatermark(t.tenant.id(),
                Watermark.parse(watermarkSetting(false, "http://localhost/i/" + logo.urlToken() + ".png", 1)));
        Thread.sleep(2100);
        HttpResponse<byte[]> unmarked = get(path(photo));
        assertThat(unmarked.body()).isEqualTo(original);
        assertThat(unmarked.headers().firstValue("etag")).hasValue("\"" + photo.blobKey() + "\"");
    }

    @Test
    void watermarkImagesAreNeverFetchedAndOnlyTheTenantsOwnPicturesCount() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket outside = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!outside.isClosed()) {
                    try (Socket s = outside.accept()) {
                        connections.incrementAndGet();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String outsideUrl = "http://127.0.0.1:" + outside.getLocalPort() + "/logo.png";

            var t = tenant();
            var other = tenant();
            Picture theirs = upload(other, solid(60, 60, RED, "png"), "theirs.png");
            Picture photo = upload(t, solid(200, 200, BLUE, "png"), "photo.png");
            byte[] original = fx.picspace.blobs().open(photo.blobKey(), 0, photo.sizeBytes()).readAllBytes();

            // a setting whose image is outside, or another tenant's: ignored (no text either, so nothing drawn)
            fx.picspace.metadata().updateWatermark(t.tenant.id(), Watermark.parse(watermarkSetting(true, outsideUrl, 2)));
            assertThat(get(path(photo)).body()).isEqualTo(original);
            fx.picspace.metadata().updateWatermark(t.tenant.id(),
                    Watermark.parse(watermarkSetting(true, fx.base() + "/i/" + theirs.urlToken() + ".png", 2)));
            Thread.sleep(2100);
            assertThat(get(path(photo)).body()).isEqualTo(original);

            // an OSS watermark naming a URL: refused
            assertThat(get(path(photo) + oss("image/watermark,image_" + b64(outsideUrl))).statusCode()).isEqualTo(400);
            Thread.sleep(200);
            assertThat(connections.get()).as("connections to the outside address").isZero();
        }
    }

    static String cli(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
