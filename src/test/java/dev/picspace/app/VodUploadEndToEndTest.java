package dev.picspace.app;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.vod.model.v20170321.CreateUploadImageRequest;
import com.aliyuncs.vod.model.v20170321.CreateUploadImageResponse;
import com.aliyuncs.vod.model.v20170321.DeleteImageRequest;
import com.aliyuncs.vod.model.v20170321.GetImageInfoRequest;
import com.aliyuncs.vod.model.v20170321.GetImageInfoResponse;
import com.aliyuncs.vod.model.v20170321.SearchMediaRequest;
import com.aliyuncs.vod.model.v20170321.SearchMediaResponse;
import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.domain.Picture;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureGetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a VOD user does, SDK to SDK, with nothing but the endpoint changed: CreateUploadImage with
 * aliyun-java-sdk-vod → the bytes with the Alibaba OSS SDK to the returned UploadAddress using the
 * returned UploadAuth → Uploading turns Normal → GetImageInfo with working, signed, expiring URLs →
 * SearchMedia → the same picture in the Taobao dialect → DeleteImage. And a malformed image uploaded
 * the same way turns UploadFail with nothing charged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VodUploadEndToEndTest {
    @TempDir static Path data;
    ServerFixture fx;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient http = HttpClient.newHttpClient();

    /** Subclasses run the same journey on other stores. */
    protected Map<String, String> settings() { return Map.of(); }

    @BeforeAll
    void start() throws Exception { fx = new ServerFixture(data, settings()); }

    @AfterAll
    void stop() throws Exception { fx.close(); }

    <T extends AcsResponse> T call(ServerFixture.TenantHandle t, AcsRequest<T> r) throws ClientException {
        IAcsClient c = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", t.vod.accessKeyId(), t.vod.accessKeySecret()));
        r.setSysEndpoint(fx.endpoint());
        r.setSysProtocol(ProtocolType.HTTP);
        r.setSysAcceptFormat(FormatType.JSON);
        return c.getAcsResponse(r);
    }

    static JsonNode base64Json(String s) throws Exception { return JSON.readTree(Base64.getDecoder().decode(s)); }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The OSS SDK exactly as Alibaba's docs use it with an UploadAddress and UploadAuth. */
    static OSS ossClientFor(CreateUploadImageResponse created) throws Exception {
        JsonNode auth = base64Json(created.getUploadAuth());
        String endpoint = base64Json(created.getUploadAddress()).get("Endpoint").asText();
        ClientBuilderConfiguration conf = new ClientBuilderConfiguration();
        conf.setMaxErrorRetry(0);
        return new OSSClientBuilder().build(endpoint, auth.get("AccessKeyId").asText(), auth.get("AccessKeySecret").asText(),
                auth.get("SecurityToken").asText(), conf);
    }

    CreateUploadImageResponse createUpload(ServerFixture.TenantHandle t, String title) throws Exception {
        CreateUploadImageRequest r = new CreateUploadImageRequest();
        r.setImageType("default");
        r.setImageExt("jpg");
        r.setTitle(title);
        r.setTags("shoe,red");
        return call(t, r);
    }

    GetImageInfoResponse.ImageInfo info(ServerFixture.TenantHandle t, String imageId, String outputType) throws Exception {
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(imageId);
        if (outputType != null) g.setOutputType(outputType);
        g.setAuthTimeout(600L);
        return call(t, g).getImageInfo();
    }

    @Test
    void createUploadWithTheOssSdkGetSearchSeeInTaobaoAndDelete() throws Exception {
        var t = fx.tenant("e2e-signed", 10 << 20, 0);
        fx.picspace.metadata().updateSignedUrls(t.tenant.id(), true);
        byte[] jpeg = TestImages.noisyJpeg(320, 200, 42);

        CreateUploadImageResponse created = createUpload(t, "红鞋 e2e");
        assertThat(info(t, created.getImageId(), null).getStatus()).isEqualTo("Uploading");
        JsonNode address = base64Json(created.getUploadAddress());
        OSS oss = ossClientFor(created);
        try {
            // a stream of unknown length: the SDK sends it chunked
            oss.putObject(address.get("Bucket").asText(), address.get("FileName").asText(), new ByteArrayInputStream(jpeg));
        } finally {
            oss.shutdown();
        }

        GetImageInfoResponse.ImageInfo i = info(t, created.getImageId(), null);
        assertThat(i.getStatus()).isEqualTo("Normal");
        assertThat(i.getTitle()).isEqualTo("红鞋 e2e");
        assertThat(i.getMezzanine().getFileSize()).isEqualTo(Integer.toString(jpeg.length));
        assertThat(i.getMezzanine().getWidth()).isEqualTo(320);
        assertThat(i.getMezzanine().getHeight()).isEqualTo(200);
        assertThat(t.reload().usedBytes()).isEqualTo(jpeg.length);

        // URL (CDN Type-A auth_key) and FileURL (OSS presigned): both serve the bytes; unsigned or tampered is 403
        assertThat(i.getURL()).contains("auth_key=");
        assertThat(get(i.getURL()).body()).isEqualTo(jpeg);
        assertThat(get(i.getURL().substring(0, i.getURL().indexOf('?'))).statusCode()).isEqualTo(403);
        String tampered = i.getURL().substring(0, i.getURL().length() - 1) + (i.getURL().endsWith("0") ? "1" : "0");
        assertThat(get(tampered).statusCode()).isEqualTo(403);
        String fileUrl = i.getMezzanine().getFileURL();
        assertThat(fileUrl).contains("Signature=");
        assertThat(get(fileUrl).body()).isEqualTo(jpeg);
        assertThat(get(fileUrl.replace("Expires=", "Expires=1")).statusCode()).isEqualTo(403);
        String ossUrl = info(t, created.getImageId(), "oss").getURL();
        assertThat(get(ossUrl).body()).isEqualTo(jpeg);
        // a transform on the signed CDN URL: the signature covers the path, the process is a parameter
        HttpResponse<byte[]> thumb = get(i.getURL() + "&x-oss-process=image/resize,w_100");
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(ImageIO.read(new ByteArrayInputStream(thumb.body())).getWidth()).isEqualTo(100);

        // SearchMedia finds it by its fuzzy title
        SearchMediaRequest s = new SearchMediaRequest();
        s.setSearchType("image");
        s.setMatch("Title = '红鞋'");
        SearchMediaResponse found = call(t, s);
        assertThat(found.getTotal()).isEqualTo(1L);
        assertThat(found.getMediaList().get(0).getMediaId()).isEqualTo(created.getImageId());

        // one library, two dialects: the Taobao client sees the same picture
        Picture p = fx.picspace.metadata().findPictureByImageId(t.tenant.id(), created.getImageId()).orElseThrow();
        PictureGetResponse top = t.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", p.pictureId()), t.creds.session());
        assertThat(top.getPictures()).singleElement().satisfies(tp -> {
            assertThat(tp.getTitle()).isEqualTo("红鞋 e2e");
            assertThat(tp.getSizes()).isEqualTo(jpeg.length);
        });

        DeleteImageRequest del = new DeleteImageRequest();
        del.setDeleteImageType("ImageId");
        del.setImageIds(created.getImageId());
        call(t, del);
        ClientException gone = catchThrowableOfType(ClientException.class, () -> info(t, created.getImageId(), null));
        assertThat(gone.getErrCode()).isEqualTo("NoSuchResource");
        assertThat(t.reload().usedBytes()).isZero();
    }

    @Test
    void aMalformedImageUploadedThroughOssTurnsUploadFailAndChargesNothing() throws Exception {
        var t = fx.tenant("e2e-bad", 10 << 20, 0);
        CreateUploadImageResponse created = createUpload(t, "broken");
        JsonNode address = base64Json(created.getUploadAddress());
        byte[] jpeg = TestImages.noisyJpeg(64, 64, 7);
        byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
        OSS oss = ossClientFor(created);
        try {
            OSSException refused = catchThrowableOfType(OSSException.class, () ->
                    oss.putObject(address.get("Bucket").asText(), address.get("FileName").asText(), new ByteArrayInputStream(truncated)));
            assertThat(refused.getErrorCode()).isEqualTo("InvalidArgument");
            // the upload credential writes only its own object
            OSSException other = catchThrowableOfType(OSSException.class, () ->
                    oss.putObject(address.get("Bucket").asText(), "image/default/" + "0".repeat(32) + ".jpg", new ByteArrayInputStream(jpeg)));
            assertThat(other.getErrorCode()).isEqualTo("AccessDenied");
        } finally {
            oss.shutdown();
        }
        GetImageInfoResponse.ImageInfo i = info(t, created.getImageId(), null);
        assertThat(i.getStatus()).isEqualTo("UploadFail");
        assertThat(t.reload().usedBytes()).isZero();
    }
}
