package dev.picspace.app;

import com.taobao.api.DefaultTaobaoClient;
import com.taobao.api.TaobaoResponse;
import dev.picspace.topclient.Picture;
import dev.picspace.topclient.PictureCategory;
import dev.picspace.topclient.PictureRequest;
import dev.picspace.topclient.Responses.CategoryAddResponse;
import dev.picspace.topclient.Responses.CategoryGetResponse;
import dev.picspace.topclient.Responses.DoneResponse;
import dev.picspace.topclient.Responses.IsReferencedResponse;
import dev.picspace.topclient.Responses.PictureGetResponse;
import dev.picspace.topclient.Responses.PicturePicturesCountResponse;
import dev.picspace.topclient.Responses.PicturePicturesGetResponse;
import dev.picspace.topclient.Responses.PictureUploadResponse;
import dev.picspace.topclient.Responses.SuccessResponse;
import dev.picspace.topclient.Responses.UserInfoGetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TOP dialect end to end: the real Taobao Java client against a real server on a random port.
 * One server for the whole class; subclasses run every test on another configuration by
 * overriding {@link #settings} (TopApiPostgresTest: the metadata in PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopApiTest {
    @TempDir static Path data; // static: instance @TempDir fields are injected only before each test
    ServerFixture fx;
    static final HttpClient http = HttpClient.newHttpClient();

    /** The server's settings beyond data, port and host (which the fixture sets). */
    protected Map<String, String> settings() { return Map.of("max-bytes", "2M"); }

    @BeforeAll
    void start() throws Exception {
        fx = new ServerFixture(data, settings());
    }

    @AfterAll
    void stop() throws Exception { fx.close(); }

    static <T extends TaobaoResponse> T call(DefaultTaobaoClient c, ServerFixture.TenantHandle t, PictureRequest<T> r) throws Exception {
        return c.execute(r, t.creds.session());
    }

    static PictureRequest<PictureUploadResponse> upload(byte[] img, String name, long category) {
        return new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                .param("picture_category_id", category).param("image_input_title", name).file("img", name, img);
    }

    static HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String md5(byte[] b) throws Exception { return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b)); }

    @ParameterizedTest
    @CsvSource({"json,md5", "json,hmac", "json,hmac-sha256", "xml,md5", "xml,hmac", "xml,hmac-sha256"})
    void uploadThenServeWithEverySignMethodAndFormat(String format, String signMethod) throws Exception {
        var t = fx.tenant("up-" + format + "-" + signMethod, 10 << 20, 0);
        byte[] img = TestImages.jpeg(350, 350, signMethod.hashCode());
        PictureUploadResponse r = call(t.client(format, signMethod), t, upload(img, "Bule.jpg", 0));
        assertThat(r.isSuccess()).as(r.getBody()).isTrue();
        Picture p = r.getPicture();
        assertThat(p.getPictureId()).isGreaterThan(1L << 53); // 64-bit, above 2^53, exact through the SDK
        assertThat(p.getTitle()).isEqualTo("Bule");
        assertThat(p.getPixel()).isEqualTo("350x350");
        assertThat(p.getSizes()).isEqualTo((long) img.length);
        assertThat(p.getStatus()).isEqualTo("0");
        assertThat(p.getDeleted()).isEqualTo("0");
        assertThat(p.getClientType()).isEqualTo("client:computer");
        assertThat(p.getCreated()).isNotNull();
        assertThat(r.getRequestId()).matches("[0-9a-z]{13}");
        HttpResponse<byte[]> served = get(p.getPicturePath());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(img);
        assertThat(served.headers().firstValue("content-type")).hasValue("image/jpeg");
        assertThat(served.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(t.reload().usedBytes()).isEqualTo(img.length);
    }

    @Test
    void everyFormatIsDetectedFromTheBytesNotTheName() throws Exception {
        var t = fx.tenant("formats", 10 << 20, 0);
        var c = t.client();
        Map<String, byte[]> images = Map.of("image/png", TestImages.png(40, 30), "image/gif", TestImages.gif(41, 31),
                "image/bmp", TestImages.bmp(42, 32), "image/jpeg", TestImages.jpeg(43, 33));
        for (var e : images.entrySet()) {
            PictureUploadResponse r = call(c, t, upload(e.getValue(), "misnamed.png", 0));
            assertThat(r.isSuccess()).as(r.getBody()).isTrue();
            HttpResponse<byte[]> served = get(r.getPicture().getPicturePath());
            assertThat(served.headers().firstValue("content-type")).hasValue(e.getKey());
            assertThat(served.body()).isEqualTo(e.getValue());
        }
    }

    @Test
    void getFiltersPagesOrdersAndCounts() throws Exception {
        var t = fx.tenant("lister", 50 << 20, 0);
        var c = t.client();
        CategoryAddResponse cat = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "商品主图"));
        assertThat(cat.isSuccess()).as(cat.getBody()).isTrue();
        long catId = cat.getPictureCategory().getPictureCategoryId();
        long[] ids = new long[5];
        for (int i = 0; i < 5; i++) {
            PictureUploadResponse r = call(c, t, upload(TestImages.jpeg(100 + i * 40, 100, i), "shoe-" + i + ".jpg", i < 2 ? catId : 0));
            assertThat(r.isSuccess()).as(r.getBody()).isTrue();
            ids[i] = r.getPicture().getPictureId();
        }
        PictureGetResponse all = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
        assertThat(all.getTotalResults()).isEqualTo(5L);
        assertThat(all.getPictures()).extracting(Picture::getPictureId).containsExactly(ids[4], ids[3], ids[2], ids[1], ids[0]);

        PictureGetResponse inCat = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_category_id", catId));
        assertThat(inCat.getPictures()).extracting(Picture::getPictureId).containsExactlyInAnyOrder(ids[0], ids[1]);

        PictureGetResponse titled = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("title", "shoe-3"));
        assertThat(titled.getPictures()).extracting(Picture::getPictureId).containsExactly(ids[3]);

        PictureGetResponse bySize = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("order_by", "sizes:asc").param("start_date", "2000-01-01 00:00:00").param("end_date", "2099-01-01 00:00:00"));
        List<Long> sizes = bySize.getPictures().stream().map(Picture::getSizes).toList();
        assertThat(sizes).isSorted().hasSize(5);

        PictureGetResponse page2 = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("page_no", 2).param("page_size", 2));
        assertThat(page2.getPictures()).extracting(Picture::getPictureId).containsExactly(ids[2], ids[1]);
        assertThat(page2.getTotalResults()).isEqualTo(5L);

        PictureGetResponse byId = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", ids[2]));
        String url = byId.getPictures().get(0).getPicturePath();
        PictureGetResponse byUrl = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("urls", url + "," + "http://img.alicdn.com/i2xxxxxx.jpg").param("is_https", true));
        assertThat(byUrl.getPictures()).hasSize(1);
        assertThat(byUrl.getPictures().get(0).getPicturePath()).startsWith("https://");

        PictureGetResponse none = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("title", "no-such-title"));
        assertThat(none.isSuccess()).isTrue();
        assertThat(none.getPictures()).isNullOrEmpty();
        assertThat(none.getTotalResults()).isZero();

        PicturePicturesGetResponse pg = call(c, t, new PictureRequest<>("taobao.picture.pictures.get", PicturePicturesGetResponse.class)
                .param("current_page", 1).param("page_size", 3).param("deleted", "undeleted"));
        assertThat(pg.getPictures()).hasSize(3);
        PicturePicturesCountResponse count = call(c, t, new PictureRequest<>("taobao.picture.pictures.count", PicturePicturesCountResponse.class)
                .param("picture_category_id", catId));
        assertThat(count.getTotals()).isEqualTo(2L);

        // The seed's example field set, every filter at once: a valid call with no match.
        PictureGetResponse seed = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", 1001).param("picture_category_id", 10000).param("deleted", "unfroze")
                .param("modified_time", "2011-01-01 11:11:11").param("title", "标题").param("start_date", "2000-01-01 00:00:00")
                .param("end_date", "2000-01-01 00:00:00").param("page_no", 1).param("page_size", 40)
                .param("client_type", "client:computer").param("order_by", "time:desc")
                .param("urls", "http://img.alicdn.com/i2xxxxxx.jpg,http://img01.taobacdn.com/i2xxxxxx.jpg").param("is_https", true));
        assertThat(seed.isSuccess()).as(seed.getBody()).isTrue();
        assertThat(seed.getTotalResults()).isZero();

        PictureGetResponse tooBig = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class).param("page_size", 101));
        assertThat(tooBig.getErrorCode()).isEqualTo("41");
        PictureGetResponse badOrder = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class).param("order_by", "name"));
        assertThat(badOrder.getErrorCode()).isEqualTo("41");
    }

    @Test
    void renameReplaceMoveDeleteAndReferences() throws Exception {
        var t = fx.tenant("editor", 10 << 20, 0);
        var c = t.client();
        byte[] first = TestImages.jpeg(200, 100, 7);
        Picture p = call(c, t, upload(first, "a.jpg", 0)).getPicture();
        String etag1 = get(p.getPicturePath()).headers().firstValue("etag").orElseThrow();

        DoneResponse renamed = call(c, t, new PictureRequest<>("taobao.picture.update", DoneResponse.class)
                .param("picture_id", p.getPictureId()).param("new_name", "新名字"));
        assertThat(renamed.getDone()).as(renamed.getBody()).isTrue();

        byte[] second = TestImages.png(120, 90);
        DoneResponse replaced = call(c, t, new PictureRequest<>("taobao.picture.replace", DoneResponse.class)
                .param("picture_id", p.getPictureId()).file("image_data", "b.png", second));
        assertThat(replaced.getDone()).as(replaced.getBody()).isTrue();
        Picture after = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", p.getPictureId())).getPictures().get(0);
        assertThat(after.getTitle()).isEqualTo("新名字");
        assertThat(after.getPixel()).isEqualTo("120x90");
        assertThat(after.getSizes()).isEqualTo((long) second.length);
        assertThat(t.reload().usedBytes()).isEqualTo(second.length);
        HttpResponse<byte[]> served = get(after.getPicturePath());
        assertThat(served.body()).isEqualTo(second);
        assertThat(served.headers().firstValue("etag").orElseThrow()).isNotEqualTo(etag1);

        IsReferencedResponse ref = call(c, t, new PictureRequest<>("taobao.picture.isreferenced.get", IsReferencedResponse.class)
                .param("picture_id", p.getPictureId()));
        assertThat(ref.getIsReferenced()).isFalse();

        long cat = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "moved")).getPictureCategory().getPictureCategoryId();
        DoneResponse moved = call(c, t, new PictureRequest<>("taobao.picture.changecategory", DoneResponse.class)
                .param("picture_ids", p.getPictureId()).param("picture_category_id", cat));
        assertThat(moved.getDone()).isTrue();
        DoneResponse toMissing = call(c, t, new PictureRequest<>("taobao.picture.changecategory", DoneResponse.class)
                .param("picture_ids", p.getPictureId()).param("picture_category_id", 999));
        assertThat(toMissing.getSubCode()).isEqualTo("isv.pictureServiceClient-service-error:CATEGORY_NOTEXIST");

        SuccessResponse deleted = call(c, t, new PictureRequest<>("taobao.picture.delete", SuccessResponse.class)
                .param("picture_ids", p.getPictureId()));
        assertThat(deleted.getSuccess()).as(deleted.getBody()).isTrue();
        assertThat(t.reload().usedBytes()).isZero();
        assertThat(get(after.getPicturePath()).statusCode()).isEqualTo(404);
        PictureGetResponse bin = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class).param("deleted", "deleted"));
        assertThat(bin.getPictures()).extracting(Picture::getDeleted).containsExactly("1");
        PictureGetResponse live = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
        assertThat(live.getTotalResults()).isZero();
        SuccessResponse again = call(c, t, new PictureRequest<>("taobao.picture.delete", SuccessResponse.class)
                .param("picture_ids", p.getPictureId()));
        assertThat(again.isSuccess()).isFalse();
        DoneResponse renameGone = call(c, t, new PictureRequest<>("taobao.picture.update", DoneResponse.class)
                .param("picture_id", p.getPictureId()).param("new_name", "x"));
        assertThat(renameGone.getSubCode()).isEqualTo("isv.pictureServiceClient-service-error:PICTURE_NOT_EXIST");
    }

    @Test
    void categoriesFollowTaobaosRules() throws Exception {
        var t = fx.tenant("cats", 10 << 20, 0);
        var c = t.client("xml", "md5");
        CategoryGetResponse initial = call(c, t, new PictureRequest<>("taobao.picture.category.get", CategoryGetResponse.class));
        assertThat(initial.getPictureCategories()).extracting(PictureCategory::getType).containsExactly("auction", "fixed");

        PictureCategory top = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "new folder")).getPictureCategory();
        assertThat(top.getParentId()).isZero();
        assertThat(top.getType()).isEqualTo("user-define");
        PictureCategory child = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "子分类").param("parent_id", top.getPictureCategoryId())).getPictureCategory();
        assertThat(child.getParentId()).isEqualTo(top.getPictureCategoryId());

        CategoryAddResponse third = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "too deep").param("parent_id", child.getPictureCategoryId()));
        assertThat(third.isSuccess()).isFalse();
        CategoryAddResponse dup = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "new folder"));
        assertThat(dup.getErrorCode()).isEqualTo("15");
        // 11 CJK characters count 22 > 20; 20 ASCII characters are fine.
        CategoryAddResponse longCjk = call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "一二三四五六七八九十一"));
        assertThat(longCjk.getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "abcdefghijklmnopqrst")).isSuccess()).isTrue();

        CategoryGetResponse children = call(c, t, new PictureRequest<>("taobao.picture.category.get", CategoryGetResponse.class)
                .param("parent_id", top.getPictureCategoryId()));
        assertThat(children.getPictureCategories()).extracting(PictureCategory::getPictureCategoryName).containsExactly("子分类");
        CategoryGetResponse byName = call(c, t, new PictureRequest<>("taobao.picture.category.get", CategoryGetResponse.class)
                .param("picture_category_name", "new folder"));
        assertThat(byName.getPictureCategories()).hasSize(1);

        DoneResponse renamed = call(c, t, new PictureRequest<>("taobao.picture.category.update", DoneResponse.class)
                .param("category_id", child.getPictureCategoryId()).param("category_name", "renamed").param("parent_id", 0));
        assertThat(renamed.getDone()).as(renamed.getBody()).isTrue();
        DoneResponse moveLevel1 = call(c, t, new PictureRequest<>("taobao.picture.category.update", DoneResponse.class)
                .param("category_id", top.getPictureCategoryId()).param("parent_id", child.getPictureCategoryId()));
        assertThat(moveLevel1.isSuccess()).isFalse();

        PictureUploadResponse intoMissing = call(c, t, upload(TestImages.jpeg(10, 10), "x.jpg", 424242));
        assertThat(intoMissing.getSubCode()).isEqualTo("isv.pictureServiceClient-service-error:CATEGORY_NOTEXIST");
        assertThat(t.reload().usedBytes()).isZero();
    }

    @Test
    void userInfoReportsSpaceExpiryAndWatermark() throws Exception {
        var t = fx.tenant("space", 30L << 20, 1L << 30);
        fx.picspace.metadata().updateQuota(t.tenant.id(), 30L << 20, 1L << 30, java.time.LocalDate.of(2011, 9, 5));
        String wm = "false|null|true|0.8|null|16|false|false|false|255,255,255|0|false|-0.21,-0.13|http://img02.taobaocdn.com/imgextra/i2/12345644/T2DFOjdooxX_!!12345644.jpg|3";
        fx.picspace.metadata().updateWatermark(t.tenant.id(), dev.picspace.domain.Watermark.parse(wm));
        for (String format : List.of("json", "xml")) {
            UserInfoGetResponse r = call(t.client(format, "hmac"), t, new PictureRequest<>("taobao.picture.userinfo.get", UserInfoGetResponse.class));
            assertThat(r.isSuccess()).as(r.getBody()).isTrue();
            var u = r.getUserInfo();
            assertThat(u.getOrderSpace()).isEqualTo("30M");
            assertThat(u.getFreeSpace()).isEqualTo("1G");
            assertThat(u.getAvailableSpace()).isEqualTo("1G"); // 1.029G, one decimal, rounded down
            assertThat(u.getUsedSpace()).isEqualTo("0K");
            assertThat(u.getOrderExpiryDate()).isEqualTo("2011年9月5日");
            assertThat(u.getWaterMark()).isEqualTo(wm);
        }
        var fresh = fx.tenant("space-fresh", 0, 10 << 20);
        UserInfoGetResponse r = call(fresh.client(), fresh, new PictureRequest<>("taobao.picture.userinfo.get", UserInfoGetResponse.class));
        assertThat(r.getUserInfo().getWaterMark()).isEmpty();
        assertThat(r.getUserInfo().getRemainingSpace()).isEqualTo("10M");
    }

    @Test
    void badImagesAreRefusedAndNothingIsStoredOrCharged() throws Exception {
        var t = fx.tenant("hostile", 50 << 20, 0);
        var c = t.client();
        byte[] good = TestImages.jpeg(300, 200);
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("truncated.jpg", TestImages.truncated(good, good.length / 2));
        byte[] corrupt = TestImages.png(50, 50).clone();
        corrupt[40] ^= 0x5a;
        bad.put("corrupt.png", corrupt);
        bad.put("empty.jpg", new byte[0]);
        bad.put("page.png", "<html><body>not an image</body></html>".getBytes());
        bad.put("bomb.png", TestImages.pngDeclaring(50000, 50000));
        bad.put("huge.jpg", TestImages.noisyJpeg(2600, 1800, 1)); // > 2M limit of this server
        byte[] body = new byte[3_600_000]; // over the whole request-body limit (max-bytes + 1M)
        new java.util.Random(9).nextBytes(body);
        bad.put("body-too-large.jpg", body);
        long blobsBefore = countBlobs();
        for (var e : bad.entrySet()) {
            PictureUploadResponse r = call(c, t, upload(e.getValue(), e.getKey(), 0));
            assertThat(r.isSuccess()).as(e.getKey() + ": " + r.getBody()).isFalse();
            assertThat(r.getErrorCode()).as(e.getKey()).isEqualTo("15");
            assertThat(r.getSubCode()).as(e.getKey()).startsWith("isv.invalid-parameter");
            assertThat(r.getSubMsg()).as(e.getKey()).isNotBlank();
        }
        assertThat(t.reload().usedBytes()).isZero();
        assertThat(countBlobs()).isEqualTo(blobsBefore);
        PictureGetResponse list = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
        assertThat(list.getTotalResults()).isZero();
    }

    long countBlobs() throws Exception {
        Path dir = data.resolve("blobs");
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).count();
        }
    }

    @Test
    void quotaIsEnforcedAtTheEdge() throws Exception {
        byte[] img = TestImages.jpeg(64, 64);
        var t = fx.tenant("edge", 0, img.length * 2L);
        var c = t.client();
        assertThat(call(c, t, upload(img, "1.jpg", 0)).isSuccess()).isTrue();
        assertThat(call(c, t, upload(img, "2.jpg", 0)).isSuccess()).isTrue(); // exactly fits
        PictureUploadResponse over = call(c, t, upload(img, "3.jpg", 0));
        assertThat(over.getSubCode()).isEqualTo("isv.pictureServiceClient-service-error:PICTURE_OVER_AVAILSPACE");
        assertThat(t.reload().usedBytes()).isEqualTo(img.length * 2L);
        // Same bytes twice: stored once, charged twice (design: Bytes).
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)).getTotalResults()).isEqualTo(2L);
    }

    @Test
    void uploadWithPictureIdReplacesAndPhoneRulesHold() throws Exception {
        var t = fx.tenant("modern-replace", 10 << 20, 0);
        var c = t.client();
        Picture p = call(c, t, upload(TestImages.jpeg(100, 100, 1), "orig.jpg", 0)).getPicture();
        byte[] newer = TestImages.jpeg(150, 120, 2);
        Picture again = call(c, t, upload(newer, "new.jpg", 0).param("picture_id", p.getPictureId())).getPicture();
        assertThat(again.getPictureId()).isEqualTo(p.getPictureId());
        assertThat(again.getPixel()).isEqualTo("150x120");
        assertThat(again.getTitle()).isEqualTo("orig"); // a replace keeps the name (top.md §5.7)
        assertThat(get(again.getPicturePath()).body()).isEqualTo(newer);
        assertThat(t.reload().usedBytes()).isEqualTo(newer.length);

        PictureUploadResponse phoneOk = call(c, t, upload(TestImages.jpeg(500, 900), "p.jpg", 0).param("client_type", "client:phone"));
        assertThat(phoneOk.isSuccess()).as(phoneOk.getBody()).isTrue();
        assertThat(phoneOk.getPicture().getClientType()).isEqualTo("client:phone");
        PictureUploadResponse phoneWide = call(c, t, upload(TestImages.jpeg(700, 400), "w.jpg", 0).param("client_type", "client:phone"));
        assertThat(phoneWide.getSubCode()).isEqualTo("isv.invalid-parameter:img");
        PictureGetResponse phones = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("client_type", "client:phone"));
        assertThat(phones.getTotalResults()).isEqualTo(1L);
    }

    @Test
    void duplicateTitlesGetANumber() throws Exception {
        var t = fx.tenant("titles", 10 << 20, 0);
        var c = t.client();
        assertThat(call(c, t, upload(TestImages.jpeg(20, 20, 1), "same.jpg", 0)).getPicture().getTitle()).isEqualTo("same");
        assertThat(call(c, t, upload(TestImages.jpeg(20, 20, 2), "same.jpg", 0)).getPicture().getTitle()).isEqualTo("same(1)");
        assertThat(call(c, t, upload(TestImages.jpeg(20, 20, 3), "same.jpg", 0)).getPicture().getTitle()).isEqualTo("same(2)");
    }

    @Test
    void aSessionOnlySeesItsOwnTenant() throws Exception {
        var a = fx.tenant("owner-a", 10 << 20, 0);
        var b = fx.tenant("owner-b", 10 << 20, 0);
        Picture p = call(a.client(), a, upload(TestImages.jpeg(30, 30), "mine.jpg", 0)).getPicture();
        PictureGetResponse seenByB = call(b.client(), b, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("picture_id", p.getPictureId()));
        assertThat(seenByB.getTotalResults()).isZero();
        SuccessResponse del = call(b.client(), b, new PictureRequest<>("taobao.picture.delete", SuccessResponse.class)
                .param("picture_ids", p.getPictureId()));
        assertThat(del.isSuccess()).isFalse();
        // A's app key with B's session: invalid session.
        PictureGetResponse mixed = a.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class), b.creds.session());
        assertThat(mixed.getErrorCode()).isEqualTo("27");
        assertThat(a.reload().usedBytes()).isPositive();
    }

    @Test
    void protocolErrorsUseThePlatformCodes() throws Exception {
        var t = fx.tenant("proto", 10 << 20, 0);
        DefaultTaobaoClient wrongSecret = new DefaultTaobaoClient(fx.topUrl(), t.creds.appKey(), "not-the-secret", "json");
        assertThat(wrongSecret.execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class), t.creds.session())
                .getErrorCode()).isEqualTo("25");
        DefaultTaobaoClient unknownKey = new DefaultTaobaoClient(fx.topUrl(), "99999999", "x", "json");
        assertThat(unknownKey.execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class), t.creds.session())
                .getErrorCode()).isEqualTo("29");
        PictureRequest<PictureGetResponse> stale = new PictureRequest<>("taobao.picture.get", PictureGetResponse.class);
        stale.setTimestamp(System.currentTimeMillis() - 11 * 60_000L);
        assertThat(t.client().execute(stale, t.creds.session()).getErrorCode()).isEqualTo("31");
        assertThat(t.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)).getErrorCode()).isEqualTo("26");
        assertThat(t.client().execute(new PictureRequest<>("taobao.picture.get", PictureGetResponse.class), "bogus").getErrorCode()).isEqualTo("27");
        PictureGetResponse noMethod = t.client().execute(new PictureRequest<>("taobao.picture.nosuch", PictureGetResponse.class), t.creds.session());
        assertThat(noMethod.getErrorCode()).isEqualTo("22");
        PictureUploadResponse noImg = call(t.client(), t, new PictureRequest<>("taobao.picture.upload", PictureUploadResponse.class)
                .param("picture_category_id", 0).param("image_input_title", "x.jpg"));
        assertThat(noImg.getErrorCode()).isEqualTo("40");

        // Raw HTTP: always 200, error_response in the asked format, XML by default.
        HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(fx.topUrl() + "?method=taobao.picture.get")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).contains("<error_response>").contains("<code>28</code>");
        HttpResponse<String> rawJson = http.send(HttpRequest.newBuilder(URI.create(fx.topUrl() + "?format=json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(rawJson.body()).startsWith("{\"error_response\":{\"code\":21");
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(fx.topUrl() + "?format=json"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).contains("\"code\":9");
    }

    @Test
    void everyMethodRefusesBadArgumentsAndChangesNothing() throws Exception {
        var t = fx.tenant("refusals", 10 << 20, 0);
        var c = t.client();
        byte[] original = TestImages.jpeg(60, 40, 5);
        Picture p = call(c, t, upload(original, "keep.jpg", 0)).getPicture();
        long used = t.reload().usedBytes();

        assertThat(call(c, t, new PictureRequest<>("taobao.picture.update", DoneResponse.class)
                .param("picture_id", p.getPictureId()).param("new_name", "x".repeat(51))).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.update", DoneResponse.class)
                .param("picture_id", p.getPictureId())).getErrorCode()).isEqualTo("40");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.replace", DoneResponse.class)
                .param("picture_id", 12345).file("image_data", "r.jpg", TestImages.jpeg(10, 10))).getSubCode())
                .isEqualTo("isv.pictureServiceClient-service-error:PICTURE_NOT_EXIST");
        byte[] broken = TestImages.truncated(TestImages.jpeg(80, 80, 6), 300);
        DoneResponse badReplace = call(c, t, new PictureRequest<>("taobao.picture.replace", DoneResponse.class)
                .param("picture_id", p.getPictureId()).file("image_data", "r.jpg", broken));
        assertThat(badReplace.getSubCode()).isEqualTo("isv.invalid-parameter:img");
        assertThat(get(p.getPicturePath()).body()).isEqualTo(original); // the old bytes are still the picture
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.replace", DoneResponse.class)
                .param("picture_id", p.getPictureId())).getErrorCode()).isEqualTo("40");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.isreferenced.get", IsReferencedResponse.class)
                .param("picture_id", 999)).getSubCode()).isEqualTo("isv.pictureServiceClient-service-error:PICTURE_NOT_EXIST");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.isreferenced.get", IsReferencedResponse.class)
                .param("picture_id", "abc")).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.pictures.get", PicturePicturesGetResponse.class)
                .param("page_size", 0)).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.pictures.count", PicturePicturesCountResponse.class)
                .param("start_date", "yesterday")).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("deleted", "maybe")).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class)
                .param("client_type", "client:tv")).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.delete", SuccessResponse.class)
                .param("picture_ids", "1,two")).getErrorCode()).isEqualTo("41");
        String ids101 = String.join(",", java.util.Collections.nCopies(101, String.valueOf(p.getPictureId())));
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.delete", SuccessResponse.class)
                .param("picture_ids", ids101)).getErrorCode()).isEqualTo("41");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.changecategory", DoneResponse.class)
                .param("picture_ids", p.getPictureId())).getErrorCode()).isEqualTo("40");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.category.update", DoneResponse.class)
                .param("category_id", 777).param("category_name", "x")).getSubCode())
                .isEqualTo("isv.pictureServiceClient-service-error:CATEGORY_NOTEXIST");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)).getErrorCode())
                .isEqualTo("40");
        assertThat(call(c, t, new PictureRequest<>("taobao.picture.category.add", CategoryAddResponse.class)
                .param("picture_category_name", "orphan").param("parent_id", 888)).getSubCode())
                .isEqualTo("isv.pictureServiceClient-service-error:CATEGORY_NOTEXIST");
        assertThat(call(c, t, upload(TestImages.jpeg(10, 10), "x.jpg", 0).param("client_type", "client:tv")).getSubCode())
                .isEqualTo("isv.invalid-parameter:client_type");

        assertThat(t.reload().usedBytes()).isEqualTo(used);
        PictureGetResponse all = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
        assertThat(all.getTotalResults()).isEqualTo(1L);
        assertThat(all.getPictures().get(0).getTitle()).isEqualTo("keep");
    }

    @Test
    void emptyListsParseInBothFormats() throws Exception {
        var t = fx.tenant("empty", 10 << 20, 0);
        for (String format : List.of("xml", "json")) {
            PictureGetResponse r = call(t.client(format, "md5"), t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
            assertThat(r.isSuccess()).as(r.getBody()).isTrue();
            assertThat(r.getPictures()).isNullOrEmpty();
            assertThat(r.getTotalResults()).isZero();
            CategoryGetResponse c = call(t.client(format, "md5"), t, new PictureRequest<>("taobao.picture.category.get", CategoryGetResponse.class)
                    .param("parent_id", 12345));
            assertThat(c.isSuccess()).as(c.getBody()).isTrue();
            assertThat(c.getPictureCategories()).isNullOrEmpty();
        }
    }

    @Test
    void simplifiedJson() throws Exception {
        var t = fx.tenant("simple", 10 << 20, 0);
        DefaultTaobaoClient c = t.client();
        c.setUseSimplifyJson(true);
        call(t.client(), t, upload(TestImages.jpeg(10, 12), "s.jpg", 0));
        PictureGetResponse r = call(c, t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
        assertThat(r.isSuccess()).as(r.getBody()).isTrue();
        assertThat(r.getBody()).startsWith("{\"pictures\":[");
        assertThat(r.getPictures()).hasSize(1);
        assertThat(r.getTotalResults()).isEqualTo(1L);
    }

    @Test
    void healthAndMetrics() throws Exception {
        assertThat(get(fx.base() + "/healthz").statusCode()).isEqualTo(200);
        var t = fx.tenant("metered", 10 << 20, 0);
        call(t.client(), t, new PictureRequest<>("taobao.picture.get", PictureGetResponse.class));
        String metrics = new String(get(fx.base() + "/metrics").body());
        assertThat(metrics).contains("picspace_requests_seconds_count{dialect=\"top\",method=\"taobao.picture.get\",outcome=\"ok\"}");
        assertThat(metrics).contains("picspace_requests_seconds_bucket");
        assertThat(get(fx.base() + "/nothing-here").statusCode()).isEqualTo(404);
    }
}
