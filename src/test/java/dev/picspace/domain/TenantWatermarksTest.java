package dev.picspace.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TenantWatermarksTest {
    static ImageOperation.Watermark only(List<ImageOperation> ops) {
        assertThat(ops).hasSize(1);
        return (ImageOperation.Watermark) ops.get(0);
    }

    @Test
    void theSeedSettingWithItsImageBecomesARelativeCentredImageMark() {
        Watermark seed = Watermark.parse(WatermarkTest.SEED);
        // text is null in the seed, so the image is drawn even though text comes first
        ImageOperation.Watermark w = only(TenantWatermarks.fromTenantSetting(seed, "blob-key"));
        assertThat(w.imageBlobKey()).isEqualTo("blob-key");
        assertThat(w.text()).isNull();
        assertThat(w.gravity()).isEqualTo(ImageOperation.Gravity.CENTER);
        assertThat(w.relative()).isTrue();
        assertThat(w.x()).isEqualTo(-210);
        assertThat(w.y()).isEqualTo(-130);
        assertThat(w.opacity()).isEqualTo(80);
        assertThat(w.canonical()).endsWith(",rel_1");
    }

    @Test
    void textFirstChoosesBetweenTextAndImage() {
        String both = "true|店铺|%s|0.5|宋体|24|true|true|true|0,128,255|405|true|0.1,-0.9|http://x/y.jpg|2";
        ImageOperation.Watermark text = only(TenantWatermarks.fromTenantSetting(Watermark.parse(both.formatted("true")), "k"));
        assertThat(text.text()).isEqualTo("店铺");
        assertThat(text.imageBlobKey()).isNull();
        assertThat(text.font()).isEqualTo("宋体");
        assertThat(text.fontSize()).isEqualTo(24);
        assertThat(text.color()).isEqualTo(0x0080FF);
        assertThat(text.bold() && text.italic() && text.underline()).isTrue();
        assertThat(text.shadow()).isEqualTo(TenantWatermarks.SHADOW);
        assertThat(text.rotate()).isEqualTo(45);
        assertThat(text.opacity()).isEqualTo(50);
        // bottom-right reference: distances in from the corner, signs dropped
        assertThat(text.gravity()).isEqualTo(ImageOperation.Gravity.SE);
        assertThat(text.x()).isEqualTo(100);
        assertThat(text.y()).isEqualTo(900);

        ImageOperation.Watermark image = only(TenantWatermarks.fromTenantSetting(Watermark.parse(both.formatted("false")), "k"));
        assertThat(image.imageBlobKey()).isEqualTo("k");
        assertThat(image.text()).isNull();
        // an image URL that did not resolve leaves the text
        assertThat(only(TenantWatermarks.fromTenantSetting(Watermark.parse(both.formatted("false")), null)).text()).isEqualTo("店铺");
    }

    @Test
    void nothingToDrawGivesNoOperation() {
        assertThat(TenantWatermarks.fromTenantSetting(null, "k")).isEmpty();
        assertThat(TenantWatermarks.fromTenantSetting(Watermark.parse(WatermarkTest.SEED), null)).isEmpty();
    }

    @Test
    void theOssConstructorKeepsItsCanonicalForm() {
        ImageOperation.Watermark oss = new ImageOperation.Watermark(90, ImageOperation.Gravity.SE, 10, 10, 0, "a", null, 40, 0,
                false, false, false, 0, 0, false, null, 0);
        assertThat(oss.relative()).isFalse();
        assertThat(oss.canonical()).doesNotContain("rel_");
        ImageEngine.Rendition r = new ImageEngine.Rendition(new byte[0], ImageFormat.PNG, "image/png", 1, 1);
        assertThat(r.frames()).isEqualTo(1);
    }
}
