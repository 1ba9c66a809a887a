package dev.picspace.app;

import dev.picspace.domain.DerivativeService;
import dev.picspace.gateway.GatewayMetrics;
import dev.picspace.gateway.MeteredHandler;
import dev.picspace.gateway.PictureUrls;
import dev.picspace.gateway.serve.BlockingHandlerAdapter;
import dev.picspace.gateway.serve.ContentCache;
import dev.picspace.gateway.serve.PictureServingHandler;
import dev.picspace.gateway.serve.TransformLimits;
import dev.picspace.gateway.top.TopGateway;
import dev.picspace.gateway.vod.VodGateway;
import dev.picspace.gateway.oss.ObjectProcessor;
import dev.picspace.gateway.oss.OssGateway;
import dev.picspace.domain.ObjectUploads;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server: {@code /router/rest} (TOP), {@code /} (VOD RPC), {@code /i/…} (pictures),
 * {@code /<oss-bucket>/…} (the OSS-compatible object endpoint), {@code /healthz}, {@code /metrics}.
 * Jetty 12 core handlers, no servlets.
 */
public final class PicspaceServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PicspaceServer.class);

    private final Picspace picspace;
    private final Server server;
    private final ServerConnector connector;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "picspace-sweeper");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean ready;
    private DerivativeService derivatives;
    private dev.picspace.store.PostgresChangeChannel changes;
    /** x-oss-process on GetObject: by default the derivative service (as /i/ URLs); tests may put another in. */
    private volatile ObjectProcessor objectProcessor;

    public PicspaceServer(Picspace picspace) {
        this.picspace = picspace;
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("http");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        // One selector per core (Jetty's default on 2 cores is one): cached pictures are answered on them.
        int cores = Runtime.getRuntime().availableProcessors();
        this.connector = new ServerConnector(server, -1, Math.max(1, cores), new HttpConnectionFactory(http));
        connector.setHost(picspace.settings().host());
        connector.setPort(picspace.settings().port());
        server.addConnector(connector);
    }

    /** Wires OSS image processing ({@code x-oss-process}) before {@link #start}; see {@link ObjectProcessor}. */
    public PicspaceServer objectProcessor(ObjectProcessor processor) {
        this.objectProcessor = processor;
        return this;
    }

    /** Starts serving; returns once the port is bound and {@code /healthz} answers 200. */
    public PicspaceServer start() throws Exception {
        connector.open(); // bind first: picture URLs need the real port when --port 0 was asked for
        int port = connector.getLocalPort();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        PictureUrls urls = new PictureUrls(picspace.settings().publicBaseUrl(port));
        Settings.Delivery d = picspace.settings().delivery();
        derivatives = new DerivativeService(picspace.metadata(), picspace.blobs(), picspace.engine(),
                picspace.settings().limits(), d.output(), d.renderThreads(), d.renderQueue(), d.maxDerivativesPerPicture(),
                picspace.clock());
        // what an operator watches: renders done, and how close the pool is to answering 503
        io.micrometer.core.instrument.FunctionCounter.builder("picspace.derivative.renders", derivatives, DerivativeService::renders)
                .description("derivatives rendered since start").register(registry);
        io.micrometer.core.instrument.Gauge.builder("picspace.derivative.pending", derivatives, DerivativeService::pending)
                .description("renders running or queued").register(registry);
        int maxSource = Math.max(picspace.settings().limits().maxWidth(), picspace.settings().limits().maxHeight());
        dev.picspace.gateway.MediaUrls mediaUrls = picspace.mediaUrls(picspace.settings().publicBaseUrl(port));
        PictureServingHandler pictures = new PictureServingHandler(picspace.metadata(), picspace.blobs(), mediaUrls,
                new ContentCache(), Duration.ofMillis(PictureServingHandler.DEFAULT_LOOKUP_TTL_MILLIS),
                new PictureServingHandler.Delivery(derivatives, new TransformLimits(d.maxDerivativeSide(), maxSource, 16)));
        // Replaced and recycled pictures stop being served from the lookup cache at once on this node,
        // and their old bytes' derivatives go when no live picture shows those bytes any more.
        // On PostgreSQL, the other nodes hear of it at once too (LISTEN/NOTIFY; their 2 s lookup cache is the fallback).
        if (picspace.database().dialect() == dev.picspace.store.Database.Dialect.POSTGRESQL) {
            changes = new dev.picspace.store.PostgresChangeChannel(picspace.settings().jdbcUrl(), picspace.database(),
                    pictures::forget).start();
            dev.picspace.store.PostgresChangeChannel channel = changes;
            picspace.space().addChangeListener(p -> channel.publish(p.urlToken()));
        }
        picspace.space().addChangeListener(p -> {
            pictures.forget(p.urlToken());
            try {
                derivatives.sourceReleased(p.blobKey());
            } catch (RuntimeException e) {
                // the change is committed; leftover rows are garbage fsck removes, never served (new source key)
                log.warn("dropping the derivatives of picture {} failed: {}", p.pictureId(), e.toString());
            }
        });
        // Pictures are answered on the selector threads when their lookup and bytes are cached; the
        // rest (JDBC, uploads) is blocking and runs on the pool: Jetty decides this for the whole
        // tree, so the blocking part is wrapped (see BlockingHandlerAdapter).
        Handler.Sequence handlers = new Handler.Sequence(
                new MeteredHandler("image", metrics, pictures),
                new BlockingHandlerAdapter(new Handler.Sequence(
                        new Plain("/healthz", () -> ready ? "ok\n" : null, "text/plain;charset=UTF-8"),
                        new Plain("/metrics", registry::scrape, "text/plain;version=0.0.4;charset=utf-8"),
                        new TopGateway(picspace.space(), urls, metrics, picspace.settings().maxBodyBytes()),
                        // VOD's RPC endpoint is exactly "/" (GET and POST); the OSS-style /<bucket>/<key> is not its
                        new VodGateway(picspace.space(), mediaUrls, picspace.sts(), picspace.nonces(), picspace.clock(), metrics),
                        // after picspace's own paths: a virtual-host request must never shadow them
                        new MeteredHandler("oss", metrics, new OssGateway(picspace.space(),
                                new ObjectUploads(picspace.space(), picspace.ids()), picspace.sts(),
                                picspace.settings().ossBucket(), picspace.clock(),
                                // x-oss-process on GetObject: the same derivatives as /i/…?x-oss-process=
                                objectProcessor != null ? objectProcessor
                                        : (picture, process, req, res, cb, errors) -> pictures.respondToOssProcess(picture, process, req, res, cb, errors),
                                metrics)),
                        new NotFound())));
        server.setHandler(handlers);
        server.start();
        // Recycled pictures older than the retention are purged, and blobs nobody refers to for an
        // hour are removed, in the background (design: Bytes — never by a racing delete).
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 60, TimeUnit.MINUTES);
        ready = true;
        log.info("picspace serving on port {} (data {}, metadata {})", port, picspace.settings().dataDir(),
                picspace.settings().jdbcUrl().startsWith("jdbc:sqlite:") ? "SQLite" : "PostgreSQL");
        return this;
    }

    private void sweep() {
        try {
            picspace.fsck().run(true, Duration.ofHours(1), picspace.settings().recycleRetention());
        } catch (RuntimeException e) {
            log.warn("background sweep failed: {}", e.toString());
        }
    }

    public int port() { return connector.getLocalPort(); }

    /** The derivative service once started (tests, metrics). */
    public DerivativeService derivatives() { return derivatives; }

    public void join() throws InterruptedException { server.join(); }

    @Override
    public void close() throws Exception {
        ready = false;
        sweeper.shutdownNow();
        server.stop();
        if (derivatives != null) derivatives.close();
        if (changes != null) changes.close();
    }

    /** A fixed small text answer at one path (null text ⇒ 503). */
    private static final class Plain extends Handler.Abstract {
        private final String path;
        private final java.util.function.Supplier<String> text;
        private final String contentType;

        Plain(String path, java.util.function.Supplier<String> text, String contentType) {
            this.path = path;
            this.text = text;
            this.contentType = contentType;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!path.equals(Request.getPathInContext(request))) return false;
            String body = text.get();
            response.setStatus(body == null ? HttpStatus.SERVICE_UNAVAILABLE_503 : HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap((body == null ? "starting\n" : body).getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }

    private static final class NotFound extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(HttpStatus.NOT_FOUND_404);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=UTF-8");
            response.write(true, ByteBuffer.wrap("not found\n".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
