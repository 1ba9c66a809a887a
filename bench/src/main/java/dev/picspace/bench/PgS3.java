package dev.picspace.bench;

import dev.picspace.store.S3TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL + S3 for a bench JVM: ONE embedded PostgreSQL (zonky's binaries, the ones the tests
 * use, as a separate postmaster process on localhost) and ONE S3Proxy (the tests' {@link
 * S3TestServer}: in this JVM, filesystem backend in a temporary directory, SigV4 checked). Both
 * are local, so what a bench measures on them is picspace's code path on those protocols, not a
 * production cluster.
 *
 * <p>Unlike the tests' PostgresTestServer (fsync, synchronous_commit and full_page_writes off:
 * the tests are about SQL semantics), PostgreSQL runs with its own durable defaults, as a
 * production server would and as the embedded default is (SQLite synchronous=FULL, fsynced
 * blobs). {@code -Dbench.pg.fsync=off} turns the three off again, only to see what durability
 * costs. S3Proxy's filesystem backend writes a temporary file and renames it, without fsync.
 *
 * <p>The postmaster is not a child of this JVM (pg_ctl starts it), so bench/run.sh would count
 * its CPU as "other processes"; {@link #close} therefore writes the CPU time of the postmaster
 * and its backends to the file {@code -Dbench.extra-cpu-file} names, which the script subtracts.
 */
final class PgS3 implements AutoCloseable {
    final EmbeddedPostgres pg;
    final S3TestServer s3;
    final boolean durable;
    private final int postmasterPid;

    private PgS3(EmbeddedPostgres pg, S3TestServer s3, boolean durable) throws SQLException {
        this.pg = pg;
        this.s3 = s3;
        this.durable = durable;
        // the postmaster is the parent of any backend, read while that backend is still connected
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            long[] backend = procStat(rs.getInt(1));
            if (backend == null) throw new IllegalStateException("cannot read /proc for PostgreSQL's backend " + rs.getInt(1));
            this.postmasterPid = (int) backend[0];
        }
    }

    /** @param pgData a data directory to keep (initialised when empty), or null for a temporary one */
    static PgS3 start(Path pgData) throws Exception {
        boolean durable = !"off".equalsIgnoreCase(System.getProperty("bench.pg.fsync", "on"));
        String on = durable ? "on" : "off";
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                // zonky's builder sets synchronous_commit=off; these are PostgreSQL's own defaults
                .setServerConfig("fsync", on)
                .setServerConfig("synchronous_commit", on)
                .setServerConfig("full_page_writes", on)
                .setServerConfig("max_connections", "100")
                .setPGStartupWait(Duration.ofSeconds(60));
        if (pgData != null) {
            Files.createDirectories(pgData);
            b.setDataDirectory(pgData).setCleanDataDirectory(false);
        }
        EmbeddedPostgres pg = b.start();
        try {
            return new PgS3(pg, S3TestServer.get(), durable);
        } catch (RuntimeException | SQLException e) {
            pg.close();
            throw e;
        }
    }

    /** The URL picspace's {@code db} setting gets, as an operator would write it. */
    String jdbcUrl(String database) { return pg.getJdbcUrl("postgres", database); }

    boolean databaseExists(String name) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection();
             PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Drops {@code name} if it exists and creates it empty. @return its JDBC URL */
    String freshDatabase(String name) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        return jdbcUrl(name);
    }

    /** A new empty bucket, as picspace's {@code blobs} setting. */
    String freshBucketUri() { return s3.uriOf(s3.freshBucket(), null); }

    /** A client set up as S3BlobStore's (JDK HttpURLConnection, path style, checksums only when required). */
    S3Client rawClient() {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** One line for the report. */
    String describe() throws SQLException {
        String version, buffers;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            version = one(s, "SHOW server_version");
            buffers = one(s, "SHOW shared_buffers");
        }
        return "PostgreSQL " + version + " (zonky embedded binaries, a separate postmaster on localhost:" + pg.getPort()
                + "; " + (durable ? "fsync, synchronous_commit and full_page_writes on (PostgreSQL's defaults)"
                : "**fsync, synchronous_commit and full_page_writes OFF (bench.pg.fsync=off)**")
                + ", shared_buffers " + buffers + ", otherwise default settings) and S3Proxy (in this JVM, on "
                + s3.endpoint().getAuthority() + ", filesystem backend in a temporary directory: no fsync, SigV4 checked); "
                + "both on this machine, so the figures are picspace's code path on these protocols, not a production cluster";
    }

    private static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    Map<String, String> settings(Path data, String database, String blobs) {
        return Map.of("data", data.toString(), "db", jdbcUrl(database), "blobs", blobs);
    }

    /** CPU seconds the postmaster and its backends (live, or ended and reaped by it) have used. */
    double postgresCpuSeconds() {
        long[] own = procStat(postmasterPid);
        if (own == null) return Double.NaN;
        long ticks = own[1];
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                long[] st = procStat(Integer.parseInt(name));
                if (st != null && st[0] == postmasterPid) ticks += st[1];
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ticks / 100.0; // USER_HZ, 100 on Linux
    }

    /** {ppid, utime + stime + cutime + cstime} of a process, or null when it is gone. */
    private static long[] procStat(int pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        return new long[]{Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                + Long.parseLong(f[14])};
    }

    @Override
    public void close() throws IOException {
        double cpu = postgresCpuSeconds();
        String file = System.getProperty("bench.extra-cpu-file");
        if (file != null && !Double.isNaN(cpu))
            Files.writeString(Path.of(file), String.format(Locale.ROOT, "%.2f%n", cpu), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        System.err.printf("PostgreSQL used %.1f s of CPU%n", cpu);
        pg.close();
    }
}
