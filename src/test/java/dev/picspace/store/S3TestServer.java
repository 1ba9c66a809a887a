package dev.picspace.store;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One real S3 protocol server (S3Proxy, filesystem backend in a temporary directory) per test JVM,
 * started on first use on a random port, with signature V4 authentication on so that requests
 * are signed and checked as real S3 does. Every test takes its own bucket
 * ({@link #freshBucketUri()}), so nothing needs cleaning between tests; a shutdown hook stops the
 * server and deletes its directory.
 */
public final class S3TestServer {
    public static final String ACCESS_KEY = "picspace-test";
    /** With a '+' and a '/', as AWS secrets have: they must survive the URI. */
    public static final String SECRET_KEY = "s3cr3t+key/" + UUID.randomUUID();

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static volatile S3TestServer instance;

    private final S3Proxy proxy;
    private final Path dir;
    private final URI endpoint;
    private final S3Client client;

    private S3TestServer() throws Exception {
        dir = Files.createTempDirectory("picspace-s3proxy-");
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", dir.toString());
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", p))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) Thread.sleep(10);
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .build();
    }

    /** The server, started on first call. */
    public static S3TestServer get() {
        S3TestServer s = instance;
        if (s != null) return s;
        synchronized (S3TestServer.class) {
            if (instance == null) {
                try {
                    instance = new S3TestServer();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start S3Proxy", e);
                }
                S3TestServer started = instance;
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "s3proxy-stop"));
            }
            return instance;
        }
    }

    public URI endpoint() { return endpoint; }

    /** A client of our own, for looking at buckets behind the store's back. */
    public S3Client client() { return client; }

    /** Creates a new empty bucket. @return its name */
    public String freshBucket() {
        String name = "t" + BUCKETS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
        client.createBucket(b -> b.bucket(name));
        return name;
    }

    /** An {@code s3://} URI, in the operator's syntax, for a newly created bucket. */
    public static String freshBucketUri() {
        S3TestServer s = get();
        return s.uriOf(s.freshBucket(), null);
    }

    /** The operator's URI for {@code bucket}, with an optional key prefix. */
    public String uriOf(String bucket, String prefix) {
        return uriOf(bucket, prefix, endpoint);
    }

    /** ... at another endpoint (e.g. a proxy in front of this server). */
    public String uriOf(String bucket, String prefix, URI at) {
        // the secret's '+' and '/' are written as they are: operators paste secrets unescaped
        return "s3://" + bucket + "?endpoint=" + at + "&region=us-east-1&access_key=" + ACCESS_KEY
                + "&secret_key=" + SECRET_KEY + (prefix == null ? "" : "&prefix=" + prefix);
    }

    private void stop() {
        try {
            client.close();
            proxy.stop();
        } catch (Exception ignored) {
            // the JVM is going away anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory left behind is not worth failing a shutdown for
        }
    }
}
