package dev.picspace.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.store.S3TestServer;
import dev.picspace.store.Database;
import dev.picspace.store.PostgresTestServer;
import dev.picspace.store.SqlMetadataStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator contract (shared/spec/operator.md): names, options and output shapes. */
class CliTest {
    @TempDir Path data;
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {}

    /** Where the commands keep their data: appended to every command line. */
    List<String> store;

    Run run(String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        line.addAll(store);
        args = line.toArray(String[]::new);
        PrintStream old = System.out, oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), buf.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
    }

    @Test
    void s3BlobsFromTheCommandLineAndOneLineWhenTheyCannotBeUsed() throws Exception {
        store = List.of(); // --data and --blobs given on each line here
        String uri = S3TestServer.freshBucketUri();
        Run created = run("tenant", "create", "--data", data.toString(), "--blobs", uri, "--nick", "s3shop");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(JSON.readTree(run("fsck", "--data", data.toString(), "--blobs", uri).out()).get("clean").asBoolean()).isTrue();

        Run typo = run("tenant", "list", "--data", data.toString(), "--blobs", uri + "&endpont=http://x");
        assertThat(typo.code()).isEqualTo(1);
        assertThat(typo.err().strip().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("picspace: bad --blobs S3 URI: unknown S3 URI parameter 'endpont'")
                .doesNotContain(S3TestServer.SECRET_KEY));

        String missing = uri.replaceFirst("s3://[^?]+", "s3://no-such-bucket");
        Run absent = run("tenant", "list", "--data", data.toString(), "--blobs", missing);
        assertThat(absent.code()).isEqualTo(1);
        assertThat(absent.err().strip().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("picspace: cannot use s3://no-such-bucket/ at http://127.0.0.1:")
                .contains("the bucket does not exist")
                .doesNotContain(S3TestServer.SECRET_KEY));

        Run other = run("tenant", "list", "--data", data.toString(), "--blobs", "gs://bucket");
        assertThat(other.code()).isEqualTo(1);
        assertThat(other.err()).startsWith("picspace: unsupported --blobs (expected file:/DIR or s3://BUCKET");
    }

    @Test
    void tenantLifecycle() throws Exception {
        store = List.of("--data", data.toString());
        lifecycle();
        assertThat(data.resolve("meta.db")).exists();
    }

    /** The same commands with --db naming a PostgreSQL database: everything lands there, nothing in SQLite. */
    @Test
    void tenantLifecycleOnPostgresql() throws Exception {
        String db = PostgresTestServer.freshDatabaseUrl();
        store = List.of("--data", data.toString(), "--db", db);
        lifecycle();
        assertThat(data.resolve("meta.db")).doesNotExist();
        try (SqlMetadataStore pg = SqlMetadataStore.open(db)) {
            assertThat(pg.database().dialect()).isEqualTo(Database.Dialect.POSTGRESQL);
            assertThat(pg.findTenantByNick("shop").orElseThrow().orderedBytes()).isEqualTo(1L << 30);
        }
        store = List.of("--data", data.toString(), "--db", "jdbc:postgresql://127.0.0.1:1/nowhere?user=u&password=pw-secret");
        Run unreachable = run("tenant", "list");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot open the metadata database").doesNotContain("pw-secret");
    }

    void lifecycle() throws Exception {
        Run created = run("tenant", "create", "--nick", "shop", "--order-space", "100M",
                "--free-space", "10M", "--order-expiry", "2027-12-31");
        assertThat(created.code()).isZero();
        assertThat(created.out().strip().lines()).hasSize(1); // ONE JSON object
        JsonNode t = JSON.readTree(created.out());
        assertThat(t.get("tenant_id").asLong()).isPositive();
        assertThat(t.get("nick").asText()).isEqualTo("shop");
        assertThat(t.at("/top/app_key").asText()).isNotBlank();
        assertThat(t.at("/top/app_secret").asText()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(t.at("/top/session").asText()).isNotBlank();
        assertThat(t.get("order_expiry").asText()).isEqualTo("2027-12-31");
        assertThat(t.at("/vod/access_key_id").asText()).matches("LTAI[A-Za-z0-9]{20}");
        assertThat(t.at("/vod/access_key_secret").asText()).matches("[A-Za-z0-9]{30}");

        Run sts = run("tenant", "sts", "--nick", "shop", "--duration", "PT10M");
        assertThat(sts.code()).isZero();
        JsonNode sj = JSON.readTree(sts.out());
        assertThat(sj.get("access_key_id").asText()).startsWith("STS.");
        assertThat(sj.get("security_token").asText()).startsWith("PS1.");
        assertThat(java.time.Instant.parse(sj.get("expiration").asText()))
                .isBetween(java.time.Instant.now().plusSeconds(500), java.time.Instant.now().plusSeconds(700));
        assertThat(run("tenant", "sts", "--nick", "nobody").code()).isEqualTo(1);
        assertThat(run("tenant", "sts", "--nick", "shop", "--duration", "P2D").code()).isNotZero();

        assertThat(run("tenant", "create", "--nick", "shop").code()).isEqualTo(1);

        String wm = "true|店铺|true|0.5|null|16|false|false|false|255,0,0|0|false|0.9,0.9|null|2";
        JsonNode w = JSON.readTree(run("tenant", "set-watermark", "--nick", "shop", wm).out());
        assertThat(w.get("water_mark").asText()).isEqualTo(wm);
        assertThat(run("tenant", "set-watermark", "--nick", "shop", "true|x").code()).isEqualTo(1);

        JsonNode q = JSON.readTree(run("tenant", "set-quota", "--nick", "shop", "--order-space", "1G",
                "--order-expiry", "none").out());
        assertThat(q.get("order_space_bytes").asLong()).isEqualTo(1L << 30);
        assertThat(q.get("free_space_bytes").asLong()).isEqualTo(10L << 20);
        assertThat(q.get("order_expiry").isNull()).isTrue();

        JsonNode s = JSON.readTree(run("tenant", "set-signed-urls", "--nick", "shop", "on").out());
        assertThat(s.get("signed_urls").asBoolean()).isTrue();

        JsonNode list = JSON.readTree(run("tenant", "list").out());
        assertThat(list).hasSize(1);
        assertThat(run("tenant", "set-quota", "--nick", "nobody", "--order-space", "1M").code()).isEqualTo(1);

        JsonNode fsck = JSON.readTree(run("fsck").out());
        assertThat(fsck.get("clean").asBoolean()).isTrue();
        assertThat(fsck.get("repaired").asBoolean()).isFalse();
    }
}
