package dev.picspace.app;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ServerException;
import com.aliyuncs.http.FormatType;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.vod.model.v20170321.AddCategoryRequest;
import com.aliyuncs.vod.model.v20170321.AddCategoryResponse;
import com.aliyuncs.vod.model.v20170321.CreateUploadImageRequest;
import com.aliyuncs.vod.model.v20170321.CreateUploadImageResponse;
import com.aliyuncs.vod.model.v20170321.DeleteCategoryRequest;
import com.aliyuncs.vod.model.v20170321.DeleteImageRequest;
import com.aliyuncs.vod.model.v20170321.GetCategoriesRequest;
import com.aliyuncs.vod.model.v20170321.GetCategoriesResponse;
import com.aliyuncs.vod.model.v20170321.GetImageInfoRequest;
import com.aliyuncs.vod.model.v20170321.GetImageInfoResponse;
import com.aliyuncs.vod.model.v20170321.GetImageInfosRequest;
import com.aliyuncs.vod.model.v20170321.GetImageInfosResponse;
import com.aliyuncs.vod.model.v20170321.SearchMediaRequest;
import com.aliyuncs.vod.model.v20170321.SearchMediaResponse;
import com.aliyuncs.vod.model.v20170321.UpdateCategoryRequest;
import com.aliyuncs.vod.model.v20170321.UpdateImageInfosRequest;
import com.aliyuncs.vod.model.v20170321.UpdateImageInfosResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.gateway.sign.OssV1Signature;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.PictureGetResponse;
import dev.picspace.topclient.Responses.PictureUploadResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The VOD dialect end to end with the old SDK (aliyun-java-sdk-vod 2.16.22 + core 4.7.10,
 * DefaultAcsClient, RPC HMAC-SHA1, parameters in the query of a POST): every action's success and
 * error paths in JSON and XML, STS, wrong and unknown keys, cross-tenant isolation and
 * cross-dialect visibility. The bytes of CreateUploadImage pictures arrive through
 * PictureSpace.completeUpload (the OSS endpoint is another part's).
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class VodSdkTest {
    @TempDir static Path data;
    static ServerFixture fx;

    /** The server's settings beyond data, port and host; VodSdkOnPostgresAndS3Test runs every test on those. */
    protected Map<String, String> settings() { return Map.of("max-bytes", "2M"); }
    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    void start() throws Exception { fx = new ServerFixture(data, settings()); }

    @AfterAll
    void stop() throws Exception { fx.close(); }

    enum Fmt { JSON, XML }

    static IAcsClient client(String ak, String secret) {
        return new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai", ak, secret));
    }

    static IAcsClient client(ServerFixture.TenantHandle t) { return client(t.vod.accessKeyId(), t.vod.accessKeySecret()); }

    static <T extends AcsResponse> T call(IAcsClient c, AcsRequest<T> r, Fmt f) throws ClientException {
        r.setSysEndpoint(fx.endpoint());
        r.setSysProtocol(ProtocolType.HTTP);
        r.setSysAcceptFormat(f == Fmt.JSON ? FormatType.JSON : FormatType.XML);
        return c.getAcsResponse(r);
    }

    static <T extends AcsResponse> T call(ServerFixture.TenantHandle t, AcsRequest<T> r) throws ClientException {
        return call(client(t), r, Fmt.JSON);
    }

    static ClientException fails(IAcsClient c, AcsRequest<?> r, Fmt f) {
        return catchThrowableOfType(ClientException.class, () -> call(c, r, f));
    }

    static CreateUploadImageResponse createUpload(ServerFixture.TenantHandle t, String title, Long cateId) throws Exception {
        CreateUploadImageRequest r = new CreateUploadImageRequest();
        r.setImageType("default");
        r.setImageExt("png");
        if (title != null) r.setTitle(title);
        if (cateId != null) r.setCateId(cateId);
        return call(t, r);
    }

    /** CreateUploadImage, then the bytes land (what the OSS endpoint does on PutObject). */
    static Picture uploaded(ServerFixture.TenantHandle t, String title, Long cateId, byte[] bytes) throws Exception {
        String id = createUpload(t, title, cateId).getImageId();
        Picture pending = fx.picspace.metadata().findPictureByImageId(t.tenant.id(), id).orElseThrow();
        return fx.picspace.space().completeUpload(t.tenant.id(), pending.pictureId(), new ByteArrayInputStream(bytes));
    }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode base64Json(String s) throws Exception { return JSON.readTree(Base64.getDecoder().decode(s)); }

    // ------------------------------------------------------------------ CreateUploadImage + GetImageInfo

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void createUploadImageThenGetImageInfoShowsEverySeedField(Fmt f) throws Exception {
        var t = fx.tenant("create-" + f, 10 << 20, 0);
        IAcsClient c = client(t);
        AddCategoryRequest ac = new AddCategoryRequest();
        ac.setCateName("测试分类");
        long cateId = call(c, ac, f).getCategory().getCateId();

        CreateUploadImageRequest r = new CreateUploadImageRequest();
        r.setImageType("default");
        r.setImageExt("jpg");
        r.setTitle("标题 with space*~ a+b/c?d=e&f");
        r.setTags("tag1,tag2,tag3");
        r.setCateId(cateId);
        r.setDescription("测试描述");
        r.setOriginalFileName("D:\\pictures\\shoe.jpg");
        r.setUserData("{\"Extend\":{\"localId\":\"xxx\"}}");
        CreateUploadImageResponse created = call(c, r, f);
        String id = created.getImageId();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(created.getRequestId()).matches("[0-9A-F-]{36}");
        String key = "image/default/" + id + ".jpg";
        assertThat(created.getFileURL()).isEqualTo(fx.publicBase() + "/" + fx.picspace.settings().ossBucket() + "/" + key);
        assertThat(created.getImageURL()).startsWith(fx.publicBase() + "/i/").endsWith(".jpg");
        JsonNode address = base64Json(created.getUploadAddress());
        assertThat(address.get("Endpoint").asText()).isEqualTo(fx.publicBase());
        assertThat(address.get("Bucket").asText()).isEqualTo(fx.picspace.settings().ossBucket());
        assertThat(address.get("FileName").asText()).isEqualTo(key);
        JsonNode auth = base64Json(created.getUploadAuth());
        assertThat(auth.get("Expiration").asText()).isEqualTo("3000");
        assertThat(Instant.parse(auth.get("ExpireUTCTime").asText()))
                .isBetween(Instant.now().plusSeconds(2990), Instant.now().plusSeconds(3010));
        TemporaryCredentials.Verification v = fx.picspace.sts().verify(auth.get("AccessKeyId").asText(), auth.get("SecurityToken").asText());
        assertThat(v.valid()).isTrue();
        assertThat(v.secret()).isEqualTo(auth.get("AccessKeySecret").asText());
        assertThat(v.grant().scope()).isEqualTo(TemporaryCredentials.Scope.OSS_OBJECT);
        assertThat(v.grant().objectKey()).isEqualTo(key);
        assertThat(v.grant().tenantId()).isEqualTo(t.tenant.id());

        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(id);
        GetImageInfoResponse.ImageInfo pending = call(c, g, f).getImageInfo();
        assertThat(pending.getStatus()).isEqualTo("Uploading");
        assertThat(pending.getMezzanine().getFileSize()).isNull();
        assertThat(get(pending.getURL()).statusCode()).isEqualTo(404); // no bytes yet

        byte[] img = TestImages.jpeg(320, 200, 7);
        Picture p = fx.picspace.metadata().findPictureByImageId(t.tenant.id(), id).orElseThrow();
        fx.picspace.space().completeUpload(t.tenant.id(), p.pictureId(), new ByteArrayInputStream(img));

        GetImageInfoResponse info = call(c, g, f);
        GetImageInfoResponse.ImageInfo i = info.getImageInfo();
        assertThat(info.getRequestId()).matches("[0-9A-F-]{36}");
        assertThat(i.getImageId()).isEqualTo(id);
        assertThat(i.getTitle()).isEqualTo("标题 with space*~ a+b/c?d=e&f");
        assertThat(i.getCreationTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(Instant.parse(i.getCreationTime())).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        assertThat(i.getCateId()).isEqualTo(cateId);
        assertThat(i.getCateName()).isEqualTo("测试分类");
        assertThat(i.getTags()).isEqualTo("tag1,tag2,tag3");
        assertThat(i.getImageType()).isEqualTo("default");
        assertThat(i.getDescription()).isEqualTo("测试描述");
        assertThat(i.getStorageLocation()).isEqualTo(fx.picspace.settings().ossBucket() + "." + URI.create(fx.publicBase()).getAuthority());
        assertThat(i.getStatus()).isEqualTo("Normal");
        assertThat(i.getAppId()).isEqualTo("app-1000000");
        assertThat(i.getRegionId()).isEqualTo("cn-shanghai");
        assertThat(i.getAuditStatus()).isEqualTo("Normal");
        assertThat(i.getMezzanine().getOriginalFileName()).isEqualTo("D:\\pictures\\shoe.jpg");
        assertThat(i.getMezzanine().getFileSize()).isEqualTo(Integer.toString(img.length));
        assertThat(i.getMezzanine().getWidth()).isEqualTo(320);
        assertThat(i.getMezzanine().getHeight()).isEqualTo(200);
        assertThat(i.getMezzanine().getFileURL()).isEqualTo(created.getFileURL());
        HttpResponse<byte[]> served = get(i.getURL());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(img);
        assertThat(t.reload().usedBytes()).isEqualTo(img.length);
    }

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void textWithQuotesBackslashesAndLineBreaksSurvivesTheSdksReader(Fmt f) throws Exception {
        var t = fx.tenant("escapes-" + f, 1 << 20, 0);
        String description = "line 1\nline 2\r\n\ttabbed \"quoted\" back\\slash / <tag> & 验收 \u2028";
        CreateUploadImageRequest r = new CreateUploadImageRequest();
        r.setImageType("default");
        r.setTitle("\"q\" \\ <&>");
        r.setDescription(description);
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(call(client(t), r, f).getImageId());
        GetImageInfoResponse.ImageInfo i = call(client(t), g, f).getImageInfo();
        assertThat(i.getTitle()).isEqualTo("\"q\" \\ <&>");
        // XML parsers normalise a lone CR to LF only when it is not a character reference: picspace writes &#13;
        assertThat(i.getDescription()).isEqualTo(description);
    }

    @Test
    void bytesThatAreNotAnImageTurnItUploadFailAndChargeNothing() throws Exception {
        var t = fx.tenant("upload-fail", 1 << 20, 0);
        String id = createUpload(t, "broken", null).getImageId();
        Picture p = fx.picspace.metadata().findPictureByImageId(t.tenant.id(), id).orElseThrow();
        assertThatThrownBy(() -> fx.picspace.space().completeUpload(t.tenant.id(), p.pictureId(),
                new ByteArrayInputStream("not an image at all".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(dev.picspace.domain.Exceptions.InvalidImageException.class);
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(id);
        GetImageInfoResponse.ImageInfo i = call(t, g).getImageInfo();
        assertThat(i.getStatus()).isEqualTo("UploadFail");
        assertThat(i.getMezzanine().getFileSize()).isNull();
        assertThat(t.reload().usedBytes()).isZero();
        assertThat(mediaIds(search(client(t), Fmt.JSON, "Status in ('UploadFail')", null, 1, 10, null))).containsExactly(id);
    }

    @Test
    void imageExtDefaultsToTheFileNameThenPngAndIsValidated() throws Exception {
        var t = fx.tenant("ext", 1 << 20, 0);
        CreateUploadImageRequest r = new CreateUploadImageRequest();
        r.setImageType("cover");
        r.setOriginalFileName("a.gif");
        assertThat(base64Json(call(t, r).getUploadAddress()).get("FileName").asText()).startsWith("image/cover/").endsWith(".gif");
        r = new CreateUploadImageRequest();
        r.setImageType("default");
        assertThat(base64Json(call(t, r).getUploadAddress()).get("FileName").asText()).endsWith(".png");
        r.setImageExt("heic");
        assertThat(fails(client(t), r, Fmt.JSON).getErrCode()).isEqualTo("InvalidParameter");
    }

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void createUploadImageRefusesBadArguments(Fmt f) throws Exception {
        var t = fx.tenant("create-bad-" + f, 1 << 20, 0);
        IAcsClient c = client(t);
        CreateUploadImageRequest noType = new CreateUploadImageRequest();
        ClientException e = fails(c, noType, f);
        assertThat(e.getErrCode()).isEqualTo("MissingParameter");
        assertThat(e.getErrMsg()).contains("\"ImageType\"");
        for (java.util.function.Consumer<CreateUploadImageRequest> bad : List.<java.util.function.Consumer<CreateUploadImageRequest>>of(
                x -> x.setImageType("video"),
                x -> x.setTitle("t".repeat(129)),
                x -> x.setTitle("emoji 😀"),
                x -> x.setTags(String.join(",", java.util.Collections.nCopies(17, "x"))),
                x -> x.setTags("y".repeat(33)),
                x -> x.setDescription("d".repeat(1025)),
                x -> x.setUserData("{not json"),
                x -> x.setDescription("bell \u0007 in it"),
                x -> x.setOriginalFileName("a\u0000.png"))) {
            CreateUploadImageRequest r = new CreateUploadImageRequest();
            r.setImageType("default");
            bad.accept(r);
            assertThat(fails(c, r, f).getErrCode()).isEqualTo("InvalidParameter");
        }
        CreateUploadImageRequest unknownCategory = new CreateUploadImageRequest();
        unknownCategory.setImageType("default");
        unknownCategory.setCateId(12345L);
        ClientException nf = fails(c, unknownCategory, f);
        assertThat(nf.getErrCode()).isEqualTo("InvalidCateId.NotFound");
        // nothing was created by any of them
        assertThat(fx.picspace.metadata().countPictures(t.tenant.id(), dev.picspace.domain.PictureQuery.all())).isZero();
        CreateUploadImageRequest max = new CreateUploadImageRequest();
        max.setImageType("default");
        max.setTitle("标".repeat(128));
        max.setTags(String.join(",", java.util.Collections.nCopies(16, "z".repeat(32))));
        assertThat(call(c, max, f).getImageId()).matches("[0-9a-f]{32}");
    }

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void getImageInfoErrorsAndAuthTimeoutRanges(Fmt f) throws Exception {
        var t = fx.tenant("get-errors-" + f, 1 << 20, 0);
        IAcsClient c = client(t);
        GetImageInfoRequest missing = new GetImageInfoRequest();
        missing.setImageId("0123456789abcdef0123456789abcdef");
        ClientException e = fails(c, missing, f);
        assertThat(e.getErrCode()).isEqualTo("NoSuchResource");
        assertThat(e.getErrMsg()).startsWith("The specified resource does not exist.");
        assertThat(e.getRequestId()).matches("[0-9A-F-]{36}");
        assertThat(fails(c, new GetImageInfoRequest(), f).getErrCode()).isEqualTo("MissingParameter");
        String id = uploaded(t, "x", null, TestImages.png(10, 10)).imageId();
        for (String[] bad : new String[][]{{"cdn", "0"}, {"oss", "0"}, {"oss", "2592001"}, {"cdn", "abc"}, {"ftp", "10"}}) {
            GetImageInfoRequest r = new GetImageInfoRequest();
            r.setImageId(id);
            r.setOutputType(bad[0]);
            r.putQueryParameter("AuthTimeout", bad[1]);
            assertThat(fails(c, r, f).getErrCode()).as(String.join(",", bad)).isEqualTo("InvalidParameter");
        }
        GetImageInfoRequest ok = new GetImageInfoRequest();
        ok.setImageId(id);
        ok.setOutputType("oss");
        ok.setAuthTimeout(2_592_000L);
        assertThat(call(c, ok, f).getImageInfo().getURL()).isEqualTo(fx.publicBase() + "/" + fx.picspace.settings().ossBucket()
                + "/image/default/" + id + ".png"); // not a signed-URL tenant: plain, permanent
    }

    @Test
    void signedUrlTenantsGetCdnAuthKeyAndOssPresignedUrlsThatExpireAsAsked() throws Exception {
        var t = fx.tenant("signed", 1 << 20, 0, true);
        byte[] img = TestImages.png(20, 20);
        String id = uploaded(t, "s", null, img).imageId();
        GetImageInfoRequest cdn = new GetImageInfoRequest();
        cdn.setImageId(id);
        cdn.setAuthTimeout(600L);
        GetImageInfoResponse.ImageInfo i = call(t, cdn).getImageInfo();
        assertThat(i.getURL()).contains("?auth_key=");
        long ts = Long.parseLong(i.getURL().replaceAll(".*auth_key=(\\d+)-.*", "$1"));
        // Type A: valid until timestamp + the CDN's default validity period, which is now + AuthTimeout
        assertThat(ts + fx.picspace.settings().cdnAuthTtlSeconds()).isBetween(Instant.now().getEpochSecond() + 590,
                Instant.now().getEpochSecond() + 610);
        assertThat(get(i.getURL()).body()).isEqualTo(img);
        assertThat(get(i.getURL().replace("auth_key=", "auth_key=1")).statusCode()).isEqualTo(403);
        assertThat(get(i.getURL().replaceAll("\\?.*", "")).statusCode()).isEqualTo(403);

        GetImageInfoRequest oss = new GetImageInfoRequest();
        oss.setImageId(id);
        oss.setOutputType("oss");
        oss.setAuthTimeout(120L);
        String url = call(t, oss).getImageInfo().getURL();
        assertThat(url).startsWith(fx.publicBase() + "/" + fx.picspace.settings().ossBucket() + "/image/default/" + id + ".png?Expires=");
        Map<String, String> q = query(url);
        long expires = Long.parseLong(q.get("Expires"));
        assertThat(expires).isBetween(Instant.now().getEpochSecond() + 110, Instant.now().getEpochSecond() + 130);
        assertThat(q.get("OSSAccessKeyId")).isEqualTo(t.vod.accessKeyId());
        String sts = OssV1Signature.stringToSign("GET", "", "", q.get("Expires"), Map.of(),
                OssV1Signature.canonicalResource(fx.picspace.settings().ossBucket(), "image/default/" + id + ".png", Map.of()));
        assertThat(q.get("Signature")).isEqualTo(OssV1Signature.sign(t.vod.accessKeySecret(), sts));
        // FileURL with cdn output and a long AuthTimeout: capped at the 30-day OSS maximum
        cdn.setAuthTimeout(100L * 86400);
        String fileUrl = call(t, cdn).getImageInfo().getMezzanine().getFileURL();
        assertThat(Long.parseLong(query(fileUrl).get("Expires"))).isBetween(Instant.now().getEpochSecond() + 2_592_000 - 10,
                Instant.now().getEpochSecond() + 2_592_000 + 10);
    }

    static Map<String, String> query(String url) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String kv : URI.create(url).getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            m.put(p[0], java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        return m;
    }

    // ------------------------------------------------------------------ GetImageInfos

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void getImageInfosReturnsFlatListsOfFoundAndMissingIds(Fmt f) throws Exception {
        var t = fx.tenant("infos-" + f, 1 << 20, 0);
        IAcsClient c = client(t);
        String a = uploaded(t, "a", null, TestImages.png(11, 11)).imageId();
        String b = createUpload(t, "b", null).getImageId();
        String gone = "00000000000000000000000000000000";
        GetImageInfosRequest r = new GetImageInfosRequest();
        r.setImageIds(a + "," + gone + "," + b);
        GetImageInfosResponse rsp = call(c, r, f);
        assertThat(rsp.getImageInfo()).extracting(GetImageInfosResponse.Image::getImageId).containsExactly(a, b);
        assertThat(rsp.getImageInfo()).extracting(GetImageInfosResponse.Image::getStatus).containsExactly("Normal", "Uploading");
        assertThat(rsp.getImageInfo().get(0).getMezzanine().getWidth()).isEqualTo(11);
        assertThat(rsp.getNonExistImageIds()).containsExactly(gone);
        r.setImageIds(a);
        rsp = call(c, r, f);
        assertThat(rsp.getImageInfo()).hasSize(1);
        assertThat(rsp.getNonExistImageIds()).isEmpty();
        r.setImageIds(gone);
        rsp = call(c, r, f);
        assertThat(rsp.getImageInfo()).isEmpty();
        assertThat(rsp.getNonExistImageIds()).containsExactly(gone);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) many.add(String.format("%032x", i));
        r.setImageIds(String.join(",", many));
        assertThat(fails(c, r, f).getErrCode()).isEqualTo("InvalidParameter");
        assertThat(fails(c, new GetImageInfosRequest(), f).getErrCode()).isEqualTo("MissingParameter");
    }

    // ------------------------------------------------------------------ UpdateImageInfos

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void updateImageInfosChangesOnlyThePresentFieldsAndListsMissingIdsWrapped(Fmt f) throws Exception {
        var t = fx.tenant("update-" + f, 1 << 20, 0);
        IAcsClient c = client(t);
        AddCategoryRequest ac = new AddCategoryRequest();
        ac.setCateName("c");
        long cate = call(c, ac, f).getCategory().getCateId();
        CreateUploadImageRequest cr = new CreateUploadImageRequest();
        cr.setImageType("default");
        cr.setTitle("old");
        cr.setDescription("keep me");
        cr.setTags("x");
        String id = call(c, cr, f).getImageId();
        String gone = "11111111111111111111111111111111";
        UpdateImageInfosRequest u = new UpdateImageInfosRequest();
        u.setUpdateContent("[{\"ImageId\":\"" + id + "\",\"Title\":\"新标题\",\"Tags\":\"a, b\",\"CateId\":" + cate
                + "},{\"ImageId\":\"" + gone + "\",\"Title\":\"x\"}]");
        UpdateImageInfosResponse rsp = call(c, u, f);
        assertThat(rsp.getNonExistImageIds()).containsExactly(gone);
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(id);
        GetImageInfoResponse.ImageInfo i = call(c, g, f).getImageInfo();
        assertThat(i.getTitle()).isEqualTo("新标题");
        assertThat(i.getTags()).isEqualTo("a,b");
        assertThat(i.getDescription()).isEqualTo("keep me");
        assertThat(i.getCateId()).isEqualTo(cate);
        u.setUpdateContent("[{\"ImageId\":\"" + id + "\",\"CateId\":\"-1\",\"Description\":\"\"}]");
        assertThat(call(c, u, f).getNonExistImageIds()).isEmpty();
        i = call(c, g, f).getImageInfo();
        assertThat(i.getCateId()).isZero();
        assertThat(i.getCateName()).isNull();
        assertThat(i.getTitle()).isEqualTo("新标题");

        for (String bad : List.of("not json", "{}", "[]", "[{\"Title\":\"no id\"}]", "[{\"ImageId\":\"" + id + "\",\"Title\":\"" + "t".repeat(129) + "\"}]",
                "[{\"ImageId\":\"" + id + "\",\"Title\":\"ok\"},{\"ImageId\":\"" + id + "\",\"Title\":\"\"}]",
                "[{\"ImageId\":\"" + id + "\",\"Tags\":\"😀\"}]", "[{\"ImageId\":\"" + id + "\",\"Title\":7}]")) {
            u.setUpdateContent(bad);
            assertThat(fails(c, u, f).getErrCode()).as(bad).isEqualTo("InvalidParameter");
        }
        u.setUpdateContent("[{\"ImageId\":\"" + id + "\",\"Title\":\"not applied\",\"CateId\":999}]");
        assertThat(fails(c, u, f).getErrCode()).isEqualTo("InvalidCateId.NotFound");
        assertThat(call(c, g, f).getImageInfo().getTitle()).isEqualTo("新标题"); // a failed batch changes nothing
        StringBuilder many = new StringBuilder("[");
        for (int k = 0; k < 21; k++) many.append(k == 0 ? "" : ",").append("{\"ImageId\":\"").append(id).append("\"}");
        u.setUpdateContent(many.append("]").toString());
        assertThat(fails(c, u, f).getErrCode()).isEqualTo("InvalidParameter");
    }

    // ------------------------------------------------------------------ DeleteImage

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void deleteImageByIdAndByUrlAndItsBatchRule(Fmt f) throws Exception {
        var t = fx.tenant("delete-" + f, 1 << 20, 0);
        IAcsClient c = client(t);
        Picture a = uploaded(t, "a", null, TestImages.png(12, 12));
        Picture b = uploaded(t, "b", null, TestImages.png(13, 13));
        Picture d = uploaded(t, "d", null, TestImages.png(14, 14));
        long used = t.reload().usedBytes();
        String missing = "22222222222222222222222222222222";

        DeleteImageRequest byId = new DeleteImageRequest();
        byId.setDeleteImageType("ImageId");
        byId.setImageIds(a.imageId() + "," + missing); // one missing: the existing one is deleted
        call(c, byId, f);
        assertThat(live(t, a)).isFalse();
        assertThat(t.reload().usedBytes()).isEqualTo(used - a.sizeBytes());
        ClientException none = fails(c, byId, f); // now none exists
        assertThat(none.getErrCode()).isEqualTo("NoSuchResource");

        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(b.imageId());
        String cdnUrl = call(c, g, f).getImageInfo().getURL();
        String fileUrl = call(c, g, f).getImageInfo().getMezzanine().getFileURL();
        g.setImageId(d.imageId());
        g.setOutputType("oss");
        String dOssUrl = call(c, g, f).getImageInfo().getURL();
        DeleteImageRequest byUrl = new DeleteImageRequest();
        byUrl.setDeleteImageType("ImageURL");
        byUrl.setImageURLs(URLEncoder.encode(cdnUrl, StandardCharsets.UTF_8));
        call(c, byUrl, f);
        assertThat(live(t, b)).isFalse();
        assertThat(get(cdnUrl).statusCode()).isEqualTo(404);
        byUrl.setImageURLs(URLEncoder.encode(dOssUrl, StandardCharsets.UTF_8) + "," + URLEncoder.encode(fileUrl, StandardCharsets.UTF_8));
        call(c, byUrl, f); // b's FileURL is gone already, d's OSS URL is deleted
        assertThat(live(t, d)).isFalse();
        assertThat(fails(c, byUrl, f).getErrCode()).isEqualTo("NoSuchResource");
        byUrl.setImageURLs("http://elsewhere.example/nothing.png");
        assertThat(fails(c, byUrl, f).getErrCode()).isEqualTo("NoSuchResource");

        DeleteImageRequest video = new DeleteImageRequest();
        video.setDeleteImageType("VideoId");
        video.setVideoId("93ab850b4f6f44eab54b6e91d24d81d4");
        ClientException v = fails(c, video, f);
        assertThat(v.getErrCode()).isEqualTo("InvalidVideo.NotFound");
        DeleteImageRequest badType = new DeleteImageRequest();
        badType.setDeleteImageType("Everything");
        assertThat(fails(c, badType, f).getErrCode()).isEqualTo("InvalidParameter");
        assertThat(fails(c, new DeleteImageRequest(), f).getErrCode()).isEqualTo("MissingParameter");
        g.setImageId(a.imageId());
        assertThat(fails(c, g, f).getErrCode()).isEqualTo("NoSuchResource"); // deleted images are gone for GetImageInfo
    }

    static boolean live(ServerFixture.TenantHandle t, Picture p) {
        return fx.picspace.metadata().findPicture(t.tenant.id(), p.pictureId()).map(x -> !x.deleted()).orElse(false);
    }

    // ------------------------------------------------------------------ SearchMedia

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void searchMediaFiltersSortsPagesAndScrolls(Fmt f) throws Exception {
        var t = fx.tenant("search-" + f, 10 << 20, 0);
        IAcsClient c = client(t);
        AddCategoryRequest ac = new AddCategoryRequest();
        ac.setCateName("shoes");
        long shoes = call(c, ac, f).getCategory().getCateId();
        List<String> ids = new ArrayList<>(); // in creation order
        for (int i = 0; i < 12; i++) {
            CreateUploadImageRequest r = new CreateUploadImageRequest();
            r.setImageType("default");
            r.setTitle((i % 2 == 0 ? "red shoe " : "blue hat ") + i);
            r.setTags(i % 3 == 0 ? "summer,sale" : "winter");
            r.setDescription("item number " + i);
            if (i < 4) r.setCateId(shoes);
            ids.add(call(c, r, f).getImageId());
            Thread.sleep(2); // distinct creation times
        }
        for (int i = 0; i < 3; i++) { // three of them Normal
            Picture p = fx.picspace.metadata().findPictureByImageId(t.tenant.id(), ids.get(i)).orElseThrow();
            fx.picspace.space().completeUpload(t.tenant.id(), p.pictureId(), new ByteArrayInputStream(TestImages.png(5 + i, 5)));
        }
        SearchMediaResponse all = search(c, f, null, null, 1, 100, null);
        assertThat(all.getTotal()).isEqualTo(12L);
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(mediaIds(all)).containsExactlyElementsOf(newestFirst);
        SearchMediaResponse.Media m = all.getMediaList().get(11);
        assertThat(m.getMediaType()).isEqualTo("image");
        assertThat(m.getMediaId()).isEqualTo(ids.get(0));
        SearchMediaResponse.Media.Image img = m.getImage();
        assertThat(img.getImageId()).isEqualTo(ids.get(0));
        assertThat(img.getTitle()).isEqualTo("red shoe 0");
        assertThat(img.getCateId()).isEqualTo(shoes);
        assertThat(img.getCateName()).isEqualTo("shoes");
        assertThat(img.getStatus()).isEqualTo("Normal");
        assertThat(img.getType()).isEqualTo("default");
        assertThat(img.getExt()).isEqualTo("png");
        assertThat(img.getURL()).startsWith(fx.publicBase() + "/i/");
        assertThat(img.getCreationTime()).isEqualTo(m.getCreationTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(img.getModificationTime()).isNotNull();
        assertThat(img.getAppId()).isEqualTo("app-1000000");

        assertThat(mediaIds(search(c, f, "Title = 'red'", null, 1, 100, null))).containsExactly(
                ids.get(10), ids.get(8), ids.get(6), ids.get(4), ids.get(2), ids.get(0));
        assertThat(search(c, f, "Title = 'red'", null, 1, 100, null).getTotal()).isEqualTo(6L);
        assertThat(mediaIds(search(c, f, "Tags in ('sale','nothing')", "CreationTime:Asc", 1, 100, null)))
                .containsExactly(ids.get(0), ids.get(3), ids.get(6), ids.get(9));
        assertThat(mediaIds(search(c, f, "Status in ('Normal') and CateId = " + shoes, "CreationTime:Asc", 1, 10, null)))
                .containsExactly(ids.get(0), ids.get(1), ids.get(2));
        assertThat(mediaIds(search(c, f, "(Title = 'hat 1' or Description = 'number 2') and Status = 'Normal'", "CreationTime:Asc", 1, 10, null)))
                .containsExactly(ids.get(1), ids.get(2));
        assertThat(mediaIds(search(c, f, "ImageId = '" + ids.get(5) + "'", null, 1, 10, null))).containsExactly(ids.get(5));
        assertThat(search(c, f, "AppId in ('app-2')", null, 1, 10, null).getTotal()).isZero();
        assertThat(search(c, f, "Status in ('Uploading')", null, 1, 10, null).getTotal()).isEqualTo(9L);
        Instant t3 = created(t, ids.get(3)), t7 = created(t, ids.get(7));
        assertThat(mediaIds(search(c, f, "CreationTime = ['" + t3 + "','" + t7 + "')", "CreationTime:Asc", 1, 10, null)))
                .containsExactly(ids.get(3), ids.get(4), ids.get(5), ids.get(6));
        // PageNo/PageSize
        assertThat(mediaIds(search(c, f, null, "CreationTime:Asc", 2, 5, null))).containsExactlyElementsOf(ids.subList(5, 10));
        assertThat(search(c, f, null, "CreationTime:Asc", 4, 5, null).getMediaList()).isEmpty();
        // ScrollToken: the whole traversal, page after page, each picture once, in order
        List<String> scrolled = new ArrayList<>();
        String token = null;
        for (int pages = 0; pages < 10; pages++) {
            SearchMediaResponse page = search(c, f, "Title = 'e'", "CreationTime:Asc", 1, 5, token);
            if (page.getMediaList().isEmpty()) break;
            scrolled.addAll(mediaIds(page));
            assertThat(page.getScrollToken()).matches("[0-9a-f]{32}");
            token = page.getScrollToken();
        }
        assertThat(scrolled).containsExactlyElementsOf(ids);
        // a token is bound to its traversal: another Match or SortBy, or a changed one, is refused
        String first = search(c, f, null, "CreationTime:Asc", 1, 5, null).getScrollToken();
        assertThat(mediaIds(search(c, f, null, "CreationTime:Asc", 1, 5, first))).containsExactlyElementsOf(ids.subList(5, 10));
        for (String[] bad : new String[][]{{null, "CreationTime:Desc", first}, {"Title = 'e'", "CreationTime:Asc", first},
                {null, "CreationTime:Asc", first.substring(0, 31) + (first.endsWith("0") ? "1" : "0")}, {null, "CreationTime:Asc", "zz"}}) {
            ClientException e = catchThrowableOfType(ClientException.class, () -> search(c, f, bad[0], bad[1], 1, 5, bad[2]));
            assertThat(e.getErrCode()).isEqualTo("InvalidScrollToken.Expired");
        }
        ClientException multi = catchThrowableOfType(ClientException.class,
                () -> search(c, f, null, "CreationTime:Asc,ModificationTime:Desc", 1, 5, first));
        assertThat(multi.getErrCode()).isEqualTo("SortByExceededMax");
        // ModificationTime order follows updates
        UpdateImageInfosRequest u = new UpdateImageInfosRequest();
        u.setUpdateContent("[{\"ImageId\":\"" + ids.get(4) + "\",\"Title\":\"touched\"}]");
        call(c, u, f);
        assertThat(mediaIds(search(c, f, null, "ModificationTime:Desc", 1, 1, null))).containsExactly(ids.get(4));
        // Fields: ImageId and the named ones
        SearchMediaRequest fr = new SearchMediaRequest();
        fr.setSearchType("image");
        fr.setFields("Title,URL");
        fr.setPageSize(1);
        SearchMediaResponse.Media.Image only = call(c, fr, f).getMediaList().get(0).getImage();
        assertThat(only.getTitle()).isNotNull();
        assertThat(only.getURL()).isNotNull();
        assertThat(only.getDescription()).isNull();
        assertThat(only.getImageId()).isNotNull();
        // other media types: picspace has none
        SearchMediaRequest videos = new SearchMediaRequest();
        assertThat(call(c, videos, f).getTotal()).isZero();
        assertThat(call(c, videos, f).getMediaList()).isEmpty();
    }

    @Test
    void searchMediaRefusesWhatItCannotDo() throws Exception {
        var t = fx.tenant("search-bad", 1 << 20, 0);
        IAcsClient c = client(t);
        for (String bad : List.of("Title", "Title =", "Title = 'a' or Tags = 'b'", "CateName = 'x'", "URL = 'x'", "Nope = 'x'",
                "Title = ('a','b')", "CreationTime = 'x'", "CreationTime = ('nope','')", "ImageId in ('a')", "(Title = 'a'",
                "Title = 'a' and", "Title = 'unclosed", "CateId = abc", "Title = 'a' Tags = 'b'")) {
            ClientException e = catchThrowableOfType(ClientException.class, () -> search(c, Fmt.JSON, bad, null, 1, 10, null));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.getErrCode()).as(bad).isEqualTo("ErrorMatchSyntax");
            assertThat(e.getErrMsg()).as(bad).startsWith("The parameter Match.");
        }
        for (String[] bad : new String[][]{{"SortBy", "Title:Asc"}, {"SortBy", "CreationTime:Up"}, {"PageSize", "101"},
                {"PageNo", "0"}, {"PageNo", "51"}, {"SearchType", "pictures"}}) {
            SearchMediaRequest r = new SearchMediaRequest();
            r.setSearchType("image");
            r.putQueryParameter("PageSize", "100");
            r.putQueryParameter(bad[0], bad[1]);
            ClientException e = fails(c, r, Fmt.JSON);
            assertThat(e.getErrCode()).as(String.join("=", bad)).isEqualTo("InvalidParameter");
        }
    }

    static SearchMediaResponse search(IAcsClient c, Fmt f, String match, String sortBy, int pageNo, int pageSize, String token)
            throws ClientException {
        SearchMediaRequest r = new SearchMediaRequest();
        r.setSearchType("image");
        if (match != null) r.setMatch(match);
        if (sortBy != null) r.setSortBy(sortBy);
        r.setPageNo(pageNo);
        r.setPageSize(pageSize);
        if (token != null) r.setScrollToken(token);
        return call(c, r, f);
    }

    static List<String> mediaIds(SearchMediaResponse r) {
        return r.getMediaList().stream().map(SearchMediaResponse.Media::getMediaId).toList();
    }

    static Instant created(ServerFixture.TenantHandle t, String imageId) {
        return fx.picspace.metadata().findPictureByImageId(t.tenant.id(), imageId).orElseThrow().created();
    }

    // ------------------------------------------------------------------ categories

    @ParameterizedTest
    @EnumSource(Fmt.class)
    void categoriesHaveThreeLevelsAndTheSystemOnesAreMaterial(Fmt f) throws Exception {
        var t = fx.tenant("cats-" + f, 1 << 20, 0);
        IAcsClient c = client(t);
        AddCategoryResponse.Category l0 = add(c, f, "一级", null, null);
        assertThat(l0.getParentId()).isEqualTo(-1L);
        assertThat(l0.getLevel()).isZero();
        assertThat(l0.getType()).isEqualTo("default");
        assertThat(l0.getCateName()).isEqualTo("一级");
        AddCategoryResponse.Category l1 = add(c, f, "二级", l0.getCateId(), null);
        assertThat(l1.getLevel()).isEqualTo(1L);
        assertThat(l1.getParentId()).isEqualTo(l0.getCateId());
        AddCategoryResponse.Category l2 = add(c, f, "三级", l1.getCateId(), "default");
        assertThat(l2.getLevel()).isEqualTo(2L);
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "四级", l2.getCateId(), null)).getErrCode())
                .isEqualTo("LevelExceededMax");
        AddCategoryResponse.Category second = add(c, f, "second", null, null);

        GetCategoriesRequest root = new GetCategoriesRequest();
        root.setCateId(-1L);
        GetCategoriesResponse r = call(c, root, f);
        assertThat(r.getSubTotal()).isEqualTo(2L);
        assertThat(r.getSubCategories()).extracting(GetCategoriesResponse.Category::getCateId)
                .containsExactly(second.getCateId(), l0.getCateId()); // CreationTime:Desc
        assertThat(r.getSubCategories().get(1).getSubTotal()).isEqualTo(1L);
        assertThat(r.getSubCategories().get(1).getLevel()).isZero();
        assertThat(r.getSubCategories().get(1).getParentId()).isEqualTo(-1L);
        root.setSortBy("CreationTime:Asc");
        root.setPageSize(1L);
        root.setPageNo(2L);
        r = call(c, root, f);
        assertThat(r.getSubTotal()).isEqualTo(2L);
        assertThat(r.getSubCategories()).extracting(GetCategoriesResponse.Category::getCateId).containsExactly(second.getCateId());

        GetCategoriesRequest one = new GetCategoriesRequest();
        one.setCateId(l1.getCateId());
        r = call(c, one, f);
        assertThat(r.getCategory1().getCateId()).isEqualTo(l1.getCateId());
        assertThat(r.getCategory1().getLevel()).isEqualTo(1L);
        assertThat(r.getCategory1().getCateName()).isEqualTo("二级");
        assertThat(r.getSubCategories()).extracting(GetCategoriesResponse.Category::getCateName).containsExactly("三级");
        assertThat(r.getSubCategories().get(0).getSubTotal()).isZero();

        // TOP's system categories are VOD's built-in material categories
        GetCategoriesRequest material = new GetCategoriesRequest();
        material.setType("material");
        r = call(c, material, f);
        assertThat(r.getSubCategories()).extracting(GetCategoriesResponse.Category::getCateName)
                .containsExactlyInAnyOrder("宝贝图片", "店铺装修");
        assertThat(r.getSubCategories()).allMatch(x -> x.getType().equals("material") && x.getLevel() == 0L);
        long auction = r.getSubCategories().stream().filter(x -> x.getCateName().equals("宝贝图片")).findFirst().orElseThrow().getCateId();
        AddCategoryResponse.Category m1 = add(c, f, "素材", auction, "material");
        assertThat(m1.getType()).isEqualTo("material");
        assertThat(m1.getLevel()).isEqualTo(1L);
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "too deep", m1.getCateId(), null)).getErrCode())
                .isEqualTo("LevelExceededMax");
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "m", null, "material")).getErrCode())
                .isEqualTo("MissingParameter");
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "m", l0.getCateId(), "material")).getErrCode())
                .isEqualTo("InvalidParameter");
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "x".repeat(65), null, null)).getErrCode())
                .isEqualTo("InvalidParameter");
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "测".repeat(22), null, null)).getErrCode())
                .isEqualTo("InvalidParameter"); // 66 bytes
        assertThat(add(c, f, "测".repeat(21), null, null).getCateName()).hasSize(21); // 63 bytes
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "n", 424242L, null)).getErrCode())
                .isEqualTo("InvalidCateId.NotFound");
        assertThat(catchThrowableOfType(ClientException.class, () -> add(c, f, "second", null, null)).getErrCode())
                .isEqualTo("InvalidParameter"); // a sibling has the name

        UpdateCategoryRequest rename = new UpdateCategoryRequest();
        rename.setCateId(l1.getCateId());
        rename.setCateName("改名");
        call(c, rename, f);
        assertThat(call(c, one, f).getCategory1().getCateName()).isEqualTo("改名");
        rename.setCateId(auction);
        assertThat(fails(c, rename, f).getErrCode()).isEqualTo("Forbidden");
        rename.setCateId(777L);
        assertThat(fails(c, rename, f).getErrCode()).isEqualTo("InvalidCateId.NotFound");

        // delete a subtree: every level goes, its images become uncategorised
        Picture inLeaf = uploaded(t, "leaf", l2.getCateId(), TestImages.png(9, 9));
        DeleteCategoryRequest del = new DeleteCategoryRequest();
        del.setCateId(l0.getCateId());
        call(c, del, f);
        for (long gone : new long[]{l0.getCateId(), l1.getCateId(), l2.getCateId()}) {
            GetCategoriesRequest g = new GetCategoriesRequest();
            g.setCateId(gone);
            assertThat(fails(c, g, f).getErrCode()).isEqualTo("InvalidCateId.NotFound");
        }
        assertThat(fx.picspace.metadata().findPicture(t.tenant.id(), inLeaf.pictureId()).orElseThrow().categoryId()).isZero();
        assertThat(fails(c, del, f).getErrCode()).isEqualTo("InvalidCateId.NotFound");
        del.setCateId(auction);
        assertThat(fails(c, del, f).getErrCode()).isEqualTo("Forbidden");
    }

    @Test
    void aCategoryHoldsAtMostOneHundredSubcategories() throws Exception {
        var t = fx.tenant("cats-many", 1 << 20, 0);
        IAcsClient c = client(t);
        long parent = add(c, Fmt.JSON, "parent", null, null).getCateId();
        for (int i = 0; i < 100; i++) add(c, Fmt.JSON, "child " + i, parent, null);
        ClientException e = catchThrowableOfType(ClientException.class, () -> add(c, Fmt.JSON, "child 100", parent, null));
        assertThat(e.getErrCode()).isEqualTo("SubTotalExceededMax");
        GetCategoriesRequest g = new GetCategoriesRequest();
        g.setCateId(parent);
        g.setPageSize(100L);
        GetCategoriesResponse r = call(c, g, Fmt.XML);
        assertThat(r.getSubTotal()).isEqualTo(100L);
        assertThat(r.getSubCategories()).hasSize(100);
        g.setPageSize(101L);
        assertThat(fails(c, g, Fmt.JSON).getErrCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void oneCategoryTreeIsSeenByBothDialectsEachWithItsOwnRules() throws Exception {
        var t = fx.tenant("cats-both", 1 << 20, 0);
        IAcsClient c = client(t);
        // VOD makes three levels; TOP sees all of them with their parents
        AddCategoryResponse.Category v0 = add(c, Fmt.JSON, "vod top", null, null);
        AddCategoryResponse.Category v1 = add(c, Fmt.JSON, "vod middle", v0.getCateId(), null);
        AddCategoryResponse.Category v2 = add(c, Fmt.JSON, "vod leaf", v1.getCateId(), null);
        dev.picspace.topclient.Responses.CategoryGetResponse top = t.client().execute(
                new PictureRequest<>("taobao.picture.category.get", dev.picspace.topclient.Responses.CategoryGetResponse.class), t.creds.session());
        assertThat(top.isSuccess()).as(top.getBody()).isTrue();
        Map<Long, Long> parents = new java.util.HashMap<>();
        top.getPictureCategories().forEach(x -> parents.put(x.getPictureCategoryId(), x.getParentId()));
        assertThat(parents).containsEntry(v0.getCateId(), 0L).containsEntry(v1.getCateId(), v0.getCateId())
                .containsEntry(v2.getCateId(), v1.getCateId());
        // TOP keeps its two levels for what it creates: not under a level-2 category
        dev.picspace.topclient.Responses.CategoryAddResponse refused = t.client().execute(
                new PictureRequest<>("taobao.picture.category.add", dev.picspace.topclient.Responses.CategoryAddResponse.class)
                        .param("picture_category_name", "deep").param("parent_id", v1.getCateId()), t.creds.session());
        assertThat(refused.isSuccess()).isFalse();
        // a TOP category is a VOD default category at level 0
        dev.picspace.topclient.Responses.CategoryAddResponse made = t.client().execute(
                new PictureRequest<>("taobao.picture.category.add", dev.picspace.topclient.Responses.CategoryAddResponse.class)
                        .param("picture_category_name", "from top"), t.creds.session());
        assertThat(made.isSuccess()).as(made.getBody()).isTrue();
        GetCategoriesRequest g = new GetCategoriesRequest();
        g.setCateId(made.getPictureCategory().getPictureCategoryId());
        GetCategoriesResponse.Category1 seen = call(c, g, Fmt.JSON).getCategory1();
        assertThat(seen.getCateName()).isEqualTo("from top");
        assertThat(seen.getLevel()).isZero();
        assertThat(seen.getParentId()).isEqualTo(-1L);
        assertThat(seen.getType()).isEqualTo("default");
    }

    static AddCategoryResponse.Category add(IAcsClient c, Fmt f, String name, Long parent, String type) throws ClientException {
        AddCategoryRequest r = new AddCategoryRequest();
        r.setCateName(name);
        if (parent != null) r.setParentId(parent);
        if (type != null) r.setType(type);
        return call(c, r, f).getCategory();
    }

    // ------------------------------------------------------------------ authentication

    @Test
    void aWrongSecretIsReportedByTheSdkAsAnInvalidSecretBecauseBothSidesSignedTheSameString() {
        var t = fx.tenant("wrong-secret", 1 << 20, 0);
        GetImageInfoRequest r = new GetImageInfoRequest();
        r.setImageId("33333333333333333333333333333333");
        r.putQueryParameter("Title", "标题 a+b*c~d/e?f=g&h"); // not a GetImageInfo field: it still takes part in the signature
        ClientException e = fails(client(t.vod.accessKeyId(), "not-the-secret"), r, Fmt.JSON);
        // core compares the server's string to sign (in the message) with its own: equal ⇒ the secret is wrong
        assertThat(e.getErrCode()).isEqualTo("SDK.InvalidAccessKeySecret");
    }

    @Test
    void anUnknownKeyIsNotFound() {
        ClientException e = fails(client("LTAInobody", "x"), new GetImageInfoRequest(), Fmt.JSON);
        assertThat(e.getErrCode()).isEqualTo("InvalidAccessKeyId.NotFound");
        assertThat(e.getErrorType()).isEqualTo(com.aliyuncs.exceptions.ErrorType.Client);
    }

    @Test
    void temporaryCredentialsFromTheTenantStsCommandWork() throws Exception {
        var t = fx.tenant("sts-cli", 1 << 20, 0);
        String id = createUpload(t, "sts", null).getImageId();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            List<String> args = new ArrayList<>(List.of("tenant", "sts", "--data", fx.data.toString(), "--nick", "sts-cli", "--duration", "PT10M"));
            // the same stores as the server (PostgreSQL + S3 in the subclass)
            for (String k : List.of("db", "blobs")) if (settings().containsKey(k)) args.addAll(List.of("--" + k, settings().get(k)));
            code = Main.run(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        assertThat(code).isZero();
        JsonNode sts = JSON.readTree(buf.toString(StandardCharsets.UTF_8));
        IAcsClient c = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai"), new StaticCredentialsProvider(
                new BasicSessionCredentials(sts.get("access_key_id").asText(), sts.get("access_key_secret").asText(),
                        sts.get("security_token").asText())));
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(id);
        for (Fmt f : Fmt.values()) assertThat(call(c, g, f).getImageInfo().getTitle()).isEqualTo("sts");

        IAcsClient tampered = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai"), new StaticCredentialsProvider(
                new BasicSessionCredentials(sts.get("access_key_id").asText(), sts.get("access_key_secret").asText(),
                        sts.get("security_token").asText() + "x")));
        assertThat(fails(tampered, g, Fmt.JSON).getErrCode()).isEqualTo("InvalidSecurityToken.Malformed");
        IAcsClient otherKey = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai"), new StaticCredentialsProvider(
                new BasicSessionCredentials("STS.someoneelse", sts.get("access_key_secret").asText(), sts.get("security_token").asText())));
        assertThat(fails(otherKey, g, Fmt.JSON).getErrCode()).isEqualTo("InvalidSecurityToken.MismatchWithAccessKey");

        TemporaryCredentials.Issued shortLived = fx.picspace.sts().issue(t.tenant.id(), TemporaryCredentials.Scope.VOD_API, null,
                Duration.ofSeconds(1));
        Thread.sleep(Duration.between(Instant.now(), shortLived.expires()).toMillis() + 50);
        IAcsClient expired = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai"), new StaticCredentialsProvider(
                new BasicSessionCredentials(shortLived.accessKeyId(), shortLived.accessKeySecret(), shortLived.securityToken())));
        assertThat(fails(expired, g, Fmt.JSON).getErrCode()).isEqualTo("InvalidSecurityToken.Expired");

        // an upload credential (UploadAuth) only writes its object: the API refuses it
        JsonNode upload = base64Json(createUpload(t, "u", null).getUploadAuth());
        IAcsClient uploader = new DefaultAcsClient(DefaultProfile.getProfile("cn-shanghai"), new StaticCredentialsProvider(
                new BasicSessionCredentials(upload.get("AccessKeyId").asText(), upload.get("AccessKeySecret").asText(),
                        upload.get("SecurityToken").asText())));
        ClientException forbidden = fails(uploader, g, Fmt.JSON);
        assertThat(forbidden.getErrCode()).isEqualTo("Forbidden");
    }

    @Test
    void theSdksGetMethodWorksToo() throws Exception {
        var t = fx.tenant("get-method", 1 << 20, 0);
        String id = createUpload(t, "via GET", null).getImageId();
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setSysMethod(MethodType.GET);
        g.setImageId(id);
        assertThat(call(t, g).getImageInfo().getTitle()).isEqualTo("via GET");
    }

    // ------------------------------------------------------------------ isolation and the other dialect

    @Test
    void anotherTenantCannotReadUpdateOrDeleteAnImage() throws Exception {
        var a = fx.tenant("owner", 1 << 20, 0);
        var b = fx.tenant("intruder", 1 << 20, 0);
        Picture p = uploaded(a, "mine", null, TestImages.png(15, 15));
        IAcsClient cb = client(b);
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(p.imageId());
        assertThat(fails(cb, g, Fmt.JSON).getErrCode()).isEqualTo("NoSuchResource");
        GetImageInfosRequest gs = new GetImageInfosRequest();
        gs.setImageIds(p.imageId());
        assertThat(call(cb, gs, Fmt.JSON).getNonExistImageIds()).containsExactly(p.imageId());
        UpdateImageInfosRequest u = new UpdateImageInfosRequest();
        u.setUpdateContent("[{\"ImageId\":\"" + p.imageId() + "\",\"Title\":\"stolen\"}]");
        assertThat(call(cb, u, Fmt.JSON).getNonExistImageIds()).containsExactly(p.imageId());
        DeleteImageRequest d = new DeleteImageRequest();
        d.setDeleteImageType("ImageId");
        d.setImageIds(p.imageId());
        assertThat(fails(cb, d, Fmt.JSON).getErrCode()).isEqualTo("NoSuchResource");
        GetImageInfoRequest own = new GetImageInfoRequest();
        own.setImageId(p.imageId());
        String url = call(a, own).getImageInfo().getURL();
        d.setDeleteImageType("ImageURL");
        d.setImageURLs(URLEncoder.encode(url, StandardCharsets.UTF_8));
        assertThat(fails(cb, d, Fmt.JSON).getErrCode()).isEqualTo("NoSuchResource");
        assertThat(search(cb, Fmt.JSON, "ImageId = '" + p.imageId() + "'", null, 1, 10, null).getTotal()).isZero();
        assertThat(call(a, own).getImageInfo().getTitle()).isEqualTo("mine");
        assertThat(live(a, p)).isTrue();
    }

    @Test
    void aTopUploadIsAVodImageAndAVodImageIsATopPicture() throws Exception {
        var t = fx.tenant("both", 10 << 20, 0);
        byte[] img = TestImages.jpeg(100, 80, 3);
        PictureUploadResponse up = t.client().execute(new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                .param("picture_category_id", 0).param("image_input_title", "top.jpg").file("img", "top.jpg", img), t.creds.session());
        assertThat(up.isSuccess()).as(up.getBody()).isTrue();
        Picture topPicture = fx.picspace.metadata().findPicture(t.tenant.id(), up.getPicture().getPictureId()).orElseThrow();
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.setImageId(topPicture.imageId());
        GetImageInfoResponse.ImageInfo i = call(t, g).getImageInfo();
        assertThat(i.getTitle()).isEqualTo("top");
        assertThat(i.getURL()).isEqualTo(up.getPicture().getPicturePath());
        assertThat(i.getMezzanine().getFileSize()).isEqualTo(Long.toString(img.length));
        assertThat(i.getMezzanine().getWidth()).isEqualTo(100);
        assertThat(i.getMezzanine().getOriginalFileName()).isEqualTo("top.jpg");
        assertThat(i.getCateId()).isZero();
        assertThat(mediaIds(search(client(t), Fmt.JSON, "Title = 'top'", null, 1, 10, null))).containsExactly(topPicture.imageId());

        Picture vod = uploaded(t, "from vod", null, TestImages.png(30, 30));
        PictureGetResponse got = t.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", vod.pictureId()), t.creds.session());
        assertThat(got.isSuccess()).as(got.getBody()).isTrue();
        assertThat(got.getPictures()).hasSize(1);
        assertThat(got.getPictures().get(0).getPictureId()).isEqualTo(vod.pictureId());
        assertThat(got.getPictures().get(0).getTitle()).isEqualTo("from vod");
        assertThat(got.getPictures().get(0).getPixel()).isEqualTo("30x30");
        assertThat(vod.status()).isEqualTo(PictureStatus.NORMAL);
    }
}
