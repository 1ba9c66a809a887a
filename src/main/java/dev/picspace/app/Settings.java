package dev.picspace.app;

import dev.picspace.domain.ImageEngine;
import dev.picspace.domain.ImageLimits;
import dev.picspace.gateway.top.SpaceUnits;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting picspace reads, in one place, with safe defaults. Sources, weakest first: the
 * defaults here; a properties file ({@code --config FILE}, {@code PICSPACE_CONFIG}, or
 * {@code DATA/picspace.properties} when it exists); {@code PICSPACE_*} environment variables
 * ({@code public-base-url} ⇒ {@code PICSPACE_PUBLIC_BASE_URL}); command-line options.
 */
public record Settings(Path dataDir, String host, int port, String publicBaseUrl, String db, String blobs,
                       ImageLimits limits, long maxBodyBytes, int nodeId, int maxCategories,
                       Duration recycleRetention, String ossBucket, long cdnAuthTtlSeconds, int dbPoolSize,
                       Delivery delivery) {

    /**
     * On-the-fly transforms (issue "image delivery").
     *
     * @param maxDerivativeSide        largest width/height a resize or a Taobao {@code WxH} may ask for
     * @param renderThreads            render pool size (default: the cores)
     * @param renderQueue              renders that may wait for a thread; beyond it, 503
     * @param maxDerivativesPerPicture derivatives kept per original (oldest dropped first)
     * @param output                   bounds on what a render may produce
     */
    public record Delivery(int maxDerivativeSide, int renderThreads, int renderQueue, int maxDerivativesPerPicture,
                           ImageEngine.OutputLimits output) {}

    /** The names a file, the environment or the command line may set. */
    public static final String[] KEYS = {"data", "host", "port", "public-base-url", "db", "blobs", "max-bytes",
            "max-width", "max-height", "max-pixels", "max-frames", "max-body-bytes", "node-id", "max-categories",
            "recycle-retention-days", "oss-bucket", "cdn-auth-ttl", "max-derivative-side", "render-threads", "render-queue",
            "max-derivatives-per-picture", "max-output-side", "max-output-pixels", "max-output-bytes", "db-pool-size"};

    /**
     * The metadata database: {@code db} when set ({@code jdbc:postgresql://HOST:PORT/DB?user=…&password=…}
     * or {@code jdbc:sqlite:FILE}), else SQLite in the data directory.
     */
    public String jdbcUrl() {
        return db != null && !db.isBlank() ? db : "jdbc:sqlite:" + dataDir.resolve("meta.db").toAbsolutePath();
    }

    public Path blobDir() { return dataDir.resolve("blobs"); }

    /** Where uploads are staged before they go to a remote blob store (the directory store stages beside its blobs). */
    public Path stagingDir() { return dataDir.resolve("staging"); }

    /**
     * @param cli      options given on the command line (key → value), only those given
     * @param env      the process environment
     * @param file     an explicit config file, or null
     */
    public static Settings load(Map<String, String> cli, Map<String, String> env, Path file) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("data", "./picspace-data");
        v.put("host", "0.0.0.0");
        v.put("port", "8080");
        v.put("max-bytes", String.valueOf(ImageLimits.DEFAULTS.maxBytes()));
        v.put("max-width", String.valueOf(ImageLimits.DEFAULTS.maxWidth()));
        v.put("max-height", String.valueOf(ImageLimits.DEFAULTS.maxHeight()));
        v.put("max-pixels", String.valueOf(ImageLimits.DEFAULTS.maxPixels()));
        v.put("max-frames", String.valueOf(ImageLimits.DEFAULTS.maxFrames()));
        v.put("node-id", "-1");
        v.put("max-categories", "500");
        v.put("recycle-retention-days", "30");
        v.put("oss-bucket", "picspace");   // the bucket name VOD upload addresses and OSS URLs carry
        v.put("cdn-auth-ttl", "1800");     // a CDN's "default validity period" for Type-A auth_key URLs
        int cores = Runtime.getRuntime().availableProcessors();
        v.put("max-derivative-side", "4096");  // OSS's bound on resize w/h/l/s
        v.put("render-threads", String.valueOf(cores));
        v.put("max-derivatives-per-picture", "64");
        v.put("max-output-side", String.valueOf(ImageEngine.OutputLimits.DEFAULTS.maxSide()));
        v.put("max-output-pixels", String.valueOf(ImageEngine.OutputLimits.DEFAULTS.maxPixels()));
        v.put("max-output-bytes", String.valueOf(ImageEngine.OutputLimits.DEFAULTS.maxBytes()));
        v.put("db-pool-size", "0"); // 0: 2 × cores + 2 (Database.Settings.DEFAULT_POOL_SIZE)

        Map<String, String> fromEnv = new LinkedHashMap<>();
        for (String k : KEYS) {
            String e = env.get("PICSPACE_" + k.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (e != null && !e.isBlank()) fromEnv.put(k, e);
        }
        // The data directory decides where the default config file is, so settle it first.
        String data = cli.getOrDefault("data", fromEnv.getOrDefault("data", v.get("data")));
        Path configFile = file != null ? file
                : env.get("PICSPACE_CONFIG") != null ? Path.of(env.get("PICSPACE_CONFIG"))
                : Path.of(data).resolve("picspace.properties");
        if (Files.exists(configFile)) v.putAll(readProperties(configFile));
        else if (file != null) throw new IllegalArgumentException("config file not found: " + file);
        v.putAll(fromEnv);
        v.putAll(cli);

        int port = integer(v, "port");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be within 0..65535");
        String base = v.get("public-base-url");
        ImageLimits limits = new ImageLimits(size(v, "max-bytes"), integer(v, "max-width"), integer(v, "max-height"),
                Long.parseLong(v.get("max-pixels")), integer(v, "max-frames"));
        // A multipart body carries the image plus a few small fields; 1 MiB of slack is ample.
        long maxBody = v.containsKey("max-body-bytes") ? size(v, "max-body-bytes") : limits.maxBytes() + 1024 * 1024;
        ImageEngine.OutputLimits output = new ImageEngine.OutputLimits(integer(v, "max-output-side"),
                Long.parseLong(v.get("max-output-pixels")), size(v, "max-output-bytes"));
        if (output.maxSide() < 1 || output.maxPixels() < 1 || output.maxBytes() < 1)
            throw new IllegalArgumentException("max-output-side, max-output-pixels and max-output-bytes must be positive");
        int maxSide = integer(v, "max-derivative-side");
        if (maxSide < 1 || maxSide > output.maxSide())
            throw new IllegalArgumentException("max-derivative-side must be within 1..max-output-side (" + output.maxSide() + ")");
        int threads = integer(v, "render-threads");
        if (threads < 1) throw new IllegalArgumentException("render-threads must be at least 1");
        // by default a few renders per thread may wait: a burst is smoothed, a flood is refused
        int queue = v.containsKey("render-queue") ? integer(v, "render-queue") : 4 * threads;
        if (queue < 0) throw new IllegalArgumentException("render-queue cannot be negative");
        int perPicture = integer(v, "max-derivatives-per-picture");
        if (perPicture < 1) throw new IllegalArgumentException("max-derivatives-per-picture must be at least 1");
        return new Settings(Path.of(v.get("data")), v.get("host"), port, base, blank(v.get("db")), blank(v.get("blobs")),
                limits, maxBody, integer(v, "node-id"), integer(v, "max-categories"),
                Duration.ofDays(Long.parseLong(v.get("recycle-retention-days"))), bucket(v.get("oss-bucket")),
                integer(v, "cdn-auth-ttl"), poolSize(v),
                new Delivery(maxSide, threads, queue, perPicture, output));
    }

    /** The base URL picture URLs are built on; by default this server itself. */
    public String publicBaseUrl(int boundPort) {
        return publicBaseUrl != null && !publicBaseUrl.isBlank() ? publicBaseUrl : "http://localhost:" + boundPort;
    }

    /** OSS bucket naming rules (3–63 of a-z 0-9 -), and not a path picspace itself serves. */
    private static String bucket(String b) {
        if (b == null || !b.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]") || java.util.Set.of("router", "healthz", "metrics", "i").contains(b))
            throw new IllegalArgumentException("oss-bucket must be 3..63 of a-z, 0-9 and '-' (and not router/healthz/metrics): '" + b + "'");
        return b;
    }

    /** PostgreSQL connections per process; several nodes' pools must fit the server's max_connections together. */
    private static int poolSize(Map<String, String> v) {
        int n = integer(v, "db-pool-size");
        if (n < 0 || n > 1000) throw new IllegalArgumentException("db-pool-size must be within 0..1000 (0: automatic)");
        return n;
    }

    private static String blank(String s) { return s == null || s.isBlank() ? null : s; }

    private static int integer(Map<String, String> v, String k) {
        try {
            return Integer.parseInt(v.get(k).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(k + " must be a whole number, not '" + v.get(k) + "'");
        }
    }

    private static long size(Map<String, String> v, String k) {
        try {
            return SpaceUnits.parse(v.get(k));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(k + ": " + e.getMessage());
        }
    }

    private static Map<String, String> readProperties(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + f + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            boolean known = false;
            for (String key : KEYS) known |= key.equals(k);
            if (!known) throw new IllegalArgumentException("unknown setting '" + k + "' in " + f);
            m.put(k, p.getProperty(k).trim());
        }
        return m;
    }
}
