package dev.picspace.app;

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
                       Duration recycleRetention, int dbPoolSize) {

    /** The names a file, the environment or the command line may set. */
    public static final String[] KEYS = {"data", "host", "port", "public-base-url", "db", "blobs", "max-bytes",
            "max-width", "max-height", "max-pixels", "max-frames", "max-body-bytes", "node-id", "max-categories",
            "recycle-retention-days", "db-pool-size"};

    /**
     * The metadata database: {@code db} when set ({@code jdbc:postgresql://HOST:PORT/DB?user=…&password=…}
     * or {@code jdbc:sqlite:FILE}), else SQLite in the data directory.
     */
    public String jdbcUrl() {
        return db != null && !db.isBlank() ? db : "jdbc:sqlite:" + dataDir.resolve("meta.db").toAbsolutePath();
    }

    public Path blobDir() { return dataDir.resolve("blobs"); }

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
        return new Settings(Path.of(v.get("data")), v.get("host"), port, base, blank(v.get("db")), blank(v.get("blobs")),
                limits, maxBody, integer(v, "node-id"), integer(v, "max-categories"),
                Duration.ofDays(Long.parseLong(v.get("recycle-retention-days"))), poolSize(v));
    }

    /** The base URL picture URLs are built on; by default this server itself. */
    public String publicBaseUrl(int boundPort) {
        return publicBaseUrl != null && !publicBaseUrl.isBlank() ? publicBaseUrl : "http://localhost:" + boundPort;
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
