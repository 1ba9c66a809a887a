package dev.picspace.app;

import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.model.GeneratePresignedUrlRequest;
import com.aliyun.oss.model.GetObjectRequest;
import dev.picspace.domain.Category;
import dev.picspace.domain.Exceptions;
import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.Picture;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.domain.UploadSpec;
import dev.picspace.gateway.MediaUrls;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The x-oss-process seam: a wired {@code ObjectProcessor} gets the authorised picture and the raw
 * process value (after the signature, which covers it, was checked), and its answer and its
 * refusals reach the OSS client. The derivative service will be wired here at merge.
 */
class OssObjectProcessorSeamTest {
    @TempDir static Path data;
    static ServerFixture fx;
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll static void start() throws Exception {
        fx = new ServerFixture(data, Map.of(), server -> server.objectProcessor((picture, process, request, response, callback, errors) -> {
            calls.add(picture.imageId() + " " + process);
            if (process.startsWith("image/bad")) throw new Exceptions.InvalidArgumentException("x-oss-process", "unknown operation bad");
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.write(true, ByteBuffer.wrap(("rendered " + process).getBytes(StandardCharsets.UTF_8)), callback);
        }));
    }

    @AfterAll static void stop() throws Exception { fx.close(); }

    @Test
    void theProcessorAnswersAuthorisedRequestsOnlyAndItsRefusalsAreOssErrors() throws Exception {
        var t = fx.tenant("seam", 10 << 20, 0);
        Picture p = fx.picspace.space().createPending(t.tenant.id(),
                new UploadSpec("a.png", "a", Category.DEFAULT_ID, null, null, null, "default"), ImageFormat.PNG);
        String key = MediaUrls.objectKey(p);
        String bucket = fx.picspace.settings().ossBucket();
        TemporaryCredentials.Issued auth = fx.picspace.sts().issue(t.tenant.id(), TemporaryCredentials.Scope.OSS_OBJECT, key, Duration.ofSeconds(300));
        OSS oss = new OSSClientBuilder().build(fx.base(), auth.accessKeyId(), auth.accessKeySecret(), auth.securityToken());
        try {
            oss.putObject(bucket, key, new ByteArrayInputStream(TestImages.png(40, 40)));
            GetObjectRequest get = new GetObjectRequest(bucket, key);
            get.setProcess("image/resize,w_10");
            try (var in = oss.getObject(get).getObjectContent()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("rendered image/resize,w_10");
            }
            assertThat(calls).containsExactly(p.imageId() + " image/resize,w_10");

            GetObjectRequest bad = new GetObjectRequest(bucket, key);
            bad.setProcess("image/bad,x_1");
            OSSException e = null;
            try { oss.getObject(bad); } catch (OSSException x) { e = x; }
            assertThat(e).isNotNull();
            assertThat(e.getErrorCode()).isEqualTo("InvalidArgument");

            // signed-URL tenant: the process value is part of the presigned signature
            fx.picspace.metadata().updateSignedUrls(t.tenant.id(), true);
            calls.clear();
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(
                    fx.base() + "/" + bucket + "/" + key + "?x-oss-process=image/resize,w_10")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(403);
            GeneratePresignedUrlRequest presign = new GeneratePresignedUrlRequest(bucket, key);
            presign.setExpiration(new Date(System.currentTimeMillis() + 60_000));
            presign.setProcess("image/resize,w_20");
            URL url = oss.generatePresignedUrl(presign);
            HttpResponse<String> signed = http.send(HttpRequest.newBuilder(url.toURI()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signed.statusCode()).isEqualTo(200);
            assertThat(signed.body()).isEqualTo("rendered image/resize,w_20");
            String other = url.toString().replace("w_20", "w_2000");
            HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(other)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(tampered.statusCode()).isEqualTo(403);
            assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");
            assertThat(calls).containsExactly(p.imageId() + " image/resize,w_20"); // never called for refused requests
        } finally {
            oss.shutdown();
        }
    }
}
