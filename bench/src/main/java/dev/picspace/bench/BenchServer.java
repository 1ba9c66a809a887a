package dev.picspace.bench;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.app.Picspace;
import dev.picspace.app.PicspaceServer;
import dev.picspace.app.Settings;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** A real picspace, in this process, on 127.0.0.1 and a free port, over a data directory; as the tests' ServerFixture. */
final class BenchServer implements AutoCloseable {
    final Picspace picspace;
    final PicspaceServer server;

    BenchServer(Path data, Map<String, String> settings) throws Exception {
        this(with(settings, "data", data.toString()));
    }

    /** @param settings picspace's settings, {@code data} among them (and {@code db}, {@code blobs} for other stores) */
    BenchServer(Map<String, String> settings) throws Exception {
        Map<String, String> s = new HashMap<>(settings);
        if (!s.containsKey("data")) throw new IllegalArgumentException("no data directory in the settings");
        s.put("port", "0");
        s.put("host", "127.0.0.1");
        this.picspace = new Picspace(Settings.load(s, Map.of(), null), Clock.systemUTC());
        this.server = new PicspaceServer(picspace).start();
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> s = new HashMap<>(settings);
        s.put(key, value);
        return s;
    }

    String topUrl() { return "http://127.0.0.1:" + server.port() + "/router/rest"; }

    TopCredentials credentials(Tenant t) { return picspace.metadata().findTopCredentialsOfTenant(t.id()).orElseThrow(); }

    /** The client the SDK's users would write: JSON, HMAC-SHA256 (the tests' default too). */
    static DefaultTaobaoClient client(String topUrl, TopCredentials c) {
        DefaultTaobaoClient client = new DefaultTaobaoClient(topUrl, c.appKey(), c.appSecret(), "json", 10_000, 60_000, "hmac-sha256");
        client.setNeedEnableLogger(false);
        return client;
    }

    @Override
    public void close() throws Exception {
        server.close();
        picspace.close();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
