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

        // the same bytes again (an overwrite): still charged once
        oss.putObject(bucket, up.key(), new ByteArrayInputStream(png));
        assertThat(t.reload().usedBytes()).isEqualTo(png.length);
    }
}
