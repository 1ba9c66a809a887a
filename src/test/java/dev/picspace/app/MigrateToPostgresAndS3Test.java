package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import dev.picspace.store.S3TestServer;

/** {@code migrate} from the embedded default to the scale-out stores: SQLite → PostgreSQL, files → S3. */
class MigrateToPostgresAndS3Test extends MigrateTest {
    private final String db = PostgresTestServer.freshDatabaseUrl();
    private final String bucket = S3TestServer.freshBucketUri();

    @Override
    protected String targetDb() { return db; }

    @Override
    protected String targetBlobs() { return bucket; }
}
