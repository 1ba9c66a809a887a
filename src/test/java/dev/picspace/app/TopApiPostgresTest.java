package dev.picspace.app;

import dev.picspace.store.PostgresTestServer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every TOP API test again, with the metadata in a PostgreSQL database (blobs stay in the data directory). */
class TopApiPostgresTest extends TopApiTest {
    private String db;

    @Override
    protected Map<String, String> settings() {
        if (db == null) db = PostgresTestServer.freshDatabaseUrl();
        Map<String, String> s = new HashMap<>(super.settings());
        s.put("db", db);
        return s;
    }

    @Test
    void theMetadataIsInPostgresql() {
        assertThat(fx.picspace.settings().jdbcUrl()).isEqualTo(db).startsWith("jdbc:postgresql:");
        assertThat(data.resolve("meta.db")).doesNotExist();
    }
}
