package dev.picspace.app;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * A real picspace on a random port over a real SQLite file (or the PostgreSQL database the
 * settings' {@code db} names) and blob directory, with the real TOP client pointed at it. Tests
 * make tenants and clients from here.
 */
public final class ServerFixture implements AutoCloseable {
    public final Path data;
    public final Picspace picspace;
    public final PicspaceServer server;

    public ServerFixture(Path data, Map<String, String> settings) throws Exception {
        this(data, settings, TestEngines.engine(), server -> { });
    }

    /** @param engine what derivatives are rendered with (see {@link TestEngines}) */
    public ServerFixture(Path data, Map<String, String> settings, dev.picspace.domain.ImageEngine engine) throws Exception {
        this(data, settings, engine, server -> { });
    }

    /** @param beforeStart wires what must be set before the server starts (e.g. an ObjectProcessor) */
    public ServerFixture(Path data, Map<String, String> settings, java.util.function.Consumer<PicspaceServer> beforeStart)
            throws Exception {
        this(data, settings, TestEngines.engine(), beforeStart);
    }

    public ServerFixture(Path data, Map<String, String> settings, dev.picspace.domain.ImageEngine engine,
                         java.util.function.Consumer<PicspaceServer> beforeStart) throws Exception {
        this.data = data;
        Map<String, String> s = new HashMap<>(settings);
        s.put("data", data.toString());
        s.put("port", "0");
        s.put("host", "127.0.0.1");
        this.picspace = new Picspace(Settings.load(s, Map.of(), null), Clock.systemUTC(), engine);
        PicspaceServer s0 = new PicspaceServer(picspace);
        beforeStart.accept(s0);
        this.server = s0.start();
    }

    public String base() { return "http://127.0.0.1:" + server.port(); }

    public String topUrl() { return base() + "/router/rest"; }

    public TenantHandle tenant(String nick, long ordered, long free) {
        Tenant t = picspace.space().createTenant(nick, ordered, free, null, false);
        return new TenantHandle(t, picspace.metadata().findTopCredentialsOfTenant(t.id()).orElseThrow());
    }

    public TenantHandle tenant(String nick, long ordered, long free, boolean signedUrls) {
        Tenant t = picspace.space().createTenant(nick, ordered, free, null, signedUrls);
        return new TenantHandle(t, picspace.metadata().findTopCredentialsOfTenant(t.id()).orElseThrow());
    }

    /** Where the URLs picspace hands out point (settings public-base-url, by default http://localhost:PORT). */
    public String publicBase() { return picspace.settings().publicBaseUrl(server.port()); }

    /** host:port, as the Alibaba SDKs take an endpoint. */
    public String endpoint() { return "127.0.0.1:" + server.port(); }

    public final class TenantHandle {
        public final Tenant tenant;
        public final TopCredentials creds;
        public final dev.picspace.domain.VodCredentials vod;

        TenantHandle(Tenant tenant, TopCredentials creds) {
            this.tenant = tenant;
            this.creds = creds;
            this.vod = picspace.metadata().findVodCredentialsOfTenant(tenant.id()).orElseThrow();
        }

        public DefaultTaobaoClient client(String format, String signMethod) {
            DefaultTaobaoClient c = new DefaultTaobaoClient(topUrl(), creds.appKey(), creds.appSecret(), format, 10_000, 30_000, signMethod);
            c.setNeedEnableLogger(false);
            return c;
        }

        public DefaultTaobaoClient client() { return client("json", "hmac-sha256"); }

        public Tenant reload() { return picspace.metadata().findTenant(tenant.id()).orElseThrow(); }
    }

    @Override
    public void close() throws Exception {
        server.close();
        picspace.close();
    }
}
