package dev.picspace.bench;

import dev.picspace.app.Picspace;
import dev.picspace.app.Settings;
import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Category;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.Picture;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.UploadSpec;
import dev.picspace.store.Database;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.sqlite.SQLiteConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * The 1,000,000-picture database QueryBench and VodQueryBench query: made by picspace itself
 * (migrations, a tenant, categories, one real upload through PictureSpace), then filled in bulk
 * with rows that point at that upload's blob, and kept under bench/out until the schema changes.
 * Two kinds, the same rows in both ({@link #generateRows}): SQLite in DATA/meta.db (bulk JDBC
 * inserts), and PostgreSQL + S3 on {@link PgS3} (COPY into the tables the migrations made).
 */
abstract class QueryDatabase implements AutoCloseable {
    static final String MARKER = "bench-database.properties";
    private static final long SNOWFLAKE_EPOCH = 1_577_836_800_000L; // IdGenerator's: 2020-01-01

    static final List<String> COLOURS = List.of("amber", "azure", "beige", "black", "blush", "bronze", "brown", "camel",
            "cherry", "cobalt", "copper", "coral", "cream", "denim", "ebony", "emerald", "fawn", "forest", "fuchsia",
            "ginger", "gold", "graphite", "honey", "indigo", "ivory", "jade", "khaki", "lemon", "lilac", "mauve", "mint",
            "mocha", "mustard", "navy", "ochre", "olive", "orchid", "peach", "pearl", "plum", "rose", "ruby", "rust",
            "saffron", "sand", "scarlet", "silver", "slate", "teal", "violet");
    static final List<String> PRODUCTS = List.of("anklet", "apron", "backpack", "bangle", "beanie", "belt", "blazer",
            "blouse", "boots", "bowl", "bracelet", "brooch", "cardigan", "clutch", "coat", "cushion", "dress", "earrings",
            "espadrilles", "glove", "handbag", "headband", "hoodie", "jacket", "jeans", "jumpsuit", "kettle", "kimono",
            "lantern", "leggings", "loafers", "mittens", "mug", "necklace", "pajamas", "parka", "pendant", "poncho",
            "pillow", "quilt", "raincoat", "sandals", "sarong", "scarf", "skirt", "slippers", "sneakers", "teapot",
            "tote", "vase");

    static final String DESCRIPTION = "%,d live pictures in one tenant, created over two years, titles "
            + "'item-<n> <colour> <product>' (50 × 50 pairs), sizes 10 KB–3 MB log-uniform, 8 categories + default, "
            + "10%% client:phone; all share one real blob (ref_count %,d); ";

    /** The database for {@code stores} kept in {@code dir}; for PostgreSQL + S3 this starts them. */
    /** Where a bench keeps the database of these stores: the first argument, else the default cache directory. */
    static Path directory(BenchStores stores, String[] args) {
        return Path.of(args.length > 0 ? args[0] : stores == BenchStores.EMBEDDED ? "bench/out/query-db" : "bench/out/query-pg")
                .toAbsolutePath();
    }

    static QueryDatabase open(BenchStores stores, Path dir) throws Exception {
        return stores == BenchStores.EMBEDDED ? new Sqlite(dir) : new Postgres(dir);
    }

    /** Builds the database unless the cached one was built for the same schema; @return a description */
    abstract String ensure() throws Exception;

    /** picspace's settings for this database (data, and db/blobs when not the embedded default). */
    abstract Map<String, String> settings();

    Settings picspaceSettings() { return Settings.load(settings(), Map.of(), null); }

    /** A JDBC connection set up as the server's reads are. */
    abstract Connection readerConnection() throws SQLException;

    abstract Database.Dialect dialect();

    /** What the SQL reference runs through, for the report. */
    abstract String driverDescription();

    /** The database's plan for {@code sql} with {@code params} bound, on one line. */
    abstract String explain(Connection c, String sql, List<Object> params) throws SQLException;

    /** The statement {@link #explain} uses, for the report. */
    abstract String explainName();

    /** A line describing the servers, or null for the embedded default. */
    String storesLine() throws SQLException { return null; }

    @Override
    public void close() throws Exception {}

    // ------------------------------------------------------------------ shared between the two

    /** What picspace itself made before the bulk rows: the tenant, its categories and the one real upload. */
    record Seed(long tenantId, Picture picture, List<Long> categories) {}

    static Seed seed(Settings settings) {
        try (Picspace p = new Picspace(settings, Clock.systemUTC())) {
            Tenant t = p.space().createTenant(QueryBench.NICK, 4L << 40, 0, null, false); // 4 TiB: 1M pictures of up to 3 MB fit
            List<Long> categories = new ArrayList<>();
            for (String name : List.of("shoes", "bags", "jewellery", "home", "outerwear", "summer", "winter", "sale"))
                categories.add(p.space().addCategory(t.id(), name, 0).id());
            // One real upload: its blob row and bytes are what every bulk row points at.
            Picture seed = p.space().upload(t.id(), new ByteArrayInputStream(seedBytes()),
                    new UploadSpec("seed.jpg", "item-0 seed", Category.DEFAULT_ID, null, null, null, null));
            return new Seed(t.id(), seed, categories);
        }
    }

    static byte[] seedBytes() { return BenchImages.noisyJpeg(50_000, 7); }

    /** One bulk row: the columns that vary (see {@link #generateRows} for the constant ones). */
    record Row(long pictureId, String imageId, long categoryId, String urlToken, String title, int width, int height,
               long sizeBytes, String originalFileName, String clientType, long created, long modified) {}

    @FunctionalInterface
    interface RowSink {
        void accept(Row row) throws Exception;
    }

    /**
     * Every row but the seed, the same on every database: realistic values for every column the
     * schema has (NOT NULL ones included). The constant columns: tenant, no description or tags,
     * image_type 'default', status 'normal', format 'jpg', 1 frame, the seed's md5 and blob key,
     * referenced 0, live.
     */
    static void generateRows(Seed seed, RowSink sink) throws Exception {
        SplittableRandom random = new SplittableRandom(20_260_101);
        int rows = QueryBench.PICTURES - 1;
        long end = seed.picture().created().toEpochMilli() - 60_000, start = end - Duration.ofDays(730).toMillis();
        long[] created = new long[rows];
        for (int i = 0; i < rows; i++) created[i] = start + random.nextLong(end - start);
        Arrays.sort(created); // uploaded over time: ids, like IdGenerator's, grow with creation
        HexFormat hex = HexFormat.of();
        double minLog = Math.log(10_240), maxLog = Math.log(3 * 1_048_576);
        List<Long> categories = seed.categories();
        long previous = -1, sequence = 0;
        for (int i = 0; i < rows; i++) {
            long t = created[i];
            sequence = t == previous ? sequence + 1 : 0;
            previous = t;
            long pictureId = ((t - SNOWFLAKE_EPOCH) << 22) | (1L << 12) | sequence;
            int n = i + 1;
            // the random draws in this order, always: the same rows on every database
            int width = 200 + random.nextInt(1800);
            String imageId = hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
            long category = random.nextInt(5) == 0 ? Category.DEFAULT_ID : categories.get(random.nextInt(categories.size()));
            String urlToken = hex.toHexDigits(random.nextLong()) + hex.toHexDigits((short) random.nextInt());
            String title = "item-" + n + " " + COLOURS.get(random.nextInt(COLOURS.size())) + " "
                    + PRODUCTS.get(random.nextInt(PRODUCTS.size()));
            int height = width * (2 + random.nextInt(3)) / 4;
            long size = (long) Math.exp(minLog + random.nextDouble() * (maxLog - minLog));
            String clientType = random.nextInt(10) == 0 ? "client:phone" : "client:computer";
            long modified = random.nextInt(4) == 0 ? Math.min(end, t + random.nextLong(Duration.ofDays(30).toMillis())) : t;
            sink.accept(new Row(pictureId, imageId, category, urlToken, title, width, height, size, "IMG_" + n + ".jpg",
                    clientType, t, modified));
            if (n % 250_000 == 0) System.err.printf("  %,d rows%n", n);
        }
    }

    /** Keep the books the way picspace keeps them: one reference per picture row, used space = live sizes, live count. */
    static void fixBooks(Connection c, Seed seed) throws SQLException {
        String key = seed.picture().blobKey();
        long tenant = seed.tenantId();
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE stored_blob SET ref_count = (SELECT COUNT(*) FROM picture WHERE blob_key = '" + key
                    + "'), zero_since = NULL WHERE blob_key = '" + key + "'");
            s.executeUpdate("UPDATE tenant SET used_bytes = (SELECT SUM(size_bytes) FROM picture WHERE tenant_id = "
                    + tenant + " AND deleted = 0 AND status = 'normal') WHERE id = " + tenant);
            s.executeUpdate("UPDATE tenant SET live_pictures = (SELECT COUNT(*) FROM picture WHERE tenant_id = "
                    + tenant + " AND deleted = 0) WHERE id = " + tenant);
        }
    }

    /** picspace's own consistency check over the result: counts, usage and the blob. */
    static void requireClean(Settings settings) {
        Fsck.Report report;
        try (Picspace p = new Picspace(settings, Clock.systemUTC())) {
            report = p.fsck().run(false, Duration.ofHours(1), null);
        }
        if (!report.clean()) throw new IllegalStateException("fsck finds the bench database inconsistent: " + report);
    }

    /** The applied migrations (version and checksum): a new or changed migration means a new database. */
    static String schemaFingerprint(Connection c) throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM flyway_schema_history WHERE success = "
                     + (c.getMetaData().getDatabaseProductName().equals("PostgreSQL") ? "true" : "1") + " ORDER BY installed_rank")) {
            while (rs.next()) b.append(rs.getString(1)).append(':').append(rs.getString(2)).append(';');
        }
        return b.toString();
    }

    static long[] createdRange(Connection c, long tenantId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT MIN(created), MAX(created) FROM picture WHERE tenant_id = ?")) {
            p.setLong(1, tenantId);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    static int bind(PreparedStatement p, List<Object> values, int first) throws SQLException {
        int i = first;
        for (Object v : values) p.setObject(i++, v);
        return i;
    }

    static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    static void store(Path file, Properties p) throws IOException {
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "the bench's 1M-picture database; delete this directory to rebuild it");
        }
    }

    /** The marker's description when it was written for {@code schema} and this many pictures, else null. */
    static String cached(Properties marker, String schema) {
        return schema != null && schema.equals(marker.getProperty("schema"))
                && String.valueOf(QueryBench.PICTURES).equals(marker.getProperty("pictures")) ? marker.getProperty("description") : null;
    }

    // ------------------------------------------------------------------ SQLite + files

    /** The embedded default: SQLite in DIR/meta.db, the seed's bytes under DIR/blobs. */
    static final class Sqlite extends QueryDatabase {
        private static final int BATCH = 10_000;
        private final Path dir;

        Sqlite(Path dir) { this.dir = dir; }

        @Override Map<String, String> settings() { return Map.of("data", dir.toString()); }

        @Override Database.Dialect dialect() { return Database.Dialect.SQLITE; }

        @Override String driverDescription() {
            return "sqlite-jdbc on one connection opened like the server's readers";
        }

        @Override String explainName() { return "EXPLAIN QUERY PLAN"; }

        @Override
        String ensure() throws Exception {
            Path marker = dir.resolve(MARKER);
            if (Files.exists(marker)) {
                String schema;
                // Opening it through picspace applies any migration this build has and the cache
                // has not; the fingerprint then tells that it changed.
                try (Picspace migrated = new Picspace(picspaceSettings(), Clock.systemUTC()); Connection c = readerConnection()) {
                    schema = schemaFingerprint(c);
                } catch (RuntimeException | SQLException unusable) {
                    schema = null;
                }
                String description = cached(load(marker), schema);
                if (description != null) return description;
                System.err.println("the cached query database is for another schema; rebuilding it");
            }
            return build();
        }

        private String build() throws Exception {
            BenchServer.deleteRecursively(dir);
            Files.createDirectories(dir);
            long started = System.nanoTime();
            Seed seed = seed(picspaceSettings());
            System.err.println("query database: schema, tenant and seed picture made by picspace; bulk-inserting…");

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("meta.db"))) {
                try (Statement s = c.createStatement()) {
                    // A throw-away build: no durability, no rollback journal, a big cache.
                    s.execute("PRAGMA journal_mode = OFF");
                    s.execute("PRAGMA synchronous = OFF");
                    s.execute("PRAGMA cache_size = -1000000");
                    s.execute("PRAGMA temp_store = MEMORY");
                    s.execute("PRAGMA locking_mode = EXCLUSIVE");
                }
                // Rows go in first and the migrations' own index definitions are replayed after:
                // building an index by sorting once is far faster than a million random inserts into each.
                Map<String, String> indexes = new LinkedHashMap<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                             + "AND tbl_name = 'picture' AND sql IS NOT NULL ORDER BY name")) {
                    while (rs.next()) indexes.put(rs.getString(1), rs.getString(2));
                }
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    for (String name : indexes.keySet()) s.execute("DROP INDEX " + name);
                }
                insertPictures(c, seed);
                try (Statement s = c.createStatement()) {
                    for (String ddl : indexes.values()) s.execute(ddl);
                }
                fixBooks(c, seed);
                c.commit();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                    s.execute("PRAGMA locking_mode = NORMAL");
                    s.execute("PRAGMA journal_mode = WAL"); // as picspace's connections expect it
                }
            }
            double insertSeconds = (System.nanoTime() - started) / 1e9;
            requireClean(picspaceSettings());

            long bytes = Files.size(dir.resolve("meta.db"));
            String schema;
            try (Connection c = readerConnection()) {
                schema = schemaFingerprint(c);
            }
            String description = String.format(DESCRIPTION + "ANALYZEd; fsck clean; meta.db %,d MB (built in %.0f s, fsck %.0f s).",
                    QueryBench.PICTURES, QueryBench.PICTURES, bytes >> 20, insertSeconds, (System.nanoTime() - started) / 1e9 - insertSeconds);
            Properties p = new Properties();
            p.setProperty("schema", schema);
            p.setProperty("pictures", String.valueOf(QueryBench.PICTURES));
            p.setProperty("description", description);
            store(dir.resolve(MARKER), p);
            return description;
        }

        private static void insertPictures(Connection c, Seed seed) throws Exception {
            String sql = "INSERT INTO picture (" + QueryBench.SqlReference.PICTURE_COLUMNS + ") VALUES "
                    + "(?, ?, ?, ?, ?, ?, NULL, NULL, 'default', 'normal', 'jpg', ?, ?, 1, ?, ?, ?, ?, ?, 0, 0, NULL, ?, ?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int[] n = {0};
                generateRows(seed, r -> {
                    ps.setLong(1, r.pictureId());
                    ps.setString(2, r.imageId());
                    ps.setLong(3, seed.tenantId());
                    ps.setLong(4, r.categoryId());
                    ps.setString(5, r.urlToken());
                    ps.setString(6, r.title());
                    ps.setInt(7, r.width());
                    ps.setInt(8, r.height());
                    ps.setLong(9, r.sizeBytes());
                    ps.setString(10, seed.picture().md5());
                    ps.setString(11, seed.picture().blobKey());
                    ps.setString(12, r.originalFileName());
                    ps.setString(13, r.clientType());
                    ps.setLong(14, r.created());
                    ps.setLong(15, r.modified());
                    ps.addBatch();
                    if (++n[0] % BATCH == 0) ps.executeBatch();
                });
                ps.executeBatch();
            }
        }

        /** A connection set up as the server's readers are (Database.sqliteDataSource, the reader pool's init SQL). */
        @Override
        Connection readerConnection() throws SQLException {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(30_000);
            Connection c = config.createConnection("jdbc:sqlite:" + dir.resolve("meta.db"));
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA query_only = 1");
            }
            return c;
        }

        @Override
        String explain(Connection c, String sql, List<Object> params) throws SQLException {
            List<String> steps = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                bind(p, params, 1);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) steps.add(rs.getString("detail"));
                }
            }
            return String.join("; ", steps);
        }
    }

    // ------------------------------------------------------------------ PostgreSQL + S3

    /**
     * PostgreSQL + S3 on {@link PgS3}: the PostgreSQL data directory is DIR/pgdata (kept between
     * runs, like the SQLite file), picspace's local data (staging) DIR/data. The S3Proxy bucket is
     * new in every run; a cached database gets its one blob, the seed's bytes (made again from the
     * same seed, and checked to have the same sha256), put back into it before use.
     */
    static final class Postgres extends QueryDatabase {
        static final String DATABASE = "picspace_bench_1m";
        private static final int COPY_CHUNK = 1 << 20;
        private final Path dir;
        private final PgS3 servers;
        private final Map<String, String> settings;

        Postgres(Path dir) throws Exception {
            this.dir = dir;
            Files.createDirectories(dir);
            this.servers = PgS3.start(dir.resolve("pgdata"));
            this.settings = servers.settings(dir.resolve("data"), DATABASE, servers.freshBucketUri());
        }

        @Override Map<String, String> settings() { return settings; }

        @Override Database.Dialect dialect() { return Database.Dialect.POSTGRESQL; }

        @Override String driverDescription() {
            return "pgjdbc on one connection to the same PostgreSQL, set up as the server's pool (READ COMMITTED, auto-commit)";
        }

        @Override String explainName() { return "EXPLAIN (COSTS OFF)"; }

        @Override String storesLine() throws SQLException { return servers.describe(); }

        @Override
        String ensure() throws Exception {
            Path marker = dir.resolve(MARKER);
            if (Files.exists(marker) && servers.databaseExists(DATABASE)) {
                Properties p = load(marker);
                String schema;
                try (Picspace migrated = new Picspace(picspaceSettings(), Clock.systemUTC()); Connection c = readerConnection()) {
                    schema = schemaFingerprint(c);
                    if (cached(p, schema) != null && !restoreSeedBlob(migrated, p.getProperty("seed-blob"))) schema = null;
                } catch (RuntimeException | SQLException unusable) {
                    System.err.println("the cached query database cannot be used (" + unusable + "); rebuilding it");
                    schema = null;
                }
                String description = cached(p, schema);
                if (description != null) return description;
                System.err.println("the cached PostgreSQL query database is for another schema; rebuilding it");
            }
            return build();
        }

        /** Puts the seed's bytes into this run's bucket; false when they no longer hash to the cached key. */
        private static boolean restoreSeedBlob(Picspace p, String key) {
            byte[] bytes = seedBytes();
            BlobStore.StagedBlob staged = p.blobs().stage(new ByteArrayInputStream(bytes), bytes.length);
            try {
                if (!staged.sha256().equals(key)) return false;
                p.blobs().commit(staged);
                return true;
            } finally {
                p.blobs().discard(staged);
            }
        }

        private String build() throws Exception {
            Files.deleteIfExists(dir.resolve(MARKER));
            BenchServer.deleteRecursively(dir.resolve("data"));
            long started = System.nanoTime();
            String url = servers.freshDatabase(DATABASE);
            Seed seed = seed(picspaceSettings());
            System.err.println("query database (PostgreSQL): schema, tenant and seed picture made by picspace; COPY…");
            double copySeconds, indexSeconds, vacuumSeconds;
            try (Connection c = DriverManager.getConnection(url)) {
                try (Statement s = c.createStatement()) {
                    // the build only: index builds sort in memory; its one commit need not wait for the disk
                    s.execute("SET maintenance_work_mem = '512MB'");
                    s.execute("SET synchronous_commit = off");
                }
                // As for SQLite: rows first, then the migrations' own index definitions replayed
                // (the primary key stays: ids arrive in ascending order). The foreign keys go too
                // and are added again, which checks all rows in one join instead of 2,000,000 lookups.
                Map<String, String> indexes = new LinkedHashMap<>(), foreignKeys = new LinkedHashMap<>();
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                            + "AND tablename = 'picture' AND indexname NOT IN (SELECT conname FROM pg_constraint "
                            + "WHERE conrelid = 'picture'::regclass) ORDER BY indexname")) {
                        while (rs.next()) indexes.put(rs.getString(1), rs.getString(2));
                    }
                    try (ResultSet rs = s.executeQuery("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                            + "WHERE conrelid = 'picture'::regclass AND contype = 'f' ORDER BY conname")) {
                        while (rs.next()) foreignKeys.put(rs.getString(1), rs.getString(2));
                    }
                }
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    for (String name : foreignKeys.keySet()) s.execute("ALTER TABLE picture DROP CONSTRAINT " + name);
                    for (String name : indexes.keySet()) s.execute("DROP INDEX " + name);
                }
                long t0 = System.nanoTime();
                copyPictures(c, seed);
                long t1 = System.nanoTime();
                try (Statement s = c.createStatement()) {
                    for (String ddl : indexes.values()) s.execute(ddl);
                    for (Map.Entry<String, String> fk : foreignKeys.entrySet())
                        s.execute("ALTER TABLE picture ADD CONSTRAINT " + fk.getKey() + " " + fk.getValue());
                }
                fixBooks(c, seed);
                c.commit();
                long t2 = System.nanoTime();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    // ANALYZE for the planner; VACUUM sets the visibility map (index-only scans, as on a
                    // table autovacuum has seen) and keeps autovacuum from starting during a measurement
                    s.execute("VACUUM ANALYZE");
                    s.execute("CHECKPOINT");
                }
                long t3 = System.nanoTime();
                copySeconds = (t1 - t0) / 1e9;
                indexSeconds = (t2 - t1) / 1e9;
                vacuumSeconds = (t3 - t2) / 1e9;
            }
            double buildSeconds = (System.nanoTime() - started) / 1e9;
            requireClean(picspaceSettings());
            double fsckSeconds = (System.nanoTime() - started) / 1e9 - buildSeconds;

            long bytes;
            String schema;
            try (Connection c = readerConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
                rs.next();
                bytes = rs.getLong(1);
                schema = schemaFingerprint(c);
            }
            String description = String.format(DESCRIPTION + "VACUUM ANALYZEd; fsck clean; database %,d MB (built in %.0f s: "
                            + "migrations, tenant and seed upload %.0f s, COPY %.0f s, indexes and foreign keys %.0f s, VACUUM ANALYZE "
                            + "and CHECKPOINT %.0f s; fsck %.0f s).", QueryBench.PICTURES, QueryBench.PICTURES, bytes >> 20,
                    buildSeconds, buildSeconds - copySeconds - indexSeconds - vacuumSeconds, copySeconds, indexSeconds,
                    vacuumSeconds, fsckSeconds);
            Properties p = new Properties();
            p.setProperty("schema", schema);
            p.setProperty("pictures", String.valueOf(QueryBench.PICTURES));
            p.setProperty("seed-blob", seed.picture().blobKey());
            p.setProperty("description", description);
            store(dir.resolve(MARKER), p);
            return description;
        }

        /** COPY … FROM STDIN in text format (no value here holds a tab, newline or backslash). */
        private static void copyPictures(Connection c, Seed seed) throws Exception {
            CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY picture (" + QueryBench.SqlReference.PICTURE_COLUMNS + ") FROM STDIN");
            String constant1 = "\t" + seed.tenantId() + "\t", md5 = seed.picture().md5(), blob = seed.picture().blobKey();
            StringBuilder b = new StringBuilder(COPY_CHUNK + 4096);
            try {
                generateRows(seed, r -> {
                    b.append(r.pictureId()).append('\t').append(r.imageId()).append(constant1).append(r.categoryId()).append('\t')
                            .append(r.urlToken()).append('\t').append(r.title()).append("\t\\N\t\\N\tdefault\tnormal\tjpg\t")
                            .append(r.width()).append('\t').append(r.height()).append("\t1\t").append(r.sizeBytes()).append('\t')
                            .append(md5).append('\t').append(blob).append('\t').append(r.originalFileName()).append('\t')
                            .append(r.clientType()).append("\t0\t0\t\\N\t").append(r.created()).append('\t').append(r.modified())
                            .append('\n');
                    if (b.length() >= COPY_CHUNK) flush(copy, b);
                });
                flush(copy, b);
                copy.endCopy();
            } finally {
                if (copy.isActive()) copy.cancelCopy();
            }
        }

        private static void flush(CopyIn copy, StringBuilder b) throws SQLException {
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            b.setLength(0);
        }

        /** As Database.postgresConfig sets up the server's pool: READ COMMITTED, auto-commit, the same driver properties. */
        @Override
        Connection readerConnection() throws SQLException {
            Properties p = new Properties();
            p.setProperty("logServerErrorDetail", "false");
            p.setProperty("ApplicationName", "picspace-bench-sql");
            Connection c = DriverManager.getConnection(settings.get("db"), p);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(true);
            return c;
        }

        @Override
        String explain(Connection c, String sql, List<Object> params) throws SQLException {
            StringBuilder plan = new StringBuilder();
            try (PreparedStatement p = c.prepareStatement("EXPLAIN (COSTS OFF) " + sql)) {
                bind(p, params, 1);
                try (ResultSet rs = p.executeQuery()) {
                    // one node per "->" line, its conditions on the lines below it
                    while (rs.next()) {
                        String line = rs.getString(1).trim();
                        if (plan.length() > 0) plan.append(line.startsWith("->") ? " → " : "; ");
                        plan.append(line.replaceFirst("^-> +", ""));
                    }
                }
            }
            return plan.toString();
        }

        @Override
        public void close() throws Exception {
            servers.close();
        }
    }
}
