package dev.picspace.store;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Exceptions.StorageException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Blobs as objects in an S3-compatible bucket, under {@code <prefix>ab/cd/<sha256>} (the directory
 * store's layout, so listings come back in key order and a bucket can be read by eye).
 *
 * <p>Uploads are staged in a local directory first ({@link StagingDirectory}: bounded, hashed,
 * fsynced, exactly as for the directory store), because the probe reads the staged file and the
 * sha256 that names the object is only known once every byte has been seen. {@link #commit} then
 * sends the file: one PUT up to {@link Tuning#multipartThreshold}, a multipart upload above it (so
 * a failed part is retried alone and no request body is larger than a part), with Content-MD5 on
 * every request so the server refuses bytes damaged on the way. S3 makes an object visible only
 * once it is complete and durably stored, so a successful commit is durable.
 *
 * <p>Reads are ranged GETs streamed straight from the connection: a large picture is never held
 * whole in memory, and a Range request costs only its bytes.
 *
 * <p>HTTP goes through the JDK's {@code HttpURLConnection} (the SDK's url-connection client): no
 * Netty, no Apache HttpClient in the jar. The SDK's default CRC checksums (aws-chunked trailers)
 * are switched to "when required": several S3-compatible servers refuse them, and Content-MD5
 * already protects every upload.
 */
public final class S3BlobStore implements BlobStore {
    private static final long MIB = 1024 * 1024;

    /**
     * @param multipartThreshold objects larger than this go up in parts
     * @param partSize           size of each part but the last; S3 requires at least 5 MiB
     * @param listPageSize       keys per ListObjectsV2 request (S3 returns at most 1000)
     * @param refreshOlderThan   committing bytes already stored re-dates an object older than this
     *                           (see {@link #commit})
     */
    public record Tuning(long multipartThreshold, long partSize, int listPageSize, Duration refreshOlderThan) {
        public static final Tuning DEFAULTS = new Tuning(8 * MIB, 8 * MIB, 1000, Duration.ofMinutes(1));

        public Tuning {
            if (partSize < 5 * MIB) throw new IllegalArgumentException("S3 parts must be at least 5 MiB");
            if (multipartThreshold < 1) throw new IllegalArgumentException("multipart threshold must be positive");
            if (listPageSize < 1 || listPageSize > 1000) throw new IllegalArgumentException("list page size must be 1..1000");
            Objects.requireNonNull(refreshOlderThan, "refreshOlderThan");
        }
    }

    private final S3Location location;
    private final String bucket;
    private final S3Client s3;
    private final StagingDirectory staging;
    private final Clock clock;
    private final Tuning tuning;

    /** Opens the bucket with {@link Tuning#DEFAULTS}; see {@link #S3BlobStore(S3Location, Path, Clock, Tuning)}. */
    public S3BlobStore(S3Location location, Path stagingDir, Clock clock) {
        this(location, stagingDir, clock, Tuning.DEFAULTS);
    }

    /**
     * Connects and checks that the bucket is there and ours to use, so that a wrong endpoint,
     * bucket or key fails at startup with one clear message rather than on the first upload.
     *
     * @param stagingDir local directory for uploads in progress (e.g. {@code DATA/staging})
     * @throws StorageException when the bucket cannot be reached or used
     */
    public S3BlobStore(S3Location location, Path stagingDir, Clock clock, Tuning tuning) {
        this.location = Objects.requireNonNull(location, "location");
        this.bucket = location.bucket();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tuning = Objects.requireNonNull(tuning, "tuning");
        this.staging = new StagingDirectory(stagingDir, clock);
        this.s3 = client(location);
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (SdkException e) {
            s3.close();
            String why = e instanceof NoSuchBucketException || status(e) == 404 ? "the bucket does not exist"
                    : status(e) == 403 ? "access denied (check access_key/secret_key and the bucket policy)"
                    : e instanceof SdkClientException && String.valueOf(e.getMessage()).startsWith("Unable to load credentials")
                    ? "no credentials (give access_key and secret_key, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                    : reason(e);
            throw new StorageException("cannot use " + location.describe() + ": " + why, e);
        }
    }

    private static S3Client client(S3Location location) {
        AwsCredentialsProvider credentials = location.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(location.accessKey(), location.secretKey()))
                // environment, system properties, ~/.aws, container or instance role; web identity
                // only with the STS module, which is not bundled
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .region(Region.of(location.region()))
                .credentialsProvider(credentials)
                // HOST/BUCKET/KEY: what every S3-compatible server understands, no wildcard DNS needed
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (location.endpoint() != null) builder.endpointOverride(location.endpoint());
        return builder.build();
    }

    public S3Location location() { return location; }

    // ---------------------------------------------------------------- writing

    @Override
    public StagedBlob stage(InputStream in, long maxBytes) {
        return staging.stage(in, maxBytes);
    }

    /**
     * Uploads the staged file under its content key, unless an object of that size is already
     * there: the bytes are named by their sha256, so same name and size means same bytes.
     *
     * <p>An object that is already there but older than {@link Tuning#refreshOlderThan} is re-dated
     * (copied onto itself, which S3 does server-side): fsck removes an unreferenced blob only once
     * it is older than its grace period, and the caller is about to reference this one. Without the
     * new date, a sweep between this call and the caller's metadata transaction could delete bytes
     * that a picture is about to name. (The directory store touches the file for the same reason.)
     */
    @Override
    public void commit(StagedBlob staged) {
        Objects.requireNonNull(staged, "staged");
        staging.requireStaged(staged.file());
        String object = location.objectKey(staged.sha256());
        HeadObjectResponse existing = head(object).orElse(null);
        if (existing != null && existing.contentLength() != null && existing.contentLength() == staged.size()) {
            Instant modified = existing.lastModified();
            if (modified != null && modified.isAfter(clock.instant().minus(tuning.refreshOlderThan()))) return;
            if (redate(object)) return;
        }
        if (staged.size() > tuning.multipartThreshold()) uploadInParts(staged, object);
        else uploadWhole(staged, object);
    }

    /** @return false when the server would not copy the object onto itself (then it is uploaded again) */
    private boolean redate(String object) {
        try {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(object).destinationBucket(bucket).destinationKey(object)
                    // S3 only copies an object onto itself when something changes: the metadata does
                    .metadataDirective(MetadataDirective.REPLACE)
                    .metadata(Map.of("picspace-committed", clock.instant().toString()))
                    .contentType("application/octet-stream"));
            return true;
        } catch (SdkException e) {
            return false;
        }
    }

    private void uploadWhole(StagedBlob staged, String object) {
        requireFile(staged);
        // the staging pass computed the MD5 already: the server checks the bytes against it
        String md5 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(staged.md5()));
        try {
            s3.putObject(b -> b.bucket(bucket).key(object).contentLength(staged.size()).contentMD5(md5)
                            .contentType("application/octet-stream"),
                    RequestBody.fromContentProvider(fileRange(staged.file(), 0, staged.size()), staged.size(),
                            "application/octet-stream"));
        } catch (SdkException | UncheckedIOException e) {
            throw failure("PUT", object, e);
        }
    }

    private void uploadInParts(StagedBlob staged, String object) {
        requireFile(staged);
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(object).contentType("application/octet-stream"))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("CreateMultipartUpload", object, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long offset = 0;
            for (int number = 1; offset < staged.size(); number++) {
                long length = Math.min(tuning.partSize(), staged.size() - offset);
                String md5 = md5Base64(staged.file(), offset, length);
                int partNumber = number;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(object).uploadId(uploadId).partNumber(partNumber)
                                .contentLength(length).contentMD5(md5),
                        RequestBody.fromContentProvider(fileRange(staged.file(), offset, length), length,
                                "application/octet-stream")).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                offset += length;
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (SdkException | UncheckedIOException e) {
            StorageException failure = failure("multipart upload", object, e);
            // Parts of an unfinished upload are stored (and billed) until aborted.
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(object).uploadId(uploadId));
            } catch (SdkException abortFailed) {
                failure.addSuppressed(new StorageException("could not abort multipart upload " + uploadId + " of "
                        + where(object) + " (a bucket lifecycle rule for incomplete uploads removes it): "
                        + reason(abortFailed), abortFailed));
            }
            throw failure;
        }
    }

    private static void requireFile(StagedBlob staged) {
        if (!java.nio.file.Files.isRegularFile(staged.file()))
            throw new StorageException("the staged file " + staged.file() + " is gone (discarded already?)");
    }

    /** A fresh stream over {@code length} bytes of a file each time the SDK asks (it re-reads to sign and to retry). */
    private static ContentStreamProvider fileRange(Path file, long offset, long length) {
        return () -> {
            try {
                return new FileRangeInputStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
            } catch (NoSuchFileException e) {
                throw new UncheckedIOException("the staged file " + file + " is gone (discarded already?)", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the staged file " + file, e);
            }
        };
    }

    private static String md5Base64(Path file, long offset, long length) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
        try (InputStream in = new FileRangeInputStream(FileChannel.open(file, StandardOpenOption.READ), offset, length)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) md5.update(buffer, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the staged file " + file, e);
        }
        return Base64.getEncoder().encodeToString(md5.digest());
    }

    @Override
    public void discard(StagedBlob staged) {
        staging.discard(staged);
    }

    // ---------------------------------------------------------------- reading

    private Optional<HeadObjectResponse> head(String object) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(object)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (status(e) == 404) return Optional.empty(); // HEAD has no body, so no error code either
            throw failure("HEAD", object, e);
        }
    }

    @Override
    public Optional<BlobStat> stat(String key) {
        return head(location.objectKey(key)).map(h -> new BlobStat(key, h.contentLength(), h.lastModified()));
    }

    /**
     * A ranged GET, streamed: only the range crosses the network, and no more of it is in memory
     * than the caller's buffer. Closing the stream early drops the connection rather than reading
     * the rest of a large range to reuse it.
     */
    @Override
    public InputStream open(String key, long offset, long length) {
        String object = location.objectKey(key);
        if (offset < 0 || length < 0) throw new IllegalArgumentException("offset and length cannot be negative");
        if (offset + length < 0) throw new IllegalArgumentException("range " + offset + "+" + length + " overflows");
        if (length == 0) {
            // HTTP cannot ask for zero bytes; the blob must still exist and hold the offset
            BlobStat stat = stat(key).orElseThrow(() -> new StorageException("blob " + key + " does not exist in " + where(object)));
            if (offset > stat.size()) throw outside(key, offset, length, stat.size());
            return InputStream.nullInputStream();
        }
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(b -> b.bucket(bucket).key(object).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (NoSuchKeyException e) {
            throw new StorageException("blob " + key + " does not exist (" + where(object) + ")", e);
        } catch (SdkException e) {
            if (status(e) == 404) throw new StorageException("blob " + key + " does not exist (" + where(object) + ")", e);
            if (status(e) == 416) {
                long size = stat(key).map(BlobStat::size).orElse(-1L);
                throw outside(key, offset, length, size);
            }
            throw failure("GET", object, e);
        }
        GetObjectResponse response = in.response();
        long total = totalLength(response);
        if (response.contentRange() == null && offset > 0) {
            // a server that ignores Range sends the whole object (200): skip to the offset
            try {
                in.skipNBytes(offset);
            } catch (IOException | RuntimeException e) {
                in.abort();
                if (e instanceof EOFException) throw outside(key, offset, length, total);
                throw failure("GET", object, e);
            }
        }
        if (total >= 0 && offset + length > total) {
            in.abort();
            throw outside(key, offset, length, total);
        }
        return new ObjectRangeStream(in, length, where(object));
    }

    /** The object's whole size, from {@code Content-Range: bytes a-b/total} (or Content-Length for a 200); -1 if unknown. */
    private static long totalLength(GetObjectResponse response) {
        String range = response.contentRange();
        if (range == null) return response.contentLength() == null ? -1 : response.contentLength();
        int slash = range.lastIndexOf('/');
        try {
            return slash < 0 || range.endsWith("*") ? -1 : Long.parseLong(range.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IllegalArgumentException outside(String key, long offset, long length, long size) {
        return new IllegalArgumentException("range " + offset + "+" + length + " is outside blob " + key
                + (size >= 0 ? " of " + size + " bytes" : ""));
    }

    @Override
    public void delete(String key) {
        String object = location.objectKey(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(object)); // S3 answers 204 for a missing key too
        } catch (SdkException e) {
            throw failure("DELETE", object, e);
        }
    }

    /**
     * Visits the blobs in key order, a page of ListObjectsV2 at a time: S3 lists keys in
     * lexicographic (UTF-8 byte) order, and {@code ab/cd/abcd…} sorts exactly as the sha256 does.
     * Objects under the prefix that are not blobs of ours are skipped.
     */
    @Override
    public void forEach(Consumer<BlobStat> visitor) {
        list(null, Integer.MAX_VALUE, visitor);
    }

    /** ListObjectsV2 from {@code startAfter} the object key of {@code afterKey}: S3 itself skips what comes before. */
    @Override
    public List<BlobStat> listAfter(String afterKey, int limit) {
        if (afterKey != null) BlobKeys.require(afterKey);
        if (limit < 1) throw new IllegalArgumentException("limit must be positive");
        List<BlobStat> page = new ArrayList<>(Math.min(limit, 1000));
        list(afterKey, limit, page::add);
        return page;
    }

    /**
     * Pages through the listing until {@code limit} blobs were visited or the listing ends; pages
     * that hold only objects that are not blobs (skipped) do not end it early.
     */
    private void list(String afterKey, long limit, Consumer<BlobStat> visitor) {
        String token = null;
        long visited = 0;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket)
                    .maxKeys((int) Math.min(tuning.listPageSize(), Math.max(1, limit - visited)));
            if (!location.prefix().isEmpty()) request.prefix(location.prefix());
            if (token != null) request.continuationToken(token);
            else if (afterKey != null) request.startAfter(location.objectKey(afterKey));
            ListObjectsV2Response page;
            try {
                page = s3.listObjectsV2(request.build());
            } catch (SdkException e) {
                throw failure("ListObjectsV2", location.prefix(), e);
            }
            for (S3Object o : page.contents()) {
                String key = location.blobKeyOf(o.key());
                if (key == null) continue;
                visitor.accept(new BlobStat(key, o.size(), o.lastModified()));
                if (++visited == limit) return;
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    @Override
    public int staleStagings(Duration olderThan, boolean remove) {
        return remove ? staging.removeStale(olderThan) : staging.stale(olderThan).size();
    }

    @Override
    public void close() {
        s3.close();
    }

    // ---------------------------------------------------------------- failures

    private String where(String object) {
        return "s3://" + bucket + "/" + object + (location.endpoint() != null ? " at " + location.endpoint() : "");
    }

    private StorageException failure(String operation, String object, Exception e) {
        return new StorageException("S3 " + operation + " of " + where(object) + " failed: " + reason(e), e);
    }

    private static int status(Exception e) {
        return e instanceof AwsServiceException ase ? ase.statusCode() : -1;
    }

    /** "403 AccessDenied: …" for an answer from the server, the client's own message otherwise (e.g. connection refused). */
    private static String reason(Exception e) {
        if (e instanceof AwsServiceException ase) {
            AwsErrorDetails d = ase.awsErrorDetails();
            String code = d == null ? null : d.errorCode();
            String message = d == null ? null : d.errorMessage();
            return ase.statusCode() + (code != null ? " " + code : "") + (message != null ? ": " + message : "");
        }
        return String.valueOf(e.getMessage());
    }

    // ---------------------------------------------------------------- streams

    /** The body of a ranged GET, cut to exactly the range asked for; a body that ends early is an error. */
    private static final class ObjectRangeStream extends InputStream {
        private final ResponseInputStream<GetObjectResponse> in;
        private final String where;
        private long remaining;

        ObjectRangeStream(ResponseInputStream<GetObjectResponse> in, long length, String where) {
            this.in = in;
            this.remaining = length;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b < 0) throw early();
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) throw early();
            remaining -= n;
            return n;
        }

        /** Skips exactly {@code n} bytes (fewer only at the end of the range), reading them if the stream will not skip. */
        @Override
        public long skip(long n) throws IOException {
            long want = Math.max(0, Math.min(n, remaining));
            long skipped = 0;
            while (skipped < want) {
                long s = in.skip(want - skipped);
                if (s <= 0) {
                    if (in.read() < 0) throw early();
                    s = 1;
                }
                skipped += s;
                remaining -= s;
            }
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(remaining, in.available());
        }

        private IOException early() {
            return new EOFException("the body of " + where + " ended " + remaining + " bytes early");
        }

        @Override
        public void close() throws IOException {
            // reading out the rest of a large range just to reuse the connection costs more than a new one
            if (remaining > 0) in.abort();
            else in.close();
        }
    }
}
