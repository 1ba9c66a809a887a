package dev.picspace.bench;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.app.Picspace;
import dev.picspace.app.Settings;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.gateway.top.TopTimestamp;
import dev.picspace.store.Database;
import dev.picspace.store.StoreSqlText;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureGetResponse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * taobao.picture.get latency with 1,000,000 pictures in one space, each query beside the same
 * SQL (the SELECT page and the COUNT(*) that SqlMetadataStore sends) run directly through JDBC
 * on the same database: the SQLite file, or with {@code -Dbench.stores=pg-s3} the same
 * PostgreSQL (see {@link QueryDatabase}, which builds and caches it).
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

    public static void main(String[] args) {
        BenchStores.exitAfter(() -> {
            BenchStores stores = BenchStores.selected();
            try (QueryDatabase db = QueryDatabase.open(stores, QueryDatabase.directory(stores, args))) {
                run(stores, db);
            }
        });
    }

    private static void run(BenchStores stores, QueryDatabase db) throws Exception {
        long buildStarted = System.nanoTime();
        String built = db.ensure();
        double buildSeconds = (System.nanoTime() - buildStarted) / 1e9;

        Settings settings = db.picspaceSettings();
        long tenantId;
        TopCredentials creds;
        Instant firstCreated, lastCreated;
        try (Picspace p = new Picspace(settings, Clock.systemUTC())) {
            Tenant t = p.metadata().findTenantByNick(NICK).orElseThrow();
            tenantId = t.id();
            creds = p.metadata().findTopCredentialsOfTenant(tenantId).orElseThrow();
        }
        try (Connection sql = db.readerConnection()) {
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
            SqlReference ref = SqlReference.of(db.dialect(), tenantId, s.query());
            // A fresh server per scenario: PicspaceServer's background sweep (fsck over every
            // picture) first runs a minute after start, and must not land inside a measurement.
            // API and SQL calls alternate, so that whatever else the machine does falls on both.
            Latencies api = new Latencies(), direct = new Latencies();
            long apiTotal, sqlTotal;
            try (BenchServer server = new BenchServer(db.settings()); Connection c = db.readerConnection()) {
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
                plans.add("**" + s.name() + "**: page `" + ref.plan(db, c, true) + "`; count `" + ref.plan(db, c, false) + "`");
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

        System.out.println("## taobao.picture.get with " + String.format("%,d", PICTURES) + " pictures in one space"
                + (stores == BenchStores.EMBEDDED ? "" : ", on " + stores.label));
        System.out.println();
        String servers = db.storesLine();
        if (servers != null) {
            System.out.println("Stores: " + servers + ".");
            System.out.println();
        }
        table.print(System.out);
        System.out.println("- API: one real DefaultTaobaoClient (JSON, hmac-sha256) calling picspace in this JVM over 127.0.0.1, "
                + "one call at a time; latency is the whole call as the client sees it (signing, HTTP, authentication, "
                + "the page query and the count, rendering, parsing).");
        System.out.println("- SQL: the same SELECT … LIMIT/OFFSET page and COUNT(*) that SqlMetadataStore sends (text checked against "
                + "the store's own builder for this database's dialect), prepared and run through " + db.driverDescription()
                + ", every column of every row read.");
        System.out.println("- Each series: unmeasured warm-up (at least " + WARM_UP_CALLS + " calls and " + WARM_UP_TIME.toSeconds()
                + " s, at most " + WARM_UP_BUDGET.toSeconds() + " s), then " + MEASURED_CALLS + " measured, API and SQL "
                + "calls alternating, or fewer if " + MEASURED_BUDGET.toSeconds() + " s run out (n says how many). "
                + "Each query gets a fresh server (PicspaceServer's background sweep first runs a minute after start).");
        System.out.println("- Database: " + built + (buildSeconds > 5 ? String.format(" Built in this run in %.0f s.", buildSeconds)
                : " Reused from the cache."));
        System.out.println("- Created times span " + TopTimestamp.format(firstCreated) + " to " + TopTimestamp.format(lastCreated)
                + " (GMT+8); the date range is " + TopTimestamp.format(monthFrom) + " to " + TopTimestamp.format(monthTo) + ".");
        System.out.println("- Query plans (" + db.explainName() + "):");
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

        static SqlReference of(Database.Dialect dialect, long tenantId, PictureQuery q) {
            StringBuilder where = new StringBuilder(" WHERE tenant_id = ? AND deleted = ?");
            List<Object> params = new ArrayList<>(List.of(tenantId, 0));
            if (q.titleLike() != null) {
                // the bench's terms hold none of % _ !, so the store takes its trigram index (V3):
                // SQLite's FTS5 trigram table, PostgreSQL's pg_trgm GIN index through ILIKE
                where.append(dialect == Database.Dialect.SQLITE
                        ? " AND picture_id IN (SELECT rowid FROM picture_title WHERE picture_title.title LIKE ?)"
                        : " AND title ILIKE ?");
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
            requireSame(select, StoreSqlText.select(dialect, tenantId, q));
            requireSame(count, StoreSqlText.count(dialect, tenantId, q));
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

        String plan(QueryDatabase db, Connection c, boolean page) throws SQLException {
            List<Object> params = new ArrayList<>(page ? whereParams : countParams);
            if (page) params.addAll(pageParams);
            return db.explain(c, page ? select : count, params);
        }

        private static int bind(PreparedStatement p, List<Object> values, int first) throws SQLException {
            int i = first;
            for (Object v : values) p.setObject(i++, v);
            return i;
        }
    }
}
