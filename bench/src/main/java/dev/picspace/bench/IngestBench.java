package dev.picspace.bench;

import com.taobao.api.DefaultTaobaoClient;
import dev.picspace.domain.Tenant;
import dev.picspace.domain.TopCredentials;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureUploadResponse;

import dev.picspace.domain.UploadSpec;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ingest rate over HTTP: two client threads, each with its own real DefaultTaobaoClient, upload
 * distinct JPEGs with taobao.picture.upload to an in-process picspace, for a fixed count or
 * time, whichever comes first. Beside it, in the same run and with the same bytes: the same
 * clients against {@link DiscardServer} (what HTTP and the client cost by themselves), and the
 * same bytes written durably to files (what the disk costs by itself).
 *
 * <p>With {@code -Dbench.stores=pg-s3} picspace runs on {@link PgS3} (one embedded PostgreSQL,
 * one in-process S3Proxy) and two more references join: the same bytes PUT straight to that S3
 * server, and one small durable INSERT + COMMIT on that PostgreSQL per picture.
 */
public final class IngestBench {
    private IngestBench() {}

    private static final int CLIENTS = 2;
    private static final AtomicLong NAMES = new AtomicLong();
    private static final int ROUNDS = 2;
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(10);

    /** One picture size; {@code bases} distinct encodes, every upload a distinct variant of one. */
    record Workload(String name, int targetBytes, int bases, int maxPictures, Duration maxTime, int warmUps) {}

    static final List<Workload> WORKLOADS = List.of(
            new Workload("~50 KB", 50_000, 8, 1000, Duration.ofSeconds(20), 300),
            new Workload("~2 MB", 2_000_000, 3, 600, Duration.ofSeconds(15), 30));

    /** What one thread does with picture {@code index}; one per thread, as clients are not shared. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] jpeg, int index) throws Exception;
    }

    @FunctionalInterface
    interface SinkFactory {
        Sink newSink() throws Exception;
    }

    record Result(int pictures, long bytes, long elapsedNanos, Latencies latencies) {
        static final Result NONE = new Result(0, 0, 0, new Latencies());

        Result plus(Result other) {
            Latencies both = new Latencies();
            both.addAll(latencies);
            both.addAll(other.latencies);
            return new Result(pictures + other.pictures, bytes + other.bytes, elapsedNanos + other.elapsedNanos, both);
        }

        double perSecond() { return pictures / (elapsedNanos / 1e9); }

        double megabytesPerSecond() { return bytes / 1e6 / (elapsedNanos / 1e9); }
    }

    public static void main(String[] args) {
        BenchStores.exitAfter(() -> {
            BenchStores stores = BenchStores.selected();
            try (PgS3 pgS3 = stores == BenchStores.PG_S3 ? PgS3.start(null) : null) {
                run(stores, pgS3);
            }
        });
    }

    private static void run(BenchStores stores, PgS3 pgS3) throws Exception {
        Path data = Files.createTempDirectory("picspace-ingest-");
        Path floorDir = Files.createTempDirectory("picspace-ingest-floor-");
        Markdown table = new Markdown("what", "pictures", "n", "pictures/s", "MB/s", "p50 ms", "p99 ms",
                "picspace ÷ bare HTTP", "picspace ÷ disk");
        List<String> sizes = new ArrayList<>();
        Map<String, String> settings = new HashMap<>();
        String storesLine = null;
        S3Client rawS3 = null;
        String rawBucket = null;
        List<Connection> commitConnections = new ArrayList<>();
        if (pgS3 != null) {
            settings.put("db", pgS3.freshDatabase("picspace_ingest"));
            settings.put("blobs", pgS3.freshBucketUri());
            storesLine = pgS3.describe();
            rawS3 = pgS3.rawClient();
            rawBucket = pgS3.s3.freshBucket();
            String refUrl = pgS3.freshDatabase("bench_commit");
            for (int i = 0; i < CLIENTS; i++) commitConnections.add(java.sql.DriverManager.getConnection(refUrl));
            try (Statement s = commitConnections.get(0).createStatement()) {
                s.execute("CREATE TABLE commit_ref (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)");
            }
            for (Connection c : commitConnections) c.setAutoCommit(false);
        }
        try (BenchServer picspace = new BenchServer(data, settings); DiscardServer discard = new DiscardServer()) {
            Tenant tenant = picspace.picspace.space().createTenant("bench-ingest", 1L << 40, 0, null, false);
            TopCredentials creds = picspace.credentials(tenant);
            for (Workload w : WORKLOADS) {
                long t0 = System.nanoTime();
                List<byte[]> warmUp = variants(w, w.warmUps(), 1_000_000);
                List<byte[]> measured = variants(w, w.maxPictures(), 0);
                // Its own bytes: those above are stored by then, and a second copy of stored bytes is only a lookup.
                List<byte[]> directWarmUp = variants(w, w.warmUps(), 3_000_000);
                List<byte[]> directMeasured = variants(w, w.maxPictures(), 2_000_000);
                long mean = measured.stream().mapToLong(b -> b.length).sum() / measured.size();
                sizes.add(String.format("%s: %d distinct JPEGs of %d bytes on average (%d-%d), generated in %.1f s before timing",
                        w.name(), measured.size(), mean, measured.stream().mapToInt(b -> b.length).min().orElse(0),
                        measured.stream().mapToInt(b -> b.length).max().orElse(0), (System.nanoTime() - t0) / 1e9));

                SinkFactory toPicspace = () -> uploader(BenchServer.client(picspace.topUrl(), creds), creds.session(), true);
                SinkFactory toPictureSpace = () -> (jpeg, index) -> picspace.picspace.space().upload(tenant.id(),
                        new ByteArrayInputStream(jpeg), UploadSpec.named("direct-" + NAMES.incrementAndGet() + ".jpg"));
                SinkFactory toDiscard = () -> uploader(BenchServer.client(discard.url(), creds), creds.session(), false);
                SinkFactory toDisk = () -> durableFileWriter(floorDir);
                S3Client s3 = rawS3;
                String bucket = rawBucket;
                SinkFactory toS3 = () -> (jpeg, index) -> s3.putObject(b -> b.bucket(bucket).key("ref/" + NAMES.incrementAndGet())
                        .contentLength((long) jpeg.length), RequestBody.fromBytes(jpeg));
                AtomicInteger nextConnection = new AtomicInteger();
                SinkFactory toCommit = () -> committer(commitConnections.get(nextConnection.getAndIncrement() % CLIENTS));
                boolean pg = pgS3 != null;

                run(toPicspace, warmUp, WARM_UP_LIMIT);
                run(toPictureSpace, directWarmUp, WARM_UP_LIMIT);
                run(toDiscard, warmUp, WARM_UP_LIMIT);
                if (pg) {
                    run(toS3, warmUp, WARM_UP_LIMIT);
                    run(toCommit, warmUp, WARM_UP_LIMIT);
                }
                // The rows take turns, in rounds, so that a slow spell of the (virtual) disk
                // falls on all of them rather than on whichever ran at that moment.
                Result ps = Result.NONE, direct = Result.NONE, bare = Result.NONE, disk = Result.NONE;
                Result put = Result.NONE, commit = Result.NONE;
                Duration limit = w.maxTime().dividedBy(ROUNDS);
                for (int round = 0; round < ROUNDS; round++) {
                    List<byte[]> part = share(measured, round), directPart = share(directMeasured, round);
                    ps = ps.plus(run(toPicspace, part, limit));
                    direct = direct.plus(run(toPictureSpace, directPart, limit));
                    bare = bare.plus(run(toDiscard, part, limit));
                    disk = disk.plus(run(toDisk, part, limit));
                    if (pg) {
                        put = put.plus(run(toS3, part, limit));
                        commit = commit.plus(run(toCommit, part, limit));
                    }
                }
                BenchServer.deleteRecursively(floorDir);
                Files.createDirectories(floorDir);

                row(table, w, "**picspace** taobao.picture.upload", ps,
                        Markdown.ratio(ps.perSecond(), bare.perSecond()), Markdown.ratio(ps.perSecond(), disk.perSecond()));
                row(table, w, "picspace without HTTP: PictureSpace.upload in-process", direct, "", "");
                row(table, w, "reference: bare HTTP POST, body discarded", bare, "", "");
                row(table, w, "reference: write + fsync + rename + fsync dir", disk, "", "");
                if (pg) {
                    row(table, w, "reference: S3 PUT of the same bytes (AWS SDK → S3Proxy)", put, "", "");
                    table.row("reference: PostgreSQL INSERT + COMMIT of one small row", w.name(), commit.pictures(),
                            commit.perSecond(), "", commit.latencies().p50(), commit.latencies().p99(), "", "");
                }
                System.err.printf("ingest %s done: picspace %.1f/s, without HTTP %.1f/s, bare %.1f/s, disk %.1f/s%s%n",
                        w.name(), ps.perSecond(), direct.perSecond(), bare.perSecond(), disk.perSecond(),
                        pg ? String.format(", S3 PUT %.1f/s, commit %.1f/s", put.perSecond(), commit.perSecond()) : "");
            }
        } finally {
            BenchServer.deleteRecursively(data);
            BenchServer.deleteRecursively(floorDir);
            for (Connection c : commitConnections) c.close();
            if (rawS3 != null) rawS3.close();
        }

        System.out.println("## Ingest over HTTP (" + CLIENTS + " concurrent clients, real DefaultTaobaoClient)"
                + (stores == BenchStores.EMBEDDED ? "" : ", on " + stores.label));
        System.out.println();
        if (storesLine != null) {
            System.out.println("Stores: " + storesLine + ".");
            System.out.println();
        }
        table.print(System.out);
        for (String s : sizes) System.out.println("- " + s + ".");
        System.out.println("- Each row runs until its count or its time limit (" + WORKLOADS.get(0).maxTime().toSeconds() + " s / "
                + WORKLOADS.get(1).maxTime().toSeconds() + " s) is reached, after an unmeasured warm-up, in " + ROUNDS
                + " rounds in which the rows take turns; latency is one upload as the client (or thread) sees it.");
        System.out.println("- Without HTTP: the same " + CLIENTS + " threads calling PictureSpace.upload on the server's own "
                + "PictureSpace with other distinct bytes of the same sizes: the domain and the stores alone, no HTTP, multipart or TOP.");
        System.out.println("- Bare HTTP: the same clients and bytes against a Jetty configured like picspace's whose handler reads "
                + "and discards the body and answers a fixed upload response: the client's and HTTP's own cost. "
                + "The ratio is how much of that rate picspace keeps while parsing, hashing, probing, storing durably and committing metadata.");
        System.out.println("- Disk: the same bytes written to new files by " + CLIENTS + " threads with the blob store's durability steps "
                + "(fsync the file, rename it, fsync the directory), without HTTP: what the disk allows at best. "
                + (stores == BenchStores.EMBEDDED ? "picspace also commits a SQLite transaction (WAL, synchronous=FULL) per upload."
                : "On S3, picspace stages every upload with these same steps (DATA/staging) before it sends it, then "
                + "commits a PostgreSQL transaction per upload."));
        if (stores == BenchStores.PG_S3) {
            System.out.println("- S3 PUT: the same " + CLIENTS + " threads PUT the same bytes under new keys to another bucket of the "
                    + "same S3Proxy, one AWS SDK client set up as picspace's S3BlobStore (no HEAD first, no Content-MD5): "
                    + "what the S3 protocol and this server cost by themselves.");
            System.out.println("- PostgreSQL commit: " + CLIENTS + " threads, each on its own JDBC connection to the same PostgreSQL "
                    + "(another database), INSERT one ~200-byte row and COMMIT: the floor of one durable transaction, "
                    + "no bytes sent (hence no MB/s).");
        }
        System.out.println();
    }

    private static void row(Markdown table, Workload w, String what, Result r, String vsBare, String vsDisk) {
        table.row(what, w.name(), r.pictures(), r.perSecond(), r.megabytesPerSecond(), r.latencies().p50(), r.latencies().p99(),
                vsBare, vsDisk);
    }

    /** Round {@code round}'s share of the pictures: every ROUNDS-th one. */
    private static List<byte[]> share(List<byte[]> pictures, int round) {
        List<byte[]> out = new ArrayList<>();
        for (int i = round; i < pictures.size(); i += ROUNDS) out.add(pictures.get(i));
        return out;
    }

    private static List<byte[]> variants(Workload w, int count, long firstNumber) {
        List<byte[]> bases = new ArrayList<>();
        for (int i = 0; i < w.bases(); i++) bases.add(BenchImages.noisyJpeg(w.targetBytes(), w.targetBytes() * 31L + i + firstNumber));
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(BenchImages.distinctVariant(bases.get(i % bases.size()), firstNumber + i));
        return out;
    }

    private static Sink uploader(DefaultTaobaoClient client, String session, boolean checkSize) {
        return (jpeg, index) -> {
            String name = "bench-" + NAMES.incrementAndGet() + ".jpg"; // unique, so no title gets a "(1)" suffix
            PictureUploadResponse r = client.execute(new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                    .param("picture_category_id", 0).param("image_input_title", name).file("img", name, jpeg), session);
            if (!r.isSuccess()) throw new IllegalStateException("upload " + index + " failed: " + r.getBody());
            if (checkSize && r.getPicture().getSizes() != jpeg.length)
                throw new IllegalStateException("upload " + index + " stored " + r.getPicture().getSizes() + " bytes, not " + jpeg.length);
        };
    }

    /** One small row per picture, in its own durable transaction: what a commit costs by itself. */
    private static Sink committer(Connection c) throws SQLException {
        PreparedStatement insert = c.prepareStatement("INSERT INTO commit_ref (id, payload) VALUES (?, ?)");
        String payload = "x".repeat(200);
        return (jpeg, index) -> {
            insert.setLong(1, NAMES.incrementAndGet());
            insert.setString(2, payload);
            insert.executeUpdate();
            c.commit();
        };
    }

    /** The blob store's durability steps for a new blob, nothing else. */
    private static Sink durableFileWriter(Path dir) {
        return (jpeg, index) -> {
            long n = NAMES.incrementAndGet(); // a new name every time: a rename over an existing file is another operation
            Path staged = dir.resolve("staged-" + n), target = dir.resolve(n + ".jpg");
            try (FileChannel out = FileChannel.open(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(jpeg);
                while (b.hasRemaining()) out.write(b);
                out.force(true);
            }
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        };
    }

    /** {@link #CLIENTS} threads take the next picture until all are taken or {@code maxTime} has passed. */
    static Result run(SinkFactory sinks, List<byte[]> pictures, Duration maxTime) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Latencies latencies = new Latencies();
        long[] bytes = new long[CLIENTS];
        List<Thread> threads = new ArrayList<>();
        List<Sink> perThread = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) perThread.add(sinks.newSink());
        long start = System.nanoTime();
        long deadline = start + maxTime.toNanos();
        for (int t = 0; t < CLIENTS; t++) {
            int me = t;
            Thread thread = new Thread(() -> {
                try {
                    while (failure.get() == null && System.nanoTime() < deadline) {
                        int i = next.getAndIncrement();
                        if (i >= pictures.size()) break;
                        byte[] jpeg = pictures.get(i);
                        long t0 = System.nanoTime();
                        perThread.get(me).accept(jpeg, i);
                        latencies.add(System.nanoTime() - t0);
                        bytes[me] += jpeg.length;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-client-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) t.join();
        long elapsed = System.nanoTime() - start;
        if (failure.get() != null) throw new IllegalStateException("a client failed: " + failure.get(), failure.get());
        long total = 0;
        for (long b : bytes) total += b;
        return new Result(latencies.count(), total, elapsed, latencies);
    }
}
