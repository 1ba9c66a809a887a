package dev.picspace.app;

import com.taobao.api.DefaultTaobaoClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureGetResponse;
import dev.picspace.topclient.Responses.PictureUploadResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a real server process in the middle of uploads, then restart and fsck: every
 * acknowledged picture is there with its bytes, and nothing is charged for a picture that is not.
 */
class CrashRecoveryTest {
    @TempDir Path data;
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killDashNineDuringUploadsLosesNoAcknowledgedPicture() throws Exception {
        JsonNode tenant = JSON.readTree(runCli("tenant", "create", "--data", data.toString(), "--nick", "crash",
                "--order-space", "1G", "--free-space", "0"));
        String appKey = tenant.at("/top/app_key").asText(), secret = tenant.at("/top/app_secret").asText(),
                session = tenant.at("/top/session").asText();

        int port = freePort();
        Process server = startServer(port);
        Map<Long, String> acknowledged = new ConcurrentHashMap<>(); // picture id -> md5 of the bytes sent
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            waitHealthy(port);
            String url = "http://127.0.0.1:" + port + "/router/rest";
            for (int c = 0; c < 4; c++) {
                int client = c;
                pool.submit(() -> {
                    DefaultTaobaoClient top = new DefaultTaobaoClient(url, appKey, secret, "json", 2000, 5000);
                    top.setNeedEnableLogger(false);
                    for (int i = 0; i < 10_000 && !Thread.currentThread().isInterrupted(); i++) {
                        byte[] img = TestImages.noisyJpeg(96, 96, client * 100_000L + i);
                        try {
                            PictureUploadResponse r = top.execute(new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                                    .param("picture_category_id", 0).param("image_input_title", "c.jpg").file("img", "c.jpg", img), session);
                            if (r.isSuccess()) acknowledged.put(r.getPicture().getPictureId(), md5(img));
                        } catch (Exception e) {
                            return null; // the server died under us: this upload was never acknowledged
                        }
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acknowledged.size() < 40 && System.nanoTime() < deadline) Thread.sleep(20);
            server.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flush
            server.waitFor(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
            if (server.isAlive()) server.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);

        JsonNode report = JSON.readTree(runCli("fsck", "--data", data.toString(), "--repair", "--grace", "PT0S"));
        assertThat(report.get("missing_blobs")).isEmpty();
        JsonNode after = JSON.readTree(runCli("fsck", "--data", data.toString()));
        assertThat(after.get("clean").asBoolean()).as(after.toString()).isTrue();

        int port2 = freePort();
        Process again = startServer(port2);
        try {
            waitHealthy(port2);
            DefaultTaobaoClient top = new DefaultTaobaoClient("http://127.0.0.1:" + port2 + "/router/rest", appKey, secret, "json");
            top.setNeedEnableLogger(false);
            HttpClient http = HttpClient.newHttpClient();
            long total = 0, sum = 0;
            for (int page = 1; ; page++) {
                PictureGetResponse r = top.execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                        .param("page_no", page).param("page_size", 100), session);
                assertThat(r.isSuccess()).as(r.getBody()).isTrue();
                total = r.getTotalResults();
                if (r.getPictures() == null || r.getPictures().isEmpty()) break;
                for (var p : r.getPictures()) {
                    sum += p.getSizes();
                    HttpResponse<byte[]> served = http.send(HttpRequest.newBuilder(URI.create(p.getPicturePath())).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(served.statusCode()).isEqualTo(200);
                    String expected = acknowledged.get(p.getPictureId());
                    if (expected != null) assertThat(md5(served.body())).isEqualTo(expected);
                    assertThat(md5(served.body())).isEqualTo(p.getMd5());
                }
            }
            List<Long> missing = new ArrayList<>();
            for (Long id : acknowledged.keySet()) {
                PictureGetResponse r = top.execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                        .param("picture_id", id), session);
                if (r.getTotalResults() != 1) missing.add(id);
            }
            assertThat(missing).as("acknowledged pictures lost by the crash").isEmpty();
            assertThat(total).isGreaterThanOrEqualTo(acknowledged.size());
            JsonNode tenants = JSON.readTree(runCli("tenant", "list", "--data", data.toString()));
            assertThat(tenants.get(0).get("used_space_bytes").asLong()).isEqualTo(sum);
        } finally {
            again.destroy();
            again.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startServer(int port) throws IOException {
        return new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), "dev.picspace.app.Main",
                "serve", "--data", data.toString(), "--port", String.valueOf(port), "--host", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(data.resolve("server-" + port + ".log").toFile()).start();
    }

    private String runCli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), "dev.picspace.app.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(data, "cli", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String s = Files.readString(out);
        assertThat(p.exitValue()).as(s).isIn(0);
        return s;
    }

    private static String java() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) { return s.getLocalPort(); }
    }

    private static void waitHealthy(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) { }
            Thread.sleep(100);
        }
        throw new AssertionError("server did not become healthy");
    }

    private static String md5(byte[] b) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b)); }
}
