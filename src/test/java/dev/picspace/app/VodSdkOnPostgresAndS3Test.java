package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import dev.picspace.store.S3TestServer;

import java.util.HashMap;
import java.util.Map;

/** Every VOD SDK test again, on the scale-out configuration: metadata in PostgreSQL, blobs in S3 (S3Proxy). */
class VodSdkOnPostgresAndS3Test extends VodSdkTest {
    private Map<String, String> settings;

    @Override
    protected Map<String, String> settings() {
        if (settings == null) {
            settings = new HashMap<>(super.settings());
            settings.put("db", PostgresTestServer.freshDatabaseUrl());
            settings.put("blobs", S3TestServer.freshBucketUri());
        }
        return settings;
    }
}
