package dev.picspace.store;

import dev.picspace.domain.Exceptions.QuotaExceededException;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.MetadataStore.BlobRecord;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureFilter;
import dev.picspace.domain.PictureQuery;
import dev.picspace.domain.PictureSearch;
import dev.picspace.domain.Tenant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a SQLite file, plus what only SQLite has: pragmas, plans, several processes. */
class SqliteMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path dir;

    private String url() { return "jdbc:sqlite:" + dir.resolve("meta.db"); }

    @Override
    protected MetadataStore openStore() { return SqlMetadataStore.open(url()); }

    @Override
    protected MetadataStore openAnotherStoreOnTheSameDatabase() { return SqlMetadataStore.open(url()); }

    /** A plain sqlite-jdbc connection: foreign keys are off unless asked for, as drift needs. */
    @Override
    protected void executeSql(String sql) {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private Database database() { return ((SqlMetadataStore) store).database(); }

    @Test
    void everyConnectionHasTheDurabilityAndLockingPragmas() {
        List<String> pragmas = List.of("journal_mode", "synchronous", "foreign_keys", "busy_timeout");
        List<String> reader = database().read(h -> pragmas.stream()
                .map(p -> h.createQuery("PRAGMA " + p).mapTo(String.class).one()).toList());
        List<String> writer = database().write(h -> pragmas.stream()
                .map(p -> h.createQuery("PRAGMA " + p).mapTo(String.class).one()).toList());
        for (List<String> values : List.of(reader, writer)) {
            assertThat(values.get(0)).isEqualToIgnoringCase("wal");
            assertThat(values.get(1)).isEqualTo("2"); // FULL
            assertThat(values.get(2)).isEqualTo("1");
            assertThat(Integer.parseInt(values.get(3))).isGreaterThanOrEqualTo(10_000);
        }
    }

    @Test
    void readerConnectionsRefuseToWrite() {
        assertThatThrownBy(() -> database().read(h -> h.createUpdate("UPDATE tenant SET used_bytes = 0").execute()))
                .isInstanceOf(dev.picspace.domain.Exceptions.StorageException.class);
    }

    @Test
    void failuresNameTheStatementButNotItsArguments() {
        MetadataStore.TenantSpec first = spec("first", 1, 0);
        store.createTenant(first);
        MetadataStore.TenantSpec sameKey = new MetadataStore.TenantSpec("second", 1, 0, null, false, first.topAppKey(),
                "very-secret-value", "session-second", "LTAIsecond", "vod-second", T0, List.of());
        assertThatThrownBy(() -> store.createTenant(sameKey))
                .isInstanceOf(dev.picspace.domain.Exceptions.StorageException.class)
                .hasMessageContaining("INSERT INTO top_credential")
                .hasMessageNotContaining("very-secret-value");
        assertThat(store.findTenantByNick("second")).isEmpty(); // the tenant row went with the transaction
    }

    @Test
    void onlyFileUrlsAreAccepted() {
        assertThatThrownBy(() -> Database.open("jdbc:sqlite::memory:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Database.open("jdbc:sqlite:file:x.db?mode=memory")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Database.open("jdbc:mysql://x/y")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reopeningAndOpeningConcurrentlyMigrateOnce() throws Exception {
        newTenant("before", 1, 0);
        store.close();
        store = null;
        String fresh = "jdbc:sqlite:" + dir.resolve("sub/dir/fresh.db"); // directories are created
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SqlMetadataStore>> opening = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String target = i % 2 == 0 ? fresh : url();
                opening.add(pool.submit(() -> SqlMetadataStore.open(target)));
            }
            for (Future<SqlMetadataStore> f : opening) f.get(30, TimeUnit.SECONDS).close();
        } finally {
            pool.shutdownNow();
        }
        store = openStore();
        assertThat(store.findTenantByNick("before")).isPresent();
        try (SqlMetadataStore s = SqlMetadataStore.open(fresh)) {
            assertThat(s.listTenants()).isEmpty();
            newTenant(s, "after", 1, 0);
        }
    }

    @Test
    void blobRecordsAreVisitedPageByPage() {
        executeSql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
                + "INSERT INTO stored_blob (blob_key, size_bytes, ref_count, zero_since) "
                + "SELECT printf('%064x', i), i, 0, 1 FROM n");
        List<BlobRecord> seen = new ArrayList<>();
        store.forEachBlobRecord(seen::add);
        assertThat(seen).hasSize(2500);
        assertThat(seen).extracting(BlobRecord::size).doesNotHaveDuplicates();
        assertThat(seen.get(0)).isEqualTo(new BlobRecord("%064x".formatted(1), 1, 0, Instant.ofEpochMilli(1)));
    }

    /**
     * A real second OS process (the CLI's situation) uploading into the same tenant at the same
     * time: no SQLITE_BUSY on either side, and the quota holds across processes.
     */
    @Test
    void anotherProcessWritesTheSameFileAtTheSameTime() throws Exception {
        Tenant t = newTenant("shared", 60 * 1000, 0);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SqliteWriterProcess.class.getName(),
                url(), String.valueOf(t.id()), "50")
                .redirectErrorStream(true)
                .start();
        int mine = 0;
        for (int i = 0; i < 50; i++) {
            try {
                store.insertPicture(picture(t.id()).size(1000).blob(key("proc-" + (i % 4))).build());
                mine++;
            } catch (QuotaExceededException e) {
                // the other process got there first
            }
            if (i % 10 == 0) newTenant("parent-" + i, 1, 0);
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(output).isZero();
        int theirs = Integer.parseInt(output.lines().filter(l -> l.startsWith("accepted ")).findFirst()
                .orElseThrow(() -> new AssertionError(output)).substring("accepted ".length()));

        assertThat(mine + theirs).isEqualTo(60);
        assertThat(used(t.id())).isEqualTo(60_000);
        assertThat(store.countPictures(t.id(), PictureQuery.all())).isEqualTo(60);
        assertThat(store.listTenants()).hasSize(1 + 5 + 5);
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(store.findUsageMismatches()).isEmpty();
    }

    /** Every upload the child process reported as done is there after it is killed with SIGKILL. */
    @Test
    void acknowledgedUploadsSurviveKillMinusNine() throws Exception {
        Tenant t = newTenant("victim", 1_000_000_000, 0);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SqliteWriterProcess.class.getName(),
                url(), String.valueOf(t.id()), "until-killed")
                .redirectErrorStream(true)
                .start();
        List<Long> acknowledged = new ArrayList<>();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (acknowledged.size() < 30 && (line = lines.readLine()) != null)
                if (line.startsWith("acked ")) acknowledged.add(Long.parseLong(line.substring("acked ".length())));
            child.destroyForcibly(); // SIGKILL, mid-stream
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).hasSize(30);
        store.close();
        store = openStore(); // reopening replays the WAL like a restart after the crash
        for (long id : acknowledged) assertThat(store.findPicture(t.id(), id)).as("picture " + id).isPresent();
        assertThat(store.findUsageMismatches()).isEmpty();
        assertThat(store.findRefCountMismatches()).isEmpty();
    }

    // ---------------------------------------------------------------- query plans

    /** SQLite's plan for a query, one line per step. */
    private List<String> plan(String sql, java.util.Map<String, Object> params) {
        return database().read(h -> h.createQuery("EXPLAIN QUERY PLAN " + sql).bindMap(params)
                .map((rs, ctx) -> rs.getString("detail")).list());
    }

    private List<String> listPlan(UnaryOperator<QueryBuilder> f) {
        SqlMetadataStore.SqlText s = SqlMetadataStore.pictureSelect(Database.Dialect.SQLITE, 1, query(f));
        return plan(s.sql(), s.params());
    }

    private List<String> countPlan(UnaryOperator<QueryBuilder> f) {
        SqlMetadataStore.SqlText s = SqlMetadataStore.pictureWhere(Database.Dialect.SQLITE, 1, query(f));
        return plan("SELECT COUNT(*) FROM picture" + s.sql(), s.params());
    }

    /** Reads through {@code index} and, for a list, needs no sort of its own. */
    private static void assertUses(List<String> plan, String index, boolean sorted) {
        assertThat(String.join("\n", plan)).as(String.join("\n", plan)).contains(index);
        if (sorted) assertThat(plan).noneMatch(step -> step.contains("TEMP B-TREE"));
        assertThat(plan).noneMatch(step -> step.matches("SCAN picture( .*)?") && !step.contains("INDEX"));
    }

    @Test
    void everyPictureQueryShapeReadsAnIndexInItsOwnOrder() {
        assertUses(listPlan(q -> q), "picture_by_created", true);
        assertUses(listPlan(q -> q.order(PictureQuery.Order.TIME_ASC)), "picture_by_created", true);
        assertUses(listPlan(q -> q.deleted(true)), "picture_by_created", true);
        assertUses(listPlan(q -> q.order(PictureQuery.Order.SIZE_DESC)), "picture_by_size", true);
        assertUses(listPlan(q -> q.order(PictureQuery.Order.SIZE_ASC)), "picture_by_size", true);
        assertUses(listPlan(q -> q.category(7)), "picture_by_category_created", true);
        assertUses(listPlan(q -> q.category(7).order(PictureQuery.Order.SIZE_ASC)), "picture_by_category_size", true);
        assertUses(listPlan(q -> q.client("client:phone")), "picture_by_client_type", true);
        assertUses(listPlan(q -> q.created(Instant.EPOCH, Instant.now())), "picture_by_created", true);
        assertUses(listPlan(q -> q.title("beach")), "picture_by_created", true);
        assertUses(listPlan(q -> q.tokens(List.of("a", "b"))), "picture_url_token", false);
        assertUses(listPlan(q -> q.pictureId(5)), "sqlite_autoindex_picture", false);
        assertUses(listPlan(q -> q.modifiedAfter(Instant.EPOCH)), "INDEX picture_by_", false);

        assertUses(countPlan(q -> q), "COVERING INDEX picture_by_", false);
        assertUses(countPlan(q -> q.category(7)), "COVERING INDEX picture_by_category", false);
        assertUses(countPlan(q -> q.modifiedAfter(Instant.EPOCH)), "COVERING INDEX picture_by_modified", false);
        assertUses(countPlan(q -> q.client("client:phone")), "COVERING INDEX picture_by_client_type", false);
    }

    private List<String> searchPlan(PictureFilter f, PictureFilter.TimeField sort, boolean desc, boolean keyset) {
        PictureSearch search = new PictureSearch(f, List.of(new PictureSearch.Sort(sort, desc)),
                keyset ? new PictureSearch.Position(5, 7) : null, 0, 10);
        SqlMetadataStore.SqlText s = SqlMetadataStore.searchSelect(Database.Dialect.SQLITE, 1, search);
        return plan(s.sql(), s.params());
    }

    private List<String> matchCountPlan(PictureFilter f) {
        SqlMetadataStore.SqlText s = SqlMetadataStore.searchWhere(Database.Dialect.SQLITE, 1, f);
        return plan("SELECT COUNT(*) FROM picture" + s.sql(), s.params());
    }

    /** SearchMedia: each order, with or without a keyset position, is one index read in order. */
    @Test
    void everySearchShapeReadsAnIndexInItsOwnOrder() {
        PictureFilter all = PictureFilter.everything();
        for (boolean desc : new boolean[]{true, false}) {
            for (boolean keyset : new boolean[]{false, true}) {
                assertUses(searchPlan(all, PictureFilter.TimeField.CREATED, desc, keyset), "picture_by_created", true);
                assertUses(searchPlan(all, PictureFilter.TimeField.MODIFIED, desc, keyset), "picture_by_modified", true);
                assertUses(searchPlan(new PictureFilter.StatusIn(java.util.Set.of(dev.picspace.domain.PictureStatus.UPLOADING)),
                        PictureFilter.TimeField.CREATED, desc, keyset), "picture_by_status", true);
            }
        }
        assertUses(searchPlan(new PictureFilter.CategoryIs(7), PictureFilter.TimeField.CREATED, true, true), "picture_by_category_created", true);
        assertUses(searchPlan(new PictureFilter.ImageIdIs("abc"), PictureFilter.TimeField.CREATED, true, false), "picture_image_id", false);
        assertUses(searchPlan(new PictureFilter.TextContains(PictureFilter.TextField.TITLE, "beach"), PictureFilter.TimeField.CREATED,
                true, false), "picture_by_created", true);
        assertUses(searchPlan(new PictureFilter.TextContains(PictureFilter.TextField.TAGS, "sale"), PictureFilter.TimeField.CREATED,
                true, true), "picture_by_created", true);
        assertUses(searchPlan(new PictureFilter.TimeRange(PictureFilter.TimeField.CREATED, Instant.EPOCH, true, Instant.now(), false),
                PictureFilter.TimeField.CREATED, false, false), "picture_by_created", true);

        assertUses(matchCountPlan(new PictureFilter.StatusIn(java.util.Set.of(dev.picspace.domain.PictureStatus.NORMAL))),
                "COVERING INDEX picture_by_status", false);
        assertUses(matchCountPlan(new PictureFilter.CategoryIs(7)), "COVERING INDEX picture_by_category", false);
        assertUses(matchCountPlan(new PictureFilter.TimeRange(PictureFilter.TimeField.MODIFIED, Instant.EPOCH, true, null, false)),
                "COVERING INDEX picture_by_modified", false);
        assertUses(matchCountPlan(new PictureFilter.TimeRange(PictureFilter.TimeField.CREATED, Instant.EPOCH, true, null, false)),
                "COVERING INDEX picture_by_", false);
    }

    @Test
    void theOtherHotQueriesUseIndexesToo() {
        assertUses(plan("SELECT COUNT(*) FROM picture WHERE tenant_id = 1 AND deleted = 0 AND title = 'x'",
                java.util.Map.of()), "picture_by_title", false);
        assertUses(plan("SELECT category_id, COUNT(*) FROM picture WHERE tenant_id = 1 AND deleted = 0 GROUP BY category_id",
                java.util.Map.of()), "COVERING INDEX picture_by_category", true);
        assertUses(plan("SELECT picture_id, blob_key FROM picture WHERE deleted = 1 AND deleted_at < 5 "
                + "ORDER BY deleted_at, picture_id LIMIT 10", java.util.Map.of()), "picture_recycled", false);
        assertUses(plan("SELECT 1 FROM picture WHERE blob_key = 'k'", java.util.Map.of()), "picture_by_blob", false);
    }

    /** What the child process of {@link #anotherProcessWritesTheSameFileAtTheSameTime} runs. */
    public static final class SqliteWriterProcess {
        public static void main(String[] args) throws IOException {
            IDS.addAndGet(1L << 40); // ids of its own, as a separate IdGenerator node would have
            String url = args[0];
            long tenantId = Long.parseLong(args[1]);
            if (args[2].equals("until-killed")) {
                try (SqlMetadataStore s = SqlMetadataStore.open(url)) {
                    for (int i = 0; ; i++) {
                        Picture p = picture(tenantId).size(1000).blob(key("victim-" + (i % 3))).build();
                        s.insertPicture(p);
                        System.out.println("acked " + p.pictureId()); // only after the commit returned
                        System.out.flush();
                    }
                }
            }
            int uploads = Integer.parseInt(args[2]);
            int accepted = 0;
            try (SqlMetadataStore s = SqlMetadataStore.open(url)) {
                for (int i = 0; i < uploads; i++) {
                    Picture p = picture(tenantId).size(1000).blob(key("proc-" + (i % 4))).build();
                    try {
                        s.insertPicture(p);
                        accepted++;
                    } catch (QuotaExceededException e) {
                        // the parent got there first
                    }
                    if (i % 10 == 0) newTenant(s, "child-" + i, 1, 0);
                }
            }
            System.out.println("accepted " + accepted);
            System.out.flush();
        }
    }
}
