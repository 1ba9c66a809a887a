package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import dev.picspace.store.S3TestServer;

import java.util.Map;

/** The same SDK-to-SDK journey with the metadata in PostgreSQL and the bytes in S3 (S3Proxy). */
class VodUploadEndToEndOnPostgresAndS3Test extends VodUploadEndToEndTest {
    private Map<String, String> settings;

    @Override
    protected Map<String, String> settings() {
        if (settings == null) settings = Map.of("db", PostgresTestServer.freshDatabaseUrl(), "blobs", S3TestServer.freshBucketUri());
        return settings;
    }
}
