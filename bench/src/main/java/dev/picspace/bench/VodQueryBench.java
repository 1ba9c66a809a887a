package dev.picspace.bench;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.vod.model.v20170321.GetImageInfoRequest;
import com.aliyuncs.vod.model.v20170321.GetImageInfoResponse;
import com.aliyuncs.vod.model.v20170321.SearchMediaRequest;
import com.aliyuncs.vod.model.v20170321.SearchMediaResponse;
import dev.picspace.app.Picspace;
import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureSearch;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.VodCredentials;
import dev.picspace.gateway.vod.BenchScrollTokens;
import dev.picspace.store.Database;
import dev.picspace.store.StoreSqlText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GetImageInfo and SearchMedia latency with 1,000,000 images in one tenant, through the real
 * aliyun-java-sdk-vod client (DefaultAcsClient, RPC HMAC-SHA1, JSON), each beside the same SQL
 * the store sends (SqlMetadataStore's own builders) run through JDBC on the same database, as
 * QueryBench does for taobao.picture.get. Same 1,000,000-picture database as QueryBench (SQLite, or
 * with {@code -Dbench.stores=pg-s3} PostgreSQL + S3).
 */
public final class VodQueryBench {
    private VodQueryBench() {}

    /** What one scenario sends to the API, and the store calls it stands for. */
    record Scenario(String name, java.util.function.Supplier<AcsRequest<?>> request, SqlSteps sql) {}

    /** The SQL of one API call: statements run in turn; the last one's first column is compared with the API's count. */
    record SqlSteps(List<StoreSqlText.Jdbc> statements) {
        long run(Connection c) throws SQLException {
            long last = -1, sink = 0;
            for (StoreSqlText.Jdbc s : statements) {
                try (PreparedStatement p = c.prepareStatement(s.sql())) {
                    for (int i = 0; i < s.params().size(); i++) p.setObject(i + 1, s.params().get(i));
                    try (ResultSet rs = p.executeQuery()) {
                        int columns = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int col = 1; col <= columns; col++) sink += rs.getObject(col) == null ? 0 : 1;
                            last = rs.getLong(1);
                        }
                    }
                }
            }
            if (sink < 0) throw new AssertionError();
            return last;
        }

        String plan(QueryDatabase db, Connection c) throws SQLException {
            List<String> plans = new ArrayList<>();
            for (StoreSqlText.Jdbc s : statements) plans.add(db.explain(c, s.sql(), s.params()));
            return String.join(" | ", plans);
        }
    }

    public static void main(String[] args) {
        BenchStores.exitAfter(() -> {
            BenchStores stores = BenchStores.selected();
            try (QueryDatabase db = QueryDatabase.open(stores, QueryDatabase.directory(stores, args))) {
                run(stores, db);
            }
        });
    }

    private static void run(BenchStores stores, QueryDatabase db) throws Exception {
        Database.Dialect dialect = db.dialect();
        long buildStarted = System.nanoTime();
        String built = db.ensure();
        double buildSeconds = (System.nanoTime() - buildStarted) / 1e9;
        long tenantId;
        VodCredentials vod;
        long category;
        try (Picspace p = new Picspace(db.picspaceSettings(), Clock.systemUTC())) {
            Tenant t = p.metadata().findTenantByNick(QueryBench.NICK).orElseThrow();
            tenantId = t.id();
            vod = p.metadata().findVodCredentialsOfTenant(tenantId).orElseThrow();
            category = p.space().categories(tenantId, dev.picspace.domain.CategoryQuery.all()).stream()
                    .filter(c -> c.name().equals("shoes")).findFirst().orElseThrow().id();
        }
        List<String[]> sample = new ArrayList<>(); // ImageId, category id
        long[] range;
        PictureSearch.Position middle;
        try (Connection c = db.readerConnection()) {
            try (PreparedStatement p = c.prepareStatement("SELECT image_id, category_id FROM picture WHERE tenant_id = ? "
                    + "AND picture_id % 997 = 0 LIMIT 1000")) {
                p.setLong(1, tenantId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) sample.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
            range = QueryDatabase.createdRange(c, tenantId);
            try (PreparedStatement p = c.prepareStatement("SELECT created, picture_id FROM picture WHERE tenant_id = ? AND deleted = 0 "
                    + "ORDER BY created DESC, picture_id DESC LIMIT 1 OFFSET 500000")) {
                p.setLong(1, tenantId);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    middle = new PictureSearch.Position(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        Instant monthFrom = Instant.ofEpochMilli(range[0]).plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Instant monthTo = monthFrom.plus(30, ChronoUnit.DAYS);

        PictureSearch.Sort createdDesc = new PictureSearch.Sort(PictureFilter.TimeField.CREATED, true);
        PictureSearch.Sort createdAsc = new PictureSearch.Sort(PictureFilter.TimeField.CREATED, false);
        AtomicInteger next = new AtomicInteger();
        List<Scenario> scenarios = new ArrayList<>();
        // GetImageInfo: a different image every call; the SQL is the picture by ImageId and its category's name
        scenarios.add(new Scenario("GetImageInfo (1,000 different ImageIds in turn)", () -> {
            GetImageInfoRequest r = new GetImageInfoRequest();
            r.setImageId(sample.get(next.get() % sample.size())[0]);
            return r;
        }, null));
        scenarios.add(search(dialect, "SearchMedia, no Match, page 1 of 10 (CreationTime:Desc)", null, null, 1, 10, null, tenantId,
                PictureFilter.everything(), createdDesc, null));
        scenarios.add(search(dialect, "SearchMedia, no Match, PageNo 50 × PageSize 100 (the deepest offset page)", null, null, 50, 100, null,
                tenantId, PictureFilter.everything(), createdDesc, null));
        scenarios.add(search(dialect, "SearchMedia, ScrollToken at the 500,000th image, PageSize 100", null, null, 1, 100,
                BenchScrollTokens.token(tenantId, createdDesc, null, middle), tenantId, PictureFilter.everything(), createdDesc, middle));
        scenarios.add(search(dialect, "SearchMedia, Match Title = '" + QueryBench.TITLE_TERM + "'", "Title = '" + QueryBench.TITLE_TERM + "'",
                null, 1, 10, null, tenantId, new PictureFilter.TextContains(PictureFilter.TextField.TITLE, QueryBench.TITLE_TERM),
                createdDesc, null));
        scenarios.add(search(dialect, "SearchMedia, Match CreationTime = [30 days), CreationTime:Asc",
                "CreationTime = ['" + monthFrom + "','" + monthTo + "')", "CreationTime:Asc", 1, 10, null, tenantId,
                new PictureFilter.TimeRange(PictureFilter.TimeField.CREATED, monthFrom, true, monthTo, false), createdAsc, null));
        scenarios.add(search(dialect, "SearchMedia, Match CateId = <one of 8 categories>", "CateId = " + category, null, 1, 10, null, tenantId,
                new PictureFilter.CategoryIs(category), createdDesc, null));
        scenarios.add(search(dialect, "SearchMedia, Match Status in ('Normal')", "Status in ('Normal')", null, 1, 10, null, tenantId,
                new PictureFilter.StatusIn(Set.of(PictureStatus.NORMAL)), createdDesc, null));
        scenarios.add(search(dialect, "SearchMedia, Match Description = 'warm' (substring, no index: scans)", "Description = 'warm'", null, 1, 10,
                null, tenantId, new PictureFilter.TextContains(PictureFilter.TextField.DESCRIPTION, "warm"), createdDesc, null));

        Markdown table = new Markdown("call", "Total", "API n", "API p50 ms", "API p99 ms", "SQL n", "SQL p50 ms", "SQL p99 ms",
                "API ÷ SQL (p50)", "API − SQL (p50) ms");
        List<String> plans = new ArrayList<>();
        for (Scenario s : scenarios) {
            Latencies api = new Latencies(), direct = new Latencies();
            long apiTotal, sqlTotal;
            try (BenchServer server = new BenchServer(db.settings()); Connection c = db.readerConnection()) {
                IAcsClient client = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", vod.accessKeyId(), vod.accessKeySecret()));
                String endpoint = "127.0.0.1:" + server.server.port();
                QueryBench.Call apiCall = () -> apiCall(client, endpoint, s.request().get());
                QueryBench.Call sqlCall = s.sql() != null ? () -> s.sql().run(c) : () -> getImageInfoSql(c, tenantId,
                        sample.get(next.getAndIncrement() % sample.size()));
                QueryBench.warmUp(apiCall, sqlCall);
                apiTotal = apiCall.run();
                sqlTotal = sqlCall.run();
                long deadline = System.nanoTime() + QueryBench.MEASURED_BUDGET.toNanos();
                for (int i = 0; i < QueryBench.MEASURED_CALLS && System.nanoTime() < deadline; i++) {
                    QueryBench.timed(apiCall, api);
                    QueryBench.timed(sqlCall, direct);
                }
                if (s.sql() != null) plans.add("**" + s.name() + "**: `" + s.sql().plan(db, c) + "`");
            }
            if (s.sql() != null && apiTotal != sqlTotal)
                throw new IllegalStateException(s.name() + ": the API says Total " + apiTotal + ", the SQL " + sqlTotal);
            table.row(s.name(), s.sql() == null ? "" : apiTotal, api.count(), api.p50(), api.p99(), direct.count(), direct.p50(),
                    direct.p99(), Markdown.ratio(api.p50(), direct.p50()), api.p50() - direct.p50());
            System.err.printf("vod %s: API p50 %.1f p99 %.1f ms, SQL p50 %.1f p99 %.1f ms%n", s.name(), api.p50(), api.p99(),
                    direct.p50(), direct.p99());
        }
        System.out.println("## VOD GetImageInfo and SearchMedia with " + String.format("%,d", QueryBench.PICTURES) + " images in one tenant"
                + (stores == BenchStores.EMBEDDED ? "" : ", on " + stores.label));
        System.out.println();
        String servers = db.storesLine();
        if (servers != null) {
            System.out.println("Stores: " + servers + ".");
            System.out.println();
        }
        table.print(System.out);
        System.out.println("- API: one real aliyun-java-sdk-vod 2.16.22 DefaultAcsClient (core 4.7.10; RPC HMAC-SHA1, JSON, POST) calling "
                + "picspace in this JVM over 127.0.0.1, one call at a time; latency is the whole call as the client sees it "
                + "(signing, HTTP, authentication and nonce, the store's queries, URL signing, rendering, the SDK's parsing).");
        System.out.println("- SQL: for SearchMedia the page and the count SqlMetadataStore.searchPictures/countMatching send (taken "
                + "from the store's own builders), for GetImageInfo the picture by ImageId and its category; prepared and run "
                + "through " + db.driverDescription() + ", every column read."
                + (dialect == Database.Dialect.SQLITE ? "" : " On PostgreSQL every signed call also records its "
                + "SignatureNonce (one INSERT … ON CONFLICT DO NOTHING, a durable commit), which the SQL column does not."));
        System.out.println("- Warm-up and series as in the taobao.picture.get table; a fresh server per call kind.");
        System.out.println("- Database: " + built + (buildSeconds > 5 ? String.format(" Built in this run in %.0f s.", buildSeconds)
                : " Reused from the cache.") + " Descriptions and tags are empty in it, so the substring scenario scans everything.");
        System.out.println("- Query plans (" + db.explainName() + "; page | count):");
        for (String p : plans) System.out.println("  - " + p);
        System.out.println();
    }

    private static Scenario search(Database.Dialect dialect, String name, String match, String sortBy, int pageNo, int pageSize, String token, long tenantId,
                                   PictureFilter filter, PictureSearch.Sort sort, PictureSearch.Position after) {
        PictureSearch search = new PictureSearch(filter, List.of(sort), after, after == null ? (long) (pageNo - 1) * pageSize : 0, pageSize);
        SqlSteps sql = new SqlSteps(List.of(StoreSqlText.searchSelect(dialect, tenantId, search), StoreSqlText.searchCount(dialect, tenantId, filter)));
        return new Scenario(name, () -> {
            SearchMediaRequest r = new SearchMediaRequest();
            r.setSearchType("image");
            if (match != null) r.setMatch(match);
            if (sortBy != null) r.setSortBy(sortBy);
            if (token != null) r.setScrollToken(token);
            else r.setPageNo(pageNo);
            r.setPageSize(pageSize);
            return r;
        }, sql);
    }

    /** @return SearchMedia's Total (after checking the page is as full as it should be), or 1 for GetImageInfo */
    private static long apiCall(IAcsClient client, String endpoint, AcsRequest<?> r) throws Exception {
        r.setSysEndpoint(endpoint);
        r.setSysProtocol(ProtocolType.HTTP);
        r.setSysAcceptFormat(FormatType.JSON);
        AcsResponse rsp = client.getAcsResponse(r);
        if (rsp instanceof GetImageInfoResponse g) {
            if (g.getImageInfo() == null || g.getImageInfo().getImageId() == null) throw new IllegalStateException("no ImageInfo");
            return 1;
        }
        SearchMediaResponse s = (SearchMediaResponse) rsp;
        if (s.getTotal() > 0 && s.getMediaList().isEmpty() && ((SearchMediaRequest) r).getPageNo() == null)
            throw new IllegalStateException("an empty page");
        return s.getTotal();
    }

    private static long getImageInfoSql(Connection c, long tenantId, String[] image) throws SQLException {
        long sink = 0;
        try (PreparedStatement p = c.prepareStatement("SELECT " + QueryBench.SqlReference.PICTURE_COLUMNS
                + " FROM picture WHERE image_id = ? AND tenant_id = ?")) {
            p.setString(1, image[0]);
            p.setLong(2, tenantId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) for (int col = 1; col <= 24; col++) sink += rs.getObject(col) == null ? 0 : 1;
            }
        }
        try (PreparedStatement p = c.prepareStatement("SELECT id, tenant_id, parent_id, name, type, position, created, modified "
                + "FROM category WHERE tenant_id = ? AND id = ?")) {
            p.setLong(1, tenantId);
            p.setLong(2, Long.parseLong(image[1]));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) sink += rs.getString(4).length();
            }
        }
        if (sink < 0) throw new AssertionError();
        return 1;
    }
}
