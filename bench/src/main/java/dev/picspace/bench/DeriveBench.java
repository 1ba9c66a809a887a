package dev.picspace.bench;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.domain.TopCredentials;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureUploadResponse;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The picspace side of {@code bench/derive.sh}, against a running {@code picspace.jar serve}:
 * <pre>
 *   DeriveBench upload TOP_URL APP_KEY SECRET SESSION FILE…   prints each picture's path, one a line
 *   DeriveBench cold BASE CLIENTS PROCESS PATH…              renders PROCESS of each path once, CLIENTS at a time;
 *                                                            prints "renders seconds p50_ms p99_ms retries"
 *   DeriveBench pick BASE PATH TARGET_BYTES                  the _WxW.jpg suffix whose thumbnail is nearest TARGET_BYTES;
 *                                                            prints "suffix bytes"
 * </pre>
 * Every answer is checked (200, decodes, 200 px wide for the cold runs) before it counts.
 */
public final class DeriveBench {
    private DeriveBench() {}

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "upload" -> upload(args);
            case "cold" -> cold(args);
            case "pick" -> pick(args);
            default -> throw new IllegalArgumentException("usage: DeriveBench upload|cold|pick …");
        }
    }

    private static void upload(String[] args) throws Exception {
        DefaultTaobaoClient client = BenchServer.client(args[1], new TopCredentials(0, args[2], args[3], args[4]));
        for (int i = 5; i < args.length; i++) {
            Path file = Path.of(args[i]);
            String name = "derive-" + i + ".jpg";
            PictureUploadResponse r = client.execute(new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                    .param("picture_category_id", 0).param("image_input_title", name)
                    .file("img", name, Files.readAllBytes(file)), args[4]);
            if (!r.isSuccess()) throw new IllegalStateException("upload of " + file + " failed: " + r.getBody());
            String url = r.getPicture().getPicturePath();
            System.out.println(URI.create(url).getPath());
        }
    }

    private static void cold(String[] args) throws Exception {
        String base = args[1];
        int clients = Integer.parseInt(args[2]);
        String process = args[3];
        List<String> paths = List.of(args).subList(4, args.length);
        Latencies latencies = new Latencies();
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (String path : paths) {
            done.add(pool.submit(() -> {
                URI uri = URI.create(base + path + "?x-oss-process=" + process);
                long t0 = System.nanoTime();
                while (true) {
                    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() == 503) { // the render pool is full: what a client is told to do
                        retries.incrementAndGet();
                        Thread.sleep(50);
                        continue;
                    }
                    if (r.statusCode() != 200) throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + new String(r.body()));
                    latencies.add(System.nanoTime() - t0);
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
                    if (img == null || img.getWidth() != 200) throw new IllegalStateException(uri + " is not a 200-px-wide image");
                    return null;
                }
            }));
        }
        for (Future<?> f : done) f.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf("%d %.3f %.1f %.1f %d%n", paths.size(), seconds, latencies.p50(), latencies.p99(), retries.get());
    }

    private static void pick(String[] args) throws Exception {
        String base = args[1], path = args[2];
        int target = Integer.parseInt(args[3]);
        String best = null;
        int bestBytes = 0;
        for (int side = 160; side <= 1200; side += 40) {
            String suffix = "_" + side + "x" + side + ".jpg";
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path + suffix)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IllegalStateException(path + suffix + " answered " + r.statusCode());
            int n = r.body().length;
            if (best == null || Math.abs(n - target) < Math.abs(bestBytes - target)) { best = suffix; bestBytes = n; }
            if (n > target) break;
        }
        System.out.println(best + " " + bestBytes);
    }
}
