package dev.picspace.gateway.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.picspace.domain.ImageFormat;
import dev.picspace.domain.ImageOperation;
import dev.picspace.domain.ImageOperation.Gravity;
import dev.picspace.domain.ImageOperation.ResizeMode;
import dev.picspace.gateway.serve.TransformRequest.Convention;

/** Both URL conventions into operations: what is accepted, what it means, what is refused, and normalisation. */
class TransformRequestTest {
    static final String TOKEN = "0123456789abcdef0123";
    static final String JPG = "/i/" + TOKEN + ".jpg";
    static final TransformLimits LIMITS = TransformLimits.DEFAULTS;

    static TransformRequest parse(String path, String query) {
        return TransformRequest.parse(path, query, LIMITS).orElseThrow();
    }

    /** The normalised chain for a JPEG source, with watermark images resolved to "blob-of-<key>". */
    static List<ImageOperation> ops(String path, String query) {
        return TransformRequest.normalise(parse(path, query).resolve(k -> Optional.of("blob-of-" + k)), ImageFormat.JPEG);
    }

    static List<ImageOperation> oss(String process) { return ops(JPG, "x-oss-process=" + process); }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static void refused(String path, String query, Convention convention, String messagePart) {
        assertThatThrownBy(() -> TransformRequest.parse(path, query, LIMITS))
                .isInstanceOf(InvalidTransformException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((InvalidTransformException) e).convention()).isEqualTo(convention));
    }

    static void ossRefused(String process, String messagePart) {
        refused(JPG, "x-oss-process=" + process, Convention.OSS, messagePart);
    }

    static final ImageOperation ORIENT = new ImageOperation.AutoOrient(true);

    static ImageOperation fit(int w, int h) {
        return new ImageOperation.Resize(ResizeMode.LFIT, w, h, 0, 0, 0, false, 0);
    }

    static ImageOperation format(ImageFormat f) { return new ImageOperation.Format(f); }

    // ------------------------------------------------------------------ picture paths

    @Test
    void aPlainPictureUrlHasNoTransform() {
        TransformRequest r = parse(JPG, null);
        assertThat(r.base()).isEqualTo(new PictureUrl(TOKEN, "jpg"));
        assertThat(r.transforms()).isFalse();
        assertThat(r.convention()).isEqualTo(Convention.NONE);
        assertThat(r.variant()).isEmpty();
        // other query parameters (cache busters, signatures) are someone else's and change nothing here
        assertThat(parse(JPG, "v=3&auth_key=1-0-0-abc").variant()).isEmpty();
    }

    @Test
    void pathsThatAreNotPicturesAreNotFoundRatherThanRefused() {
        for (String path : List.of("/i/", "/i/" + TOKEN, "/i/" + TOKEN + ".tif_90x90.jpg", "/i/XYZ" + TOKEN.substring(3) + ".jpg_90x90.jpg",
                "/i/" + TOKEN + "_90x90.jpg", "/x/" + TOKEN + ".jpg_90x90.jpg"))
            assertThat(TransformRequest.parse(path, null, LIMITS)).as(path).isEmpty();
    }

    // ------------------------------------------------------------------ Taobao suffixes

    @Test
    void taobaoSizeSuffixesFitInsideTheBoxWithoutUpscalingInTheSuffixFormat() {
        assertThat(ops(JPG + "_90x90.jpg", null)).containsExactly(ORIENT, fit(90, 90), format(ImageFormat.JPEG));
        assertThat(ops(JPG + "_.webp", null)).containsExactly(ORIENT, format(ImageFormat.WEBP));
        assertThat(ops(JPG + "_Q90.jpg", null)).containsExactly(ORIENT, new ImageOperation.Quality(90, false), format(ImageFormat.JPEG));
        assertThat(ops(JPG + "_180x180q90.jpg", null))
                .containsExactly(ORIENT, fit(180, 180), new ImageOperation.Quality(90, false), format(ImageFormat.JPEG));
        assertThat(ops(JPG + "_180x180xz.jpg", null))
                .containsExactly(ORIENT, new ImageOperation.Resize(ResizeMode.FILL, 180, 180, 0, 0, 0, false, 0), format(ImageFormat.JPEG));
        // chained: left to right; the last extension is the format
        assertThat(ops(JPG + "_310x310.jpg_.webp", null)).containsExactly(ORIENT, fit(310, 310), format(ImageFormat.WEBP));
        assertThat(ops(JPG + "_Q90.jpg_.webp", null))
                .containsExactly(ORIENT, new ImageOperation.Quality(90, false), format(ImageFormat.WEBP));
        assertThat(ops(JPG + "_4096x1.png", null)).containsExactly(ORIENT, fit(4096, 1), format(ImageFormat.PNG));
        assertThat(parse(JPG + "_90x90.jpg", null).convention()).isEqualTo(Convention.TAOBAO);
        assertThat(parse(JPG + "_90x90.jpg", null).variant()).isEqualTo("_90x90.jpg");
    }

    @Test
    void badTaobaoSuffixesAreRefusedInPlainText() {
        refused(JPG + "_0x90.jpg", null, Convention.TAOBAO, "within 1..4096");
        refused(JPG + "_4097x90.jpg", null, Convention.TAOBAO, "within 1..4096");
        refused(JPG + "_90x90q0.jpg", null, Convention.TAOBAO, "quality");
        refused(JPG + "_90x90q101.jpg", null, Convention.TAOBAO, "quality");
        refused(JPG + "_sum.jpg", null, Convention.TAOBAO, "not a size suffix");
        refused(JPG + "_90x90.tif", null, Convention.TAOBAO, "not a size suffix");
        refused(JPG + "_90x90", null, Convention.TAOBAO, "not a size suffix");
        refused(JPG + "_90x90.jpg%2e%2e", null, Convention.TAOBAO, "not a size suffix");
        refused(JPG + "_90x90.jpg/../x", null, Convention.TAOBAO, "not a size suffix");
        refused(JPG + "_.webp_.webp_.webp_.webp_.webp", null, Convention.TAOBAO, "at most 4");
        refused(JPG + "_90x90.jpg", "x-oss-process=image/resize,w_10", Convention.OSS, "not both");
    }

    // ------------------------------------------------------------------ OSS

    @Test
    void ossResizeFillsInDefaultsAndIgnoresParameterOrder() {
        List<ImageOperation> expected = List.of(ORIENT, fit(100, 100), format(ImageFormat.JPEG));
        assertThat(oss("image/resize,w_100,h_100")).isEqualTo(expected);
        assertThat(oss("image/resize,h_100,w_100,m_lfit,limit_1")).isEqualTo(expected);
        assertThat(oss("image/resize,w_100,h_100/format,jpg")).isEqualTo(expected);
        // …and equal to the Taobao spelling of the same thing: one cache key
        assertThat(ImageOperation.cacheKey(ops(JPG + "_100x100.jpg", null))).isEqualTo(ImageOperation.cacheKey(expected));

        assertThat(oss("image/resize,l_200")).containsExactly(ORIENT,
                new ImageOperation.Resize(ResizeMode.LFIT, 0, 0, 200, 0, 0, false, 0), format(ImageFormat.JPEG));
        assertThat(oss("image/resize,m_pad,w_50,h_60")).containsExactly(ORIENT,
                new ImageOperation.Resize(ResizeMode.PAD, 50, 60, 0, 0, 0, false, 0xFFFFFF), format(ImageFormat.JPEG));
        assertThat(oss("image/resize,m_pad,w_50,h_60,color_ff0000")).containsExactly(ORIENT,
                new ImageOperation.Resize(ResizeMode.PAD, 50, 60, 0, 0, 0, false, 0xFF0000), format(ImageFormat.JPEG));
        assertThat(oss("image/resize,m_fixed,w_50,h_60,limit_0")).containsExactly(ORIENT,
                new ImageOperation.Resize(ResizeMode.FIXED, 50, 60, 0, 0, 0, true, 0), format(ImageFormat.JPEG));
        assertThat(oss("image/resize,p_50")).containsExactly(ORIENT,
                new ImageOperation.Resize(ResizeMode.LFIT, 0, 0, 0, 0, 50, false, 0), format(ImageFormat.JPEG));
    }

    @Test
    void ossOperationsMapOneToOneAndOutputSettingsGoLast() {
        assertThat(oss("image/crop,x_10,y_20,w_30,h_40,g_se")).containsExactly(ORIENT,
                new ImageOperation.Crop(10, 20, 30, 40, Gravity.SE), format(ImageFormat.JPEG));
        assertThat(oss("image/rotate,90/auto-orient,0")).containsExactly(new ImageOperation.AutoOrient(false),
                new ImageOperation.Rotate(90), format(ImageFormat.JPEG));
        assertThat(oss("image/format,png/quality,Q_80/resize,w_10/interlace,1")).containsExactly(ORIENT, fit(10, 0),
                new ImageOperation.Format(ImageFormat.PNG));  // quality means nothing for PNG: dropped
        assertThat(oss("image/quality,q_80/interlace,1/format,webp")).containsExactly(ORIENT,
                new ImageOperation.Quality(80, false), format(ImageFormat.WEBP)); // interlace is progressive JPEG only
        assertThat(oss("image/interlace,1/quality,q_80")).containsExactly(ORIENT,
                new ImageOperation.Quality(80, false), new ImageOperation.Interlace(true), format(ImageFormat.JPEG));
        assertThat(oss("image/quality,Q_70/quality,q_60")).containsExactly(ORIENT,
                new ImageOperation.Quality(60, false), format(ImageFormat.JPEG)); // the last one wins
        // no-ops go, so that they do not make a second copy of the same picture
        assertThat(oss("image/rotate,0/rotate,360/crop,x_0,y_0")).containsExactly(ORIENT, format(ImageFormat.JPEG));
        assertThat(oss("image/info")).containsExactly(ORIENT, new ImageOperation.Info());
        assertThat(oss("image/auto-orient,0/info")).containsExactly(new ImageOperation.AutoOrient(false), new ImageOperation.Info());
        assertThat(TransformRequest.isInfo(oss("image/info"))).isTrue();
    }

    @Test
    void ossWatermarksDecodeTheirBase64AndResolveImagesThroughTheCaller() {
        List<ImageOperation> text = oss("image/watermark,text_" + b64("Hello, 世界") + ",color_FF0000,size_30,t_50,g_nw,x_5,y_6,rotate_360");
        assertThat(text).containsExactly(ORIENT, new ImageOperation.Watermark(50, Gravity.NW, 5, 6, 0, "Hello, 世界", null, 30,
                0xFF0000, false, false, false, 0, 0, false, null, 0), format(ImageFormat.JPEG));
        // the default font, named, is the same as no font
        assertThat(oss("image/watermark,text_" + b64("a") + ",type_d3F5LXplbmhlaQ"))
                .isEqualTo(oss("image/watermark,text_" + b64("a")));
        assertThat(((ImageOperation.Watermark) oss("image/watermark,text_" + b64("a") + ",type_" + b64("fangzhengheiti")).get(1)).font())
                .isEqualTo("fangzhengheiti");

        List<ImageOperation> image = oss("image/watermark,image_" + b64("i/" + TOKEN + ".png") + ",P_30");
        assertThat(image.get(1)).isEqualTo(new ImageOperation.Watermark(100, Gravity.SE, 10, 10, 0, null, null, 0, 0,
                false, false, false, 0, 0, false, "blob-of-i/" + TOKEN + ".png", 30));
        // OSS's own spelling of the scale, inside the object key
        assertThat(oss("image/watermark,image_" + b64("i/" + TOKEN + ".png?x-oss-process=image/resize,P_30"))).isEqualTo(image);

        TransformRequest r = parse(JPG, "x-oss-process=image/watermark,image_" + b64("elsewhere.png"));
        assertThatThrownBy(() -> r.resolve(k -> Optional.empty()))
                .isInstanceOf(InvalidTransformException.class).hasMessageContaining("not a picture of this picture space");
    }

    @Test
    void ossRefusesWhatItDoesNotKnowOrWhatIsOutOfRange() {
        ossRefused("image/blur,r_3,s_2", "not supported");
        ossRefused("image/frobnicate,x_1", "unknown operation 'frobnicate'");
        ossRefused("image/resize,w_100,z_3", "unknown parameter 'z'");
        ossRefused("image/resize,w_0", "within 1..4096");
        ossRefused("image/resize,w_4097", "within 1..4096");
        ossRefused("image/resize,w_1e3", "whole number");
        ossRefused("image/resize,w_+5", "whole number");
        ossRefused("image/resize,w_10,w_20", "given twice");
        ossRefused("image/resize,m_cover,w_10", "m must be");
        ossRefused("image/resize,m_fill,w_10", "needs both w and h");
        ossRefused("image/resize,p_10,w_10", "cannot be combined");
        ossRefused("image/resize,p_1001", "within 1..1000");
        ossRefused("image/resize,w_10,color_FF0000", "only applies to m_pad");
        ossRefused("image/resize,m_pad,w_10,h_10,color_red", "RRGGBB");
        ossRefused("image/resize", "needs w, h, l, s or p");
        ossRefused("image/crop,x_-1", "whole number");
        ossRefused("image/crop,g_middle", "g must be");
        ossRefused("image/rotate,361", "within 0..360");
        ossRefused("image/rotate", "takes one value");
        ossRefused("image/auto-orient,2", "within 0..1");
        ossRefused("image/quality,q_0", "within 1..100");
        ossRefused("image/quality,q_50,Q_50", "exactly one");
        ossRefused("image/format,tiff", "not supported");
        ossRefused("image/format,jpeg", "format must be");
        ossRefused("image/info/resize,w_10", "last");
        ossRefused("image/resize,w_10/info", "only auto-orient");
        ossRefused("image/watermark,t_50", "needs text or image");
        ossRefused("image/watermark,text_" + b64("x".repeat(65)), "more than 64");
        ossRefused("image/watermark,text_a+b", "not URL-safe Base64");
        ossRefused("image/watermark,text_" + b64("a") + ",order_1", "not supported");
        ossRefused("image/watermark,image_" + b64("a.png") + ",size_20", "applies to a text watermark");
        ossRefused("image/watermark,image_" + b64("a.png?x-oss-process=image/blur,r_1"), "only be");
        ossRefused("image/watermark,text_" + b64("a") + ",t_101", "within 0..100");
        ossRefused("image/watermark,text_" + b64("a") + ",voffset_-1001", "within -1000..1000");
        ossRefused("image/", "empty operation");
        ossRefused("image/resize,w_10//format,png", "empty operation");
        ossRefused("style/thumb", "styles");
        ossRefused("video/snapshot,t_1", "must start with image/");
        ossRefused("image/" + "rotate,90/".repeat(16) + "rotate,90", "at most 16");
        refused(JPG, "x-oss-process=image/resize,w_10&x-oss-process=image/resize,w_20", Convention.OSS, "twice");
        refused(JPG, "x-oss-process=image/resize%2Cw_%ZZ", Convention.OSS, "percent-encoding");
    }

    @Test
    void theQueryIsPercentDecoded() {
        assertThat(oss("image%2Fresize%2Cw_100")).isEqualTo(oss("image/resize,w_100"));
        assertThat(parse(JPG, "x-oss-process=image%2Fresize%2Cw_100").variant()).isEqualTo("?x-oss-process=image/resize,w_100");
    }

    @Test
    void ownerLinksServeOriginalsOnly() {
        assertThat(parse(JPG, "original=123-abc").owner()).isEqualTo("123-abc");
        refused(JPG + "_90x90.jpg", "original=123-abc", Convention.TAOBAO, "original only");
    }

    @Test
    void ownerLinkSignaturesAreCheckedForPathSecretAndTime() {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        long expires = now.getEpochSecond() + 3600;
        String v = OwnerLinks.sign(JPG, expires, "secret");
        assertThat(OwnerLinks.verify(JPG, v, "secret", now)).isTrue();
        assertThat(OwnerLinks.verify(JPG, v, "other", now)).isFalse();
        assertThat(OwnerLinks.verify("/i/" + TOKEN + ".png", v, "secret", now)).isFalse();
        assertThat(OwnerLinks.verify(JPG, v, "secret", now.plusSeconds(3601))).isFalse();
        assertThat(OwnerLinks.verify(JPG, OwnerLinks.sign(JPG, now.getEpochSecond() + 8 * 24 * 3600, "secret"), "secret", now)).isFalse();
        assertThat(OwnerLinks.verify(JPG, v.substring(0, v.length() - 1) + "0", "secret", now)).isFalse();
        assertThat(OwnerLinks.verify(JPG, "garbage", "secret", now)).isFalse();
        assertThat(OwnerLinks.verify(JPG, null, "secret", now)).isFalse();
    }
}
