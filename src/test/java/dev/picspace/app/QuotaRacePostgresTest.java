package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The quota race with the metadata in PostgreSQL, on one node and on two nodes sharing the database. */
class QuotaRacePostgresTest extends QuotaRaceTest {
    private final String db = PostgresTestServer.freshDatabaseUrl(); // a new database for each test

    @TempDir Path secondNodeData;
    @TempDir Path sharedBlobs;

    @Override
    protected Map<String, String> settings() { return Map.of("db", db); }

    /**
     * Two picspace servers, each with its own pool, on one PostgreSQL database and one blob
     * directory, as two nodes behind a load balancer: half the clients talk to each. Node ids
     * are set so that the two never mint the same picture id.
     */
    @Test
    void twoNodesOnOneDatabaseNeverOvershoot() throws Exception {
        String blobs = sharedBlobs.toUri().toString();
        try (ServerFixture a = new ServerFixture(data, Map.of("db", db, "blobs", blobs, "node-id", "1"));
             ServerFixture b = new ServerFixture(secondNodeData, Map.of("db", db, "blobs", blobs, "node-id", "2"))) {
            race(List.of(a, b));
        }
    }
}
