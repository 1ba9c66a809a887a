package dev.picspace.bench;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.app.Picspace;
import dev.picspace.app.Settings;
import dev.picspace.domain.Category;
import dev.picspace.domain.Fsck;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.domain.UploadSpec;
import dev.picspace.gateway.top.TopTimestamp;
import dev.picspace.store.StoreSqlText;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureGetResponse;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * taobao.picture.get latency with 1,000,000 pictures in one space, each query beside the same
 * SQL (the SELECT page and the COUNT(*) that SqlMetadataStore sends) run directly through JDBC
 * on the same SQLite file.
 *
 * <p>The database is made by picspace itself (Flyway migrations, a tenant, categories and one
 * real upload through PictureSpace) and then filled by bulk JDBC inserts that point every other
 * picture at that upload's blob; it is kept under bench/out and rebuilt only when the schema
 * changes.
 */
public final class QueryBench {
    private QueryBench() {}

    static final int PICTURES = 1_000_000;
    static final String NICK = "bench-1m";
    /** The title filter: one colour-product pair of 50 × 50, so a few hundred titles carry it. */
    static final String TITLE_TERM = "amber kettle";

    /** Warm-up: at least this many calls and this long (so the JIT has settled on fast queries too), within its budget. */
    static final int WARM_UP_CALLS = 20;
    static final Duration WARM_UP_TIME = Duration.ofSeconds(3), WARM_UP_BUDGET = Duration.ofSeconds(8);
    static final int MEASURED_CALLS = 200;
    /** For both series together; with the warm-up it keeps each server's life under a minute. */
    static final Duration MEASURED_BUDGET = Duration.ofSeconds(40);
    static final double SLOW_P99_MILLIS = 100;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/out/query-db").toAbsolutePath();
        long buildStarted = System.nanoTime();
        String built = QueryDatabase.ensure(dir);
        double buildSeconds = (System.nanoTime() - buildStarted) / 1e9;

        Settings settings = Settings.load(Map.of("data", dir.toString(), "port", "0", "host", "127.0.0.1"), Map.of(), null);
        long tenantId;
        TopCredentials creds;
        Instant firstCreated, lastCreated;
        try (Picspace p = new Picspace(settings, Clock.systemUTC())) {
            Tenant t = p.metadata().findTenantByNick(NICK).orElseThrow();
            tenantId = t.id();
            creds = p.metadata().findTopCredentialsOfTenant(tenantId).orElseThrow();
        }
        try (Connection sql = QueryDatabase.readerConnection(dir)) {
            long[] range = QueryDatabase.createdRange(sql, tenantId);
            firstCreated = Instant.ofEpochMilli(range[0]);
            lastCreated = Instant.ofEpochMilli(range[1]);
        }

        // A month a year into the two years of data, on whole seconds: TOP dates have no milliseconds.
        Instant monthFrom = firstCreated.plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Instant monthTo = monthFrom.plus(30, ChronoUnit.DAYS);
        List<Scenario> scenarios = List.of(
                new Scenario("no filter (page 1 of 40, time:desc)", Map.of("page_no", "1", "page_size", "40"),
                        query(null, null, null, PictureQuery.Order.TIME_DESC, 1, 40)),
                new Scenario("title filter '" + TITLE_TERM + "'", Map.of("title", TITLE_TERM, "page_size", "40"),
                        query(TITLE_TERM, null, null, PictureQuery.Order.TIME_DESC, 1, 40)),
                new Scenario("30-day start_date/end_date, sizes:asc",
                        Map.of("start_date", TopTimestamp.format(monthFrom), "end_date", TopTimestamp.format(monthTo),
                                "order_by", "sizes:asc", "page_size", "40"),
                        query(null, monthFrom, monthTo, PictureQuery.Order.SIZE_ASC, 1, 40)),
                new Scenario("page_no=2500, page_size=40 (no filter)", Map.of("page_no", "2500", "page_size", "40"),
                        query(null, null, null, PictureQuery.Order.TIME_DESC, 2500, 40)));

        Markdown table = new Markdown("query", "rows matched", "API n", "API p50 ms", "API p99 ms", "SQL n", "SQL p50 ms",
                "SQL p99 ms", "API ÷ SQL (p50)", "API − SQL (p50) ms", "");
        List<String> plans = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        for (Scenario s : scenarios) {
            SqlReference ref = SqlReference.of(tenantId, s.query());
            // A fresh server per scenario: PicspaceServer's background sweep (fsck over every
            // picture) first runs a minute after start, and must not land inside a measurement.
            // API and SQL calls alternate, so that whatever else the machine does falls on both.
            Latencies api = new Latencies(), direct = new Latencies();
            long apiTotal, sqlTotal;
            try (BenchServer server = new BenchServer(dir, Map.of()); Connection c = QueryDatabase.readerConnection(dir)) {
                DefaultTaobaoClient client = BenchServer.client(server.topUrl(), creds);
                Call apiCall = () -> apiCall(client, creds, s), sqlCall = () -> ref.run(c);
                warmUp(apiCall, sqlCall);
                apiTotal = apiCall.run();
                sqlTotal = sqlCall.run();
                long deadline = System.nanoTime() + MEASURED_BUDGET.toNanos();
                for (int i = 0; i < MEASURED_CALLS && System.nanoTime() < deadline; i++) {
                    timed(apiCall, api);
                    timed(sqlCall, direct);
                }
                plans.add("**" + s.name() + "**: page `" + ref.plan(c, true) + "`; count `" + ref.plan(c, false) + "`");
            }
            if (apiTotal != sqlTotal)
                throw new IllegalStateException(s.name() + ": the API says " + apiTotal + " pictures, the SQL " + sqlTotal);
            boolean isSlow = api.p99() > SLOW_P99_MILLIS || direct.p99() > SLOW_P99_MILLIS;
            if (isSlow) slow.add(s.name());
            table.row(s.name(), apiTotal, api.count(), api.p50(), api.p99(), direct.count(), direct.p50(), direct.p99(),
                    Markdown.ratio(api.p50(), direct.p50()), api.p50() - direct.p50(), isSlow ? "**p99 > " + (int) SLOW_P99_MILLIS + " ms**" : "");
            System.err.printf("query %s: API p50 %.1f p99 %.1f ms, SQL p50 %.1f p99 %.1f ms%n", s.name(), api.p50(), api.p99(),
                    direct.p50(), direct.p99());
        }

        System.out.println("## taobao.picture.get with " + String.format("%,d", PICTURES) + " pictures in one space");
        System.out.println();
        table.print(System.out);
        System.out.println("- API: one real DefaultTaobaoClient (JSON, hmac-sha256) calling picspace in this JVM over 127.0.0.1, "
                + "one call at a time; latency is the whole call as the client sees it (signing, HTTP, authentication, "
                + "the page query and the count, rendering, parsing).");
        System.out.println("- SQL: the same SELECT … LIMIT/OFFSET page and COUNT(*) that SqlMetadataStore sends (text checked against "
                + "the store's own builder), prepared and run through sqlite-jdbc on one connection opened like the server's "
                + "readers, every column of every row read.");
        System.out.println("- Each series: unmeasured warm-up (at least " + WARM_UP_CALLS + " calls and " + WARM_UP_TIME.toSeconds()
                + " s, at most " + WARM_UP_BUDGET.toSeconds() + " s), then " + MEASURED_CALLS + " measured, API and SQL "
                + "calls alternating, or fewer if " + MEASURED_BUDGET.toSeconds() + " s run out (n says how many). "
                + "Each query gets a fresh server (PicspaceServer's background sweep first runs a minute after start).");
        System.out.println("- Database: " + built + (buildSeconds > 5 ? String.format(" Built in this run in %.0f s.", buildSeconds)
                : " Reused from the cache."));
        System.out.println("- Created times span " + TopTimestamp.format(firstCreated) + " to " + TopTimestamp.format(lastCreated)
                + " (GMT+8); the date range is " + TopTimestamp.format(monthFrom) + " to " + TopTimestamp.format(monthTo) + ".");
        System.out.println("- Query plans (EXPLAIN QUERY PLAN):");
        for (String p : plans) System.out.println("  - " + p);
        if (!slow.isEmpty()) System.out.println("- Slow (p99 over " + (int) SLOW_P99_MILLIS + " ms): " + String.join("; ", slow) + ".");
        System.out.println();
    }

    record Scenario(String name, Map<String, String> topParams, PictureQuery query) {}

    private static PictureQuery query(String title, Instant from, Instant to, PictureQuery.Order order, int pageNo, int pageSize) {
        return new PictureQuery(null, null, null, null, title, from, to, null, null, order, pageNo, pageSize);
    }

    /** @return totalResults, after checking the call succeeded and returned a full page */
    private static long apiCall(DefaultTaobaoClient client, TopCredentials creds, Scenario s) throws Exception {
        PictureRequest<PictureGetResponse> r = new PictureRequest<>("taobao.picture.get", PictureGetResponse.class);
        s.topParams().forEach(r::param);
        PictureGetResponse rsp = client.execute(r, creds.session());
        if (!rsp.isSuccess()) throw new IllegalStateException(s.name() + " failed: " + rsp.getBody());
        int expected = (int) Math.max(0, Math.min(s.query().pageSize(), rsp.getTotalResults() - s.query().offset()));
        int got = rsp.getPictures() == null ? 0 : rsp.getPictures().size();
        if (got != expected) throw new IllegalStateException(s.name() + ": " + got + " pictures on the page, expected " + expected);
        return rsp.getTotalResults();
    }

    @FunctionalInterface
    interface Call {
        long run() throws Exception;
    }

    static void warmUp(Call... calls) throws Exception {
        long started = System.nanoTime();
        long enough = started + WARM_UP_TIME.toNanos(), budget = started + WARM_UP_BUDGET.toNanos();
        for (int i = 0; (i < WARM_UP_CALLS || System.nanoTime() < enough) && System.nanoTime() < budget; i++)
            for (Call c : calls) c.run();
    }

    static void timed(Call call, Latencies into) throws Exception {
        long t0 = System.nanoTime();
        call.run();
        into.add(System.nanoTime() - t0);
    }

    /**
     * What SqlMetadataStore sends for a picture query, copied here as text (see
     * SqlMetadataStore.pictureSelect / pictureWhere / countPictures and SqlRows.PICTURE_COLUMNS),
     * with JDBC placeholders for its named parameters. {@link #of} refuses to run when the copy
     * no longer matches the store's own builder.
     */
    static final class SqlReference {
        static final String PICTURE_COLUMNS = "picture_id, image_id, tenant_id, category_id, url_token, title, description, "
                + "tags, image_type, status, format, width, height, frames, size_bytes, md5, blob_key, original_file_name, "
                + "client_type, referenced, deleted, deleted_at, created, modified";

        final String select, count;
        final List<Object> whereParams;
        final List<Object> countParams;
        final List<Object> pageParams;

        private SqlReference(String select, String count, List<Object> whereParams, List<Object> countParams,
                             List<Object> pageParams) {
            this.select = select;
            this.count = count;
            this.whereParams = whereParams;
            this.countParams = countParams;
            this.pageParams = pageParams;
        }

        static SqlReference of(long tenantId, PictureQuery q) {
            StringBuilder where = new StringBuilder(" WHERE tenant_id = ? AND deleted = ?");
            List<Object> params = new ArrayList<>(List.of(tenantId, 0));
            if (q.titleLike() != null) {
                // the bench's terms hold none of % _ !, so the store takes its trigram index (sqlite V3)
                where.append(" AND picture_id IN (SELECT rowid FROM picture_title WHERE picture_title.title LIKE ?)");
                params.add("%" + q.titleLike() + "%");
            }
            if (q.createdFrom() != null) { where.append(" AND created >= ?"); params.add(q.createdFrom().toEpochMilli()); }
            if (q.createdTo() != null) { where.append(" AND created <= ?"); params.add(q.createdTo().toEpochMilli()); }
            String order = switch (q.order()) {
                case TIME_DESC -> "created DESC, picture_id DESC";
                case TIME_ASC -> "created ASC, picture_id ASC";
                case SIZE_DESC -> "size_bytes DESC, picture_id DESC";
                case SIZE_ASC -> "size_bytes ASC, picture_id ASC";
            };
            String select = "SELECT " + PICTURE_COLUMNS + " FROM picture" + where + " ORDER BY " + order + " LIMIT ? OFFSET ?";
            // the whole live space is counted from the tenant row (common V4), anything narrower by COUNT(*)
            boolean wholeSpace = q.titleLike() == null && q.createdFrom() == null && q.createdTo() == null;
            String count = wholeSpace ? "SELECT live_pictures FROM tenant WHERE id = ?" : "SELECT COUNT(*) FROM picture" + where;
            requireSame(select, StoreSqlText.select(tenantId, q));
            requireSame(count, StoreSqlText.count(tenantId, q));
            return new SqlReference(select, count, params, wholeSpace ? List.of(tenantId) : params,
                    List.of(q.pageSize(), q.offset()));
        }

        private static void requireSame(String ours, String store) {
            String storeWithPlaceholders = store.replaceAll(":[A-Za-z][A-Za-z0-9]*", "?");
            if (!ours.equals(storeWithPlaceholders))
                throw new IllegalStateException("SqlMetadataStore's SQL changed; update QueryBench.SqlReference.\n  store: "
                        + storeWithPlaceholders + "\n  bench: " + ours);
        }

        /** Runs the page and the count, reading every column of every row; @return the count */
        long run(Connection c) throws SQLException {
            long sink = 0;
            try (PreparedStatement page = c.prepareStatement(select)) {
                int i = bind(page, whereParams, 1);
                bind(page, pageParams, i);
                try (ResultSet rs = page.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) for (int col = 1; col <= columns; col++) sink += rs.getObject(col) == null ? 0 : 1;
                }
            }
            if (sink < 0) throw new AssertionError();
            try (PreparedStatement total = c.prepareStatement(count)) {
                bind(total, countParams, 1);
                try (ResultSet rs = total.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        String plan(Connection c, boolean page) throws SQLException {
            List<String> steps = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("EXPLAIN QUERY PLAN " + (page ? select : count))) {
                int i = bind(p, page ? whereParams : countParams, 1);
                if (page) bind(p, pageParams, i);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) steps.add(rs.getString("detail"));
                }
            }
            return String.join("; ", steps);
        }

        private static int bind(PreparedStatement p, List<Object> values, int first) throws SQLException {
            int i = first;
            for (Object v : values) p.setObject(i++, v);
            return i;
        }
    }

    /** The 1,000,000-picture database: built once, then reused while the schema stays the same. */
    static final class QueryDatabase {
        private static final String MARKER = "bench-database.properties";
        private static final long SNOWFLAKE_EPOCH = 1_577_836_800_000L; // IdGenerator's: 2020-01-01
        private static final int BATCH = 10_000;

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

        private QueryDatabase() {}

        /** Builds the database unless the cached one was built for the same schema; @return a description */
        static String ensure(Path dir) throws Exception {
            Path marker = dir.resolve(MARKER);
            String schema = null;
            if (Files.exists(marker)) {
                // Opening it through picspace applies any migration this build has and the cache
                // has not; the fingerprint then tells that it changed.
                try (Picspace migrated = new Picspace(Settings.load(Map.of("data", dir.toString()), Map.of(), null), Clock.systemUTC());
                     Connection c = readerConnection(dir)) {
                    schema = schemaFingerprint(c);
                } catch (RuntimeException | SQLException unusable) {
                    schema = null;
                }
                Properties p = load(marker);
                if (schema != null && schema.equals(p.getProperty("schema")) && String.valueOf(PICTURES).equals(p.getProperty("pictures")))
                    return p.getProperty("description");
                System.err.println("the cached query database is for another schema; rebuilding it");
            }
            return build(dir);
        }

        private static String build(Path dir) throws Exception {
            BenchServer.deleteRecursively(dir);
            Files.createDirectories(dir);
            long started = System.nanoTime();
            Settings settings = Settings.load(Map.of("data", dir.toString()), Map.of(), null);
            long tenantId;
            Picture seed;
            List<Long> categories = new ArrayList<>();
            try (Picspace p = new Picspace(settings, Clock.systemUTC())) {
                Tenant t = p.space().createTenant(NICK, 4L << 40, 0, null, false); // 4 TiB: 1M pictures of up to 3 MB fit
                tenantId = t.id();
                for (String name : List.of("shoes", "bags", "jewellery", "home", "outerwear", "summer", "winter", "sale"))
                    categories.add(p.space().addCategory(tenantId, name, 0).id());
                // One real upload: its blob row and file are what every bulk row points at.
                seed = p.space().upload(tenantId, new ByteArrayInputStream(BenchImages.noisyJpeg(50_000, 7)),
                        new UploadSpec("seed.jpg", "item-0 seed", Category.DEFAULT_ID, null, null, null, null));
            }
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
                insertPictures(c, tenantId, seed, categories);
                try (Statement s = c.createStatement()) {
                    for (String ddl : indexes.values()) s.execute(ddl);
                    // Keep the books the way picspace keeps them: one reference per picture row, used space = live sizes.
                    s.executeUpdate("UPDATE stored_blob SET ref_count = (SELECT COUNT(*) FROM picture WHERE blob_key = '"
                            + seed.blobKey() + "'), zero_since = NULL WHERE blob_key = '" + seed.blobKey() + "'");
                    s.executeUpdate("UPDATE tenant SET used_bytes = (SELECT SUM(size_bytes) FROM picture WHERE tenant_id = "
                            + tenantId + " AND deleted = 0 AND status = 'normal') WHERE id = " + tenantId);
                    s.executeUpdate("UPDATE tenant SET live_pictures = (SELECT COUNT(*) FROM picture WHERE tenant_id = "
                            + tenantId + " AND deleted = 0) WHERE id = " + tenantId);
                }
                c.commit();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                    s.execute("PRAGMA locking_mode = NORMAL");
                    s.execute("PRAGMA journal_mode = WAL"); // as picspace's connections expect it
                }
            }
            double insertSeconds = (System.nanoTime() - started) / 1e9;

            // picspace's own consistency check over the result: counts, usage and the blob file.
            Fsck.Report report;
            try (Picspace p = new Picspace(settings, Clock.systemUTC())) {
                report = p.fsck().run(false, Duration.ofHours(1), null);
            }
            if (!report.clean()) throw new IllegalStateException("fsck finds the bench database inconsistent: " + report);

            long bytes = Files.size(dir.resolve("meta.db"));
            String schema;
            try (Connection c = readerConnection(dir)) {
                schema = schemaFingerprint(c);
            }
            String description = String.format("%,d live pictures in one tenant, created over two years, titles "
                            + "'item-<n> <colour> <product>' (50 × 50 pairs), sizes 10 KB–3 MB log-uniform, 8 categories + default, "
                            + "10%% client:phone; all share one real blob (ref_count %,d); ANALYZEd; fsck clean; meta.db %,d MB "
                            + "(built in %.0f s, fsck %.0f s).", PICTURES, PICTURES, bytes >> 20, insertSeconds,
                    (System.nanoTime() - started) / 1e9 - insertSeconds);
            Properties p = new Properties();
            p.setProperty("schema", schema);
            p.setProperty("pictures", String.valueOf(PICTURES));
            p.setProperty("description", description);
            try (var w = Files.newBufferedWriter(dir.resolve(MARKER), StandardCharsets.UTF_8)) {
                p.store(w, "the bench's 1M-picture database; delete this directory to rebuild it");
            }
            return description;
        }

        /** Every row but the seed: realistic values for every column the schema has (NOT NULL ones included). */
        private static void insertPictures(Connection c, long tenantId, Picture seed, List<Long> categories) throws SQLException {
            SplittableRandom random = new SplittableRandom(20_260_101);
            int rows = PICTURES - 1;
            long end = seed.created().toEpochMilli() - 60_000, start = end - Duration.ofDays(730).toMillis();
            long[] created = new long[rows];
            for (int i = 0; i < rows; i++) created[i] = start + random.nextLong(end - start);
            Arrays.sort(created); // uploaded over time: ids, like IdGenerator's, grow with creation

            String sql = "INSERT INTO picture (" + SqlReference.PICTURE_COLUMNS + ") VALUES "
                    + "(?, ?, ?, ?, ?, ?, NULL, NULL, 'default', 'normal', 'jpg', ?, ?, 1, ?, ?, ?, ?, ?, 0, 0, NULL, ?, ?)";
            HexFormat hex = HexFormat.of();
            double minLog = Math.log(10_240), maxLog = Math.log(3 * 1_048_576);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                long previous = -1, sequence = 0;
                for (int i = 0; i < rows; i++) {
                    long t = created[i];
                    sequence = t == previous ? sequence + 1 : 0;
                    previous = t;
                    long pictureId = ((t - SNOWFLAKE_EPOCH) << 22) | (1L << 12) | sequence;
                    int n = i + 1;
                    int width = 200 + random.nextInt(1800);
                    ps.setLong(1, pictureId);
                    ps.setString(2, hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong()));
                    ps.setLong(3, tenantId);
                    ps.setLong(4, random.nextInt(5) == 0 ? Category.DEFAULT_ID : categories.get(random.nextInt(categories.size())));
                    ps.setString(5, hex.toHexDigits(random.nextLong()) + hex.toHexDigits((short) random.nextInt()));
                    ps.setString(6, "item-" + n + " " + COLOURS.get(random.nextInt(COLOURS.size())) + " "
                            + PRODUCTS.get(random.nextInt(PRODUCTS.size())));
                    ps.setInt(7, width);
                    ps.setInt(8, width * (2 + random.nextInt(3)) / 4);
                    ps.setLong(9, (long) Math.exp(minLog + random.nextDouble() * (maxLog - minLog)));
                    ps.setString(10, seed.md5());
                    ps.setString(11, seed.blobKey());
                    ps.setString(12, "IMG_" + n + ".jpg");
                    ps.setString(13, random.nextInt(10) == 0 ? "client:phone" : "client:computer");
                    ps.setLong(14, t);
                    ps.setLong(15, random.nextInt(4) == 0 ? Math.min(end, t + random.nextLong(Duration.ofDays(30).toMillis())) : t);
                    ps.addBatch();
                    if (n % BATCH == 0) ps.executeBatch();
                    if (n % 250_000 == 0) System.err.printf("  %,d rows%n", n);
                }
                ps.executeBatch();
            }
        }

        /** The applied migrations (version and checksum): a new or changed migration means a new database. */
        private static String schemaFingerprint(Connection c) throws SQLException {
            StringBuilder b = new StringBuilder();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version, checksum FROM flyway_schema_history WHERE success = 1 "
                         + "ORDER BY installed_rank")) {
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

        /** A connection set up as the server's readers are (Database.sqliteDataSource, the reader pool's init SQL). */
        static Connection readerConnection(Path dir) throws SQLException {
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

        private static Properties load(Path file) throws IOException {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            return p;
        }
    }
}
