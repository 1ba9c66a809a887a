package dev.picspace.gateway.serve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;

/**
 * Not a test: a server to point {@code wrk} at, next to nginx serving the same bytes.
 *
 * <p>It writes a 20 KB and a 2 MB file under {@code <dir>/www/i/}, an {@code nginx.conf} for
 * 127.0.0.1 (worker_processes 2, sendfile on) serving that directory, and starts
 * {@link PictureServingHandler} on 127.0.0.1 with the lookups answered from memory (the real
 * stores are not part of this measurement: it measures URL parsing, HTTP semantics and the
 * body path). Run it from the worktree:
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.picspace.gateway.serve.ServeThroughputProbe /tmp/picspace-probe
 * nginx -c /tmp/picspace-probe/nginx.conf -p /tmp/picspace-probe
 * wrk -t2 -c64 -d10s http://127.0.0.1:18081/i/00000000000000000020.jpg   # picspace, 20 KB
 * wrk -t2 -c64 -d10s http://127.0.0.1:18080/i/00000000000000000020.jpg   # nginx, 20 KB
 * wrk -t2 -c64 -d10s http://127.0.0.1:18081/i/00000000000000002000.jpg   # picspace, 2 MB
 * wrk -t2 -c64 -d10s http://127.0.0.1:18080/i/00000000000000002000.jpg   # nginx, 2 MB
 * nginx -c /tmp/picspace-probe/nginx.conf -p /tmp/picspace-probe -s stop
 * </pre>
 *
 * System properties: {@code probe.port} (18081), {@code probe.nginxPort} (18080),
 * {@code probe.cache} (true: the handler's default {@link ContentCache}; false: none),
 * {@code probe.selectors} (one per core: with a non-blocking handler the selector threads do all the
 * work, and Jetty's default for 2 cores is a single selector), {@code probe.acceptors} (Jetty's default),
 * {@code probe.maxThreads} (200), {@code probe.blocking} (false; true makes Jetty dispatch every
 * request to the thread pool, as it does when any handler in the tree is blocking).
 */
public final class ServeThroughputProbe {

    static final String SMALL_TOKEN = "00000000000000000020";
    static final String LARGE_TOKEN = "00000000000000002000";
    static final int SMALL = 20 * 1024;
    static final int LARGE = 2 * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        ServeTestSupport.quietLogging();
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/picspace-probe").toAbsolutePath();
        int port = Integer.getInteger("probe.port", 18081);
        int nginxPort = Integer.getInteger("probe.nginxPort", 18080);
        boolean cache = Boolean.parseBoolean(System.getProperty("probe.cache", "true"));

        Path www = Files.createDirectories(dir.resolve("www/i"));
        Path small = ServeTestSupport.writeFile(www, SMALL_TOKEN + ".jpg", ServeTestSupport.randomBytes(SMALL, 20));
        Path large = ServeTestSupport.writeFile(www, LARGE_TOKEN + ".jpg", ServeTestSupport.randomBytes(LARGE, 2000));
        Files.writeString(dir.resolve("nginx.conf"), nginxConf(dir, nginxPort), StandardCharsets.US_ASCII);

        InMemoryPictures handler = new InMemoryPictures(cache ? new ContentCache() : null, Map.of(
                SMALL_TOKEN, small, LARGE_TOKEN, large));

        QueuedThreadPool threads = new QueuedThreadPool(Integer.getInteger("probe.maxThreads", 200));
        threads.setName("serve");
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server, Integer.getInteger("probe.acceptors", -1),
                Integer.getInteger("probe.selectors", Runtime.getRuntime().availableProcessors()),
                new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1"); // loopback only
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        System.out.printf("picspace on http://127.0.0.1:%d/i/%s.jpg (20 KB) and /i/%s.jpg (2 MB), cache=%s, "
                        + "selectors=%d, acceptors=%d%nnginx: nginx -c %s -p %s%n",
                port, SMALL_TOKEN, LARGE_TOKEN, cache, connector.getSelectorManager().getSelectorCount(),
                connector.getAcceptors(), dir.resolve("nginx.conf"), dir);
        server.join();
    }

    static String nginxConf(Path dir, int port) {
        return """
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    sendfile on;
                    tcp_nopush on;
                    types { image/jpeg jpg; }
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                        location /i/ { add_header X-Content-Type-Options nosniff; add_header Cache-Control "public, max-age=300"; }
                    }
                }
                """.formatted(dir, port);
    }

    /** The real handler with its three lookups answered from memory, as the tests do. */
    static final class InMemoryPictures extends PictureServingHandler {
        private final Map<String, Path> files;
        private final Map<String, Picture> pictures = new java.util.HashMap<>();
        private final Tenant tenant = new Tenant(1, "probe", 1L << 40, 0, 0, LocalDate.of(2030, 1, 1), null, false,
                Instant.EPOCH);

        InMemoryPictures(ContentCache cache, Map<String, Path> files) throws IOException {
            super(null, cache, java.time.Duration.ofMillis(DEFAULT_LOOKUP_TTL_MILLIS));
            this.files = files;
            for (Map.Entry<String, Path> e : files.entrySet()) {
                String token = e.getKey();
                long size = Files.size(e.getValue());
                // the ETag is the blob key; any 64 hex characters do for the probe
                String blobKey = (token + "0".repeat(64)).substring(0, 64);
                pictures.put(token, new Picture(1, "0".repeat(32), 1, 0, token, "probe", "", "", "default",
                        PictureStatus.NORMAL, ImageFormat.JPEG, 1, 1, 1, size, "", blobKey, "probe.jpg",
                        "client:computer", false, null, Instant.parse("2025-01-01T00:00:00Z"),
                        Instant.parse("2025-01-01T00:00:00Z")));
            }
        }

        /** {@code -Dprobe.blocking=true}: Jetty dispatches every request to the pool, as for a blocking handler. */
        @Override
        public InvocationType getInvocationType() {
            return Boolean.getBoolean("probe.blocking") ? InvocationType.BLOCKING : super.getInvocationType();
        }

        @Override
        Optional<Picture> findPicture(String urlToken) {
            return Optional.ofNullable(pictures.get(urlToken));
        }

        @Override
        Optional<Tenant> findTenant(long tenantId) {
            return Optional.of(tenant);
        }

        @Override
        ContentResponder.Body bodyOf(Picture picture) {
            Path file = files.get(picture.urlToken());
            return new ContentResponder.Body() {
                @Override
                public InputStream open(long offset, long length) throws IOException {
                    InputStream in = Files.newInputStream(file);
                    in.skipNBytes(offset);
                    return new ContentResponderTest.BoundedInputStream(in, length);
                }

                @Override
                public Optional<Path> file() {
                    return Optional.of(file);
                }
            };
        }
    }
}
