package dev.picspace.app;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureGetResponse;
import dev.picspace.topclient.Responses.PictureUploadResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Many clients upload at once into a space that holds only some of them: used space never overshoots. */
class QuotaRaceTest {
    @TempDir Path data;

    /** The server's settings; QuotaRacePostgresTest puts the metadata in PostgreSQL. */
    protected Map<String, String> settings() { return Map.of(); }

    @Test
    void concurrentUploadsAtTheQuotaEdgeNeverOvershoot() throws Exception {
        try (ServerFixture fx = new ServerFixture(data, settings())) {
            race(List.of(fx));
        }
    }

    /**
     * Twelve clients, three distinct uploads each, into a space that holds seven of the largest;
     * client {@code c} talks to node {@code c % nodes.size()}. Every node serves the same tenant
     * (the first node made it), so with several nodes they must share the metadata database.
     */
    static void race(List<ServerFixture> nodes) throws Exception {
        int fits = 7, clients = 12, perClient = 3;
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < clients * perClient; i++) images.add(TestImages.noisyJpeg(64, 64, i)); // distinct bytes
        int maxSize = images.stream().mapToInt(b -> b.length).max().orElseThrow();
        var t = nodes.get(0).tenant("race", 0, (long) maxSize * fits);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger ok = new AtomicInteger(), over = new AtomicInteger(), other = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            DefaultTaobaoClient top = new DefaultTaobaoClient(nodes.get(c % nodes.size()).topUrl(), t.creds.appKey(),
                    t.creds.appSecret(), "json", 10_000, 30_000, "hmac-sha256");
            top.setNeedEnableLogger(false);
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perClient; i++) {
                    byte[] img = images.get(client * perClient + i);
                    PictureUploadResponse r = top.execute(new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                            .param("picture_category_id", 0).param("image_input_title", "r.jpg").file("img", "r.jpg", img), t.creds.session());
                    if (r.isSuccess()) ok.incrementAndGet();
                    else if ("isv.pictureServiceClient-service-error:PICTURE_OVER_AVAILSPACE".equals(r.getSubCode())) over.incrementAndGet();
                    else other.incrementAndGet();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        var tenant = t.reload();
        assertThat(other.get()).isZero();
        assertThat(ok.get() + over.get()).isEqualTo(clients * perClient);
        assertThat(tenant.usedBytes()).isLessThanOrEqualTo(tenant.availableBytes());
        assertThat(ok.get()).isGreaterThanOrEqualTo(fits);
        for (ServerFixture node : nodes) {
            DefaultTaobaoClient top = new DefaultTaobaoClient(node.topUrl(), t.creds.appKey(), t.creds.appSecret(), "json");
            top.setNeedEnableLogger(false);
            PictureGetResponse all = top.execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                    .param("page_size", 100), t.creds.session());
            assertThat(all.getTotalResults()).isEqualTo(ok.get());
            long sum = all.getPictures().stream().mapToLong(p -> p.getSizes()).sum();
            assertThat(tenant.usedBytes()).isEqualTo(sum);
        }
    }
}
