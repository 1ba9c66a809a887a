package dev.picspace.store;

import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.MetadataStore.BlobAttachment;
import dev.picspace.domain.MetadataStore.BlobRecord;
import dev.picspace.domain.Picture;
import dev.picspace.domain.Tenant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole contract on a real PostgreSQL (one embedded server per test JVM, a new database per
 * test), plus what only PostgreSQL has: row locks instead of a single writer, deadlocks, server
 * error details, the trigram index.
 */
class PostgresMetadataStoreTest extends MetadataStoreContract {

    private String url;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() { pool.shutdownNow(); }

    @Override
    protected MetadataStore openStore() {
        url = PostgresTestServer.migratedDatabaseUrl();
        return SqlMetadataStore.open(url);
    }

    @Override
    protected MetadataStore openAnotherStoreOnTheSameDatabase() { return SqlMetadataStore.open(url); }

    /**
     * Foreign keys are enforced by triggers on PostgreSQL; the replica role skips them, which is
     * how the tests make the drift a crash or a hand edit would (the test user is a superuser).
     */
    @Override
    protected void executeSql(String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private Database database() { return ((SqlMetadataStore) store).database(); }

    private static Database databaseOf(MetadataStore s) { return ((SqlMetadataStore) s).database(); }

    @Test
    void itIsPostgresqlWithTheTrigramIndex() {
        assertThat(database().dialect()).isEqualTo(Database.Dialect.POSTGRESQL);
        assertThat(database().<String>read(h -> h.createQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'picture_title_trgm'")
                .mapTo(String.class).one())).contains("gin").contains("gin_trgm_ops");
        assertThat(database().<String>read(h -> h.createQuery("SHOW transaction_isolation").mapTo(String.class).one()))
                .isEqualTo("read committed");
    }

    /**
     * A unique violation's server message names the row's values ("Key (session)=(…) already
     * exists"), and sessions are credentials: the pool asks the driver to leave the detail out.
     */
    @Test
    void failuresNameTheStatementButNotItsArguments() {
        MetadataStore.TenantSpec first = new MetadataStore.TenantSpec("first", 1, 0, null, false, "key-first",
                "secret-first", "very-secret-session", "LTAIfirst", "vod-first", T0, List.of());
        store.createTenant(first);
        MetadataStore.TenantSpec sameSession = new MetadataStore.TenantSpec("second", 1, 0, null, false, "key-second",
                "very-secret-value", "very-secret-session", "LTAIsecond", "vod-second", T0, List.of());
        assertThatThrownBy(() -> store.createTenant(sameSession))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("INSERT INTO top_credential")
                .hasMessageContaining("top_credential_session")
                .hasMessageNotContaining("very-secret-session")
                .hasMessageNotContaining("very-secret-value");
        assertThat(store.findTenantByNick("second")).isEmpty(); // the tenant row went with the transaction
    }

    /**
     * A difference from SQLite, pinned so that it is known: PostgreSQL text cannot hold U+0000,
     * so such a title is a storage failure (SQLite stores it), and the upload's transaction
     * leaves nothing behind. Refusing it as an invalid argument belongs before the store.
     */
    @Test
    void aTitleWithANulCharacterIsAStorageFailureThatChargesNothing() {
        Tenant t = newTenant("nul", 10_000, 0);
        Picture p = picture(t.id()).title("nul\u0000title").size(100).build();
        assertThatThrownBy(() -> store.insertPicture(p)).isInstanceOf(StorageException.class).hasMessageContaining("0x00");
        assertThat(used(t.id())).isZero();
        assertThat(store.findBlob(p.blobKey())).isEmpty();
        assertThat(store.countPictures(t.id(), dev.picspace.domain.PictureQuery.all())).isZero();
    }

    @Test
    void blobRecordsAreVisitedPageByPage() {
        executeSql("INSERT INTO stored_blob (blob_key, size_bytes, ref_count, zero_since) "
                + "SELECT lpad(to_hex(i), 64, '0'), i, 0, 1 FROM generate_series(1, 2500) AS i");
        List<BlobRecord> seen = new ArrayList<>();
        store.forEachBlobRecord(seen::add);
        assertThat(seen).hasSize(2500);
        assertThat(seen).extracting(BlobRecord::size).doesNotHaveDuplicates();
        assertThat(seen.get(0)).isEqualTo(new BlobRecord("%064x".formatted(1), 1, 0, java.time.Instant.ofEpochMilli(1)));
    }

    /** With enough pictures for the planner to care, a title filter reads the pg_trgm index, with or without ESCAPE. */
    @Test
    void theTitleFilterReadsTheTrigramIndex() {
        Tenant t = newTenant("many", 1_000_000_000, 0);
        executeSql("INSERT INTO picture (picture_id, image_id, tenant_id, category_id, url_token, title, status, format, "
                + "width, height, frames, size_bytes, referenced, deleted, created, modified) "
                + "SELECT 1000000 + i, md5('i' || i), " + t.id() + ", 0, md5('t' || i), 'photo ' || md5('n' || i), "
                + "'normal', 'jpg', 1, 1, 1, 1, 0, 0, i, i FROM generate_series(1, 20000) AS i");
        executeSql("ANALYZE picture");
        for (String term : List.of("beachparty", "beach_party")) {
            SqlMetadataStore.SqlText where = SqlMetadataStore.pictureWhere(Database.Dialect.POSTGRESQL, t.id(),
                    query(q -> q.title(term)));
            String plan = String.join("\n", database().<List<String>>read(h -> h.createQuery("EXPLAIN SELECT COUNT(*) FROM picture" + where.sql())
                    .bindMap(where.params()).mapTo(String.class).list()));
            assertThat(plan).as(plan).contains("picture_title_trgm");
        }
        assertThat(store.countPictures(t.id(), query(q -> q.title("PHOTO")))).isEqualTo(20_000);
    }

    /**
     * Two transactions that lock the same two rows in opposite orders: PostgreSQL aborts one
     * after deadlock_timeout, and {@link Database#write} runs that one again, so both callers
     * succeed and each change is applied exactly once.
     */
    @Test
    void aDeadlockVictimIsRolledBackAndRunAgain() throws Exception {
        Tenant a = newTenant("a", 1000, 0), b = newTenant("b", 1000, 0);
        Database db = database();
        CyclicBarrier bothHoldOneRow = new CyclicBarrier(2);
        AtomicInteger attempts = new AtomicInteger();
        Callable<Void> ab = crossing(db, a.id(), b.id(), bothHoldOneRow, attempts);
        Callable<Void> ba = crossing(db, b.id(), a.id(), bothHoldOneRow, attempts);
        Future<Void> first = pool.submit(ab), second = pool.submit(ba);
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(db.retriedWrites()).isEqualTo(1);
        assertThat(store.findTenant(a.id()).orElseThrow().freeBytes()).isEqualTo(2);
        assertThat(store.findTenant(b.id()).orElseThrow().freeBytes()).isEqualTo(2);
    }

    private static Callable<Void> crossing(Database db, long firstId, long secondId, CyclicBarrier barrier, AtomicInteger attempts) {
        return () -> db.write(h -> {
            boolean firstAttempt = attempts.incrementAndGet() <= 2;
            h.createUpdate("UPDATE tenant SET free_bytes = free_bytes + 1 WHERE id = :id").bind("id", firstId).execute();
            if (firstAttempt) {
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            h.createUpdate("UPDATE tenant SET free_bytes = free_bytes + 1 WHERE id = :id").bind("id", secondId).execute();
            return null;
        });
    }

    /**
     * Two nodes replacing two pictures' bytes back and forth between the same two contents: each
     * replace changes both blob rows, which the store locks in key order, so PostgreSQL never
     * has a deadlock to break (no transaction had to be run again).
     */
    @Test
    void replacesSwappingTheSameContentsDoNotDeadlock() throws Exception {
        MetadataStore other = anotherStore();
        Tenant t = newTenant("swap", 1_000_000, 0);
        String k1 = key("swap-1"), k2 = key("swap-2");
        Picture p1 = insert(picture(t.id()).blob(k1).size(100));
        Picture p2 = insert(picture(t.id()).blob(k2).size(100));
        CyclicBarrier go = new CyclicBarrier(2);
        Future<?> one = pool.submit(swapper(store, t.id(), p1.pictureId(), k1, k2, go));
        Future<?> two = pool.submit(swapper(other, t.id(), p2.pictureId(), k2, k1, go));
        one.get(60, TimeUnit.SECONDS);
        two.get(60, TimeUnit.SECONDS);
        assertThat(database().retriedWrites() + databaseOf(other).retriedWrites()).isZero();
        assertThat(refs(k1) + refs(k2)).isEqualTo(2);
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(used(t.id())).isEqualTo(200);
    }

    private static Callable<Void> swapper(MetadataStore s, long tenantId, long pictureId, String from, String to, CyclicBarrier go) {
        return () -> {
            go.await(10, TimeUnit.SECONDS);
            for (int i = 0; i < 150; i++) {
                String target = i % 2 == 0 ? to : from;
                s.attachBlob(tenantId, pictureId, new BlobAttachment(target, 100, hex(16, target), ImageFormat.PNG, 1, 1, 1, T0));
            }
            return null;
        };
    }

    // ------------------------------------------------------------ repairs against an upload in flight

    /**
     * An upload that has charged its tenant (and so holds the tenant row) but not yet committed,
     * paused by an uncommitted picture row holding the URL token it is about to insert; repair
     * starts meanwhile, and then the upload is let go. The repair must see the upload's picture.
     */
    private void repairAgainstAnUploadInFlight(Picture upload, Callable<Integer> repair) throws Exception {
        try (Connection holder = DriverManager.getConnection(url)) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement("INSERT INTO picture (picture_id, image_id, tenant_id, "
                    + "category_id, url_token, title, status, width, height, frames, size_bytes, referenced, deleted, created, "
                    + "modified) VALUES (?, ?, ?, 0, ?, 'holder', 'uploading', 0, 0, 0, 0, 0, 0, 0, 0)")) {
                ps.setLong(1, nextId());
                ps.setString(2, hex(16, "holder" + upload.pictureId()));
                ps.setLong(3, upload.tenantId());
                ps.setString(4, upload.urlToken());
                ps.execute();
            }
            Future<?> uploading = pool.submit(() -> { store.insertPicture(upload); return null; });
            waitForLockWaiters(1);
            Future<Integer> repairing = pool.submit(repair);
            waitForLockWaiters(2);
            holder.rollback();
            uploading.get(30, TimeUnit.SECONDS);
            assertThat(repairing.get(30, TimeUnit.SECONDS)).isPositive();
        }
    }

    @Test
    void repairingUsageCountsAnUploadThatCommitsWhileItRuns() throws Exception {
        Tenant t = newTenant("inflight", 1_000_000, 0);
        insert(picture(t.id()).size(100));
        executeSql("UPDATE tenant SET used_bytes = 5, live_pictures = 9 WHERE id = " + t.id());
        MetadataStore repairer = anotherStore();
        repairAgainstAnUploadInFlight(picture(t.id()).size(1000).build(), repairer::repairUsage);
        assertThat(store.findUsageMismatches()).isEmpty();
        assertThat(used(t.id())).isEqualTo(1100);
        assertThat(store.countPictures(t.id(), dev.picspace.domain.PictureQuery.all())).isEqualTo(2);
    }

    @Test
    void repairingReferenceCountsCountsAnUploadThatCommitsWhileItRuns() throws Exception {
        Tenant t = newTenant("inflight", 1_000_000, 0);
        String k = key("inflight");
        insert(picture(t.id()).blob(k).size(10));
        executeSql("UPDATE stored_blob SET ref_count = 5 WHERE blob_key = '" + k + "'");
        MetadataStore repairer = anotherStore();
        repairAgainstAnUploadInFlight(picture(t.id()).blob(k).size(10).build(), repairer::repairRefCounts);
        assertThat(store.findRefCountMismatches()).isEmpty();
        assertThat(refs(k)).isEqualTo(2);
    }

    // ------------------------------------------------------------ names taken by a concurrent transaction

    /**
     * Runs {@code sql} in a transaction of its own that stays open until {@code action}, started
     * meanwhile, waits for it; then commits it and returns what {@code action} threw. This is the
     * race the existence checks cannot see (the row is not committed when they look), decided by
     * the unique index.
     */
    private Throwable againstAnUncommittedInsert(String sql, Runnable action) throws Exception {
        try (Connection holder = DriverManager.getConnection(url)) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute(sql);
            }
            Future<Throwable> acting = pool.submit(() -> {
                try {
                    action.run();
                    return null;
                } catch (Throwable e) {
                    return e;
                }
            });
            waitForLockWaiters(1);
            holder.commit();
            return acting.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNickTakenByAConcurrentCreateIsADuplicateNotAStorageFailure() throws Exception {
        Throwable failure = againstAnUncommittedInsert("INSERT INTO tenant (nick, ordered_bytes, free_bytes, created) "
                + "VALUES ('contested', 1, 0, 0)", () -> newTenant("contested", 1, 0));
        assertThat(failure).isInstanceOf(dev.picspace.domain.Exceptions.DuplicateTenantException.class);
        assertThat(store.listTenants()).hasSize(1);
    }

    @Test
    void aSiblingNameTakenByAConcurrentInsertIsADuplicateNotAStorageFailure() throws Exception {
        Tenant t = newTenant("folders", 1, 0);
        Throwable failure = againstAnUncommittedInsert("INSERT INTO category (id, tenant_id, parent_id, name, type, position, "
                        + "created, modified) VALUES (" + nextId() + ", " + t.id() + ", 0, 'shoes', 'user-define', 0, 0, 0)",
                () -> store.insertCategory(new dev.picspace.domain.Category(nextId(), t.id(), 0, "shoes",
                        dev.picspace.domain.CategoryType.USER_DEFINE, 0, T0, T0), 100));
        assertThat(failure).isInstanceOf(dev.picspace.domain.Exceptions.DuplicateCategoryNameException.class);
    }

    /** Until {@code n} backends of this database wait for a lock. */
    private void waitForLockWaiters(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (true) {
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= n) return;
                }
                if (System.nanoTime() > deadline) throw new AssertionError("fewer than " + n + " lock waiters after 20 s");
                Thread.sleep(20);
            }
        }
    }

    @Test
    void openingMigratesOnceEvenWhenSeveralNodesStartTogether() throws Exception {
        store.close();
        store = null;
        String fresh = PostgresTestServer.freshDatabaseUrl();
        List<Future<SqlMetadataStore>> opening = new ArrayList<>();
        for (int i = 0; i < 4; i++) opening.add(pool.submit(() -> SqlMetadataStore.open(fresh)));
        List<SqlMetadataStore> opened = new ArrayList<>();
        for (Future<SqlMetadataStore> f : opening) opened.add(f.get(60, TimeUnit.SECONDS));
        newTenant(opened.get(0), "after", 1, 0);
        assertThat(opened.get(3).listTenants()).extracting(Tenant::nick).containsExactly("after");
        long migrations = opened.get(1).database().<Long>read(h -> h.createQuery(
                "SELECT COUNT(*) FROM flyway_schema_history WHERE success").mapTo(Long.class).one());
        assertThat(migrations).isEqualTo(countMigrations());
        opened.forEach(SqlMetadataStore::close);
    }

    private static long countMigrations() throws Exception {
        long n = 0;
        for (String folder : List.of("db/migration/common", "db/migration/postgresql")) {
            java.net.URL dir = PostgresMetadataStoreTest.class.getClassLoader().getResource(folder);
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dir.toURI()))) {
                n += files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
            }
        }
        return n;
    }

    /** Flyway holds two connections while it migrates; a pool of one must not leave it waiting for itself (it did). */
    @Test
    void aPoolOfOneConnectionMigratesAndWorks() {
        String fresh = PostgresTestServer.freshDatabaseUrl();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            try (SqlMetadataStore one = new SqlMetadataStore(Database.open(fresh, Database.Settings.DEFAULTS.withPoolSize(1)))) {
                Tenant t = newTenant(one, "single", 10_000, 0);
                one.insertPicture(picture(t.id()).size(10).build());
                assertThat(one.findTenant(t.id()).orElseThrow().usedBytes()).isEqualTo(10);
            }
        });
    }

    @Test
    void aBadUrlOrAnUnreachableServerIsAStorageFailureWithoutThePassword() {
        String unreachable = "jdbc:postgresql://127.0.0.1:1/none?user=x&password=hunter2&connectTimeout=2";
        assertThatThrownBy(() -> Database.open(unreachable, Database.Settings.DEFAULTS.withPoolSize(1)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("hunter2");
    }
}
