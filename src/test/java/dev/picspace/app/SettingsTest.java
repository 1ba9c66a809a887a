package dev.picspace.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {
    @TempDir Path dir;

    @Test
    void defaultsAreSafeAndEmbedded() {
        Settings s = Settings.load(Map.of("data", dir.toString()), Map.of(), null);
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("meta.db").toAbsolutePath());
        assertThat(s.blobDir()).isEqualTo(dir.resolve("blobs"));
        assertThat(s.limits().maxBytes()).isEqualTo(20L << 20);
        assertThat(s.limits().maxPixels()).isEqualTo(100_000_000L);
        assertThat(s.maxBodyBytes()).isEqualTo((20L << 20) + (1 << 20));
        assertThat(s.publicBaseUrl(9999)).isEqualTo("http://localhost:9999");
    }

    @Test
    void fileThenEnvironmentThenCommandLine() throws Exception {
        Files.writeString(dir.resolve("picspace.properties"), "port=7000\nmax-bytes=5M\npublic-base-url=https://img.example.com\n");
        Settings fromFile = Settings.load(Map.of("data", dir.toString()), Map.of(), null);
        assertThat(fromFile.port()).isEqualTo(7000);
        assertThat(fromFile.limits().maxBytes()).isEqualTo(5L << 20);
        assertThat(fromFile.publicBaseUrl(7000)).isEqualTo("https://img.example.com");
        Settings env = Settings.load(Map.of("data", dir.toString()), Map.of("PICSPACE_PORT", "7001", "PICSPACE_MAX_FRAMES", "10"), null);
        assertThat(env.port()).isEqualTo(7001);
        assertThat(env.limits().maxFrames()).isEqualTo(10);
        Settings cli = Settings.load(Map.of("data", dir.toString(), "port", "7002"), Map.of("PICSPACE_PORT", "7001"), null);
        assertThat(cli.port()).isEqualTo(7002);
        Settings envData = Settings.load(Map.of(), Map.of("PICSPACE_DATA", dir.toString()), null);
        assertThat(envData.port()).isEqualTo(7000); // the data directory from the environment decides the file
    }

    @Test
    void deliveryHasBoundedDefaultsAndRefusesNonsense() {
        Settings s = Settings.load(Map.of("data", dir.toString()), Map.of(), null);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(s.delivery().maxDerivativeSide()).isEqualTo(4096);
        assertThat(s.delivery().renderThreads()).isEqualTo(cores);
        assertThat(s.delivery().renderQueue()).isEqualTo(4 * cores);
        assertThat(s.delivery().maxDerivativesPerPicture()).isEqualTo(64);
        assertThat(s.delivery().output()).isEqualTo(dev.picspace.domain.ImageEngine.OutputLimits.DEFAULTS);
        Settings tuned = Settings.load(Map.of("data", dir.toString(), "render-threads", "3", "max-output-bytes", "4M"),
                Map.of("PICSPACE_RENDER_QUEUE", "0"), null);
        assertThat(tuned.delivery().renderThreads()).isEqualTo(3);
        assertThat(tuned.delivery().renderQueue()).isZero();
        assertThat(tuned.delivery().output().maxBytes()).isEqualTo(4L << 20);
        assertThatThrownBy(() -> Settings.load(Map.of("data", dir.toString(), "render-threads", "0"), Map.of(), null))
                .hasMessageContaining("render-threads");
        assertThatThrownBy(() -> Settings.load(Map.of("data", dir.toString(), "max-derivative-side", "20000"), Map.of(), null))
                .hasMessageContaining("max-derivative-side");
        assertThatThrownBy(() -> Settings.load(Map.of("data", dir.toString(), "render-queue", "-1"), Map.of(), null))
                .hasMessageContaining("render-queue");
    }

    @Test
    void theMetadataDatabaseComesFromDbInTheFileTheEnvironmentOrTheCommandLine() throws Exception {
        String pg = "jdbc:postgresql://db.internal:5432/picspace?user=picspace&password=pw";
        Files.writeString(dir.resolve("picspace.properties"), "db=" + pg + "\ndb-pool-size=7\n");
        Settings fromFile = Settings.load(Map.of("data", dir.toString()), Map.of(), null);
        assertThat(fromFile.jdbcUrl()).isEqualTo(pg);
        assertThat(fromFile.dbPoolSize()).isEqualTo(7);
        Settings env = Settings.load(Map.of("data", dir.toString()), Map.of("PICSPACE_DB", pg + "2", "PICSPACE_DB_POOL_SIZE", "3"), null);
        assertThat(env.jdbcUrl()).isEqualTo(pg + "2");
        assertThat(env.dbPoolSize()).isEqualTo(3);
        assertThat(Settings.load(Map.of("data", dir.toString(), "db", pg + "3"), Map.of("PICSPACE_DB", pg + "2"), null).jdbcUrl())
                .isEqualTo(pg + "3");
        Files.delete(dir.resolve("picspace.properties"));
        assertThat(Settings.load(Map.of("data", dir.toString()), Map.of(), null).dbPoolSize()).isZero(); // automatic
        assertThatThrownBy(() -> Settings.load(Map.of("data", dir.toString(), "db-pool-size", "-1"), Map.of(), null))
                .hasMessageContaining("db-pool-size");
    }

    @Test
    void mistakesAreNamed() throws Exception {
        Path f = dir.resolve("bad.properties");
        Files.writeString(f, "prot=1\n");
        assertThatThrownBy(() -> Settings.load(Map.of(), Map.of(), f)).hasMessageContaining("unknown setting 'prot'");
        assertThatThrownBy(() -> Settings.load(Map.of("data", dir.toString(), "port", "x"), Map.of(), null)).hasMessageContaining("port");
        assertThatThrownBy(() -> Settings.load(Map.of(), Map.of(), dir.resolve("missing"))).hasMessageContaining("not found");
    }
}
