package dev.picspace.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.picspace.domain.Exceptions.StorageException;
import dev.picspace.domain.PicspaceException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;

/**
 * The metadata database: connection pools, migrations and transactions, for one JDBC URL.
 *
 * <p>Writes go through {@link #write}, reads through {@link #read}. For SQLite (several threads
 * and several OS processes on one file) that means two pools: a single writer connection whose
 * transactions start with {@code BEGIN IMMEDIATE}, so the write lock is taken up front (waiting
 * up to the busy timeout) and a lock upgrade can never fail with {@code SQLITE_BUSY}; and a
 * pool of reader connections that never write, which WAL lets run beside the writer. For
 * PostgreSQL both are one ordinary pool at READ COMMITTED, where what SQLite's single writer
 * gives for free comes from row locks ({@link Dialect#forUpdate}) and conditional updates, and a
 * transaction the server aborts for a deadlock is run again. Which database is in use is a
 * {@link Dialect}; the SQL that callers send is the same.
 *
 * <p>Every {@link SQLException} and Jdbi exception leaves this class as a
 * {@link StorageException}; domain exceptions thrown by the work pass through unchanged (and
 * roll the transaction back).
 */
public final class Database implements AutoCloseable {

    /** What differs between the databases picspace runs on. */
    public enum Dialect {
        /**
         * Transactions are driven by explicit {@code BEGIN IMMEDIATE} / {@code COMMIT} /
         * {@code ROLLBACK} on a connection left in JDBC auto-commit mode: sqlite-jdbc's own
         * transaction mode re-issues {@code BEGIN IMMEDIATE} right after every commit and
         * rollback, which would hold the file's write lock while the connection sits idle.
         */
        SQLITE("classpath:db/migration/common", "classpath:db/migration/sqlite") {
            @Override void begin(Connection c) throws SQLException { execute(c, "BEGIN IMMEDIATE"); }
            @Override void commit(Connection c) throws SQLException { execute(c, "COMMIT"); }
            @Override void rollback(Connection c) throws SQLException { execute(c, "ROLLBACK"); }
            @Override public String forUpdate() { return ""; } // the single writer already excludes every other writer
            @Override public String forNoKeyUpdate() { return ""; }
            /**
             * Through the FTS5 trigram index of V3 (no ESCAPE: the caller only uses this for plain
             * terms). The trigram tokenizer folds case, as SQLite's LIKE does for ASCII.
             */
            @Override public String titleContains(String param) {
                return "picture_id IN (SELECT rowid FROM picture_title WHERE picture_title.title LIKE :" + param + ")";
            }
            /** SQLite's LIKE ignores the case of ASCII letters by itself. */
            @Override public String titleMatches(String param, char escape) {
                return "title LIKE :" + param + " ESCAPE '" + escape + "'";
            }
        },
        /**
         * JDBC transactions at READ COMMITTED (set on the pool). pgjdbc sends BEGIN lazily with
         * the first statement, so {@link #begin} costs no round trip.
         */
        POSTGRESQL("classpath:db/migration/common", "classpath:db/migration/postgresql") {
            @Override void begin(Connection c) throws SQLException { c.setAutoCommit(false); }
            @Override void commit(Connection c) throws SQLException { c.commit(); c.setAutoCommit(true); }
            @Override void rollback(Connection c) throws SQLException { c.rollback(); c.setAutoCommit(true); }
            @Override public String forUpdate() { return " FOR UPDATE"; }
            @Override public String forNoKeyUpdate() { return " FOR NO KEY UPDATE"; }
            /**
             * ILIKE, not LIKE: PostgreSQL's LIKE is case-sensitive and SQLite's is not, and the
             * filter must answer the same on both. The pg_trgm GIN index of V3 serves ILIKE.
             */
            @Override public String titleContains(String param) { return "title ILIKE :" + param; }
            @Override public String titleMatches(String param, char escape) {
                return "title ILIKE :" + param + " ESCAPE '" + escape + "'";
            }
        };

        private final String[] migrationLocations;

        Dialect(String... migrationLocations) { this.migrationLocations = migrationLocations; }

        abstract void begin(Connection c) throws SQLException;

        abstract void commit(Connection c) throws SQLException;

        abstract void rollback(Connection c) throws SQLException;

        /**
         * Appended to a SELECT inside {@link #write} whose rows the transaction goes on to change,
         * so that concurrent writers on PostgreSQL (READ COMMITTED) wait instead of both acting
         * on the same rows.
         */
        public abstract String forUpdate();

        /**
         * The same for rows that the transaction updates without changing their key (tenant,
         * stored_blob): unlike FOR UPDATE this does not wait for, nor block, the KEY SHARE locks
         * that inserting a row which references them takes on PostgreSQL.
         */
        public abstract String forNoKeyUpdate();

        /**
         * A condition that picture.title contains a term, bound as {@code %term%} to {@code param}.
         * Only for terms without LIKE wildcards or the escape character (they take the plain,
         * escaped LIKE); this is where a database's substring index is used.
         */
        public abstract String titleContains(String param);

        /**
         * A condition that picture.title matches the LIKE pattern bound to {@code param}, in which
         * {@code escape} makes the next character literal; ignoring case as {@link #titleContains}.
         */
        public abstract String titleMatches(String param, char escape);

        /** Flyway locations: the portable migrations plus this database's own. */
        public String[] migrationLocations() { return migrationLocations.clone(); }

        public static Dialect of(String jdbcUrl) {
            if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
            if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
            throw new IllegalArgumentException("unsupported database URL (expected jdbc:sqlite: or jdbc:postgresql:): " + jdbcUrl);
        }

        private static void execute(Connection c, String sql) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    /**
     * Tunables, with safe defaults.
     *
     * @param readerPoolSize connections for queries (SQLite; its writer is always one connection)
     * @param poolSize       connections for everything (PostgreSQL), per process: several nodes
     *                       each have their own, so nodes × poolSize must stay under the server's
     *                       max_connections (100 by default)
     * @param busyTimeout    how long a SQLite connection waits for another one's lock
     * @param poolWait       how long a caller waits for a free connection of a pool
     */
    public record Settings(int readerPoolSize, int poolSize, Duration busyTimeout, Duration poolWait) {
        /**
         * PostgreSQL's pool: 2 × cores + 2, after the usual 2 × cores + spindles rule. More
         * connections than the database can run at once only queue inside the server, where
         * they hold their locks longer; a caller beyond the pool waits up to poolWait instead.
         */
        public static final int DEFAULT_POOL_SIZE = 2 * Runtime.getRuntime().availableProcessors() + 2;

        public static final Settings DEFAULTS = new Settings(4, DEFAULT_POOL_SIZE, Duration.ofSeconds(30), Duration.ofSeconds(60));

        public Settings {
            if (readerPoolSize < 1) throw new IllegalArgumentException("readerPoolSize must be at least 1");
            if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1");
            if (busyTimeout.toMillis() < 1 || busyTimeout.toMillis() > Integer.MAX_VALUE)
                throw new IllegalArgumentException("busyTimeout out of range");
        }

        public Settings withPoolSize(int size) { return new Settings(readerPoolSize, size, busyTimeout, poolWait); }
    }

    /**
     * How often {@link #write} runs a transaction that PostgreSQL aborted as a deadlock victim or
     * for a serialization failure. Such a transaction was rolled back entirely, so running it
     * again is safe; the stores take their locks in one order (picture, tenant, blob rows by key)
     * so this is for the orders nothing can fix, such as two requests naming the same pictures
     * in different orders.
     */
    static final int WRITE_ATTEMPTS = 4;

    /** A unit of work on a handle; what it returns is what {@link #read} / {@link #write} return. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Handle handle) throws SQLException;
    }

    /** Serialises migrations of this JVM; the lock file beside the database serialises processes. */
    private static final Object MIGRATION_LOCK = new Object();

    private final Dialect dialect;
    private final HikariDataSource writerPool;
    private final HikariDataSource readerPool; // the same object as writerPool on PostgreSQL
    private final Jdbi writer;
    private final Jdbi reader;
    private final java.util.concurrent.atomic.AtomicLong retriedWrites = new java.util.concurrent.atomic.AtomicLong();

    private Database(Dialect dialect, HikariDataSource writerPool, HikariDataSource readerPool) {
        this.dialect = dialect;
        this.writerPool = writerPool;
        this.readerPool = readerPool;
        this.writer = newJdbi(writerPool);
        this.reader = readerPool == writerPool ? writer : newJdbi(readerPool);
    }

    /** Opens the database at {@code jdbcUrl} with default settings, migrating its schema. */
    public static Database open(String jdbcUrl) { return open(jdbcUrl, Settings.DEFAULTS); }

    /** Opens the database at {@code jdbcUrl}, migrating its schema to the newest version first. */
    public static Database open(String jdbcUrl, Settings settings) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(settings, "settings");
        Dialect dialect = Dialect.of(jdbcUrl);
        try {
            return switch (dialect) {
                case SQLITE -> openSqlite(jdbcUrl, settings);
                case POSTGRESQL -> openPostgresql(jdbcUrl, settings);
            };
        } catch (FlywayException | SQLException | JdbiException | IOException e) {
            throw new StorageException("cannot open the metadata database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof PicspaceException || e instanceof IllegalArgumentException) throw e;
            // Hikari reports a pool that cannot connect with its own unchecked exception
            throw new StorageException("cannot open the metadata database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    private static Database openSqlite(String jdbcUrl, Settings settings) throws IOException, SQLException {
        Path file = sqliteFile(jdbcUrl);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        String url = "jdbc:sqlite:" + file;

        migrateSqlite(file, sqliteDataSource(url, settings, true));

        HikariDataSource writerPool = null;
        try {
            writerPool = pool("picspace-sqlite-writer", sqliteDataSource(url, settings, true), 1, settings, null);
            // query_only: a write sent to a reader by mistake fails at once instead of racing the writer for the lock
            HikariDataSource readerPool = pool("picspace-sqlite-reader", sqliteDataSource(url, settings, false),
                    settings.readerPoolSize(), settings, "PRAGMA query_only = 1");
            return new Database(Dialect.SQLITE, writerPool, readerPool);
        } catch (RuntimeException e) {
            if (writerPool != null) writerPool.close();
            throw e;
        }
    }

    /**
     * Accepts {@code jdbc:sqlite:/path/to/meta.db} (a plain file path). In-memory databases and
     * URI options are refused: every pool connection must reach the same file, with our pragmas.
     */
    static Path sqliteFile(String jdbcUrl) {
        String path = jdbcUrl.substring("jdbc:sqlite:".length());
        if (path.isEmpty() || path.startsWith(":memory:") || path.startsWith("file:") || path.contains("?"))
            throw new IllegalArgumentException("a SQLite URL must name a file, as in jdbc:sqlite:/data/meta.db: " + jdbcUrl);
        return Path.of(path);
    }

    /**
     * The pragmas every connection gets. WAL lets readers run beside the writer; synchronous FULL
     * makes each commit durable before it returns (an acknowledged upload survives power loss);
     * the busy timeout makes a connection wait for another process's lock instead of failing.
     */
    private static SQLiteDataSource sqliteDataSource(String url, Settings settings, boolean forWriting) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setBusyTimeout((int) settings.busyTimeout().toMillis());
        // For code that uses the JDBC transaction API on this connection (Flyway): take the write
        // lock at BEGIN. Our own transactions issue BEGIN IMMEDIATE themselves (see Dialect.SQLITE).
        if (forWriting) config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        return ds;
    }

    /**
     * Runs Flyway under a lock: a server and a CLI starting together on a fresh file must not
     * both try to create the schema (Flyway does not lock SQLite's history table).
     */
    private static void migrateSqlite(Path file, SQLiteDataSource ds) throws IOException {
        Path lockFile = file.resolveSibling(file.getFileName() + ".migration-lock");
        synchronized (MIGRATION_LOCK) {
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                migrate(ds, Dialect.SQLITE);
            }
        }
    }

    private static void migrate(javax.sql.DataSource ds, Dialect dialect) {
        Flyway.configure()
                .dataSource(ds)
                .locations(dialect.migrationLocations())
                .validateMigrationNaming(true)
                .load()
                .migrate();
    }

    /**
     * PostgreSQL: one pool for reads and writes at READ COMMITTED, whatever the server's
     * default_transaction_isolation says (the stores' locking is written for it), and Flyway,
     * which serialises concurrent migrations with an advisory lock of its own.
     */
    private static Database openPostgresql(String jdbcUrl, Settings settings) {
        // Flyway holds two connections at once on PostgreSQL (one keeps its advisory lock, one
        // runs the migrations), so it gets a pool of its own for the migration: from the main
        // pool, a db-pool-size of 1 would leave it waiting for itself.
        try (HikariDataSource migration = pool("picspace-postgresql-migration", postgresConfig(jdbcUrl), 2, settings, null)) {
            migrate(migration, Dialect.POSTGRESQL);
        }
        HikariDataSource pool = pool("picspace-postgresql", postgresConfig(jdbcUrl), settings.poolSize(), settings, null);
        return new Database(Dialect.POSTGRESQL, pool, pool);
    }

    private static HikariConfig postgresConfig(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setDriverClassName("org.postgresql.Driver"); // not left to DriverManager's service lookup
        config.setJdbcUrl(jdbcUrl);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        // Defaults that the URL may override. Without logServerErrorDetail=false, a constraint
        // violation's message carries the row's values ("Key (session)=(...) already exists"),
        // and those include credentials; messages end up in logs.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("ApplicationName", "picspace");
        return config;
    }

    private static HikariDataSource pool(String name, javax.sql.DataSource ds, int size, Settings settings, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(ds);
        return pool(name, config, size, settings, initSql);
    }

    private static HikariDataSource pool(String name, HikariConfig config, int size, Settings settings, String initSql) {
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        config.setAutoCommit(true);
        config.setConnectionTimeout(settings.poolWait().toMillis());
        if (initSql != null) config.setConnectionInitSql(initSql);
        return new HikariDataSource(config);
    }

    private static Jdbi newJdbi(javax.sql.DataSource ds) {
        Jdbi jdbi = Jdbi.create(ds);
        // Our SQL is plain SQL with :named parameters; nothing in it is a template.
        jdbi.setTemplateEngine(TemplateEngine.NOP);
        // Failures name the statement but never its arguments: those include app secrets,
        // sessions and tenants' titles, and exception messages end up in logs.
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(e -> {
            StatementContext context = e.getStatementContext();
            String sql = context == null ? null : context.getRawSql();
            return sql == null ? e.getShortMessage() : e.getShortMessage() + " [statement: " + sql + "]";
        });
        return jdbi;
    }

    public Dialect dialect() { return dialect; }

    /**
     * How many write transactions were run again after PostgreSQL aborted them (deadlocks):
     * should stay near zero, since the stores take their locks in one order.
     */
    public long retriedWrites() { return retriedWrites.get(); }

    /** Runs {@code work} on a reader connection, outside any explicit transaction. */
    public <T> T read(Work<T> work) {
        try (Handle handle = reader.open()) {
            return work.run(handle);
        } catch (SQLException | JdbiException e) {
            throw storageFailure(e);
        }
    }

    /**
     * Runs {@code work} in one write transaction: committed when it returns, rolled back when it
     * throws. On SQLite the transaction holds the database's write lock from its first statement.
     * On PostgreSQL, a transaction the server aborts as a deadlock victim is rolled back and run
     * again (up to {@link #WRITE_ATTEMPTS} times), so {@code work} must do nothing outside the
     * handle that cannot be done twice.
     */
    public <T> T write(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return writeOnce(work);
            } catch (StorageException e) {
                if (attempt >= WRITE_ATTEMPTS || !isRetryableAbort(e)) throw e;
                retriedWrites.incrementAndGet();
                backOff(attempt);
            }
        }
    }

    /** One attempt of {@link #write}. */
    private <T> T writeOnce(Work<T> work) {
        try (Handle handle = writer.open()) {
            Connection connection = handle.getConnection();
            dialect.begin(connection);
            T result;
            try {
                result = work.run(handle);
                dialect.commit(connection);
            } catch (Throwable failure) {
                rollbackOrEvict(connection, failure);
                throw failure;
            }
            return result;
        } catch (SQLException | JdbiException e) {
            throw storageFailure(e);
        }
    }

    /**
     * Whether PostgreSQL rolled the transaction back for a deadlock (40P01) or a serialization
     * failure (40001): nothing of it was committed, so it can be run again as it was.
     */
    static boolean isRetryableAbort(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause())
            if (c instanceof SQLException se && ("40P01".equals(se.getSQLState()) || "40001".equals(se.getSQLState())))
                return true;
        return false;
    }

    /** A few milliseconds, growing and jittered, so the two transactions of a deadlock do not meet again at once. */
    private static void backOff(int attempt) {
        long millis = (long) (java.util.concurrent.ThreadLocalRandom.current().nextDouble(0.5, 1.5) * 5 * (1L << attempt));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting to retry a transaction", e);
        }
    }

    /**
     * Rolls back after a failure. If even that fails, the connection's state is unknown (it may
     * still hold the write lock), so the pool is told to throw it away rather than reuse it.
     */
    private void rollbackOrEvict(Connection connection, Throwable failure) {
        try {
            dialect.rollback(connection);
        } catch (SQLException | RuntimeException rollbackFailure) {
            failure.addSuppressed(rollbackFailure);
            writerPool.evictConnection(connection);
        }
    }

    private static StorageException storageFailure(Exception e) {
        return new StorageException("metadata database: " + e.getMessage(), e);
    }

    /** Whether {@code t} (or a cause) is a unique or primary key violation, on either database. */
    public static boolean isUniqueViolation(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLiteException se) {
                SQLiteErrorCode code = se.getResultCode();
                if (code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)
                    return true;
            } else if (c instanceof SQLException se && "23505".equals(se.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Keeps passwords in URLs out of messages. */
    private static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public void close() {
        if (readerPool != writerPool) readerPool.close();
        writerPool.close();
    }
}
