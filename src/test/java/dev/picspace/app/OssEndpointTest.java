package dev.picspace.app;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.CompleteMultipartUploadRequest;
import com.aliyun.oss.model.CompleteMultipartUploadResult;
import com.aliyun.oss.model.GetObjectRequest;
import com.aliyun.oss.model.InitiateMultipartUploadRequest;
import com.aliyun.oss.model.ListPartsRequest;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.ObjectMetadata;
import com.aliyun.oss.model.PartETag;
import com.aliyun.oss.model.PartListing;
import com.aliyun.oss.model.PutObjectResult;
import com.aliyun.oss.model.UploadFileRequest;
import com.aliyun.oss.model.UploadPartRequest;
import dev.picspace.domain.Category;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.domain.UploadSpec;
import dev.picspace.domain.VodCredentials;
import dev.picspace.gateway.MediaUrls;
import dev.picspace.gateway.sign.Digests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OSS-compatible object endpoint over real HTTP with the real OSS SDK 3.18.5, set up exactly as
 * CreateUploadImage will: a pending picture ({@code createPending}) and an upload credential
 * ({@code sts().issue(tenant, OSS_OBJECT, objectKey, 3000 s)}) used as the SDK's STS triple.
 */
class OssEndpointTest {
    /** Small enough that "over the limit" bodies are quick to send. */
    static final long MAX_BYTES = 8L << 20;

    @TempDir static Path data;
    static ServerFixture fx;
    static String bucket;
    static final HttpClient http = HttpClient.newHttpClient();
    final List<OSS> clients = new ArrayList<>();

    @BeforeAll static void start() throws Exception {
        fx = new ServerFixture(data, Map.of("max-bytes", String.valueOf(MAX_BYTES)));
        bucket = fx.picspace.settings().ossBucket();
    }

    @AfterAll static void stop() throws Exception { fx.close(); }

    @AfterEach void closeClients() { clients.forEach(OSS::shutdown); }

    /** A picture as CreateUploadImage leaves it, with its UploadAuth. */
    record Pending(Picture picture, String key, TemporaryCredentials.Issued auth) {}

    static Pending pending(ServerFixture.TenantHandle t, ImageFormat announced, Duration ttl) {
        Picture p = fx.picspace.space().createPending(t.tenant.id(),
                new UploadSpec("shoe." + announced.extension(), "shoe", Category.DEFAULT_ID, null, null, null, "default"), announced);
        String key = MediaUrls.objectKey(p);
        return new Pending(p, key, fx.picspace.sts().issue(t.tenant.id(), TemporaryCredentials.Scope.OSS_OBJECT, key, ttl));
    }

    static Pending pending(ServerFixture.TenantHandle t) { return pending(t, ImageFormat.PNG, Duration.ofSeconds(3000)); }

    OSS client(TemporaryCredentials.Issued auth) {
        return track(new OSSClientBuilder().build(fx.base(), auth.accessKeyId(), auth.accessKeySecret(), auth.securityToken(), config()));
    }

    OSS client(VodCredentials vod) {
        return track(new OSSClientBuilder().build(fx.base(), vod.accessKeyId(), vod.accessKeySecret(), config()));
    }

    OSS track(OSS c) { clients.add(c); return c; }

    /** No retries: an error must be the server's first answer, not what is left after three tries. */
    static ClientBuilderConfiguration config() {
        ClientBuilderConfiguration c = new ClientBuilderConfiguration();
        c.setMaxErrorRetry(0);
        c.setSocketTimeout(30_000);
        return c;
    }

    static VodCredentials vod(ServerFixture.TenantHandle t) {
        return fx.picspace.metadata().findVodCredentialsOfTenant(t.tenant.id()).orElseThrow();
    }

    static Picture reload(Picture p) { return fx.picspace.metadata().findPicture(p.tenantId(), p.pictureId()).orElseThrow(); }

    static String md5Upper(byte[] b) { return HexFormat.of().withUpperCase().formatHex(Digests.digest("MD5", b)); }

    static byte[] readAll(OSSObject o) throws Exception {
        try (InputStream in = o.getObjectContent()) { return in.readAllBytes(); }
    }

    // ================================================================ PutObject

    @Test
    void aStreamIsPutChunkedAndThePictureTurnsNormalWithItsSizeDimensionsAndMd5ChargedOnce() throws Exception {
        var t = fx.tenant("oss-put-stream", 50L << 20, 0);
        Pending up = pending(t);
        byte[] png = TestImages.png(300, 200);
        OSS oss = client(up.auth());

        PutObjectResult r = oss.putObject(bucket, up.key(), new ByteArrayInputStream(png)); // unknown length: chunked
        assertThat(r.getETag()).isEqualTo(md5Upper(png));
        assertThat(r.getServerCRC()).isNotNull(); // and the SDK found it equal to its own CRC-64

        Picture p = reload(up.picture());
        assertThat(p.status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(p.sizeBytes()).isEqualTo(png.length);
        assertThat(p.width()).isEqualTo(300);
        assertThat(p.height()).isEqualTo(200);
        assertThat(p.md5()).isEqualTo(md5Upper(png).toLowerCase(Locale.ROOT));
        assertThat(t.reload().usedBytes()).isEqualTo(png.length);

        // read back with the same upload credential: GET, HEAD, a range, a 304
        assertThat(readAll(oss.getObject(bucket, up.key()))).isEqualTo(png);
        ObjectMetadata head = oss.getObjectMetadata(bucket, up.key());
        assertThat(head.getContentLength()).isEqualTo(png.length);
        assertThat(head.getETag()).isEqualTo(md5Upper(png));
        assertThat(head.getContentType()).isEqualTo("image/png");
        assertThat(head.getLastModified()).isNotNull();
        GetObjectRequest ranged = new GetObjectRequest(bucket, up.key());
        ranged.setRange(10, 99);
        OSSObject part = oss.getObject(ranged);
        assertThat(readAll(part)).isEqualTo(Arrays.copyOfRange(png, 10, 100));
        GetObjectRequest conditional = new GetObjectRequest(bucket, up.key());
        conditional.setNonmatchingETagConstraints(List.of(md5Upper(png)));
        assertThatThrownBy(() -> oss.getObject(conditional)).isInstanceOfSatisfying(OSSException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo("NotModified"));

        GetObjectRequest ifMatch = new GetObjectRequest(bucket, up.key());
        ifMatch.setMatchingETagConstraints(List.of("0".repeat(32)));
        assertThat(catchOss(() -> oss.getObject(ifMatch)).getErrorCode()).isEqualTo("PreconditionFailed"); // XML, not text
        HttpResponse<String> unsatisfiable = Raw.signed("GET", up.key(), Map.of(), up.auth(), null).GET()
                .header("Range", "bytes=" + png.length + "-").send();
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.body()).contains("<Code>InvalidRange</Code>");
        assertThat(unsatisfiable.headers().firstValue("content-range")).hasValue("bytes */" + png.length);

        // the same bytes again (an overwrite): still charged once
        oss.putObject(bucket, up.key(), new ByteArrayInputStream(png));
        assertThat(t.reload().usedBytes()).isEqualTo(png.length);
    }

    @Test
    void aFileIsPutWithContentLengthAndARawChunkedPutWorksToo() throws Exception {
        var t = fx.tenant("oss-put-file", 50L << 20, 0);
        Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        byte[] jpeg = TestImages.jpeg(640, 480, 7);
        Path file = data.resolve("photo.jpg");
        Files.write(file, jpeg);
        PutObjectResult r = client(up.auth()).putObject(bucket, up.key(), file.toFile()); // Content-Length
        assertThat(r.getETag()).isEqualTo(md5Upper(jpeg));
        Picture p = reload(up.picture());
        assertThat(p.status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(p.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(p.sizeBytes()).isEqualTo(jpeg.length);
        assertThat(p.width()).isEqualTo(640);
        assertThat(p.height()).isEqualTo(480);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);

        // The JDK client sends an InputStream body chunked: independent of the SDK's own framing.
        Pending second = pending(t);
        byte[] png = TestImages.png(33, 44);
        HttpResponse<String> raw = Raw.signed("PUT", second.key(), Map.of(), second.auth(), "image/png")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(png))).send();
        assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
        assertThat(raw.headers().firstValue("etag")).hasValue("\"" + md5Upper(png) + "\"");
        assertThat(raw.headers().firstValue("x-oss-request-id").orElseThrow()).matches("[0-9A-F]{24}");
        assertThat(reload(second.picture()).sizeBytes()).isEqualTo(png.length);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length + png.length);
    }

    @Test
    void theBytesDecideTheFormatAndTheObjectsNameFollowsItWhileTheUploadKeyStillReachesIt() throws Exception {
        var t = fx.tenant("oss-format", 50L << 20, 0);
        Pending up = pending(t); // announced png
        byte[] jpeg = TestImages.jpeg(50, 40, 3);
        OSS oss = client(up.auth());
        oss.putObject(bucket, up.key(), new ByteArrayInputStream(jpeg));
        Picture p = reload(up.picture());
        assertThat(p.format()).isEqualTo(ImageFormat.JPEG);
        assertThat(MediaUrls.objectKey(p)).endsWith(".jpg");
        assertThat(oss.getObjectMetadata(bucket, up.key()).getContentType()).isEqualTo("image/jpeg");
        assertThat(Raw.get(fx.base() + "/" + bucket + "/" + MediaUrls.objectKey(p)).statusCode()).isEqualTo(200);
        assertThat(Raw.get(fx.base() + "/" + bucket + "/" + up.key()).statusCode()).isEqualTo(404);
    }

    // ================================================================ multipart

    @Test
    void aMultiMegabyteImageIsUploadedInPartsListedAndCompletedInOrder() throws Exception {
        var t = fx.tenant("oss-multipart", 50L << 20, 0);
        Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        byte[] jpeg = TestImages.noisyJpeg(2600, 1800, 11);
        assertThat(jpeg.length).isGreaterThan(2 << 20);
        OSS oss = client(up.auth());

        String uploadId = oss.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, up.key())).getUploadId();
        assertThat(uploadId).matches("[0-9a-f]{32}");
        int partSize = 1 << 20;
        List<PartETag> etags = new ArrayList<>();
        for (int n = 1, off = 0; off < jpeg.length; n++, off += partSize) {
            int len = Math.min(partSize, jpeg.length - off);
            UploadPartRequest part = new UploadPartRequest(bucket, up.key(), uploadId, n,
                    new ByteArrayInputStream(jpeg, off, len), len);
            etags.add(oss.uploadPart(part).getPartETag()); // the SDK checks each part's CRC-64 against ours
        }
        assertThat(etags.get(0).getETag()).isEqualTo(md5Upper(Arrays.copyOfRange(jpeg, 0, partSize)));
        PartListing listed = oss.listParts(new ListPartsRequest(bucket, up.key(), uploadId));
        int n = etags.size();
        assertThat(n).isGreaterThanOrEqualTo(3);
        assertThat(listed.getParts()).extracting(p -> p.getPartNumber())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, n).boxed().toList());
        assertThat(listed.getParts().get(n - 1).getSize()).isEqualTo(jpeg.length - (long) (n - 1) * partSize);
        PartListing page = oss.listParts(withPage(new ListPartsRequest(bucket, up.key(), uploadId), 2, 1));
        assertThat(page.getParts()).extracting(p -> p.getPartNumber()).containsExactly(2, 3);
        assertThat(page.isTruncated()).isEqualTo(n > 3);
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOADING);
        assertThat(t.reload().usedBytes()).isZero(); // parts are charged to no one

        // out of order (the SDK sorts its list, so a raw request), or with a wrong ETag: refused, nothing changes
        HttpResponse<String> unordered = Raw.signed("POST", up.key(), Map.of("uploadId", uploadId), up.auth(), "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(completeXml(List.of(etags.get(1), etags.get(0))))).send();
        assertThat(unordered.statusCode()).isEqualTo(400);
        assertThat(unordered.body()).contains("<Code>InvalidPartOrder</Code>");
        List<PartETag> wrong = new ArrayList<>(etags);
        wrong.set(1, new PartETag(2, "0".repeat(32)));
        OSSException bad = catchOss(() -> oss.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, up.key(), uploadId, wrong)));
        assertThat(bad.getErrorCode()).isEqualTo("InvalidPart");
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOADING);

        CompleteMultipartUploadResult done = oss.completeMultipartUpload(
                new CompleteMultipartUploadRequest(bucket, up.key(), uploadId, etags)); // SDK checks the combined CRC-64
        assertThat(done.getETag()).isEqualTo(md5Upper(jpeg));
        Picture p = reload(up.picture());
        assertThat(p.status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(p.sizeBytes()).isEqualTo(jpeg.length);
        assertThat(p.width()).isEqualTo(2600);
        assertThat(p.height()).isEqualTo(1800);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);
        assertThat(readAll(oss.getObject(bucket, up.key()))).isEqualTo(jpeg);
        assertThat(catchOss(() -> oss.listParts(new ListPartsRequest(bucket, up.key(), uploadId))).getErrorCode())
                .isEqualTo("NoSuchUpload"); // completed: gone
    }

    @Test
    void thePartsOfOneUploadMayGoToDifferentNodesSharingTheDatabaseAndTheBlobStore() throws Exception {
        // a second stateless node: its own server, pools and caches, the same database and blob store
        try (ServerFixture node2 = new ServerFixture(data, Map.of("max-bytes", String.valueOf(MAX_BYTES)))) {
            var t = fx.tenant("oss-two-nodes", 50L << 20, 0);
            Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
            byte[] jpeg = TestImages.noisyJpeg(1000, 700, 17);
            int third = jpeg.length / 3;
            assertThat(third).isGreaterThan((int) dev.picspace.domain.ObjectUploads.MIN_PART_BYTES);
            OSS one = client(up.auth());
            OSS two = track(new OSSClientBuilder().build(node2.base(), up.auth().accessKeyId(), up.auth().accessKeySecret(),
                    up.auth().securityToken(), config()));
            String uploadId = one.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, up.key())).getUploadId();
            List<PartETag> etags = new ArrayList<>();
            int[][] ranges = {{0, third}, {third, 2 * third}, {2 * third, jpeg.length}};
            for (int i = 0; i < 3; i++) {
                OSS node = i == 1 ? two : one;
                int off = ranges[i][0], len = ranges[i][1] - ranges[i][0];
                etags.add(node.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, i + 1,
                        new ByteArrayInputStream(jpeg, off, len), len)).getPartETag());
            }
            assertThat(two.listParts(new ListPartsRequest(bucket, up.key(), uploadId)).getParts()).hasSize(3);
            two.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, up.key(), uploadId, etags));
            assertThat(readAll(one.getObject(bucket, up.key()))).isEqualTo(jpeg);
            assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.NORMAL);
            assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);
        }
    }

    @Test
    void theSdksUploadFileAndDownloadFileWithSmallPartsRunPartsInParallel() throws Throwable {
        var t = fx.tenant("oss-upload-file", 50L << 20, 0);
        Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        byte[] jpeg = TestImages.noisyJpeg(1600, 1200, 12);
        assertThat(jpeg.length).isGreaterThan(4 * 256 * 1024);
        Path file = data.resolve("big.jpg");
        Files.write(file, jpeg);
        UploadFileRequest req = new UploadFileRequest(bucket, up.key(), file.toString(), 256 * 1024, 4, false);
        OSS oss = client(up.auth());
        oss.uploadFile(req);
        // and back with downloadFile: HEAD, then ranged GETs in parallel
        Path back = data.resolve("back.jpg");
        oss.downloadFile(new com.aliyun.oss.model.DownloadFileRequest(bucket, up.key(), back.toString(), 300 * 1024, 3, false));
        assertThat(Files.readAllBytes(back)).isEqualTo(jpeg);
        Picture p = reload(up.picture());
        assertThat(p.status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(p.md5()).isEqualTo(md5Upper(jpeg).toLowerCase(Locale.ROOT));
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);
    }

    @Test
    void partsOfAnOpenUploadSurviveFsckAndAreSweptOnceTheUploadIsCompletedAbortedOrAbandoned() throws Exception {
        var t = fx.tenant("oss-parts-fsck", 50L << 20, 0);
        Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        byte[] jpeg = TestImages.noisyJpeg(800, 600, 13);
        OSS oss = client(up.auth());
        String uploadId = oss.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, up.key())).getUploadId();
        int half = jpeg.length / 2;
        List<PartETag> etags = List.of(
                oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 1, new ByteArrayInputStream(jpeg, 0, half), half)).getPartETag(),
                oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 2, new ByteArrayInputStream(jpeg, half, jpeg.length - half), jpeg.length - half)).getPartETag());
        List<String> partBlobs = fx.picspace.metadata().findMultipartParts(uploadId).stream()
                .map(dev.picspace.domain.MetadataStore.MultipartPart::blobKey).toList();
        assertThat(partBlobs).hasSize(2);

        // even with no grace at all, the parts of an open upload are in use
        fx.picspace.fsck().run(true, Duration.ZERO, null);
        for (String k : partBlobs) assertThat(fx.picspace.blobs().stat(k)).isPresent();

        oss.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, up.key(), uploadId, new ArrayList<>(etags)));
        String objectBlob = reload(up.picture()).blobKey();
        // within the grace period they stay (another node may be writing the same bytes)...
        fx.picspace.fsck().run(true, Duration.ofHours(1), null);
        for (String k : partBlobs) assertThat(fx.picspace.blobs().stat(k)).isPresent();
        // ...after it they are ordinary unreferenced blobs and go; the object's own blob stays
        fx.picspace.fsck().run(true, Duration.ZERO, null);
        for (String k : partBlobs) assertThat(fx.picspace.blobs().stat(k)).isEmpty();
        assertThat(fx.picspace.blobs().stat(objectBlob)).isPresent();

        // aborted: the same
        Pending other = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        OSS oss2 = client(other.auth());
        String aborted = oss2.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, other.key())).getUploadId();
        byte[] piece = TestImages.noisyJpeg(200, 200, 14);
        oss2.uploadPart(new UploadPartRequest(bucket, other.key(), aborted, 1, new ByteArrayInputStream(piece), piece.length));
        String abortedBlob = fx.picspace.metadata().findMultipartParts(aborted).get(0).blobKey();
        oss2.abortMultipartUpload(new com.aliyun.oss.model.AbortMultipartUploadRequest(bucket, other.key(), aborted));
        assertThat(catchOss(() -> oss2.listParts(new ListPartsRequest(bucket, other.key(), aborted))).getErrorCode()).isEqualTo("NoSuchUpload");
        fx.picspace.fsck().run(true, Duration.ZERO, null);
        assertThat(fx.picspace.blobs().stat(abortedBlob)).isEmpty();

        // abandoned: forgotten after ObjectUploads.ABANDONED_AFTER, then swept
        String abandoned = oss2.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, other.key())).getUploadId();
        byte[] piece2 = TestImages.noisyJpeg(210, 200, 15);
        oss2.uploadPart(new UploadPartRequest(bucket, other.key(), abandoned, 1, new ByteArrayInputStream(piece2), piece2.length));
        String abandonedBlob = fx.picspace.metadata().findMultipartParts(abandoned).get(0).blobKey();
        fx.picspace.fsck().run(true, Duration.ZERO, null);
        assertThat(fx.picspace.blobs().stat(abandonedBlob)).isPresent();
        java.time.Clock later = java.time.Clock.offset(java.time.Clock.systemUTC(),
                dev.picspace.domain.ObjectUploads.ABANDONED_AFTER.plusDays(1));
        new dev.picspace.domain.Fsck(fx.picspace.metadata(), fx.picspace.blobs(), later).run(true, Duration.ZERO, null);
        assertThat(fx.picspace.metadata().findMultipartUpload(abandoned)).isEmpty();
        assertThat(fx.picspace.blobs().stat(abandonedBlob)).isEmpty();
    }

    @Test
    void multipartRulesAreOsssPartNumbersSmallPartsAndTheObjectLimit() throws Exception {
        var t = fx.tenant("oss-multipart-rules", 50L << 20, 0);
        Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        OSS oss = client(up.auth());
        String uploadId = oss.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, up.key())).getUploadId();
        byte[] jpeg = TestImages.noisyJpeg(300, 300, 16);
        // part number out of range (raw: the SDK refuses to send it)
        HttpResponse<String> zero = Raw.signed("PUT", up.key(), Map.of("partNumber", "0", "uploadId", uploadId), up.auth(), null)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(jpeg)).send();
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.body()).contains("<Code>InvalidArgument</Code>");
        // a small part before the last: EntityTooSmall on Complete
        PartETag small = oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 1, new ByteArrayInputStream(jpeg, 0, 1000), 1000)).getPartETag();
        PartETag rest = oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 2,
                new ByteArrayInputStream(jpeg, 1000, jpeg.length - 1000), jpeg.length - 1000)).getPartETag();
        assertThat(catchOss(() -> oss.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, up.key(), uploadId,
                new ArrayList<>(List.of(small, rest))))).getErrorCode()).isEqualTo("EntityTooSmall");
        // uploading part 1 again replaces it; then it completes
        PartETag whole = oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 1, new ByteArrayInputStream(jpeg), jpeg.length)).getPartETag();
        oss.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, up.key(), uploadId, new ArrayList<>(List.of(whole))));
        assertThat(reload(up.picture()).sizeBytes()).isEqualTo(jpeg.length);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);

        // parts that add up past the image byte limit: the part is refused, the picture UploadFail
        Pending big = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        OSS bigClient = client(big.auth());
        String bigId = bigClient.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, big.key())).getUploadId();
        byte[] five = new byte[5 << 20];
        bigClient.uploadPart(new UploadPartRequest(bucket, big.key(), bigId, 1, new ByteArrayInputStream(five), five.length));
        OSSException tooLarge = catchOss(() -> bigClient.uploadPart(new UploadPartRequest(bucket, big.key(), bigId, 2,
                new ByteArrayInputStream(five), five.length)));
        assertThat(tooLarge.getErrorCode()).isEqualTo("EntityTooLarge");
        assertThat(reload(big.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);
        // parts that do not make an image: Complete turns the picture UploadFail, charges nothing, keeps the upload
        Pending junk = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        OSS junkClient = client(junk.auth());
        String junkId = junkClient.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, junk.key())).getUploadId();
        byte[] zeros = new byte[150_000];
        PartETag z1 = junkClient.uploadPart(new UploadPartRequest(bucket, junk.key(), junkId, 1, new ByteArrayInputStream(zeros), zeros.length)).getPartETag();
        PartETag z2 = junkClient.uploadPart(new UploadPartRequest(bucket, junk.key(), junkId, 2, new ByteArrayInputStream(zeros), zeros.length)).getPartETag();
        assertThat(catchOss(() -> junkClient.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, junk.key(), junkId,
                new ArrayList<>(List.of(z1, z2))))).getErrorCode()).isEqualTo("InvalidArgument");
        assertThat(reload(junk.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);
        assertThat(junkClient.listParts(new ListPartsRequest(bucket, junk.key(), junkId)).getParts()).hasSize(2);
        junkClient.abortMultipartUpload(new com.aliyun.oss.model.AbortMultipartUploadRequest(bucket, junk.key(), junkId));

        // another client's upload id, or a made-up one: NoSuchUpload
        Pending third = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        assertThat(catchOss(() -> client(third.auth()).uploadPart(new UploadPartRequest(bucket, third.key(), bigId, 1,
                new ByteArrayInputStream(jpeg), jpeg.length))).getErrorCode()).isEqualTo("NoSuchUpload");
    }

    @Test
    void partsInFlightAreHeldAgainstTheRemainingSpace() throws Exception {
        var t = fx.tenant("oss-parts-quota", 300_000, 0);
        Pending up = pending(t, ImageFormat.JPEG, Duration.ofSeconds(3000));
        OSS oss = client(up.auth());
        String uploadId = oss.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, up.key())).getUploadId();
        byte[] part = new byte[200_000];
        oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 1, new ByteArrayInputStream(part), part.length));
        OSSException noRoom = catchOss(() -> oss.uploadPart(new UploadPartRequest(bucket, up.key(), uploadId, 2,
                new ByteArrayInputStream(part), part.length)));
        assertThat(noRoom.getErrorCode()).isEqualTo("QuotaExceeded");
        assertThat(t.reload().usedBytes()).isZero();
    }

    // ================================================================ bad bytes

    @Test
    void bytesThatAreNotAnImageTurnThePictureUploadFailAndChargeNothingAndARetryWithAnImageSucceeds() throws Exception {
        var t = fx.tenant("oss-malformed", 50L << 20, 0);
        Pending up = pending(t);
        OSS oss = client(up.auth());
        byte[] png = TestImages.png(64, 64);
        for (byte[] bad : List.of("this is not an image".getBytes(), TestImages.truncated(png, 20), new byte[0])) {
            OSSException e = catchOss(() -> oss.putObject(bucket, up.key(), new ByteArrayInputStream(bad)));
            assertThat(e.getErrorCode()).isEqualTo("InvalidArgument");
            assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
            assertThat(t.reload().usedBytes()).isZero();
        }
        oss.putObject(bucket, up.key(), new ByteArrayInputStream(png));
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.NORMAL);
        assertThat(t.reload().usedBytes()).isEqualTo(png.length);
    }

    @Test
    void anImageOverTheQuotaOrTheLimitsIsRefusedAndChargesNothing() throws Exception {
        var t = fx.tenant("oss-quota", 2_000, 0);
        Pending up = pending(t);
        OSSException quota = catchOss(() -> client(up.auth()).putObject(bucket, up.key(), new ByteArrayInputStream(TestImages.png(300, 300))));
        assertThat(quota.getErrorCode()).isEqualTo("QuotaExceeded");
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
        assertThat(t.reload().usedBytes()).isZero();

        var roomy = fx.tenant("oss-limits", 50L << 20, 0);
        Pending bomb = pending(roomy);
        OSSException pixels = catchOss(() -> client(bomb.auth()).putObject(bucket, bomb.key(),
                new ByteArrayInputStream(TestImages.pngDeclaring(40_000, 40_000))));
        assertThat(pixels.getErrorCode()).isEqualTo("EntityTooLarge");
        assertThat(reload(bomb.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
    }

    @Test
    void aBodyOverTheByteLimitIsRefusedWithoutBeingBufferedAndChargesNothing() throws Exception {
        var t = fx.tenant("oss-too-large", 500L << 20, 0);
        // through the SDK: a chunked stream a little over the limit; the answer is EntityTooLarge
        Pending up = pending(t);
        OSSException e = catchOss(() -> client(up.auth()).putObject(bucket, up.key(),
                new ByteArrayInputStream(new byte[(int) MAX_BYTES + (1 << 20)])));
        assertThat(e.getErrorCode()).isEqualTo("EntityTooLarge");
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
        assertThat(t.reload().usedBytes()).isZero();

        // a declared Content-Length over the limit: refused before a byte of the body is sent
        Pending declared = pending(t);
        String head = Raw.head("PUT", declared.key(), Map.of(), declared.auth(), "image/png",
                Map.of("Content-Length", String.valueOf(100L << 20)));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(4096), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("<Code>EntityTooLarge</Code>");
        }
        assertThat(reload(declared.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);

        // a chunked body of ten times the limit: the server stops reading long before its end
        Pending chunked = pending(t);
        long total = 10 * MAX_BYTES, written = 0;
        String chunkedHead = Raw.head("PUT", chunked.key(), Map.of(), chunked.auth(), "image/png",
                Map.of("Transfer-Encoding", "chunked"));
        byte[] block = new byte[64 * 1024];
        byte[] framing = (Integer.toHexString(block.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.server.port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(chunkedHead.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            try {
                while (written < total) {
                    out.write(framing);
                    out.write(block);
                    out.write('\r');
                    out.write('\n');
                    written += block.length;
                }
                out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            } catch (java.io.IOException closedByTheServer) {
                // expected: it answered and closed once it had read (and drained) a bounded amount
            }
        }
        assertThat(written).isLessThan(total);
        assertThat(reload(chunked.picture()).status()).isEqualTo(PictureStatus.UPLOAD_FAIL);
        assertThat(t.reload().usedBytes()).isZero();
        try (var staged = Files.list(fx.picspace.settings().blobDir().resolve("tmp"))) {
            assertThat(staged.toList()).isEmpty(); // no half-written staging file left behind
        }
    }

    @Test
    void aContentMd5ThatDoesNotMatchIsRefusedAndStoresNothing() throws Exception {
        var t = fx.tenant("oss-md5", 50L << 20, 0);
        Pending up = pending(t);
        byte[] png = TestImages.png(50, 50);
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentMD5(java.util.Base64.getEncoder().encodeToString(Digests.digest("MD5", "other".getBytes())));
        OSSException e = catchOss(() -> client(up.auth()).putObject(bucket, up.key(), new ByteArrayInputStream(png), meta));
        assertThat(e.getErrorCode()).isEqualTo("InvalidDigest");
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOADING); // a transport error: retry
        assertThat(t.reload().usedBytes()).isZero();
        ObjectMetadata right = new ObjectMetadata();
        right.setContentMD5(java.util.Base64.getEncoder().encodeToString(Digests.digest("MD5", png)));
        client(up.auth()).putObject(bucket, up.key(), new ByteArrayInputStream(png), right);
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.NORMAL);
    }

    // ================================================================ credentials

    @Test
    void anUploadCredentialOpensExactlyItsObjectAndNothingAfterItExpires() throws Exception {
        var t = fx.tenant("oss-sts-scope", 50L << 20, 0);
        Pending mine = pending(t);
        Pending another = pending(t);
        byte[] png = TestImages.png(40, 40);
        OSS oss = client(mine.auth());
        assertThat(catchOss(() -> oss.putObject(bucket, another.key(), new ByteArrayInputStream(png))).getErrorCode()).isEqualTo("AccessDenied");
        assertThat(catchOss(() -> oss.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, another.key()))).getErrorCode())
                .isEqualTo("AccessDenied");
        assertThat(reload(another.picture()).status()).isEqualTo(PictureStatus.UPLOADING);
        client(another.auth()).putObject(bucket, another.key(), new ByteArrayInputStream(png));
        assertThat(catchOss(() -> oss.getObject(bucket, another.key())).getErrorCode()).isEqualTo("AccessDenied");
        // not uploaded yet: nothing to read, even for the right credential
        assertThat(catchOss(() -> oss.getObject(bucket, mine.key())).getErrorCode()).isEqualTo("NoSuchKey");

        // a short-lived one, after its expiry
        Pending brief = pending(t, ImageFormat.PNG, Duration.ofSeconds(2));
        OSS briefClient = client(brief.auth());
        Thread.sleep(2500);
        OSSException expired = catchOss(() -> briefClient.putObject(bucket, brief.key(), new ByteArrayInputStream(png)));
        assertThat(expired.getErrorCode()).isEqualTo("AccessDenied");
        assertThat(expired.getErrorMessage()).contains("expired");
        assertThat(reload(brief.picture()).status()).isEqualTo(PictureStatus.UPLOADING);

        // a wrong secret, a tampered token, an unknown AccessKey
        TemporaryCredentials.Issued a = mine.auth();
        OSSException wrongSecret = catchOss(() -> track(new OSSClientBuilder().build(fx.base(), a.accessKeyId(), "wrong" + a.accessKeySecret(),
                a.securityToken(), config())).putObject(bucket, mine.key(), new ByteArrayInputStream(png)));
        assertThat(wrongSecret.getErrorCode()).isEqualTo("SignatureDoesNotMatch");
        assertThat(wrongSecret.getRawResponseError()).contains("<StringToSign>PUT\n").doesNotContain(a.accessKeySecret());
        OSSException headWrongSecret = catchOss(() -> track(new OSSClientBuilder().build(fx.base(), a.accessKeyId(), "wrong",
                a.securityToken(), config())).getObjectMetadata(bucket, mine.key())); // HEAD: the error travels in x-oss-err
        assertThat(headWrongSecret.getErrorCode()).isEqualTo("SignatureDoesNotMatch");
        String token = a.securityToken();
        String tampered = token.substring(0, 10) + (token.charAt(10) == 'A' ? 'B' : 'A') + token.substring(11);
        assertThat(catchOss(() -> track(new OSSClientBuilder().build(fx.base(), a.accessKeyId(), a.accessKeySecret(), tampered, config()))
                .putObject(bucket, mine.key(), new ByteArrayInputStream(png))).getErrorCode()).isEqualTo("InvalidAccessKeyId");
        assertThat(catchOss(() -> track(new OSSClientBuilder().build(fx.base(), "LTAInobody", "secret", config()))
                .getObject(bucket, another.key())).getErrorCode()).isEqualTo("InvalidAccessKeyId");
        assertThat(reload(mine.picture()).status()).isEqualTo(PictureStatus.UPLOADING);
    }

    @Test
    void anotherTenantsObjectIsRefusedWhateverTheCredential() throws Exception {
        var a = fx.tenant("oss-tenant-a", 50L << 20, 0);
        var b = fx.tenant("oss-tenant-b", 50L << 20, 0);
        Pending ofA = pending(a);
        byte[] png = TestImages.png(30, 30);
        OSS bKey = client(vod(b));
        assertThat(catchOss(() -> bKey.putObject(bucket, ofA.key(), new ByteArrayInputStream(png))).getErrorCode()).isEqualTo("AccessDenied");
        // an upload credential of B's, presented for A's key: its key does not match
        Pending ofB = pending(b);
        assertThat(catchOss(() -> client(ofB.auth()).putObject(bucket, ofA.key(), new ByteArrayInputStream(png))).getErrorCode())
                .isEqualTo("AccessDenied");
        // a credential B was given for A's key (as if forged by B's own VOD engineer): the tenant does not match
        TemporaryCredentials.Issued forged = fx.picspace.sts().issue(b.tenant.id(), TemporaryCredentials.Scope.OSS_OBJECT, ofA.key(),
                Duration.ofSeconds(60));
        assertThat(catchOss(() -> client(forged).putObject(bucket, ofA.key(), new ByteArrayInputStream(png))).getErrorCode())
                .isEqualTo("AccessDenied");
        assertThat(reload(ofA.picture()).status()).isEqualTo(PictureStatus.UPLOADING);
        assertThat(b.reload().usedBytes()).isZero();
        assertThat(a.reload().usedBytes()).isZero();

        // A's own VOD AccessKey writes and reads A's objects; B's still cannot read them
        OSS aKey = client(vod(a));
        aKey.putObject(bucket, ofA.key(), new ByteArrayInputStream(png));
        assertThat(readAll(aKey.getObject(bucket, ofA.key()))).isEqualTo(png);
        fx.picspace.metadata().updateSignedUrls(a.tenant.id(), true);
        assertThat(catchOss(() -> bKey.getObject(bucket, ofA.key())).getErrorCode()).isEqualTo("AccessDenied");
        // a VOD_API temporary credential of A's is A's too
        TemporaryCredentials.Issued api = fx.picspace.sts().issue(a.tenant.id(), TemporaryCredentials.Scope.VOD_API, null, Duration.ofSeconds(60));
        assertThat(readAll(client(api).getObject(bucket, ofA.key()))).isEqualTo(png);
    }

    @Test
    void withoutCredentialsOnlyAPublicTenantsNormalPicturesCanBeReadAndNothingWritten() throws Exception {
        var t = fx.tenant("oss-anonymous", 50L << 20, 0);
        Pending up = pending(t);
        byte[] png = TestImages.png(20, 30);
        String url = fx.base() + "/" + bucket + "/" + up.key();
        assertThat(Raw.get(url).statusCode()).isEqualTo(404); // Uploading: no object yet
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(png)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(403);
        assertThat(put.body()).contains("<Code>AccessDenied</Code>");
        assertThat(reload(up.picture()).status()).isEqualTo(PictureStatus.UPLOADING);
        // a client waiting for "100 Continue" gets the refusal instead, and never sends the body
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /" + bucket + "/" + up.key() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 5000000\r\nExpect: 100-continue\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(answer).isEqualTo("HTTP/1.1 403");
        }

        client(up.auth()).putObject(bucket, up.key(), new ByteArrayInputStream(png));
        HttpResponse<byte[]> publicRead = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(publicRead.statusCode()).isEqualTo(200);
        assertThat(publicRead.body()).isEqualTo(png);
        assertThat(publicRead.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(publicRead.headers().firstValue("etag")).hasValue("\"" + md5Upper(png) + "\"");

        // a name that is not the object's (another extension) is no object
        assertThat(Raw.get(url.replace(".png", ".jpg")).statusCode()).isEqualTo(404);

        fx.picspace.metadata().updateSignedUrls(t.tenant.id(), true);
        HttpResponse<String> signedOnly = Raw.get(url);
        assertThat(signedOnly.statusCode()).isEqualTo(403);
        assertThat(signedOnly.body()).contains("<Code>AccessDenied</Code>");

        // virtual-host style (Host: <bucket>.<host>) reaches the same object
        fx.picspace.metadata().updateSignedUrls(t.tenant.id(), false);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fx.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /" + up.key() + " HTTP/1.1\r\nHost: " + bucket + ".images.example:" + fx.server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] answer = socket.getInputStream().readAllBytes();
            assertThat(new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            assertThat(Arrays.copyOfRange(answer, answer.length - png.length, answer.length)).isEqualTo(png);
        }
    }

    // ================================================================ signed URLs

    @Test
    void presignedUrlsOfBothKindsRoundTripAndTamperedOrExpiredOnesAre403() throws Exception {
        var t = fx.tenant("oss-presign", 50L << 20, 0);
        Pending up = pending(t);
        byte[] png = TestImages.png(70, 20);
        client(up.auth()).putObject(bucket, up.key(), new ByteArrayInputStream(png));
        fx.picspace.metadata().updateSignedUrls(t.tenant.id(), true);
        Picture p = reload(up.picture());
        var tenant = t.reload();
        MediaUrls urls = fx.picspace.mediaUrls(fx.base());

        // OSS V1 presigned, as GetImageInfo's FileURL / OutputType=oss will hand them out
        String ossUrl = urls.ossUrl(p, tenant, 60);
        assertThat(ossUrl).contains("OSSAccessKeyId=").contains("Signature=");
        HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(URI.create(ossUrl)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(png);
        HttpResponse<String> tampered = Raw.get(tamperSignature(ossUrl));
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>").contains("<StringToSign>GET\n\n\n");
        HttpResponse<String> expired = Raw.get(urls.ossUrl(p, tenant, -1));
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.body()).contains("<Code>AccessDenied</Code>").contains("Request has expired.");
        // moving the expiry later breaks the signature
        String extended = ossUrl.replaceFirst("Expires=(\\d+)", "Expires=9999999999");
        assertThat(Raw.get(extended).body()).contains("<Code>SignatureDoesNotMatch</Code>");
        // signature in the URL and in a header at once: refused as ambiguous
        HttpResponse<String> both = http.send(HttpRequest.newBuilder(URI.create(ossUrl))
                .header("Authorization", "OSS " + vod(t).accessKeyId() + ":x").header("Date", Raw.now()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(both.body()).contains("<Code>InvalidArgument</Code>");

        // the SDK's own presigned URLs: with the tenant's AccessKey, and with the upload credential (security-token)
        for (OSS signer : List.of(client(vod(t)), client(up.auth()))) {
            URL sdkUrl = signer.generatePresignedUrl(bucket, up.key(), new Date(System.currentTimeMillis() + 60_000));
            assertThat(http.send(HttpRequest.newBuilder(sdkUrl.toURI()).build(), HttpResponse.BodyHandlers.ofByteArray()).body()).isEqualTo(png);
            assertThat(Raw.get(tamperSignature(sdkUrl.toString())).statusCode()).isEqualTo(403);
            URL old = signer.generatePresignedUrl(bucket, up.key(), new Date(System.currentTimeMillis() - 10_000));
            assertThat(Raw.get(old.toString()).statusCode()).isEqualTo(403);
        }

        // CDN Type-A auth_key URLs (OutputType=cdn) are checked by picture serving: the same rules
        String cdn = urls.cdnUrl(p, tenant, 60);
        assertThat(Raw.get(cdn).statusCode()).isEqualTo(200);
        assertThat(Raw.get(cdn.substring(0, cdn.length() - 1) + (cdn.endsWith("0") ? "1" : "0")).statusCode()).isEqualTo(403);
        assertThat(Raw.get(urls.cdnUrl(p, tenant, -1)).statusCode()).isEqualTo(403);
    }

    @Test
    void xOssProcessOnGetObjectIsTheSameDerivativeAsOnThePictureUrl() throws Exception {
        var t = fx.tenant("oss-process", 50L << 20, 0);
        Pending up = pending(t);
        client(up.auth()).putObject(bucket, up.key(), new ByteArrayInputStream(TestImages.png(60, 40)));
        GetObjectRequest process = new GetObjectRequest(bucket, up.key());
        process.setProcess("image/resize,w_10/format,png");
        byte[] viaSdk;
        String sdkEtag;
        try (var o = client(up.auth()).getObject(process)) {
            viaSdk = o.getObjectContent().readAllBytes();
            sdkEtag = o.getObjectMetadata().getETag();
        }
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new ByteArrayInputStream(viaSdk));
        assertThat(img.getWidth()).isEqualTo(10);
        assertThat(img.getHeight()).isBetween(6, 7);
        // the picture URL with the same process answers the same cached rendition
        var pic = up.picture();
        HttpResponse<String> same = Raw.get(fx.base() + "/i/" + pic.urlToken() + ".png?x-oss-process=image/resize,w_10/format,png");
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(same.headers().firstValue("etag").orElseThrow().replace("\"", "")).isEqualToIgnoringCase(sdkEtag.replace("\"", ""));
        // a value that does not parse is OSS's 400 InvalidArgument, in XML, never the original
        HttpResponse<String> bad = Raw.get(fx.base() + "/" + bucket + "/" + up.key() + "?x-oss-process=image/resize,w_0");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("content-type")).hasValue("application/xml");
        assertThat(bad.body()).contains("<Code>InvalidArgument</Code>");
        // the rendition's own conditional answers are OSS XML too (the picture is public: no credentials needed)
        HttpResponse<String> precondition = http.send(HttpRequest.newBuilder(URI.create(fx.base() + "/" + bucket + "/" + up.key()
                + "?x-oss-process=image/resize,w_10/format,png")).header("If-Match", "\"nope\"").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(precondition.statusCode()).isEqualTo(412);
        assertThat(precondition.body()).contains("<Code>PreconditionFailed</Code>");
    }

    // ================================================================ errors

    @Test
    void errorsAreOssXmlWithTheRightStatuses() throws Exception {
        var t = fx.tenant("oss-errors", 50L << 20, 0);
        Pending up = pending(t);
        OSS oss = client(vod(t));
        String missing = "image/default/" + "0".repeat(32) + ".png";

        HttpResponse<String> noKey = Raw.signed("GET", missing, Map.of(), up.auth(), null).GET().send();
        assertThat(noKey.statusCode()).isEqualTo(403); // the upload credential does not reach other keys at all
        HttpResponse<String> notFound = Raw.signedWith("GET", missing, Map.of(), vod(t), null).GET().send();
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("content-type")).hasValue("application/xml");
        String requestId = notFound.headers().firstValue("x-oss-request-id").orElseThrow();
        assertThat(notFound.body()).startsWith("<?xml").contains("<Error><Code>NoSuchKey</Code><Message>")
                .contains("<RequestId>" + requestId + "</RequestId>").contains("<HostId>");
        assertThat(oss.doesObjectExist(bucket, missing)).isFalse(); // HEAD: no body, the error in x-oss-err
        HttpResponse<String> head = Raw.signedWith("HEAD", missing, Map.of(), vod(t), null)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).send();
        assertThat(new String(java.util.Base64.getDecoder().decode(head.headers().firstValue("x-oss-err").orElseThrow())))
                .contains("<Code>NoSuchKey</Code>");

        // a recycled picture's object can no longer be written
        Pending recycled = pending(t);
        fx.picspace.space().delete(t.tenant.id(), List.of(recycled.picture().pictureId()));
        assertThat(catchOss(() -> client(recycled.auth()).putObject(bucket, recycled.key(),
                new ByteArrayInputStream(TestImages.png(10, 10)))).getErrorCode()).isEqualTo("NoSuchKey");
        assertThat(t.reload().usedBytes()).isZero();

        // what is not offered: bucket operations, DeleteObject, ACLs
        assertThat(catchOss(() -> oss.listObjects(bucket)).getErrorCode()).isEqualTo("NotImplemented");
        assertThat(catchOss(() -> oss.deleteObject(bucket, up.key())).getErrorCode()).isEqualTo("NotImplemented");
        assertThat(catchOss(() -> oss.getObjectAcl(bucket, up.key())).getErrorCode()).isEqualTo("NotImplemented");

        // a Date more than 15 minutes off
        String stale = org.eclipse.jetty.http.DateGenerator.formatDate(System.currentTimeMillis() - 16 * 60_000);
        HttpResponse<String> skewed = Raw.signedAt("GET", up.key(), Map.of(), up.auth(), null, stale).GET().send();
        assertThat(skewed.statusCode()).isEqualTo(403);
        assertThat(skewed.body()).contains("<Code>RequestTimeTooSkewed</Code>");

        // a malformed part list
        String uploadId = client(up.auth()).initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, up.key())).getUploadId();
        for (String xml : List.of("<CompleteMultipartUpload>", "<Other/>", "<CompleteMultipartUpload></CompleteMultipartUpload>",
                "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><CompleteMultipartUpload><Part>"
                        + "<PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>")) {
            HttpResponse<String> r = Raw.signed("POST", up.key(), Map.of("uploadId", uploadId), up.auth(), "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofString(xml)).send();
            assertThat(r.statusCode()).as(xml).isEqualTo(400);
            assertThat(r.body()).contains("<Code>MalformedXML</Code>").doesNotContain("root:");
        }
    }

    // ================================================================ helpers

    interface ThrowingCall { Object call() throws Exception; }

    /** The OSSException a call ends with; null if it succeeded. Anything else fails the test. */
    static OSSException catchOss(ThrowingCall call) {
        try {
            call.call();
            return null;
        } catch (OSSException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected an OSSException, got " + e, e);
        }
    }

    static ListPartsRequest withPage(ListPartsRequest r, int maxParts, int marker) {
        r.setMaxParts(maxParts);
        r.setPartNumberMarker(marker);
        return r;
    }

    static String tamperSignature(String url) {
        int i = url.indexOf("Signature=") + "Signature=".length();
        char c = url.charAt(i);
        return url.substring(0, i) + (c == 'A' ? 'B' : 'A') + url.substring(i + 1);
    }

    static String completeXml(List<PartETag> parts) {
        StringBuilder b = new StringBuilder("<CompleteMultipartUpload>");
        for (PartETag p : parts)
            b.append("<Part><PartNumber>").append(p.getPartNumber()).append("</PartNumber><ETag>&quot;").append(p.getETag())
                    .append("&quot;</ETag></Part>");
        return b.append("</CompleteMultipartUpload>").toString();
    }

    /** Hand-signed requests, for what the SDK cannot be made to send. */
    static final class Raw {
        final HttpRequest.Builder builder;

        private Raw(HttpRequest.Builder b) { this.builder = b; }

        static String now() { return org.eclipse.jetty.http.DateGenerator.formatDate(System.currentTimeMillis()); }

        static Raw signed(String method, String key, Map<String, String> query, TemporaryCredentials.Issued auth, String contentType) {
            return signedAt(method, key, query, auth, contentType, now());
        }

        static Raw signedAt(String method, String key, Map<String, String> query, TemporaryCredentials.Issued auth, String contentType,
                            String date) {
            return build(method, key, query, auth.accessKeyId(), auth.accessKeySecret(), auth.securityToken(), contentType, date);
        }

        static Raw signedWith(String method, String key, Map<String, String> query, VodCredentials vod, String contentType) {
            return build(method, key, query, vod.accessKeyId(), vod.accessKeySecret(), null, contentType, now());
        }

        private static Raw build(String method, String key, Map<String, String> query, String ak, String secret, String token,
                                 String contentType, String date) {
            Map<String, String> oss = token == null ? Map.of() : Map.of("x-oss-security-token", token);
            String sig = dev.picspace.gateway.sign.OssV1Signature.sign(secret, dev.picspace.gateway.sign.OssV1Signature.stringToSign(
                    method, "", contentType, date, oss, dev.picspace.gateway.sign.OssV1Signature.canonicalResource(bucket, key, query)));
            StringBuilder q = new StringBuilder();
            query.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append(v.isEmpty() ? "" : "=" + v));
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.base() + "/" + bucket + "/" + key + q))
                    .header("Date", date).header("Authorization", "OSS " + ak + ":" + sig);
            if (token != null) b.header("x-oss-security-token", token);
            if (contentType != null) b.header("Content-Type", contentType);
            return new Raw(b);
        }

        /** The head of a hand-made HTTP/1.1 request, signed, for a raw socket. */
        static String head(String method, String key, Map<String, String> query, TemporaryCredentials.Issued auth, String contentType,
                           Map<String, String> extra) {
            String date = now();
            Map<String, String> oss = Map.of("x-oss-security-token", auth.securityToken());
            String sig = dev.picspace.gateway.sign.OssV1Signature.sign(auth.accessKeySecret(), dev.picspace.gateway.sign.OssV1Signature.stringToSign(
                    method, "", contentType, date, oss, dev.picspace.gateway.sign.OssV1Signature.canonicalResource(bucket, key, query)));
            StringBuilder h = new StringBuilder(method + " /" + bucket + "/" + key + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(fx.server.port()).append("\r\n")
                    .append("Date: ").append(date).append("\r\n")
                    .append("Authorization: OSS ").append(auth.accessKeyId()).append(':').append(sig).append("\r\n")
                    .append("x-oss-security-token: ").append(auth.securityToken()).append("\r\n")
                    .append("Content-Type: ").append(contentType).append("\r\n");
            extra.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
            return h.append("\r\n").toString();
        }

        Raw PUT(HttpRequest.BodyPublisher body) { builder.PUT(body); return this; }

        Raw POST(HttpRequest.BodyPublisher body) { builder.POST(body); return this; }

        Raw GET() { builder.GET(); return this; }

        Raw header(String name, String value) { builder.header(name, value); return this; }

        Raw method(String m, HttpRequest.BodyPublisher body) { builder.method(m, body); return this; }

        HttpResponse<String> send() throws Exception { return http.send(builder.build(), HttpResponse.BodyHandlers.ofString()); }

        static HttpResponse<String> get(String url) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
