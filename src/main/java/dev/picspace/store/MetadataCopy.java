package dev.picspace.store;

import dev.picspace.domain.Exceptions.StorageException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Copies every row of picspace's metadata from one database to another (SQLite → PostgreSQL when a
 * deployment outgrows the embedded default; any direction works), and verifies the copy.
 *
 * <p>Rows are upserted by primary key, so a run can be interrupted and repeated: a second run
 * copies what is new and what changed since, and a final run with the server stopped leaves an
 * exact copy. Verification compares, per table, the row count and an order-independent digest of
 * every row's values (normalised, so SQLite's and PostgreSQL's JDBC types compare equal).
 *
 * <p>The table list is explicit, in foreign-key order. A table in the source that is neither
 * listed nor known to be derivable (indexes, nonces) fails the copy: a migration that adds a table
 * must say here whether it moves, rather than be silently left behind.
 */
public final class MetadataCopy {
    /** A table that moves, with its primary key columns. */
    public record Table(String name, List<String> key) {}

    /** Foreign-key order: parents before children. */
    public static final List<Table> TABLES = List.of(
            new Table("tenant", List.of("id")),
            new Table("top_credential", List.of("app_key")),
            new Table("vod_credential", List.of("access_key_id")),
            new Table("service_secret", List.of("name")),
            new Table("category", List.of("id")),
            new Table("stored_blob", List.of("blob_key")),
            new Table("picture", List.of("picture_id")),
            // cached renditions: their blobs are copied like any other, so the caches stay warm
            new Table("derivative", List.of("derivative_key")),
            // open multipart uploads: their parts are blobs (copied), so an upload can go on after the move
            new Table("multipart_upload", List.of("upload_id")),
            new Table("multipart_part", List.of("upload_id", "part_number")));

    /**
     * Tables that do not move: Flyway's history (the target has its own), SQLite's FTS shadow
     * tables (the target's own index or triggers rebuild them), and request nonces (they matter for
     * 30 minutes; a migration is not done in less, and old nonces are refused by timestamp anyway).
     */
    private static boolean staysBehind(String table) {
        String t = table.toLowerCase(Locale.ROOT);
        return t.equals("flyway_schema_history") || t.startsWith("sqlite_") || t.startsWith("picture_title")
                || t.equals("request_nonce");
    }

    /** Per table: rows in the source, rows written, and whether the copy matches. */
    public record TableReport(String table, long sourceRows, long targetRows, boolean matches) {}

    private static final int BATCH = 1000;

    private MetadataCopy() {}

    /** Rows in all moving tables of {@code source} (for a progress bar's total). */
    public static long countRows(Database source) {
        long n = 0;
        for (Table t : TABLES) n += count(source, t.name());
        return n;
    }

    /**
     * Upserts every row of every table of {@code source} into {@code target} (both already migrated
     * to the same schema version). {@code progress} gets the number of rows written so far.
     *
     * @throws StorageException on a database failure, or when the source has a table this copy does not know
     */
    public static void copy(Database source, Database target, LongConsumer progress) {
        requireKnownTables(source);
        long[] done = {0};
        for (Table t : TABLES) {
            source.read(h -> {
                copyTable(h, target, t, n -> progress.accept(done[0] + n));
                return null;
            });
            done[0] += count(source, t.name());
        }
        if (target.dialect() == Database.Dialect.POSTGRESQL) {
            // tenant.id is an identity column there: new tenants must continue after the copied ids
            target.write(h -> h.createQuery("SELECT setval(pg_get_serial_sequence('tenant', 'id'), "
                    + "GREATEST((SELECT COALESCE(MAX(id), 0) FROM tenant), 1))").mapTo(Long.class).one());
        }
    }

    /** Compares every moving table of the two databases. */
    public static List<TableReport> verify(Database source, Database target) {
        List<TableReport> out = new ArrayList<>();
        for (Table t : TABLES) {
            long[] s = digest(source, t);
            long[] d = digest(target, t);
            out.add(new TableReport(t.name(), s[0], d[0], s[0] == d[0] && s[1] == d[1]));
        }
        return out;
    }

    private static void requireKnownTables(Database db) {
        Set<String> known = new LinkedHashSet<>();
        for (Table t : TABLES) known.add(t.name());
        for (String table : tables(db))
            if (!known.contains(table.toLowerCase(Locale.ROOT)) && !staysBehind(table))
                throw new StorageException("the source database has a table '" + table + "' that migrate does not know how "
                        + "to copy: this build is older than the database, or MetadataCopy.TABLES lacks it");
    }

    private static List<String> tables(Database db) {
        String sql = db.dialect() == Database.Dialect.SQLITE
                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
        return db.read(h -> h.createQuery(sql).mapTo(String.class).list());
    }

    private static long count(Database db, String table) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    private static void copyTable(Handle from, Database target, Table t, LongConsumer progress) throws SQLException {
        // Keyset order keeps memory flat on big tables and makes a rerun's work predictable.
        try (var stmt = from.getConnection().prepareStatement("SELECT * FROM " + t.name() + " ORDER BY " + String.join(", ", t.key()))) {
            stmt.setFetchSize(BATCH);
            try (ResultSet rs = stmt.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) columns.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
                String upsert = upsertSql(t, columns);
                List<Object[]> batch = new ArrayList<>(BATCH);
                long written = 0;
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) row[i] = normalise(rs.getObject(i + 1));
                    batch.add(row);
                    if (batch.size() == BATCH) {
                        written += flush(target, upsert, batch);
                        progress.accept(written);
                    }
                }
                written += flush(target, upsert, batch);
                progress.accept(written);
            }
        }
    }

    private static String upsertSql(Table t, List<String> columns) {
        StringBuilder b = new StringBuilder("INSERT INTO ").append(t.name()).append(" (").append(String.join(", ", columns))
                .append(") VALUES (");
        for (int i = 0; i < columns.size(); i++) b.append(i == 0 ? "" : ", ").append('?');
        b.append(") ON CONFLICT (").append(String.join(", ", t.key())).append(") DO ");
        List<String> sets = new ArrayList<>();
        for (String c : columns) if (!t.key().contains(c)) sets.add(c + " = excluded." + c);
        b.append(sets.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", sets));
        return b.toString();
    }

    private static int flush(Database target, String upsert, List<Object[]> rows) {
        if (rows.isEmpty()) return 0;
        int n = rows.size();
        target.write(h -> {
            PreparedBatch batch = h.prepareBatch(upsert);
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) batch.bindByType(i, row[i], row[i] == null ? Object.class : row[i].getClass());
                batch.add();
            }
            batch.execute();
            return null;
        });
        rows.clear();
        return n;
    }

    /** SQLite hands back Integer or Long for the same column; both sides compare as Long. */
    private static Object normalise(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        return v;
    }

    /** {count, sum of the first 8 bytes of each row's md5}: equal sets of rows give equal pairs whatever their order. */
    private static long[] digest(Database db, Table t) {
        return db.read(h -> {
            long count = 0, sum = 0;
            MessageDigest md5;
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (var stmt = h.getConnection().prepareStatement("SELECT * FROM " + t.name())) {
                stmt.setFetchSize(BATCH);
                try (ResultSet rs = stmt.executeQuery()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<String> names = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) names.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) order.add(i);
                    order.sort((a, b) -> names.get(a).compareTo(names.get(b))); // column order may differ between databases
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i : order) {
                            Object v = normalise(rs.getObject(i + 1));
                            row.append(names.get(i)).append('=').append(v == null ? "\u0000" : v.toString()).append('\u0001');
                        }
                        byte[] d = md5.digest(row.toString().getBytes(StandardCharsets.UTF_8));
                        long x = 0;
                        for (int i = 0; i < 8; i++) x = (x << 8) | (d[i] & 0xFF);
                        sum += x;
                        count++;
                    }
                }
            }
            return new long[]{count, sum};
        });
    }
}
