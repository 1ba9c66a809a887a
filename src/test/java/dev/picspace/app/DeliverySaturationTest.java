package dev.picspace.app;

import dev.picspace.domain.Picture;
import dev.picspace.domain.UploadSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The render pool's bounds, with a pool of one thread and no queue: a second distinct render while
 * the first runs is refused at once with 503 and Retry-After, while identical requests join the
 * render in flight and other pictures' originals are served throughout.
 */
class DeliverySaturationTest {
    @TempDir static Path data;
    static ServerFixture fx;
    static TestEngines.Counting engine;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll static void start() throws Exception {
        engine = new TestEngines.Counting(TestEngines.engine());
        fx = new ServerFixture(data, Map.of("render-threads", "1", "render-queue", "0", "max-derivative-side", "500"), engine);
    }

    @AfterAll static void stop() throws Exception { fx.close(); }

    static HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(fx.base() + path)).timeout(Duration.ofSeconds(60)).build();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aSaturatedRenderPoolAnswers503WithRetryAfterAndTheRestOfTheServerGoesOn() throws Exception {
        var t = fx.tenant("busy", 10 << 20, 0);
        Picture p = fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(DeliveryImages.quadrants(300, 200, "jpg")),
                UploadSpec.named("a.jpg"));
        String jpg = "/i/" + p.urlToken() + ".jpg";

        int before = engine.calls.get();
        engine.started = new CountDownLatch(1);
        engine.hold();
        CompletableFuture<HttpResponse<byte[]>> first, joined;
        try {
            first = http.sendAsync(request(jpg + "_100x100.jpg"), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(engine.started.await(20, TimeUnit.SECONDS)).as("the first render started").isTrue();

            HttpResponse<byte[]> refused = get(jpg + "?x-oss-process=image/resize,w_50");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("<Code>ServiceUnavailable</Code>");
            HttpResponse<byte[]> refusedTaobao = get(jpg + "_60x60.jpg");
            assertThat(refusedTaobao.statusCode()).isEqualTo(503);
            assertThat(refusedTaobao.headers().firstValue("retry-after")).hasValue("1");

            // the same derivative joins the render in flight instead of being refused
            joined = http.sendAsync(request(jpg + "?x-oss-process=image/resize,w_100,h_100"), HttpResponse.BodyHandlers.ofByteArray());
            // originals, and the API, do not wait for renders
            assertThat(get(jpg).statusCode()).isEqualTo(200);
            assertThat(get("/healthz").statusCode()).isEqualTo(200);
            assertThat(new String(get("/metrics").body(), StandardCharsets.UTF_8)).contains("picspace_derivative_pending 1.0");
            Thread.sleep(300);
            assertThat(first).isNotDone();
        } finally {
            engine.release();
        }
        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(joined.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(joined.get().body()).isEqualTo(first.get().body());
        assertThat(engine.calls.get() - before).as("one render for the first and the joined request").isEqualTo(1);
        engine.started = null;

        // once the pool is free, the refused one renders
        assertThat(get(jpg + "?x-oss-process=image/resize,w_50").statusCode()).isEqualTo(200);
    }

    @Test
    void theConfiguredSideBoundIsTheLimitForBothConventions() throws Exception {
        var t = fx.tenant("bounds", 10 << 20, 0);
        Picture p = fx.picspace.space().upload(t.tenant.id(), new ByteArrayInputStream(DeliveryImages.quadrants(300, 200, "jpg")),
                UploadSpec.named("b.jpg"));
        String jpg = "/i/" + p.urlToken() + ".jpg";
        assertThat(get(jpg + "_501x10.jpg").statusCode()).isEqualTo(400);
        assertThat(get(jpg + "?x-oss-process=image/resize,w_501").statusCode()).isEqualTo(400);
        assertThat(get(jpg + "_500x10.jpg").statusCode()).isEqualTo(200);
    }
}
