package dev.picspace.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.store.PostgresTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar target/picspace.jar} as an operator runs it (after {@code package}, by
 * failsafe): what shading can break and class-path tests cannot see, such as Flyway finding its
 * PostgreSQL support and the JDBC drivers through merged META-INF/services files.
 */
class ShadedJarIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path JAR = Path.of(System.getProperty("basedir", "."), "target", "picspace.jar");

    @TempDir Path data;
    @TempDir Path outputs;

    /** Exit code and everything it printed (stdout and stderr together). */
    record Run(int code, String out) {}

    private int runs;

    static Process start(Map<String, String> env, Path outFile, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PICSPACE_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    Run run(Map<String, String> env, String... args) throws Exception {
        Path out = outputs.resolve("run-" + ++runs + ".out");
        Process p = start(env, out, args);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished in time: " + String.join(" ", args)).isTrue();
        String text = Files.readString(out, StandardCharsets.UTF_8);
        return new Run(p.exitValue(), text);
    }

    @Test
    void theJarRunsOnPostgresql() throws Exception {
        assertThat(JAR).exists();
        String db = PostgresTestServer.freshDatabaseUrl();

        Run created = run(Map.of(), "tenant", "create", "--data", data.toString(), "--db", db, "--nick", "jar-shop");
        assertThat(created.code()).as(created.out()).isZero();
        JsonNode t = JSON.readTree(created.out().lines().filter(l -> l.startsWith("{\"tenant_id\"")).findFirst().orElseThrow());
        assertThat(t.get("nick").asText()).isEqualTo("jar-shop");

        // the same database named by the environment instead of the option
        Run listed = run(Map.of("PICSPACE_DB", db), "tenant", "list", "--data", data.toString());
        assertThat(listed.code()).as(listed.out()).isZero();
        assertThat(listed.out()).contains("\"nick\":\"jar-shop\"");

        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        Path log = outputs.resolve("serve.log");
        Process server = start(Map.of(), log, "serve", "--data", data.toString(), "--db", db, "--host", "127.0.0.1",
                "--port", String.valueOf(port));
        try {
            HttpClient http = HttpClient.newHttpClient();
            int status = 0;
            for (int i = 0; i < 120 && status != 200 && server.isAlive(); i++) {
                try {
                    status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    Thread.sleep(250);
                }
            }
            assertThat(status).as(Files.readString(log)).isEqualTo(200);
            assertThat(Files.readString(log)).contains("metadata PostgreSQL");
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }

        Run fsck = run(Map.of(), "fsck", "--data", data.toString(), "--db", db);
        assertThat(fsck.code()).as(fsck.out()).isZero();
        assertThat(fsck.out()).contains("\"clean\":true");
    }

    @Test
    void theJarRunsOnSqliteByDefault() throws Exception {
        Run created = run(Map.of(), "tenant", "create", "--data", data.toString(), "--nick", "jar-local");
        assertThat(created.code()).as(created.out()).isZero();
        assertThat(data.resolve("meta.db")).exists();
        Run unsupported = run(Map.of(), "tenant", "list", "--data", data.toString(), "--db", "jdbc:mysql://localhost/x");
        assertThat(unsupported.code()).isEqualTo(1);
        assertThat(unsupported.out()).contains("unsupported database URL");
    }
}
