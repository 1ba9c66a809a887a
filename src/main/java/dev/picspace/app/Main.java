package dev.picspace.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.picspace.domain.Exceptions;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.PicspaceException;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.domain.Watermark;
import dev.picspace.gateway.top.SpaceUnits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The command line (the operator contract in shared/spec/operator.md: keep these names).
 * {@code serve}, {@code tenant create|list|set-quota|set-watermark|set-signed-urls}, {@code fsck},
 * {@code original-url} (the owner's link to an unwatermarked original), and {@code top-call}, a
 * signing helper for trying the TOP API by hand.
 */
@Command(name = "picspace", mixinStandardHelpOptions = true, version = "picspace 0.1",
        description = "A self-hosted picture space speaking the Taobao picture-space API.",
        subcommands = {Main.Serve.class, Main.TenantCommands.class, Main.FsckCommand.class, Main.MigrateCommand.class,
                Main.OriginalUrl.class, TopCall.class})
public final class Main {
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // An operator gets one line saying what failed (and why, from the causes), not a stack
        // trace; PICSPACE_DEBUG=1 shows the trace too.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause())
                if (c.getMessage() != null && !why.toString().contains(c.getMessage())) why.append(": ").append(c.getMessage());
            cmd.getErr().println("picspace: " + why);
            if (System.getenv("PICSPACE_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    /** Where the data lives: shared by every command that opens the stores. */
    static class StoreOptions {
        @Option(names = "--data", description = "data directory (default ./picspace-data)") String data;
        @Option(names = "--db", description = "metadata JDBC URL (default SQLite in the data directory)") String db;
        @Option(names = "--blobs", description = "blob store URI (default DATA/blobs)") String blobs;
        @Option(names = "--config", description = "properties file with settings") Path config;

        Map<String, String> cli() {
            Map<String, String> m = new LinkedHashMap<>();
            if (data != null) m.put("data", data);
            if (db != null) m.put("db", db);
            if (blobs != null) m.put("blobs", blobs);
            return m;
        }

        Settings settings(Map<String, String> more) {
            Map<String, String> m = cli();
            m.putAll(more);
            return Settings.load(m, System.getenv(), config);
        }

        Picspace open() { return new Picspace(settings(Map.of()), Clock.systemUTC()); }
    }

    @Command(name = "migrate", description = "Copy this deployment's metadata and blobs to other stores (e.g. SQLite → "
            + "PostgreSQL, files → S3), verified by checksum; resumable: run it again to continue or to catch up.")
    static final class MigrateCommand implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--to-db", required = true, description = "target metadata JDBC URL, e.g. jdbc:postgresql://HOST:PORT/DB?user=…&password=…")
        String toDb;
        @Option(names = "--to-blobs", required = true, description = "target blob store URI, e.g. s3://BUCKET?endpoint=…")
        String toBlobs;
        @Option(names = "--quiet", description = "no progress bar") boolean quiet;

        @Override
        public Integer call() {
            Settings from = store.settings(Map.of());
            Map<String, String> to = new LinkedHashMap<>(store.cli());
            to.put("db", toDb);
            to.put("blobs", toBlobs);
            Settings target = Settings.load(to, System.getenv(), store.config);
            if (from.jdbcUrl().equals(target.jdbcUrl()))
                throw new IllegalArgumentException("--to-db is the source database itself");
            try (Picspace source = new Picspace(from, Clock.systemUTC());
                 Picspace dest = new Picspace(target, Clock.systemUTC())) {
                Migrate.Report r = new Migrate(source, dest, quiet ? null : System.err).run();
                ObjectNode out = JSON.createObjectNode();
                out.put("blobs", r.blobs()).put("blobs_copied", r.blobsCopied()).put("blobs_already_there", r.blobsSkipped())
                        .put("bytes_copied", r.bytesCopied());
                out.set("failed_blobs", JSON.valueToTree(r.failedBlobs()));
                ArrayNode tables = out.putArray("tables");
                for (var t : r.tables())
                    tables.addObject().put("table", t.table()).put("source_rows", t.sourceRows()).put("target_rows", t.targetRows())
                            .put("verified", t.matches());
                out.put("verified", r.ok());
                System.out.println(out);
                return r.ok() ? 0 : 3;
            }
        }
    }

    @Command(name = "serve", description = "Run the service.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--port", description = "HTTP port (default 8080; 0 = any free port)") Integer port;
        @Option(names = "--host", description = "address to bind (default 0.0.0.0)") String host;
        @Option(names = "--public-base-url", description = "base of picture URLs (default http://localhost:PORT)") String base;

        @Override
        public Integer call() throws Exception {
            Map<String, String> more = new LinkedHashMap<>();
            if (port != null) more.put("port", port.toString());
            if (host != null) more.put("host", host);
            if (base != null) more.put("public-base-url", base);
            Picspace p = new Picspace(store.settings(more), Clock.systemUTC());
            PicspaceServer server = new PicspaceServer(p).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try { server.close(); } catch (Exception ignored) { }
                p.close();
            }, "shutdown"));
            server.join();
            return 0;
        }
    }

    @Command(name = "tenant", description = "Manage tenants (picture spaces).",
            subcommands = {TenantCreate.class, TenantList.class, TenantSetQuota.class, TenantSetWatermark.class,
                    TenantSetSignedUrls.class, TenantSts.class})
    static final class TenantCommands {}

    @Command(name = "create", description = "Create a tenant; prints one JSON object with its credentials.")
    static final class TenantCreate implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--nick", required = true) String nick;
        @Option(names = "--order-space", defaultValue = "100M", description = "ordered space (default ${DEFAULT-VALUE})") String ordered;
        @Option(names = "--free-space", defaultValue = "10M", description = "free space (default ${DEFAULT-VALUE})") String free;
        @Option(names = "--order-expiry", description = "YYYY-MM-DD") String expiry;
        @Option(names = "--signed-urls", description = "picture URLs must carry a valid signature") boolean signed;

        @Override
        public Integer call() {
            try (Picspace p = store.open()) {
                Tenant t = p.space().createTenant(nick, SpaceUnits.parse(ordered), SpaceUnits.parse(free), date(expiry), signed);
                TopCredentials c = p.metadata().findTopCredentialsOfTenant(t.id()).orElseThrow();
                ObjectNode out = tenantJson(t);
                ObjectNode top = out.putObject("top");
                top.put("app_key", c.appKey()).put("app_secret", c.appSecret()).put("session", c.session());
                dev.picspace.domain.VodCredentials v = p.metadata().findVodCredentialsOfTenant(t.id()).orElseThrow();
                out.putObject("vod").put("access_key_id", v.accessKeyId()).put("access_key_secret", v.accessKeySecret());
                System.out.println(out);
            }
            return 0;
        }
    }

    @Command(name = "sts", description = "Issue temporary VOD credentials (AccessKeyId, AccessKeySecret, SecurityToken) "
            + "for a tenant; prints one JSON object.")
    static final class TenantSts implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--nick", required = true) String nick;
        @Option(names = "--duration", defaultValue = "PT1H", description = "how long they are valid, ISO-8601 (default ${DEFAULT-VALUE}, at most P1D)")
        java.time.Duration duration;

        @Override
        public Integer call() {
            if (duration.isNegative() || duration.isZero() || duration.compareTo(java.time.Duration.ofDays(1)) > 0)
                throw new CommandLine.ParameterException(new CommandLine(this), "--duration must be within PT1S..P1D");
            try (Picspace p = store.open()) {
                Tenant t = p.metadata().findTenantByNick(nick)
                        .orElseThrow(() -> new dev.picspace.domain.Exceptions.TenantNotFoundException("no tenant with nick '" + nick + "'"));
                dev.picspace.domain.TemporaryCredentials.Issued s = p.sts().issue(t.id(),
                        dev.picspace.domain.TemporaryCredentials.Scope.VOD_API, null, duration);
                ObjectNode out = JSON.createObjectNode();
                out.put("access_key_id", s.accessKeyId()).put("access_key_secret", s.accessKeySecret())
                        .put("security_token", s.securityToken()).put("expiration", s.expires().toString());
                System.out.println(out);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List tenants as a JSON array.")
    static final class TenantList implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();

        @Override
        public Integer call() {
            try (Picspace p = store.open()) {
                ArrayNode arr = JSON.createArrayNode();
                for (Tenant t : p.metadata().listTenants()) arr.add(tenantJson(t));
                System.out.println(arr);
            }
            return 0;
        }
    }

    @Command(name = "set-quota", description = "Change a tenant's ordered/free space and expiry.")
    static final class TenantSetQuota implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--nick", required = true) String nick;
        @Option(names = "--order-space") String ordered;
        @Option(names = "--free-space") String free;
        @Option(names = "--order-expiry", description = "YYYY-MM-DD, or 'none'") String expiry;

        @Override
        public Integer call() {
            return updateTenant(store, nick, (p, t) -> {
                LocalDate exp = expiry == null ? t.orderExpiry() : expiry.equals("none") ? null : date(expiry);
                p.metadata().updateQuota(t.id(), ordered == null ? t.orderedBytes() : SpaceUnits.parse(ordered),
                        free == null ? t.freeBytes() : SpaceUnits.parse(free), exp);
            });
        }
    }

    @Command(name = "set-watermark", description = "Set the 15-field water_mark string ('' clears it).")
    static final class TenantSetWatermark implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--nick", required = true) String nick;
        @Parameters(index = "0", description = "e.g. false|null|true|0.8|null|16|false|false|false|255,255,255|0|false|-0.21,-0.13|null|3") String watermark;

        @Override
        public Integer call() {
            return updateTenant(store, nick,
                    (p, t) -> p.metadata().updateWatermark(t.id(), watermark.isEmpty() ? null : Watermark.parse(watermark)));
        }
    }

    @Command(name = "set-signed-urls", description = "Whether the tenant's picture URLs must be signed: on|off.")
    static final class TenantSetSignedUrls implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--nick", required = true) String nick;
        @Parameters(index = "0", description = "on or off") String onOff;

        @Override
        public Integer call() {
            boolean on = switch (onOff) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new IllegalArgumentException("say on or off, not '" + onOff + "'");
            };
            return updateTenant(store, nick, (p, t) -> p.metadata().updateSignedUrls(t.id(), on));
        }
    }

    @Command(name = "fsck", description = "Report (and with --repair fix) what a crash can leave: orphan blobs, reference counts, used space.")
    static final class FsckCommand implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--repair") boolean repair;
        @Option(names = "--grace", defaultValue = "PT1H",
                description = "how long a blob must be unreferenced to count as orphaned, ISO-8601 (default ${DEFAULT-VALUE}; PT0S after a crash with the server stopped)")
        Duration grace;

        @Override
        public Integer call() {
            try (Picspace p = store.open()) {
                Fsck.Report r = p.fsck().run(repair, grace, repair ? p.settings().recycleRetention() : null);
                ObjectNode out = JSON.createObjectNode();
                out.put("repaired", r.repaired());
                out.put("clean", r.clean());
                out.set("orphan_blobs", JSON.valueToTree(r.orphanBlobs()));
                out.set("missing_blobs", JSON.valueToTree(r.missingBlobs()));
                out.set("ref_count_mismatches", JSON.valueToTree(r.refCounts()));
                out.set("usage_mismatches", JSON.valueToTree(r.usage()));
                out.put("stale_staged_files", r.staleStagings());
                out.put("purged_recycled", r.purgedRecycled());
                out.put("orphan_derivatives", r.orphanDerivatives());
                System.out.println(out);
                // Missing bytes cannot be repaired here: say so in the exit code.
                return r.missingBlobs().isEmpty() ? 0 : 3;
            }
        }
    }

    @Command(name = "original-url", description = "Print the owner's signed link to a picture's original, without the watermark.")
    static final class OriginalUrl implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store = new StoreOptions();
        @Option(names = "--nick", required = true) String nick;
        @Option(names = "--picture-id", required = true) long pictureId;
        @Option(names = "--ttl", defaultValue = "PT1H", description = "how long the link works, ISO-8601, at most 7 days (default ${DEFAULT-VALUE})")
        Duration ttl;
        @Option(names = "--public-base-url", description = "base of picture URLs (default the setting, or http://localhost:PORT)") String base;

        @Override
        public Integer call() {
            try (Picspace p = store.open()) {
                Tenant t = byNick(p, nick);
                var picture = p.space().livePicture(t.id(), pictureId);
                TopCredentials c = p.metadata().findTopCredentialsOfTenant(t.id()).orElseThrow();
                if (ttl.isNegative() || ttl.isZero() || ttl.getSeconds() > dev.picspace.gateway.serve.OwnerLinks.MAX_VALIDITY_SECONDS)
                    throw new IllegalArgumentException("--ttl must be positive and at most 7 days");
                dev.picspace.gateway.PictureUrls urls = new dev.picspace.gateway.PictureUrls(
                        base != null ? base : p.settings().publicBaseUrl(p.settings().port()));
                String path = urls.pathOf(picture);
                long expires = java.time.Instant.now().plus(ttl).getEpochSecond();
                System.out.println(urls.urlOf(picture, false) + "?" + dev.picspace.gateway.serve.TransformRequest.OWNER_PARAMETER
                        + "=" + dev.picspace.gateway.serve.OwnerLinks.sign(path, expires, c.appSecret()));
            }
            return 0;
        }
    }

    /** Opens the stores, changes one tenant, prints it as it now is. */
    static int updateTenant(StoreOptions store, String nick, java.util.function.BiConsumer<Picspace, Tenant> change) {
        try (Picspace p = store.open()) {
            change.accept(p, byNick(p, nick));
            System.out.println(tenantJson(byNick(p, nick)));
        }
        return 0;
    }

    static Tenant byNick(Picspace p, String nick) {
        return p.metadata().findTenantByNick(nick)
                .orElseThrow(() -> new Exceptions.TenantNotFoundException("no tenant with nick '" + nick + "'"));
    }

    static LocalDate date(String s) {
        if (s == null) return null;
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("dates are YYYY-MM-DD, not '" + s + "'");
        }
    }

    static ObjectNode tenantJson(Tenant t) {
        ObjectNode o = JSON.createObjectNode();
        o.put("tenant_id", t.id());
        o.put("nick", t.nick());
        o.put("order_space_bytes", t.orderedBytes());
        o.put("free_space_bytes", t.freeBytes());
        o.put("used_space_bytes", t.usedBytes());
        o.put("order_expiry", t.orderExpiry() == null ? null : t.orderExpiry().toString());
        o.put("water_mark", t.watermark() == null ? "" : t.watermark().toWireString());
        o.put("signed_urls", t.signedUrls());
        return o;
    }

}
