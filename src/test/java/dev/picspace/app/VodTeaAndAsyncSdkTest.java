package dev.picspace.app;

import com.aliyun.auth.credentials.Credential;
import com.aliyun.auth.credentials.provider.StaticCredentialProvider;
import com.aliyun.sdk.gateway.pop.Configuration;
import com.aliyun.sdk.gateway.pop.auth.SignatureVersion;
import com.aliyun.sdk.gateway.pop.exception.PopClientException;
import com.aliyun.sdk.service.vod20170321.AsyncClient;
import com.aliyun.tea.TeaException;
import com.aliyun.vod20170321.Client;
import com.aliyun.vod20170321.models.AddCategoryRequest;
import com.aliyun.vod20170321.models.CreateUploadImageRequest;
import com.aliyun.vod20170321.models.DeleteCategoryRequest;
import com.aliyun.vod20170321.models.DeleteImageRequest;
import com.aliyun.vod20170321.models.GetCategoriesRequest;
import com.aliyun.vod20170321.models.GetImageInfoRequest;
import com.aliyun.vod20170321.models.SearchMediaRequest;
import com.aliyun.vod20170321.models.UpdateCategoryRequest;
import com.aliyun.vod20170321.models.UpdateImageInfosRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import darabonba.core.client.ClientOverrideConfiguration;
import dev.picspace.domain.Picture;
import dev.picspace.domain.TemporaryCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The VOD dialect with the two newer SDK generations: the Tea SDK vod20170321 1.0.0 (tea-rpc:
 * RPC HMAC-SHA1, API parameters in a form body, Format=json) and the async SDK
 * alibabacloud-vod20170321 1.0.4 in its V1 mode and in ACS3-HMAC-SHA256 (V3) mode, plain and with
 * temporary credentials. Each runs every action's success path and its errors.
 */
class VodTeaAndAsyncSdkTest {
    @TempDir static Path data;
    static ServerFixture fx;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception { fx = new ServerFixture(data, Map.of()); }

    @AfterAll
    static void stop() throws Exception { fx.close(); }

    static void complete(ServerFixture.TenantHandle t, String imageId, byte[] bytes) {
        Picture p = fx.picspace.metadata().findPictureByImageId(t.tenant.id(), imageId).orElseThrow();
        fx.picspace.space().completeUpload(t.tenant.id(), p.pictureId(), new ByteArrayInputStream(bytes));
    }

    // ------------------------------------------------------------------ Tea (vod20170321 1.0.0)

    static Client tea(String ak, String secret, String token) throws Exception {
        com.aliyun.tearpc.models.Config c = new com.aliyun.tearpc.models.Config();
        c.accessKeyId = ak;
        c.accessKeySecret = secret;
        c.securityToken = token;
        c.endpoint = fx.endpoint();
        c.protocol = "http";
        c.regionId = "cn-shanghai";
        return new Client(c);
    }

    static TeaException teaFails(ThrowingRunnable r) {
        Throwable t = catchThrowable(r::run);
        assertThat(t).isInstanceOf(TeaException.class);
        return (TeaException) t;
    }

    interface ThrowingRunnable { void run() throws Exception; }

    @Test
    void teaSdkRunsEveryAction() throws Exception {
        var t = fx.tenant("tea", 1 << 20, 0);
        Client c = tea(t.vod.accessKeyId(), t.vod.accessKeySecret(), null);

        AddCategoryRequest ac = new AddCategoryRequest();
        ac.cateName = "茶 tea";
        var cat = c.addCategory(ac).category;
        assertThat(cat.level).isZero();
        assertThat(cat.parentId).isEqualTo(-1L);
        AddCategoryRequest sub = new AddCategoryRequest();
        sub.cateName = "sub";
        sub.parentId = cat.cateId;
        long subId = c.addCategory(sub).category.cateId;

        CreateUploadImageRequest cr = new CreateUploadImageRequest();
        cr.imageType = "default";
        cr.imageExt = "png";
        cr.title = "标题 a+b*c~d/e?f=g&h";
        cr.tags = "t1,t2";
        cr.cateId = cat.cateId;
        cr.userData = "{\"Extend\":{\"k\":\"v\"}}";
        var created = c.createUploadImage(cr);
        assertThat(created.imageId).matches("[0-9a-f]{32}");
        JsonNode address = JSON.readTree(Base64.getDecoder().decode(created.uploadAddress));
        assertThat(address.get("FileName").asText()).isEqualTo("image/default/" + created.imageId + ".png");
        assertThat(JSON.readTree(Base64.getDecoder().decode(created.uploadAuth)).get("Expiration").asText()).isEqualTo("3000");
        byte[] img = TestImages.png(33, 22);
        complete(t, created.imageId, img);

        GetImageInfoRequest g = new GetImageInfoRequest();
        g.imageId = created.imageId;
        var info = c.getImageInfo(g).imageInfo;
        assertThat(info.title).isEqualTo("标题 a+b*c~d/e?f=g&h");
        assertThat(info.cateName).isEqualTo("茶 tea");
        assertThat(info.cateId).isEqualTo(cat.cateId);
        assertThat(info.status).isEqualTo("Normal");
        assertThat(info.mezzanine.fileSize).isEqualTo(Integer.toString(img.length)); // a string, or this SDK throws
        assertThat(info.mezzanine.width).isEqualTo(33);
        assertThat(info.mezzanine.height).isEqualTo(22);
        assertThat(info.URL).startsWith(fx.publicBase() + "/i/");

        UpdateImageInfosRequest u = new UpdateImageInfosRequest();
        u.updateContent = "[{\"ImageId\":\"" + created.imageId + "\",\"Title\":\"新\",\"CateId\":" + subId + "},"
                + "{\"ImageId\":\"44444444444444444444444444444444\"}]";
        assertThat(c.updateImageInfos(u).nonExistImageIds.imageId).containsExactly("44444444444444444444444444444444");
        assertThat(c.getImageInfo(g).imageInfo.title).isEqualTo("新");

        SearchMediaRequest s = new SearchMediaRequest();
        s.searchType = "image";
        s.match = "Title in ('新','x') and CateId = " + subId;
        var found = c.searchMedia(s);
        assertThat(found.total).isEqualTo(1L);
        assertThat(found.mediaList.get(0).mediaId).isEqualTo(created.imageId);
        assertThat(found.mediaList.get(0).image.cateName).isEqualTo("sub");
        assertThat(found.scrollToken).matches("[0-9a-f]{32}");

        GetCategoriesRequest gc = new GetCategoriesRequest();
        gc.cateId = cat.cateId;
        var cats = c.getCategories(gc);
        assertThat(cats.category.cateName).isEqualTo("茶 tea");
        assertThat(cats.subTotal).isEqualTo(1L);
        assertThat(cats.subCategories.category.get(0).cateId).isEqualTo(subId);
        UpdateCategoryRequest uc = new UpdateCategoryRequest();
        uc.cateId = subId;
        uc.cateName = "renamed";
        c.updateCategory(uc);
        assertThat(c.getCategories(gc).subCategories.category.get(0).cateName).isEqualTo("renamed");
        DeleteCategoryRequest dc = new DeleteCategoryRequest();
        dc.cateId = cat.cateId;
        c.deleteCategory(dc);
        assertThat(teaFails(() -> c.getCategories(gc)).getCode()).isEqualTo("InvalidCateId.NotFound");

        DeleteImageRequest d = new DeleteImageRequest();
        d.deleteImageType = "ImageId";
        d.imageIds = created.imageId;
        c.deleteImage(d);
        TeaException notFound = teaFails(() -> c.getImageInfo(g));
        assertThat(notFound.getCode()).isEqualTo("NoSuchResource");
        assertThat(notFound.getMessage()).contains("The specified resource does not exist.");
        assertThat(teaFails(() -> c.deleteImage(d)).getCode()).isEqualTo("NoSuchResource");

        CreateUploadImageRequest bad = new CreateUploadImageRequest();
        bad.imageType = "movie"; // (an absent ImageType the SDK refuses itself)
        assertThat(teaFails(() -> c.createUploadImage(bad)).getCode()).isEqualTo("InvalidParameter");
        SearchMediaRequest badMatch = new SearchMediaRequest();
        badMatch.searchType = "image";
        badMatch.match = "Title = 'a' or Title = 'b'";
        assertThat(teaFails(() -> c.searchMedia(badMatch)).getCode()).isEqualTo("ErrorMatchSyntax");
        assertThat(teaFails(() -> tea(t.vod.accessKeyId(), "wrong", null).getImageInfo(g)).getCode())
                .isEqualTo("SignatureDoesNotMatch");
        assertThat(teaFails(() -> tea("LTAInobody", "x", null).getImageInfo(g)).getCode()).isEqualTo("InvalidAccessKeyId.NotFound");
    }

    @Test
    void teaSdkWithTemporaryCredentials() throws Exception {
        var t = fx.tenant("tea-sts", 1 << 20, 0);
        TemporaryCredentials.Issued s = fx.picspace.sts().issue(t.tenant.id(), TemporaryCredentials.Scope.VOD_API, null, Duration.ofMinutes(5));
        Client c = tea(s.accessKeyId(), s.accessKeySecret(), s.securityToken());
        CreateUploadImageRequest cr = new CreateUploadImageRequest();
        cr.imageType = "default";
        cr.title = "sts";
        String id = c.createUploadImage(cr).imageId;
        GetImageInfoRequest g = new GetImageInfoRequest();
        g.imageId = id;
        assertThat(c.getImageInfo(g).imageInfo.title).isEqualTo("sts");
        Client bad = tea(s.accessKeyId(), s.accessKeySecret(), s.securityToken().substring(1));
        assertThat(teaFails(() -> bad.getImageInfo(g)).getCode()).isEqualTo("InvalidSecurityToken.Malformed");
    }

    // ------------------------------------------------------------------ async (alibabacloud-vod20170321 1.0.4)

    static AsyncClient async(String ak, String secret, String token, SignatureVersion version) {
        Credential.Builder cred = Credential.builder().accessKeyId(ak).accessKeySecret(secret);
        if (token != null) cred.securityToken(token);
        return AsyncClient.builder().region("cn-shanghai")
                .credentialsProvider(StaticCredentialProvider.create(cred.build()))
                .serviceConfiguration(Configuration.create().setSignatureVersion(version))
                .overrideConfiguration(ClientOverrideConfiguration.create().setEndpointOverride(fx.endpoint()).setProtocol("HTTP"))
                .build();
    }

    static PopClientException asyncFails(CompletableFuture<?> f) {
        Throwable t = catchThrowable(f::get);
        while (t != null && !(t instanceof PopClientException)) t = t.getCause();
        assertThat(t).as("a PopClientException").isNotNull();
        return (PopClientException) t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"V1", "V3", "V3-STS", "V1-STS"})
    void asyncSdkRunsEveryAction(String mode) throws Exception {
        var t = fx.tenant("async-" + mode, 1 << 20, 0);
        SignatureVersion version = mode.startsWith("V3") ? SignatureVersion.V3 : SignatureVersion.V1;
        String ak = t.vod.accessKeyId(), secret = t.vod.accessKeySecret(), token = null;
        if (mode.endsWith("STS")) {
            TemporaryCredentials.Issued s = fx.picspace.sts().issue(t.tenant.id(), TemporaryCredentials.Scope.VOD_API, null, Duration.ofMinutes(5));
            ak = s.accessKeyId();
            secret = s.accessKeySecret();
            token = s.securityToken();
        }
        try (AsyncClient c = async(ak, secret, token, version)) {
            var cat = c.addCategory(com.aliyun.sdk.service.vod20170321.models.AddCategoryRequest.builder().cateName("异步").build())
                    .get().getBody().getCategory();
            assertThat(cat.getLevel()).isZero();

            var created = c.createUploadImage(com.aliyun.sdk.service.vod20170321.models.CreateUploadImageRequest.builder()
                    .imageType("default").imageExt("png").title("标题 a+b*c~d/e?f=g&h").tags("t1,t2")
                    .userData("{\"Extend\":{\"k\":\"v\"}}").cateId(cat.getCateId()).build()).get().getBody();
            String id = created.getImageId();
            assertThat(id).matches("[0-9a-f]{32}");
            var pending = c.getImageInfo(com.aliyun.sdk.service.vod20170321.models.GetImageInfoRequest.builder().imageId(id).build())
                    .get().getBody().getImageInfo();
            assertThat(pending.getStatus()).isEqualTo("Uploading");
            byte[] img = TestImages.jpeg(40, 30, 9);
            complete(t, id, img);
            var info = c.getImageInfo(com.aliyun.sdk.service.vod20170321.models.GetImageInfoRequest.builder().imageId(id)
                    .outputType("oss").authTimeout(600L).build()).get().getBody().getImageInfo();
            assertThat(info.getTitle()).isEqualTo("标题 a+b*c~d/e?f=g&h");
            assertThat(info.getStatus()).isEqualTo("Normal");
            assertThat(info.getCateName()).isEqualTo("异步");
            assertThat(info.getMezzanine().getFileSize()).isEqualTo(Integer.toString(img.length));
            assertThat(info.getMezzanine().getWidth()).isEqualTo(40);
            assertThat(info.getURL()).contains("/image/default/" + id + ".jpg");

            String missing = "55555555555555555555555555555555";
            var infos = c.getImageInfos(com.aliyun.sdk.service.vod20170321.models.GetImageInfosRequest.builder()
                    .imageIds(id + "," + missing).build()).get().getBody();
            assertThat(infos.getImageInfo()).extracting(x -> x.getImageId()).containsExactly(id);
            assertThat(infos.getNonExistImageIds()).containsExactly(missing);

            var updated = c.updateImageInfos(com.aliyun.sdk.service.vod20170321.models.UpdateImageInfosRequest.builder()
                    .updateContent("[{\"ImageId\":\"" + id + "\",\"Description\":\"描述\"},{\"ImageId\":\"" + missing + "\"}]").build())
                    .get().getBody();
            assertThat(updated.getNonExistImageIds().getImageId()).containsExactly(missing);

            List<String> seen = new ArrayList<>();
            String scroll = null;
            for (int i = 0; i < 3; i++) {
                var b = com.aliyun.sdk.service.vod20170321.models.SearchMediaRequest.builder().searchType("image")
                        .match("Description = '描述'").pageSize(1);
                if (scroll != null) b.scrollToken(scroll);
                var page = c.searchMedia(b.build()).get().getBody();
                assertThat(page.getTotal()).isEqualTo(1L);
                if (page.getMediaList().isEmpty()) break;
                seen.add(page.getMediaList().get(0).getMediaId());
                assertThat(page.getMediaList().get(0).getImage().getTitle()).isEqualTo("标题 a+b*c~d/e?f=g&h");
                scroll = page.getScrollToken();
            }
            assertThat(seen).containsExactly(id);

            var cats = c.getCategories(com.aliyun.sdk.service.vod20170321.models.GetCategoriesRequest.builder().build()).get().getBody();
            assertThat(cats.getSubCategories().getCategory()).extracting(x -> x.getCateName()).containsExactly("异步");
            c.updateCategory(com.aliyun.sdk.service.vod20170321.models.UpdateCategoryRequest.builder().cateId(cat.getCateId())
                    .cateName("renamed").build()).get();
            assertThat(c.getCategories(com.aliyun.sdk.service.vod20170321.models.GetCategoriesRequest.builder().cateId(cat.getCateId())
                    .build()).get().getBody().getCategory().getCateName()).isEqualTo("renamed");
            c.deleteCategory(com.aliyun.sdk.service.vod20170321.models.DeleteCategoryRequest.builder().cateId(cat.getCateId()).build()).get();
            assertThat(asyncFails(c.deleteCategory(com.aliyun.sdk.service.vod20170321.models.DeleteCategoryRequest.builder()
                    .cateId(cat.getCateId()).build())).getErrCode()).isEqualTo("InvalidCateId.NotFound");

            c.deleteImage(com.aliyun.sdk.service.vod20170321.models.DeleteImageRequest.builder().deleteImageType("ImageId")
                    .imageIds(id).build()).get();
            PopClientException gone = asyncFails(c.getImageInfo(
                    com.aliyun.sdk.service.vod20170321.models.GetImageInfoRequest.builder().imageId(id).build()));
            assertThat(gone.getErrCode()).isEqualTo("NoSuchResource");
            assertThat(asyncFails(c.createUploadImage(com.aliyun.sdk.service.vod20170321.models.CreateUploadImageRequest.builder()
                    .imageType("movie").build())).getErrCode()).isEqualTo("InvalidParameter");
            assertThat(asyncFails(c.searchMedia(com.aliyun.sdk.service.vod20170321.models.SearchMediaRequest.builder()
                    .searchType("image").scrollToken("0123").build())).getErrCode()).isEqualTo("InvalidScrollToken.Expired");
        }
        try (AsyncClient wrong = async(ak, secret + "x", token, version)) {
            assertThat(asyncFails(wrong.getImageInfo(com.aliyun.sdk.service.vod20170321.models.GetImageInfoRequest.builder()
                    .imageId("x").build())).getErrCode()).isEqualTo("SignatureDoesNotMatch");
        }
        try (AsyncClient unknown = async("LTAInobody" + mode, secret, null, version)) {
            assertThat(asyncFails(unknown.getImageInfo(com.aliyun.sdk.service.vod20170321.models.GetImageInfoRequest.builder()
                    .imageId("x").build())).getErrCode()).isEqualTo("InvalidAccessKeyId.NotFound");
        }
    }
}
