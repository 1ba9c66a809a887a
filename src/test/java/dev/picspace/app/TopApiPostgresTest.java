package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every TOP API test again, on the scale-out configuration: metadata in PostgreSQL, blobs in S3 (S3Proxy). */
class TopApiPostgresTest extends TopApiTest {
    private String db;
    private String blobs;

    @Override
    protected Map<String, String> settings() {
        if (db == null) db = PostgresTestServer.freshDatabaseUrl();
        Map<String, String> s = new HashMap<>(super.settings());
        s.put("db", db);
        if (blobs == null) blobs = dev.picspace.store.S3TestServer.freshBucketUri();
        s.put("blobs", blobs);
        return s;
    }

    @Test
    void theMetadataIsInPostgresql() {
        assertThat(fx.picspace.settings().jdbcUrl()).isEqualTo(db).startsWith("jdbc:postgresql:");
        assertThat(data.resolve("meta.db")).doesNotExist();
        assertThat(fx.picspace.blobs()).isInstanceOf(dev.picspace.store.S3BlobStore.class);
    }
}
