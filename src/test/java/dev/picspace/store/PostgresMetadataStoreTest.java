package dev.picspace.store;

import dev.picspace.domain.MetadataStore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The whole contract on a real PostgreSQL, plus what only PostgreSQL has. */
class PostgresMetadataStoreTest extends MetadataStoreContract {

    private String url;

    @Override
    protected MetadataStore openStore() {
        url = PostgresTestServer.freshDatabaseUrl();
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
}
